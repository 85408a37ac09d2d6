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


class InvalidInput(AssistantError):
    """A question, history, option or filter the library cannot take (wrong type, too long, not
    valid text, a value the corpus does not have); the message says what is accepted."""


class EmptyQuestion(InvalidInput):
    pass


class InvalidFilter(InvalidInput):
    """A jurisdiction, language or doc_id filter that matches nothing in the corpus; the message
    lists the valid values."""


class InvalidSettings(AssistantError):
    """A settings value (a LEGAL_ASSISTANT_* variable or a keyword given to Assistant()) of the wrong
    type or out of range."""


class DataDirUnusable(AssistantError):
    """The data folder cannot hold an index (it is a file, or cannot be created)."""


class IndexCorrupt(AssistantError):
    """The stored index cannot be read; ``legal-assistant ingest --rebuild`` builds a new one."""


class LLMUnavailable(AssistantError):
    pass
