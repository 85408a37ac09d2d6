"""The checks that keep invented numbers, stray markers and uncited sentences out of answers."""

import pytest

from assistant.answer.verify import markers_in, numbers_in, unsupported_numbers, verify_answer


@pytest.mark.parametrize("text, values", [
    ("a fine of seven monthly indicators", {7}),
    ("штраф в размере семи месячных расчетных показателей", {7}),
    ("тринадцати МРП", {13}),
    ("7 MCI", {7}),
    ("ten calendar days up to one month", {10, 1}),
    ("within three working days", {3}),
    ("the thirtieth day", {30}),
    ("twenty five and fifty", {20, 5, 50}),
    ("Қазақстан азаматы жеті АЕК", {7}),
    ("семья и стол", set()),
    ("no numbers here", set()),
    ("1 July 2026", {1, 2026}),
])
def test_numbers_are_read_from_digits_and_words_in_three_languages(text, values):
    assert numbers_in(text) == {float(v) for v in values}


def test_markers_are_listed_in_order():
    assert markers_in("A [1] and B [3][2].") == [1, 3, 2]


def test_a_number_the_source_does_not_state_is_unsupported():
    source = "subject to fine a rate of seven monthly settlement indicators"
    assert unsupported_numbers("The fine is 10 monthly indicators [1].", [source]) == {10.0}
    assert unsupported_numbers("The fine is 7 monthly indicators [1].", [source]) == set()
    assert unsupported_numbers("The fine is seven indicators [1].", [source]) == set()


def test_the_cited_article_number_is_not_an_invented_number():
    assert unsupported_numbers("Article 492 sets the fine [1].", ["a fine of seven"], allowed={492.0}) == set()


SOURCES = {1: "Living without registration over one month - fine of seven monthly indicators.",
           2: "Repeated within a year - fine of thirteen monthly indicators."}


def test_verified_sentences_survive():
    result = verify_answer("The fine is seven monthly indicators [1]. Repeating it within a year costs thirteen [2].", SOURCES)
    assert result.kept == ["The fine is seven monthly indicators [1].", "Repeating it within a year costs thirteen [2]."]
    assert result.dropped == []


def test_invented_numbers_are_dropped_with_the_reason():
    result = verify_answer("The fine is 10 monthly indicators [1]. It is paid in tenge [1].", SOURCES)
    assert result.kept == ["It is paid in tenge [1]."]
    assert result.dropped[0][1] == "states numbers its sources do not: 10"


def test_a_number_from_another_source_than_the_cited_one_is_still_unsupported():
    result = verify_answer("The fine is thirteen monthly indicators [1].", SOURCES)
    assert result.kept == [] and "13" in result.dropped[0][1]


def test_markers_to_sources_not_given_are_removed_and_sentences_citing_only_them_dropped():
    result = verify_answer("The fine is seven [1][5]. Something else [9].", SOURCES)
    assert result.kept == ["The fine is seven [1]."]
    assert result.dropped == [("Something else .", "cites sources that were not given: [9]")]


def test_uncited_sentences_are_dropped():
    result = verify_answer("Registration is a duty. The fine is seven monthly indicators [1].", SOURCES)
    assert result.kept == ["The fine is seven monthly indicators [1]."]
    assert result.dropped == [("Registration is a duty.", "no citation marker")]


def test_an_empty_answer_keeps_nothing():
    assert verify_answer("", SOURCES).kept == []
