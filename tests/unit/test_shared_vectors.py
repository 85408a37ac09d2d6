"""Sentence vectors shared through the Chroma store: a process whose local cache lacks a vector
reads it from the store instead of embedding it; ingest publishes exactly the current sentences."""

from assistant.dense_store import DenseStore
from assistant.shared_vectors import SharedVectorCache
from assistant.vectors import VectorCache, vector_key
from fakes import FakeEmbeddings

TEXTS = ["Demo Code, Article 7: living without registration is fined.", "Old Charter, Article 3: free movement."]


def _cache(tmp_path, name: str) -> SharedVectorCache:
    """A process's cache: its own local SQLite file, the one store generation under tmp_path/store."""
    store = tmp_path / "store"
    folder = next(store.glob("chroma-*"), None) if store.is_dir() else None
    writer = DenseStore(store, folder=folder) if folder else DenseStore(store).writer(fresh=True)
    return SharedVectorCache(VectorCache(tmp_path / name / "vectors.sqlite", "fake"), writer)


def test_a_vector_the_local_cache_lacks_comes_from_the_store_not_the_model(tmp_path):
    first, embeddings = _cache(tmp_path, "a"), FakeEmbeddings()
    computed = first.embed(TEXTS, embeddings)
    assert sum(len(c) for c in embeddings.calls) == 2
    first.publish(TEXTS)  # what ingest does

    second, again = _cache(tmp_path, "b"), FakeEmbeddings()
    assert second.missing(TEXTS) == []
    assert (second.embed(TEXTS, again) == computed).all() and again.calls == []


def test_publish_makes_the_store_hold_exactly_the_current_texts(tmp_path):
    cache = _cache(tmp_path, "a")
    cache.embed(TEXTS, FakeEmbeddings())
    store = cache.store
    store.put_sentence_vectors(["stale-key"], [[0.0] * 256])
    cache.local.embed(["a sentence only this process has"], FakeEmbeddings())
    cache.publish([TEXTS[0], "a sentence only this process has"])
    assert store.sentence_keys() == {vector_key("fake", TEXTS[0]), vector_key("fake", "a sentence only this process has")}


def test_an_unchanged_ingest_only_compares_counts(tmp_path):
    cache = _cache(tmp_path, "a")
    cache.embed(TEXTS, FakeEmbeddings())
    cache.publish(TEXTS)
    calls = []
    cache.store.sentence_keys = lambda: calls.append("listed") or set()
    assert not cache.unpublished(TEXTS) and cache.unpublished(TEXTS[:1])
    assert calls == []


def test_answering_never_writes_the_store(tmp_path):
    cache = _cache(tmp_path, "a")
    cache.embed(TEXTS, FakeEmbeddings())
    assert cache.store.sentence_count() == 0
