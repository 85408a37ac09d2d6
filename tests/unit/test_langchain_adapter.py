"""The LangChain adapter: LangChain's standard retriever suite, plus what legal users need from
each document (a citation label as `source`, the legal status) and per-call k and filters."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.prompts import PromptTemplate, format_document
from langchain_tests.integration_tests import RetrieversIntegrationTests

import assistant
from assistant import Assistant, LegalRetriever, Settings
from fakes import FAKE_THRESHOLDS, FakeEmbeddings, write_corpus


@functools.cache
def _hybrid():
    """A hybrid retriever over the small synthetic corpus, built once for the standard suite."""
    folder = Path(tempfile.mkdtemp(prefix="legal-assistant-lc-"))
    bot = Assistant(Settings(corpus_dir=write_corpus(folder / "corpus"), data_dir=folder / "data", **FAKE_THRESHOLDS),
                    embeddings=FakeEmbeddings())
    bot.ingest(progress=False)
    return bot.retriever


class TestLegalRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[LegalRetriever]:
        return LegalRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"retriever": _hybrid(), "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return "fine for living without registration"


def test_legal_retriever_is_exported_from_the_package():
    assert "LegalRetriever" in assistant.__all__ and assistant.LegalRetriever is LegalRetriever


def test_k_given_to_invoke_overrides_the_retrievers_own(fake_assistant):
    retriever = fake_assistant.as_langchain_retriever(k=5)
    assert len(retriever.invoke("seven monthly indicators", k=1)) == 1
    assert len(retriever.invoke("seven monthly indicators")) == 5


def test_filters_given_to_invoke_restrict_the_documents(fake_assistant):
    retriever = fake_assistant.as_langchain_retriever(k=5)
    assert {d.metadata["language"] for d in retriever.invoke("штраф регистрация", language="ru")} == {"ru"}
    assert {d.metadata["doc_id"] for d in retriever.invoke("three months", jurisdiction="EU")} == {"eu-fragment"}
    assert {d.metadata["doc_id"] for d in retriever.invoke("right to move", doc_id="old-charter")} == {"old-charter"}


def test_documents_carry_their_citation_label_as_source_and_their_legal_status(fake_assistant):
    docs = fake_assistant.as_langchain_retriever(k=10).invoke("right to move freely and choose a place of residence")
    old = next(d for d in docs if d.metadata["doc_id"] == "old-charter")
    assert old.metadata["source"] == "Old Charter (1990), Art. 3"
    assert old.metadata["in_force"] is False and old.metadata["superseded_by"] == "new-charter"
    assert old.metadata["jurisdiction"] == "KZ" and old.metadata["authentic"] is True
    assert old.metadata["title"] == "Old Charter"
    # what LangChain's stuff-documents and with-sources chains do with each document
    prompt = PromptTemplate.from_template("{source}: {page_content}")
    assert format_document(old, prompt) == f"Old Charter (1990), Art. 3: {old.page_content}"


def test_documents_are_plain_langchain_documents_with_the_chunk_id(fake_assistant):
    doc = fake_assistant.as_langchain_retriever(k=1).invoke("seven monthly indicators")[0]
    assert isinstance(doc, Document) and doc.id == doc.metadata["chunk_id"] in fake_assistant.index.chunks
