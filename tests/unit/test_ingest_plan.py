"""The ingest plan (pure, no store) and the chunk <-> Chroma record codec."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from assistant.chunk_records import Provenance, chunk_from_record, chunk_metadata, is_current, provenance_of
from assistant.ingest_plan import StoredFile, plan_ingest, stored_files
from assistant.types import Chunk, DocInfo, SourceDoc


def _doc(name: str, text: str) -> SourceDoc:
    return SourceDoc(info=DocInfo(doc_id=name.split(".")[0], language="en", title=name, short_title=name,
                                  source_file=name), text=text, body_start=0)


def _split(doc: SourceDoc) -> list[Chunk]:
    """One chunk per line, id = file + line text: enough to see what the plan does."""
    return [Chunk(id=f"{doc.info.source_file}:{line}", info=doc.info, text=line, start=0, end=len(line))
            for line in doc.text.splitlines() if line]


def _plan(stored, docs, problems=()):
    return plan_ingest(stored, docs, list(problems), digest=lambda d: f"sha:{d.text}", split=_split)


def _stored(*docs: SourceDoc) -> dict[str, StoredFile]:
    return {d.info.source_file: StoredFile(f"sha:{d.text}", tuple(c.id for c in _split(d))) for d in docs}


def test_a_new_corpus_writes_every_chunk_of_every_file_in_file_order():
    docs = [_doc("a.md", "one\ntwo"), _doc("b.md", "three")]
    plan = _plan({}, docs)
    assert plan.added == ["a.md", "b.md"] and not plan.keep and not plan.delete
    assert [(c.text, p.source_file, p.seq) for c, p in plan.write] == [("one", "a.md", 0), ("two", "a.md", 1),
                                                                         ("three", "b.md", 0)]
    assert plan.write[0][1].file_sha256 == "sha:one\ntwo"
    assert plan.changed


def test_an_unchanged_corpus_plans_nothing():
    docs = [_doc("a.md", "one\ntwo"), _doc("b.md", "three")]
    plan = _plan(_stored(*docs), docs)
    assert plan.unchanged == ["a.md", "b.md"] and not plan.write and not plan.delete and not plan.changed
    assert plan.keep == ["a.md:one", "a.md:two", "b.md:three"] and plan.chunk_count() == 3


def test_a_changed_file_rewrites_its_chunks_and_deletes_only_its_old_ones():
    before = [_doc("a.md", "one\ntwo"), _doc("b.md", "three")]
    after = [_doc("a.md", "one\nTWO"), before[1]]
    plan = _plan(_stored(*before), after)
    assert plan.updated == ["a.md"] and plan.unchanged == ["b.md"]
    assert [c.id for c, _ in plan.write] == ["a.md:one", "a.md:TWO"]
    assert plan.delete == ["a.md:two"]


def test_a_removed_file_deletes_its_chunks():
    before = [_doc("a.md", "one"), _doc("b.md", "three")]
    plan = _plan(_stored(*before), before[:1])
    assert plan.removed == ["b.md"] and plan.delete == ["b.md:three"]


def test_a_file_that_cannot_be_read_now_keeps_its_stored_chunks():
    before = [_doc("a.md", "one"), _doc("b.md", "three")]
    plan = _plan(_stored(*before), before[:1], problems=[("sub/b.md", "not UTF-8")])
    assert plan.skipped == [("sub/b.md", "not UTF-8")] and not plan.removed and not plan.delete
    assert "b.md:three" in plan.keep


def test_stored_files_group_chunks_by_file_in_their_order():
    rows = [("x2", Provenance("a.md", "h", 2)), ("y0", Provenance("b.md", "g", 0)), ("x0", Provenance("a.md", "h", 0))]
    assert stored_files(rows) == {"a.md": StoredFile("h", ("x0", "x2")), "b.md": StoredFile("g", ("y0",))}


_texts = st.text(min_size=0, max_size=30)
_opt = st.one_of(st.none(), st.text(alphabet="0123456789-", min_size=1, max_size=5))


@given(title=_texts, completeness=_texts, until=st.sampled_from(["", "2020-01-01", "2999-01-01"]), article=_opt,
       paragraph=_opt, heading=st.lists(_texts, max_size=3), role=st.sampled_from(["provision", "footnote", "table"]),
       authentic=st.booleans(), start=st.integers(0, 10_000))
def test_a_chunk_survives_the_round_trip_through_its_chroma_record(title, completeness, until, article, paragraph,
                                                                   heading, role, authentic, start):
    info = DocInfo(doc_id="d", language="ru", title=title, short_title=title[:5], jurisdiction="KZ,EU", kind="code",
                   authentic=authentic, in_force_until=until, superseded_by="new" if until else "",
                   completeness=completeness, source_file="d.ru.md")
    chunk = Chunk(id="c1", info=info, text="Статья 7. текст", start=start, end=start + 15, article=article,
                  paragraph=paragraph, heading_path=tuple(heading), role=role)
    meta = chunk_metadata(chunk, Provenance("d.ru.md", "abc", 3))
    assert all(isinstance(v, (str, int, float, bool)) for v in meta.values())  # what Chroma stores
    assert chunk_from_record("c1", chunk.text, meta) == replace(chunk, article=article or None,
                                                                  paragraph=paragraph or None)
    assert provenance_of(meta) == Provenance("d.ru.md", "abc", 3) and is_current(meta)


def test_a_record_carries_its_citation_label_and_legal_status():
    info = DocInfo(doc_id="old", language="en", title="Old Charter", short_title="Old Charter (1990)", jurisdiction="KZ",
                   in_force_until="2020-01-01", superseded_by="new")
    meta = chunk_metadata(Chunk(id="c", info=info, text="t", start=0, end=1, article="3"), Provenance("o.md", "h", 0))
    assert meta["label"] == "Old Charter (1990), Art. 3" and meta["in_force"] is False
    assert meta["superseded_by"] == "new" and meta["jurisdiction"] == "KZ" and meta["authentic"] is True


def test_records_of_the_first_schema_are_not_current():
    assert not is_current({"role": "provision", "doc_id": "d", "language": "en", "article": "7"})
    assert not is_current(None)
