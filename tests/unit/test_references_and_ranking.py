"""Reference parsing in questions, document and jurisdiction hints, the ranking functions."""

import numpy as np
import pytest

from assistant.references import document_hints, jurisdiction_hints, parse_references, unheld_acts
from assistant.retrieval import Filters, RankWeights, best_per_owner, language_margin
from assistant.types import Chunk, DocInfo


@pytest.mark.parametrize("question, articles", [
    ("What does Article 492 say?", ["492"]),
    ("Explain Art. 7 of the Directive", ["7"]),
    ("art.6-1 of the Law", ["6-1"]),
    ("Articles 7 and 16 of Directive 2004/38", ["7", "16"]),
    ("Что говорит ст. 492 КоАП?", ["492"]),
    ("статья 21 Конституции", ["21"]),
    ("согласно статье 6-1 закона", ["6-1"]),
    ("статьи 12, 21 и 39", ["12", "21", "39"]),
    ("第十五条规定了什么？", ["15"]),
    ("Конституцияның 21-бабы", ["21"]),
    ("What is the fine for living without registration?", []),
    ("within 10 days and 3 months", []),
])
def test_article_references_are_found_in_every_language(question, articles):
    assert [r.article for r in parse_references(question)] == articles


def test_numbers_after_an_article_reference_that_are_durations_are_not_articles():
    assert [r.article for r in parse_references("Article 6 and 30 days")] == ["6"]


def _info(doc_id, short, title="", jurisdiction="KZ"):
    return DocInfo(doc_id=doc_id, language="en", title=title or short, short_title=short, jurisdiction=jurisdiction)


def test_distinctive_title_words_point_at_documents():
    docs = [_info("dir", "Directive 2004/38/EC"), _info("tfeu", "TFEU", "Treaty on the Functioning of the European Union"),
            _info("code", "Code on Administrative Offences (KZ)"), _info("law", "Law on Population Migration (KZ)")]
    assert document_hints("Art. 7 of the Directive", docs) == {"dir"}
    assert document_hints("Article 21 of the Treaty", docs) == {"tfeu"}
    assert document_hints("Article 492 of the Code on Administrative Offences", docs) == {"code"}
    assert document_hints("What is Article 5?", docs) == set()


@pytest.mark.parametrize("question, expected", [
    ("Can an EU citizen stay three months?", {"EU"}),
    ("Может ли гражданин ЕС жить в другом государстве-члене?", {"EU"}),
    ("Какой штраф в Казахстане?", {"KZ"}),
    ("户口登记 rules in the PRC", {"CN"}),
    ("What is the fine?", set()),
])
def test_jurisdictions_named_in_a_question(question, expected):
    assert jurisdiction_hints(question) == expected


def test_a_chunk_scores_by_its_best_sentence():
    best = best_per_owner(np.array([0.2, 0.9, 0.5, 0.4]), np.array([0, 0, 2, 2]), 3)
    assert best.tolist() == pytest.approx([0.9, -1.0, 0.5])


def test_language_margin_compares_a_score_with_the_best_of_its_own_language():
    best = np.array([0.90, 0.80, 0.85, 0.70])
    languages = np.array(["ru", "ru", "en", "en"])
    margin = language_margin(best, languages, np.ones(4, dtype=bool), top=1)
    assert margin.tolist() == pytest.approx([0.0, -0.10, 0.0, -0.15])


def test_language_margin_ignores_chunks_that_cannot_be_returned():
    best = np.array([0.99, 0.80])
    margin = language_margin(best, np.array(["en", "en"]), np.array([False, True]), top=1)
    assert margin[1] == pytest.approx(0.0)


def test_ranking_weights_sum_the_signals_in_order():
    weights = RankWeights(chunk=1.0, sentence=2.0, language=0.0, jurisdiction=0.5, bm25=0.0, reference=0.0,
                          superseded=0.25)
    signals = np.array([[0.5], [0.25], [9.0], [1.0], [9.0], [9.0], [1.0]])
    assert (weights.as_vector() @ signals).tolist() == pytest.approx([0.5 + 0.5 + 0.5 - 0.25])


def _chunk(doc_id="d", language="en", jurisdiction="KZ, EU"):
    return Chunk(id="x", info=DocInfo(doc_id=doc_id, language=language, title="t", short_title="t",
                                      jurisdiction=jurisdiction), text="t", start=0, end=1)


def test_filters_match_any_listed_jurisdiction_and_exact_doc_and_language():
    chunk = _chunk()
    assert Filters(jurisdiction="eu").accepts(chunk)
    assert not Filters(jurisdiction="CN").accepts(chunk)
    assert Filters(doc_id="d", language="en").accepts(chunk)
    assert not Filters(language="ru").accepts(chunk)


def test_an_act_named_by_its_number_or_quoted_title_is_the_only_hint():
    docs = [_info("dir", "Directive 2004/38/EC", "Directive 2004/38/EC of the European Parliament"),
            _info("reg", "Regulation (EU) No 492/2011", "Regulation (EU) No 492/2011 on freedom of movement for workers"),
            _info("cn-res", "Interim Regulations on Residence Permits", "Interim Regulations on Residence Permits (居住证暂行条例)"),
            _info("hukou", "PRC Household Registration Regulations (1958)", "中华人民共和国户口登记条例"),
            _info("law", "Law on Population Migration (KZ)", "Law of 22 July 2011 No. 477-IV On Population Migration")]
    assert document_hints("What does Article 7 of Regulation (EU) No 492/2011 say?", docs) == {"reg"}
    assert document_hints("Article 3 of Directive 2004/38/EC", docs) == {"dir"}
    assert document_hints("статья 6-1 Закона № 477-IV", docs) == {"law"}
    assert document_hints("《中华人民共和国户口登记条例》第二十五条是怎么规定的？", docs) == {"hukou"}
    assert document_hints("Regulation No 999/2020, Article 2", docs) != {"reg"}


def test_an_act_named_by_type_and_number_that_no_document_is_is_unheld():
    docs = [_info("dir", "Directive 2004/38/EC", "Directive 2004/38/EC of the European Parliament"),
            _info("law", "Law on Population Migration (KZ)", "Law of 22 July 2011 No. 477-IV On Population Migration")]
    assert unheld_acts("What does Directive 2003/109/EC say about long-term residents?", docs) == ("2003/109",)
    assert unheld_acts("Что изменил Закон РК от 13.05.2020 № 327-VI?", docs) == ("327-VI",)
    assert unheld_acts("Article 7 of Directive 2004/38/ЕС", docs) == ()
    assert unheld_acts("статья 6-1 Закона № 477-IV", docs) == ()
    assert unheld_acts("Can two thirds (2/3) of the members vote?", docs) == ()


def test_words_that_name_provisions_in_titles_point_nowhere():
    docs = [_info("tfeu", "TFEU", "Treaty on the Functioning of the European Union — extracts: Articles 18–25"),
            _info("code", "Code (KZ)", "Кодекс об административных правонарушениях (извлечения: статьи 11, 492)"),
            _info("law", "Law on Population Migration (KZ)")]
    assert document_hints("What does Article 6-1 of the Law on Population Migration say?", docs) == {"law"}
    assert document_hints("Что говорится в статье 27 Конституции?", docs) == set()


def test_a_year_in_the_question_points_at_the_act_of_that_year_but_an_article_number_does_not():
    docs = [_info("c1995", "Constitution of Kazakhstan (1995)"), _info("c2026", "Constitution of Kazakhstan (2026)"),
            _info("ru", "Constitution of the Russian Federation"), _info("reg", "Regulation (EU) No 492/2011")]
    assert document_hints("Does Article 21 of the 1995 Constitution still apply?", docs) == {"c1995"}
    assert document_hints("What does Article 492 say?", docs) == set()
