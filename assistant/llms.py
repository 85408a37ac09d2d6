"""Chat-model backends for the opt-in LLM mode, all behind LangChain's chat-model interface.

- ``llamacpp``: a local GGUF file through llama-cpp-python (extra ``local-llm``).
- ``openai``: any OpenAI-compatible server by base URL (llama.cpp server, vLLM, LM Studio ...).
- ``ollama``: an Ollama server.
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from .errors import LLMUnavailable
from .settings import Settings

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    """A minimal LangChain chat model over ``llama_cpp.Llama.create_chat_completion``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    temperature: float = 0.0
    max_tokens: int = 400
    n_ctx: int = 4096
    client: Any = None
    lock: Any = None  # one llama.cpp context answers one request at a time

    def model_post_init(self, __context: Any) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMUnavailable("The llamacpp backend needs llama-cpp-python: pip install '.[local-llm]'.") from exc
        self.client = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False, seed=0)
        self.lock = threading.Lock()

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None, **kwargs) -> ChatResult:
        payload = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        with self.lock:
            out = self.client.create_chat_completion(messages=payload, temperature=self.temperature,
                                                     max_tokens=self.max_tokens, stop=stop)
        content = out["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=content))])


def get_chat_model(settings: Settings) -> BaseChatModel:
    backend = settings.llm_backend
    if backend == "llamacpp":
        if not settings.llm_model:
            raise LLMUnavailable("Set LEGAL_ASSISTANT_LLM_MODEL to the path of a GGUF file for the llamacpp backend.")
        return LlamaCppChat(model_path=settings.llm_model, temperature=settings.llm_temperature,
                            max_tokens=settings.llm_max_tokens)
    if backend == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise LLMUnavailable("The openai backend needs langchain-openai: pip install '.[llm]'.") from exc
        if not settings.llm_base_url:
            raise LLMUnavailable("Set LEGAL_ASSISTANT_LLM_BASE_URL to the OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1).")
        return ChatOpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key, model=settings.llm_model or "local",
                          temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
                          timeout=settings.llm_timeout_s, max_retries=1)
    if backend == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise LLMUnavailable("The ollama backend needs langchain-ollama: pip install '.[llm]'.") from exc
        return ChatOllama(base_url=settings.llm_base_url or "http://127.0.0.1:11434", model=settings.llm_model,
                          temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens)
    raise LLMUnavailable(f"Unknown LLM backend {backend!r}: use llamacpp, openai or ollama.")
