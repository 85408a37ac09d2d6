"""Provision-level chunking: each heading style, footnotes, tables, size cap, coverage."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import article_number, chinese_numeral, paragraph_at, paragraph_label, split_document, structural_heading
from assistant.corpus import split_front_matter
from assistant.types import DocInfo, SourceDoc


def make_doc(body: str, kind: str = "law", language: str = "en", doc_id: str = "demo") -> SourceDoc:
    header = f"---\ndoc_id: {doc_id}\nlanguage: {language}\nkind: {kind}\nshort_title: Demo\n---\n"
    text = header + body
    meta, start = split_front_matter(text)
    info = DocInfo(doc_id=doc_id, language=language, title="Demo", short_title="Demo", kind=kind)
    return SourceDoc(info=info, text=text, body_start=start, metadata=meta)


@pytest.mark.parametrize("line, expected", [
    ("Article 6-1. Obtaining a temporary residence permit", "6-1"),
    ("### Article 21", "21"),
    ("## Article 6 — Right of residence for up to three months", "6"),
    ("## Article 5(1), second subparagraph", "5"),
    ("Article 492. Residence without registration", "492"),
    ("Статья 492. Проживание без регистрации", "492"),
    ("### Статья 1.", "1"),
    ("      Статья 11. Принцип вины", "11"),
    ("　　第十五条 公民在常住地市、县范围以外", "15"),
    ("**　　第二十三条** 居住证", "23"),
    ("5-бап. Иммигранттардың құқықтары", "5"),
])
def test_article_headings_of_every_style_are_recognised(line, expected):
    assert article_number(line) == expected


@pytest.mark.parametrize("line", [
    "Article 21 of the Constitution guarantees free movement.",
    "(ex Article 18 TEC)",
    "The Article was amended in 2016.",
    "Статьей 492 предусмотрен штраф.",
])
def test_prose_mentioning_an_article_is_not_a_heading(line):
    assert article_number(line) is None


@pytest.mark.parametrize("text, value", [("十五", 15), ("二十三", 23), ("一百零二", 102), ("十", 10), ("24", 24)])
def test_chinese_numerals_convert(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize("line, level", [
    ("## Chapter 2. STATE MANAGEMENT SYSTEM", 2),
    ("## Глава 1. ОСНОВНЫЕ ПОЛОЖЕНИЯ", 2),
    ("Chapter 3. Immigration", 2),
    ("Раздел II Человек и гражданин", 1),
    ("第二章 户口登记", 2),
])
def test_chapter_and_section_headings_are_structure(line, level):
    found = structural_heading(line)
    assert found is not None and found[0] == level


def test_no_chunk_straddles_two_articles_and_each_carries_its_number():
    doc = make_doc("## Chapter 1. General\n### Article 1. One\n1. First rule.\n\n### Article 2. Two\nSecond rule.\n"
                   "Статья 3. Три\nТретье правило.\n")
    chunks = split_document(doc)
    assert [c.article for c in chunks] == ["1", "2", "3"]
    assert all(c.text.count("Article") + c.text.count("Статья") == 1 for c in chunks)
    assert chunks[0].heading_path == ("Demo", "Chapter 1. General", "Article 1. One")


def test_eu_article_keeps_its_ex_article_line():
    doc = make_doc("### Article 21\n\n(ex Article 18 TEC)\n\n1. Every citizen of the Union shall have the right.\n"
                   "### Article 22\n\n(ex Article 19 TEC)\n\nText.\n", kind="treaty")
    chunks = split_document(doc)
    assert [c.article for c in chunks] == ["21", "22"]
    assert "(ex Article 18 TEC)" in chunks[0].text


def test_footnotes_are_separate_chunks_tagged_footnote():
    doc = make_doc("Article 7. Fines\n1. A fine of seven indicators.\nFootnote. Article 7 as amended by Law 1.\n\n"
                   "Статья 8. Штраф\n1. Штраф.\n      Сноска. Статья 8 в редакции Закона РК от 22.12.2016 \n№ 28-VІ\n"
                   " (вводится в действие).\n")
    chunks = split_document(doc)
    roles = [(c.article, c.role) for c in chunks]
    assert roles == [("7", "provision"), ("7", "footnote"), ("8", "provision"), ("8", "footnote")]
    assert "28-VІ" in chunks[3].text and "вводится" in chunks[3].text


def test_long_articles_split_at_paragraphs_under_the_cap():
    paragraphs = "\n".join(f"{i}. " + "word " * 60 for i in range(1, 8))
    doc = make_doc(f"Article 9. Long\n{paragraphs}\n")
    chunks = split_document(doc, max_chars=700)
    assert len(chunks) > 1
    assert all(c.article == "9" for c in chunks)
    assert all(len(c.text) <= 700 for c in chunks)
    assert chunks[0].paragraph == "1–2" and chunks[-1].paragraph is not None


def test_a_list_stays_with_its_lead_in():
    items = "\n".join(f"{i}) item number {i};" for i in range(1, 6))
    doc = make_doc("Article 4. Principles\n" + "1. " + "filler " * 80 + "\n2. The principles are:\n" + items + "\n")
    chunks = split_document(doc, max_chars=600)
    holder = next(c for c in chunks if "principles are:" in c.text)
    assert "5) item number 5" in holder.text


def test_tables_are_kept_whole():
    rows = "\n".join(f"{2010 + i}\t{100 + i}\t{200 + i}" for i in range(40))
    doc = make_doc(f"# Paper\n\nSome text.\n\n<b>Table 1</b>\t\t\n<b>Years</b>\t<b>A</b>\t<b>B</b>\n{rows}\n\nAfter.\n",
                   kind="article")
    chunks = split_document(doc, max_chars=300)
    tables = [c for c in chunks if c.role == "table"]
    assert len(tables) == 1 and "2049\t139\t239" in tables[0].text and "Table 1" in tables[0].text


def test_text_before_the_first_article_of_an_act_is_the_preamble():
    doc = make_doc("The Parliament adopts this law.\n\nArticle 1. Scope\nText.\n")
    assert [c.article for c in split_document(doc)] == ["preamble", "1"]


def test_papers_are_not_cut_at_article_mentions():
    doc = make_doc("## Results\nArticle 7. of the Directive is discussed here.\nMore text.\n", kind="article")
    assert all(c.article is None for c in split_document(doc))


def test_chunk_text_is_the_exact_source_span():
    doc = make_doc("Article 1. A\n1. One.\n\nArticle 2. B\nTwo.\n")
    for chunk in split_document(doc):
        assert doc.text[chunk.start:chunk.end] == chunk.text


def test_chunk_ids_depend_on_content_not_position():
    first = split_document(make_doc("Article 1. A\nSame text.\n"))
    moved = split_document(make_doc("\n\n\nArticle 1. A\nSame text.\n"))
    assert first[0].id == moved[0].id and first[0].start != moved[0].start


def test_paragraph_helpers():
    text = "Article 1. X\n1. One.\n2. Two.\n3) item"
    assert paragraph_label(text) == "1–2"
    assert paragraph_at(text, text.index("Two")) == "2"
    assert paragraph_at(text, 0) is None


_line = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=120),
    st.sampled_from(["Article 3. Title", "### Article 12", "Статья 5.", "第十条 文本", "## Chapter 2. X", "Footnote. Amended.",
                     "Сноска. Изменено", "1. Paragraph", "2) item:", "Table 1\tA\tB", "1990\t1\t2", "", "   "]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_line, max_size=40), cap=st.integers(min_value=80, max_value=1500),
       kind=st.sampled_from(["law", "article"]))
def test_chunks_cover_every_character_of_the_body(lines, cap, kind):
    doc = make_doc("\n".join(lines), kind=kind)
    covered = [False] * len(doc.text)
    for chunk in split_document(doc, max_chars=cap):
        assert doc.text[chunk.start:chunk.end] == chunk.text
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    lost = [i for i in range(doc.body_start, len(doc.text)) if not doc.text[i].isspace() and not covered[i]]
    assert not lost, repr(doc.text[lost[0]:lost[0] + 40])


@pytest.mark.integration
def test_real_shared_corpus_chunks_every_act_by_article():
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("shared corpus not present")
    from assistant.corpus import load_corpus

    docs = [d for d in load_corpus(corpus).docs if d.doc_id in ("kz-admin-offences-code", "kz-migration-law")]
    assert len(docs) == 4
    for doc in docs:
        chunks = split_document(doc, max_chars=1000)
        assert all(c.article for c in chunks), doc.info.source_file
    code_en = next(d for d in docs if d.doc_id == "kz-admin-offences-code" and d.language == "en")
    art492 = [c for c in split_document(code_en) if c.article == "492" and c.role == "provision"]
    assert "seven monthly settlement indicators" in " ".join(c.text for c in art492)
