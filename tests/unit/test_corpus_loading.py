"""Corpus loading: front matter, plain files, and bad files reported and skipped."""


import pytest

from assistant.corpus import guess_language, html_to_text, load_corpus, split_front_matter
from assistant.errors import CorpusFileError, CorpusNotFound
from fakes import SMALL_CORPUS, write_corpus


def test_front_matter_keys_are_read_and_unknown_keys_kept(small_corpus):
    result = load_corpus(small_corpus)
    assert not result.problems
    doc = next(d for d in result.docs if d.doc_id == "old-charter")
    assert doc.info.short_title == "Old Charter (1990)"
    assert doc.info.in_force_until == "2020-01-01" and not doc.info.in_force()
    assert doc.metadata["superseded_by"] == "new-charter"
    assert doc.body.startswith("\n### Article 3")


def test_plain_files_without_front_matter_get_id_and_language_from_name_and_script(tmp_path):
    (tmp_path / "my-notes.txt").write_text("Статья 1. Текст на русском языке.", encoding="utf-8")
    (tmp_path / "guide.html").write_text("<html><body><h2>Rules</h2><p>Register within ten days.</p>"
                                         "<script>alert(1)</script></body></html>", encoding="utf-8")
    (tmp_path / "law.kk.md").write_text("1-бап. Мәтін", encoding="utf-8")
    docs = {d.doc_id: d for d in load_corpus(tmp_path).docs}
    assert docs["my-notes"].language == "ru"
    assert docs["guide"].language == "en" and "Register within ten days." in docs["guide"].text
    assert "alert" not in docs["guide"].text
    assert docs["law"].language == "kk"


def test_a_pdf_is_read(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with (tmp_path / "blank.pdf").open("wb") as fh:
        writer.write(fh)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    result = load_corpus(tmp_path)
    reasons = {p.path: p.reason for p in result.problems}
    assert "blank.pdf" in reasons and "empty" in reasons["blank.pdf"]  # a PDF without text is reported
    assert "broken.pdf" in reasons


@pytest.mark.parametrize("name, content, reason", [
    ("latin1.md", "Caf\xe9 law".encode("latin-1"), "not valid UTF-8"),
    ("empty.md", b"   \n", "empty"),
    ("binary.md", b"\x00\x01\x02 binary", "binary"),
    ("unclosed.md", b"---\ndoc_id: x\nno end here\n", "never closed"),
    ("badyaml.md", b"---\ndoc_id: [unclosed\n---\nBody\n", "not valid YAML"),
    ("list.md", b"---\n- a\n- b\n---\nBody\n", "not a mapping"),
])
def test_bad_files_are_reported_with_a_reason_and_skipped(tmp_path, name, content, reason):
    write_corpus(tmp_path, {"good.en.md": SMALL_CORPUS["demo-code.en.md"]})
    (tmp_path / name).write_bytes(content)
    result = load_corpus(tmp_path)
    assert [d.doc_id for d in result.docs] == ["demo-code"]
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.path == name and reason in problem.reason
    assert name in str(problem)


def test_a_doc_id_claimed_twice_is_reported_with_both_names_and_neither_preferred(tmp_path):
    write_corpus(tmp_path, {"a.en.md": SMALL_CORPUS["demo-code.en.md"], "b.en.md": SMALL_CORPUS["demo-code.en.md"]})
    result = load_corpus(tmp_path)
    assert sorted(d.info.source_file for d in result.docs) == ["a.en.md", "b.en.md"]
    assert {d.id_salt for d in result.docs} == {"a.en.md", "b.en.md"}  # their chunks never share an id
    assert len(result.duplicates) == 1 and "a.en.md, b.en.md" in result.duplicates[0] and "'demo-code'" in result.duplicates[0]


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusNotFound, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_front_matter_split_offsets():
    meta, start = split_front_matter("---\na: 1\n---\nBody")
    assert meta == {"a": 1} and "---\na: 1\n---\nBody"[start:] == "Body"
    assert split_front_matter("No front matter") == ({}, 0)
    with pytest.raises(CorpusFileError):
        split_front_matter("---\na: 1\n")


@pytest.mark.parametrize("text, lang", [("Hello law", "en"), ("Закон о миграции", "ru"),
                                        ("Көші-қон туралы заң қабылданды", "kk"), ("户口登记条例", "zh")])
def test_language_is_guessed_from_the_script(text, lang):
    assert guess_language(text) == lang


def test_html_text_keeps_block_breaks():
    assert html_to_text("<p>One</p><p>Two</p>").split() == ["One", "Two"]


@pytest.mark.parametrize("language, completeness, fragmentary", [
    ("ru", "Russian: complete. English: PARTIAL — Arts 1–39 only", False),
    ("en", "Russian: complete. English: PARTIAL — Arts 1–39 only", True),
    ("en", "COMPLETE (Arts 1–63)", False),
    ("en", "FRAGMENTS ONLY: Art. 6 present", True),
    ("zh", "", False),
])
def test_completeness_notes_can_speak_per_language(language, completeness, fragmentary):
    from assistant.types import DocInfo

    info = DocInfo(doc_id="d", language=language, title="t", short_title="t", completeness=completeness)
    assert info.is_fragmentary() is fragmentary
