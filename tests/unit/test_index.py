"""The persistent hybrid index: incremental, idempotent ingest; backend recorded; nothing lost."""

import shutil

import pytest

from assistant import Assistant, Settings
from assistant.errors import EmbeddingBackendMismatch, IndexNotBuilt
from fakes import FAKE_THRESHOLDS, SMALL_CORPUS, FakeEmbeddings


def _bot(tmp_path, corpus, embeddings=None):
    return Assistant(Settings(corpus_dir=corpus, data_dir=tmp_path / "data", **FAKE_THRESHOLDS), embeddings=embeddings or FakeEmbeddings())


def test_first_ingest_adds_every_file_and_embeds_every_chunk(tmp_path, small_corpus):
    embeddings = FakeEmbeddings()
    report = _bot(tmp_path, small_corpus, embeddings).ingest(progress=False)
    assert len(report.added) == len(SMALL_CORPUS)
    assert report.chunks_embedded == report.chunks_total > 0
    assert report.sentences_embedded > 0
    assert sum(len(call) for call in embeddings.calls) == report.chunks_total + report.sentences_embedded


def test_unchanged_corpus_adds_and_embeds_nothing(tmp_path, small_corpus):
    _bot(tmp_path, small_corpus).ingest(progress=False)
    embeddings = FakeEmbeddings()
    report = _bot(tmp_path, small_corpus, embeddings).ingest(progress=False)
    assert report.added == [] and report.updated == [] and report.removed == []
    assert len(report.unchanged) == len(SMALL_CORPUS)
    assert report.chunks_embedded == 0 and embeddings.calls == []


def test_a_changed_file_replaces_only_its_own_chunks(tmp_path, small_corpus):
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    before = dict(bot.index.chunks)
    path = small_corpus / "demo-code.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("a warning", "a fine of five indicators"), encoding="utf-8")
    embeddings = FakeEmbeddings()
    again = _bot(tmp_path, small_corpus, embeddings)
    report = again.ingest(progress=False)
    assert report.updated == ["demo-code.en.md"]
    assert report.chunks_embedded == 1 and report.chunks_deleted == 1
    changed = set(before) ^ set(again.index.chunks)
    assert all(c in before and before[c].doc_id == "demo-code" or again.index.chunks[c].doc_id == "demo-code"
               for c in changed)
    assert again.index.collection.count() == len(again.index.chunks)


def test_a_removed_file_takes_its_chunks_with_it(tmp_path, small_corpus):
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    (small_corpus / "eu-fragment.en.md").unlink()
    again = _bot(tmp_path, small_corpus)
    report = again.ingest(progress=False)
    assert report.removed == ["eu-fragment.en.md"]
    assert all(c.doc_id != "eu-fragment" for c in again.index.chunks.values())
    assert again.index.collection.count() == len(again.index.chunks)
    assert all(hit.chunk.doc_id != "eu-fragment" for hit in again.retrieve("Union citizens three months", k=10))


def test_a_file_that_turns_bad_is_reported_and_its_previous_chunks_kept(tmp_path, small_corpus):
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    (small_corpus / "new-charter.en.md").write_bytes(b"\x00\x00 broken")
    again = _bot(tmp_path, small_corpus)
    report = again.ingest(progress=False)
    assert report.skipped and report.skipped[0][0] == "new-charter.en.md"
    assert any(c.doc_id == "new-charter" for c in again.index.chunks.values())
    assert again.ask("right to move freely and choose a place of residence").status == "answered"


def test_bad_files_do_not_stop_the_rest(tmp_path, small_corpus):
    (small_corpus / "garbage.md").write_bytes(b"\xff\xfe\x00junk")
    report = _bot(tmp_path, small_corpus).ingest(progress=False)
    assert [name for name, _ in report.skipped] == ["garbage.md"]
    assert len(report.added) == len(SMALL_CORPUS)
    assert "skipped garbage.md" in report.summary()


def test_the_index_refuses_to_mix_embedding_backends(tmp_path, small_corpus):
    _bot(tmp_path, small_corpus).ingest(progress=False)

    class Other(FakeEmbeddings):
        name = "other"

    with pytest.raises(EmbeddingBackendMismatch, match="built with the embedding backend 'fake'"):
        _ = _bot(tmp_path, small_corpus, Other()).index


def test_rebuild_starts_over_with_the_new_backend(tmp_path, small_corpus):
    _bot(tmp_path, small_corpus).ingest(progress=False)

    class Other(FakeEmbeddings):
        name = "other"

    report = _bot(tmp_path, small_corpus, Other()).ingest(rebuild=True, progress=False)
    assert len(report.added) == len(SMALL_CORPUS)


def test_asking_before_ingest_names_the_command_that_builds_the_index(tmp_path, small_corpus):
    with pytest.raises(IndexNotBuilt, match="legal-assistant ingest"):
        _bot(tmp_path, small_corpus).ask("What is the fine?")


def test_the_index_persists_across_processes(tmp_path, small_corpus):
    _bot(tmp_path, small_corpus).ingest(progress=False)
    shutil.rmtree(tmp_path / "data" / "bm25")  # the BM25 index is rebuilt from the chunk store when missing
    bot = _bot(tmp_path, small_corpus)
    hits = bot.retrieve("Article 7 fine seven monthly indicators", k=3)
    assert hits and hits[0].chunk.article == "7"


def test_article_references_find_every_paragraph_of_the_article(fake_assistant):
    hits = fake_assistant.retrieve("What does Article 7 say?", k=5)
    assert {h.chunk.article for h in hits if h.reference_match} == {"7"}
    assert hits[0].reference_match


def test_filters_restrict_results(fake_assistant):
    hits = fake_assistant.retrieve("three months residence", k=10, jurisdiction="EU")
    assert hits and {h.chunk.doc_id for h in hits} == {"eu-fragment"}
    assert {h.chunk.language for h in fake_assistant.retrieve("штраф регистрация", k=10, language="ru")} == {"ru"}


def test_a_superseded_weight_prefers_acts_in_force_when_both_match(fake_assistant):
    query = "right to move freely and to choose a place of residence"
    preferring = fake_assistant.configured(weight_superseded=0.05, weight_chunk=0.0)
    assert preferring.retrieve(query, k=2)[0].chunk.doc_id == "new-charter"
    neutral = fake_assistant.configured(weight_superseded=0.0, weight_chunk=0.0)
    assert neutral.retrieve(query, k=2)[0].score >= preferring.retrieve(query, k=2)[0].score


def test_hits_report_each_rankers_rank(fake_assistant):
    hit = fake_assistant.retrieve("fine of thirteen monthly indicators", k=1)[0]
    assert hit.dense_rank is not None and hit.bm25_rank is not None and hit.score > 0


def test_langchain_retriever_adapter_returns_documents(fake_assistant):
    docs = fake_assistant.as_langchain_retriever(k=2).invoke("seven monthly indicators")
    assert len(docs) == 2 and docs[0].metadata["doc_id"] == "demo-code" and docs[0].metadata["article"] == "7"
