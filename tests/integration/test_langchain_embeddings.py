"""LangChain's standard embeddings suites over the real packaged models (e5, MiniLM)."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from assistant.embeddings import E5Embeddings, SentenceTransformerEmbeddings, minilm_path

pytestmark = pytest.mark.integration


class TestE5EmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[E5Embeddings]:
        return E5Embeddings


class TestE5EmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[E5Embeddings]:
        return E5Embeddings


class TestMiniLMEmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[SentenceTransformerEmbeddings]:
        return SentenceTransformerEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"model_path": str(minilm_path()), "name": "minilm"}
