"""Cross-validation: folds, grid choices, applying a decision, and the whole procedure on the tiny corpus."""

import numpy as np

from assistant.answer import Thresholds
from assistant.evaluation.calibration import apply_decision, best_thresholds, best_weights, cross_validate, decision_right, folds_of, weight_grid
from assistant.evaluation.questions import Question
from assistant.evaluation.runner import evaluate_ours
from assistant.retrieval import RankWeights


def _q(i: int, answerable: bool = True) -> Question:
    return Question(id=f"q{i}", question=f"question {i}", language="en", topic="t", answerable=answerable,
                    evidence=("e",) if answerable else ())


def test_folds_spread_answerable_and_unanswerable_questions_evenly():
    questions = [_q(i) for i in range(10)] + [_q(10 + i, False) for i in range(5)]
    fold = folds_of(questions, 5)
    for f in range(5):
        members = [q for q, g in zip(questions, fold) if g == f]
        assert sum(q.answerable for q in members) == 2 and sum(not q.answerable for q in members) == 1


def test_folds_are_the_same_for_the_same_seed():
    questions = [_q(i) for i in range(20)]
    assert folds_of(questions, 5, seed=3) == folds_of(questions, 5, seed=3)
    assert folds_of(questions, 5, seed=3) != folds_of(questions, 5, seed=4)


def test_best_weights_are_fitted_on_the_given_rows_only():
    grid = [RankWeights(chunk=0.0), RankWeights(chunk=1.0)]
    table = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert best_weights(table, [0, 1], grid).chunk == 0.0
    assert best_weights(table, [2], grid).chunk == 1.0


def test_ties_go_to_the_first_setting_in_grid_order():
    grid = [Thresholds(min_similarity=0.7), Thresholds(min_similarity=0.8)]
    assert best_thresholds(np.array([[1.0, 1.0]]), [0], grid).min_similarity == 0.7


def test_the_weight_grid_starts_from_the_priors():
    first = weight_grid()[0]
    assert first.bm25 == 0.0 and first.reference > 0 and first.superseded > 0


def _record(answerable: bool, correct: bool, best: float) -> dict:
    return {"answerable": answerable, "status": "answered", "citations": [{"n": 1}], "unsupported_numbers": [],
            "checks": {"answered": True, "correct": correct, "citations_valid": True, "numbers_supported": True},
            "if_answered": {"correct": correct, "citations_precise": [True],
                            "evidence": {"best_sentence": best, "coverage": 0.5, "cross_lingual": False,
                                         "foreign": [], "missing_years": [], "asked_quantity": None,
                                         "quantity_stated": True, "unknown_names": [], "verdict": "answer"}}}


def test_a_decision_is_right_when_it_declines_the_unanswerable_and_answers_the_rest_correctly():
    t = Thresholds(min_similarity=0.8, min_similarity_cross_lingual=0.8)
    assert decision_right(_record(False, False, 0.7), t)
    assert not decision_right(_record(False, False, 0.9), t)
    assert decision_right(_record(True, True, 0.9), t)
    assert not decision_right(_record(True, False, 0.9), t)
    assert not decision_right(_record(True, True, 0.7), t)


def test_applying_a_decline_clears_the_citations_and_records_the_verdict():
    record = _record(True, True, 0.9)
    apply_decision(record, "decline")
    assert record["status"] == "not_found" and record["citations"] == [] and not record["checks"]["correct"]
    assert record["verdict"] == "decline"


def test_cross_validation_answers_every_question_with_values_fitted_without_it(fake_assistant, tmp_path):
    questions = [
        Question(id="fine", question="What is the fine for living without registration for more than one month?",
                 language="en", topic="t", answerable=True, evidence=("seven monthly indicators",),
                 must_include=(("seven",),)),
        Question(id="landlord", question="What happens to a landlord who lets a dwelling to unregistered persons?",
                 language="en", topic="t", answerable=True, evidence=("subject to a warning",),
                 must_include=(("warning",),)),
        Question(id="none", question="What is the top speed for cars on motorways?", language="en", topic="t",
                 answerable=False),
    ]
    result = cross_validate(fake_assistant, questions, lambda bot, q: evaluate_ours(bot, q, 5, "extractive", False),
                            k=2, repeats=2)
    assert [r["id"] for r in result["per_question"]] == ["fine", "landlord", "none"] * 2
    assert all(r["fold"] in (0, 1) and r["verdict"] in ("answer", "caution", "decline") for r in result["per_question"])
    assert [r["split"] for r in result["per_question"]] == [0, 0, 0, 1, 1, 1]
    assert len(result["splits"]) == 2 and all(len(split) == 2 for split in result["splits"])
    assert set(result["fitted_on_all"]) == {"weights", "thresholds"}


def test_the_vectorised_outcome_table_agrees_with_the_decision_itself():
    from assistant.evaluation.calibration import outcome_table, threshold_grid

    grid = threshold_grid()[::97]
    records = [_record(True, True, 0.81), _record(True, False, 0.9), _record(False, False, 0.79), _record(False, False, 0.86)]
    records[3]["if_answered"]["evidence"].update(asked_quantity="fee", quantity_stated=False)
    table = outcome_table(records, grid)
    assert table.tolist() == [[float(decision_right(r, t)) for t in grid] for r in records]
