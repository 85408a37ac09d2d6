"""Library errors. Each message says what went wrong and what to do; front doors show it as is."""


class AssistantError(Exception):
    """Base class for every error the package raises on purpose."""


class CorpusFileError(AssistantError):
    """A corpus file that cannot be ingested; the file is skipped, the rest goes on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CorpusNotFound(AssistantError):
    pass


class IndexNotBuilt(AssistantError):
    pass


class EmbeddingBackendMismatch(AssistantError):
    pass


class EmbeddingBackendUnavailable(AssistantError):
    pass


class StoreUnavailable(AssistantError):
    """The Chroma server (LEGAL_ASSISTANT_CHROMA_URL) cannot be reached."""


class EmptyQuestion(AssistantError):
    pass


class LLMUnavailable(AssistantError):
    pass
