"""The decline decision: scope checks (pure) and the verdict from signals and thresholds."""

import pytest

from assistant.answer.decision import Evidence, Reason, Thresholds, decide
from assistant.answer.scope import asked_quantity, foreign_jurisdictions, missing_years, states_quantity, unknown_names

HELD = {"KZ", "EU", "RU", "CN"}
T = Thresholds(min_similarity=0.80, min_similarity_cross_lingual=0.75, min_quantity_similarity=0.90, caution_below=0.84)


def evidence(**changes) -> Evidence:
    return Evidence(**{"best_sentence": 0.88, "coverage": 0.5, "cross_lingual": False, **changes})


# ------------------------------------------------------------------ scope checks
@pytest.mark.parametrize("question, expected", [
    ("What documents do I need for a residence permit in Uzbekistan?", ("Uzbekistan",)),
    ("Какие документы нужны, чтобы получить вид на жительство в Узбекистане?", ("Узбекистане",)),
    ("What do the Turkish authorities require from foreigners?", ("Turkish",)),
    ("A friend from Turkey is staying with me in Almaty. Must I register him?", ()),
    ("I am a citizen of Uzbekistan living in Almaty. Where do I register?", ()),
    ("Can France expel an Italian citizen who lives there?", ()),  # EU member states are the EU
    ("Ресейде шетелдікке берілетін жұмыс патенті қанша тұрады?", ()),  # Russia is held
    ("Do I need to register in Kazakhstan and in Kyrgyzstan?", ()),  # a held jurisdiction is asked about too
])
def test_foreign_jurisdiction_is_one_whose_own_law_is_asked_about(question, expected):
    assert foreign_jurisdictions(question, HELD) == expected


def test_a_year_the_provisions_never_mention_is_missing():
    assert missing_years("What is the quota for 2025?", ["The quota is set for 2019 and 2020."]) == ("2025",)
    assert missing_years("What happened in 2020?", ["In 2020 the state of emergency ..."]) == ()
    assert missing_years("What is the quota?", ["nothing"]) == ()


def test_years_in_notes_do_not_count():
    assert missing_years("Rules of 2016?", ["Article 5.\nFootnote. As amended in 2016."]) == ("2016",)


def test_the_date_of_an_amending_act_is_not_a_year_the_provision_is_about():
    excluded = "2) excluded by the Law of the Republic of Kazakhstan dated 30.06.2025 № 203-VIII"
    assert missing_years("What is the minimum wage in 2025?", [excluded]) == ("2025",)
    assert missing_years("Что изменилось в 2025?", ["исключен Законом РК от 30.06.2025 г. № 203-VIII"]) == ("2025",)
    assert missing_years("What applies from 2030?", ["shall be enforced from 01.01.2030"]) == ()


@pytest.mark.parametrize("question, kind", [
    ("Within how many days must an immigrant register?", "period"),
    ("How long can a visa-free foreigner stay?", "period"),
    ("Как долго можно держать под задержанием без санкции суда?", "period"),
    ("What is the fine for living without registration?", "fine"),
    ("Какой штраф мне грозит?", "fine"),
    ("Сколько стоит патент?", "fee"),
    ("Консулдық алым қанша тұрады?", "fee"),
    ("What percentage of foreign workers is allowed?", "percent"),
    ("What registration figure does the article give for the region?", "count"),
    ("Can a kandas get citizenship faster?", None),
    ("第一次办居住证要花钱吗？", None),
])
def test_the_kind_of_figure_a_question_asks_for(question, kind):
    assert asked_quantity(question) == kind


@pytest.mark.parametrize("text, kind, stated", [
    ("– subject to fine a rate of seven monthly settlement indicators.", "fine", True),
    ("влечет штраф в размере семи месячных расчетных показателей.", "fine", True),
    ("Host persons shall inform the bodies within three working days.", "period", True),
    ("2. Registration is free of charge.", "fee", False),
    ("5. The internal affairs bodies register immigrants.", "count", False),  # a paragraph's own number
    ("The state duty is 2 monthly calculation indicators.", "fee", True),
    ("Residence for up to three months.", "percent", False),
])
def test_a_figure_is_stated_only_with_a_number_of_its_kind(text, kind, stated):
    assert states_quantity(text, kind) is stated


def test_unknown_names_are_capitalised_words_the_corpus_never_uses():
    vocabulary = {"almati", "kazakhstan", "region"}
    assert unknown_names("What figure does the article give for Pavlodar region?", vocabulary) == ("Pavlodar",)
    assert unknown_names("Pavlodar is a region.", vocabulary) == ()  # first word of the sentence
    assert unknown_names("What about Almaty and Germany?", {"almati"} | vocabulary) == ()


# ------------------------------------------------------------------ the verdict
def test_a_close_match_is_answered():
    assert decide(evidence(), T).verdict == "answer"


def test_a_moderate_match_is_answered_with_a_caution():
    assert decide(evidence(best_sentence=0.82), T).verdict == "caution"


def test_nothing_close_declines():
    decision = decide(evidence(best_sentence=0.70), T)
    assert decision.verdict == "decline" and decision.reasons[0].code == "nothing_close"


def test_cross_lingual_questions_have_their_own_floor():
    assert decide(evidence(best_sentence=0.77, cross_lingual=True), T).verdict != "decline"
    assert decide(evidence(best_sentence=0.77, cross_lingual=False), T).verdict == "decline"


@pytest.mark.parametrize("changes, reason", [
    ({"foreign": ("Uzbekistan",)}, Reason("foreign_law", "Uzbekistan")),
    ({"absent_articles": ("Directive Art. 7",)}, Reason("absent_article", "Directive Art. 7")),
    ({"missing_years": ("2025",)}, Reason("missing_year", "2025")),
    ({"unheld_acts": ("2003/109",)}, Reason("unheld_act", "2003/109")),
    ({"asked_quantity": "fee", "quantity_stated": False}, Reason("figure_not_stated", "fee")),
    ({"asked_quantity": "count", "unknown_names": ("Pavlodar",)}, Reason("unknown_name", "Pavlodar")),
])
def test_positive_evidence_of_absence_declines_even_a_close_match(changes, reason):
    decision = decide(evidence(**changes), T)
    assert decision.verdict == "decline" and reason in decision.reasons


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_reason_is_explained_in_every_language(language):
    from assistant.answer.citations import not_found_text
    from assistant.prompts import DECLINE_REASONS, NOT_FOUND

    reasons = tuple(Reason(code, "X") for code in DECLINE_REASONS["en"])
    text = not_found_text([], language, reasons)
    assert text.startswith(NOT_FOUND[language]) and set(DECLINE_REASONS[language]) == set(DECLINE_REASONS["en"])
    assert all(DECLINE_REASONS[language][r.code].format(about="X") in text for r in reasons)


def test_an_unstated_figure_is_answered_when_the_match_is_very_close():
    assert decide(evidence(best_sentence=0.95, asked_quantity="fee", quantity_stated=False), T).verdict == "answer"


def test_an_unknown_name_alone_does_not_decline():
    assert decide(evidence(unknown_names=("Atyrau",)), T).verdict == "answer"


def test_a_figure_counts_only_when_it_is_about_what_the_question_asks():
    from assistant.answer.scope import figure_about_subject

    fine = "– subject to fine a rate of seven monthly settlement indicators."
    heading = "Article 492. Living without registration"
    assert figure_about_subject(fine, heading, "fine", {"registr"}, False)
    assert not figure_about_subject(fine, heading, "fine", {"speed"}, True)  # a fine, but not for that
    assert not figure_about_subject(fine, heading, "fine", set(), True)  # the subject is unknown to the corpus
    assert figure_about_subject(fine, None, "fine", {"speed"}, True)  # another language: the figure alone counts
    assert not figure_about_subject("Registration is free.", heading, "fine", {"registr"}, False)


def test_subject_words_leave_out_units_and_how_many():
    from collections import Counter

    from assistant.answer.scope import subject_words

    df = Counter({"penalti": 8, "kazakhstan": 600, "appeal": 6, "court": 19, "day": 114})
    assert subject_words("What is the penalty for speeding on a highway in Kazakhstan?", df, 900) == (set(), True)
    subject, unknown = subject_words("How many days to appeal a court decision?", df, 900)
    assert subject == {"appeal", "court"} and unknown  # 'decis' is not in this small vocabulary
