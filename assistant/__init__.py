"""Legal assistant over internal-migration law: answers that cite and quote the provisions they rest on."""

from .api import Assistant
from .errors import (
    AssistantError,
    CorpusFileError,
    EmbeddingBackendMismatch,
    EmptyQuestion,
    IndexNotBuilt,
    LLMUnavailable,
    StoreUnavailable,
)
from .langchain_adapter import LegalRetriever
from .settings import Settings
from .types import Answer, Chunk, Citation, Hit, SourceDoc

__version__ = "0.1.0"

__all__ = [
    "Assistant", "Settings", "Answer", "Citation", "Hit", "Chunk", "SourceDoc", "LegalRetriever",
    "AssistantError", "CorpusFileError", "EmbeddingBackendMismatch", "EmptyQuestion", "IndexNotBuilt",
    "LLMUnavailable", "StoreUnavailable", "__version__",
]
