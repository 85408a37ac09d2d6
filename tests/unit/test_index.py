"""The persistent hybrid index: incremental, idempotent ingest; backend recorded; nothing lost."""

import shutil

import pytest

from assistant import Assistant, Settings
from assistant.errors import EmbeddingBackendMismatch, IndexNotBuilt
from fakes import FAKE_THRESHOLDS, SMALL_CORPUS, FakeEmbeddings, free_port


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


def test_the_collection_holds_each_chunks_text_and_full_metadata(fake_assistant):
    got = fake_assistant.index.collection.get(include=["documents", "metadatas"])
    by_id = dict(zip(got["ids"], zip(got["documents"], got["metadatas"])))
    assert set(by_id) == set(fake_assistant.index.chunks)
    for cid, chunk in fake_assistant.index.chunks.items():
        text, meta = by_id[cid]
        assert text == chunk.text
        assert meta["label"] == chunk.label() and meta["short_title"] == chunk.info.short_title
        assert {"jurisdiction", "in_force", "authentic", "superseded_by", "start", "end", "role"} <= set(meta)


def test_nothing_but_the_chroma_store_is_needed_to_answer_and_nothing_is_embedded_again(tmp_path, small_corpus):
    _bot(tmp_path, small_corpus).ingest(progress=False)
    shutil.rmtree(tmp_path / "data" / "bm25")
    (tmp_path / "data" / "vectors.sqlite").unlink()  # the local sentence-vector cache
    (tmp_path / "data" / "ingest.lock").unlink()
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert len(names) == 2 and names[0].startswith("chroma-") and names[1] == "current-store"  # the store and its pointer
    embeddings = FakeEmbeddings()
    assert _bot(tmp_path, small_corpus, embeddings).ask("fine of seven monthly indicators").status == "answered"
    assert embeddings.calls == []  # sentence vectors came from the store; only the query was embedded


def test_an_ingest_by_another_instance_is_seen_without_a_restart(tmp_path, small_corpus):
    reader = _bot(tmp_path, small_corpus)
    reader.ingest(progress=False)
    assert "quota-act" not in {d.doc_id for d in reader.documents()}
    (small_corpus / "quota.en.md").write_text(
        "---\ndoc_id: quota-act\ntitle: Quota Act\njurisdiction: KZ\nlanguage: en\n---\n\n"
        "Article 1. Quota\nSeasonal workers need a quota permit.\n", encoding="utf-8")
    version = reader.index.version
    _bot(tmp_path, small_corpus).ingest(progress=False)  # another instance: its own Index on the same store
    hits = reader.retrieve("seasonal workers quota permit", k=5, doc_id="quota-act")
    assert hits and hits[0].chunk.doc_id == "quota-act" and reader.index.version != version
    assert "quota-act" in {d.doc_id for d in reader.documents()}


def test_a_thread_keeps_its_view_while_another_ingest_lands(tmp_path, small_corpus):
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    index = bot.index
    index.require()
    before = index.chunks
    (small_corpus / "eu-fragment.en.md").unlink()
    _bot(tmp_path, small_corpus).ingest(progress=False)
    assert index.chunks is before  # same view until this thread's next require()
    index.require()
    assert all(c.doc_id != "eu-fragment" for c in index.chunks.values())


def test_an_index_of_the_first_schema_is_upgraded_without_re_embedding(tmp_path, small_corpus):
    """Schema 1 kept texts in chunks.jsonl and only four metadata keys in Chroma."""
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    collection = bot.index.collection
    got = collection.get(include=["embeddings", "metadatas"])
    legacy = [{k: m[k] for k in ("role", "doc_id", "language", "article")} for m in got["metadatas"]]
    collection.delete(ids=got["ids"])
    collection.add(ids=got["ids"], embeddings=got["embeddings"], metadatas=legacy)
    collection.modify(metadata={"embedding_backend": "fake"})
    (tmp_path / "data" / "chunks.jsonl").write_text("{}\n", encoding="utf-8")

    old = _bot(tmp_path, small_corpus)
    with pytest.raises(IndexNotBuilt, match="earlier version.*legal-assistant ingest"):
        old.retrieve("fine", k=1)
    embeddings = FakeEmbeddings()
    report = _bot(tmp_path, small_corpus, embeddings).ingest(progress=False)
    assert report.chunks_embedded == 0 and embeddings.calls == [] and report.chunks_total == len(got["ids"])
    assert not (tmp_path / "data" / "chunks.jsonl").exists()
    assert _bot(tmp_path, small_corpus).ask("fine of seven monthly indicators").status == "answered"


def test_a_chroma_server_that_cannot_be_reached_is_one_clear_error(tmp_path, small_corpus):
    from assistant.errors import StoreUnavailable
    settings = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreUnavailable, match="Cannot reach the Chroma server at http://127.0.0.1:.*chroma run --path"):
        Assistant(settings, embeddings=FakeEmbeddings()).ask("fine")


def test_the_retriever_is_renewed_when_the_index_version_changes(tmp_path, small_corpus):
    bot = _bot(tmp_path, small_corpus)
    bot.ingest(progress=False)
    first = bot.retriever
    assert bot.retriever is first
    (small_corpus / "eu-fragment.en.md").unlink()
    _bot(tmp_path, small_corpus).ingest(progress=False)
    bot.index.require()
    assert bot.retriever is not first


def test_where_the_store_is_and_how_many_are_served_at_once_do_not_change_the_settings_hash():
    plain = Settings()
    assert Settings(chroma_url="http://127.0.0.1:8000", concurrency=8, llm_timeout_s=5).fingerprint() == plain.fingerprint()
    assert Settings(k=7).fingerprint() != plain.fingerprint()
