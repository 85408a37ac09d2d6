"""Honest calibration: every ranking weight and decision threshold is fitted by k-fold cross-validation.

``cross_validate`` splits the questions into k folds (stratified by answerable, seeded). For each
fold it fits, on the other folds only,

1. the ranking weights (``retrieval.RankWeights``), by grid search for the best MRR over the
   signal matrices of ``HybridRetriever.signals``, then answers the fold's questions with them;
2. the decision thresholds (``answer.Thresholds``), by grid search for the best overall accuracy
   (an answerable question counts when it is answered correctly, an unanswerable one when it is
   declined), applying ``answer.decide`` to the recorded evidence of each answer.

Every question is thus ranked, answered and decided with values fitted without it: the pooled
figures are the cross-validated ones the README quotes. ``fit_all`` fits the same grids on all
questions: those are the values Settings ships with.
"""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from ..answer import Evidence, Thresholds, decide
from ..api import Assistant
from ..query import prepare_query
from ..retrieval import Filters, RankWeights
from . import metrics
from .questions import Question

# Each weight's values; where settings tie on MRR the first in grid order wins, so the first value of
# each list is the prior: no weight for signals that must earn their place, a small preference for
# acts in force and for articles the question names.
WEIGHT_GRID: dict[str, tuple[float, ...]] = {
    "chunk": (0.0, 0.3),
    "sentence": (0.5, 1.0),
    "language": (0.0, 0.3, 0.6),
    "jurisdiction": (0.0, 0.03, 0.06),
    "bm25": (0.0, 0.05, 0.1),
    "reference": (0.05, 0.0, 0.1),
    "superseded": (0.03, 0.0),
}
SIMILARITY_STEPS = tuple(round(0.70 + 0.01 * i, 2) for i in range(18))  # 0.70 .. 0.87
QUANTITY_STEPS = (0.0, *tuple(round(0.80 + 0.02 * i, 2) for i in range(9)), 1.01)  # 0 = never, 1.01 = always
CAUTION_MARGIN = 0.04  # answered with a caution up to this far above the similarity floor
RANK_DEPTH = 10


def folds_of(questions: Sequence[Question], k: int, seed: int = 0) -> list[int]:
    """The fold (0..k-1) of each question: answerable and unanswerable questions spread evenly."""
    rng = random.Random(seed)
    fold = [0] * len(questions)
    for answerable in (True, False):
        members = [i for i, q in enumerate(questions) if q.answerable == answerable]
        rng.shuffle(members)
        for position, i in enumerate(members):
            fold[i] = position % k
    return fold


# --------------------------------------------------------------------------- ranking weights
@dataclass
class RankingCase:
    """One answerable question's signal matrix, which chunks may be returned, which are relevant."""

    signals: np.ndarray
    usable: np.ndarray
    relevant: np.ndarray


def ranking_case(assistant: Assistant, q: Question) -> RankingCase:
    query = prepare_query(q.question, q.history)
    signals, usable, _ = assistant.retriever.signals(query, Filters())
    order = assistant.index.order
    relevant = np.array([metrics.contains_evidence(assistant.index.chunks[cid].text, q.evidence) for cid in order])
    return RankingCase(signals, usable, relevant)


def first_relevant_rank(case: RankingCase, weights: np.ndarray) -> int | None:
    scores = np.where(case.usable, weights @ case.signals, -np.inf)
    top = np.argsort(-scores, kind="stable")[:RANK_DEPTH]
    return next((rank for rank, i in enumerate(top, start=1) if case.relevant[i]), None)


def weight_grid() -> list[RankWeights]:
    names = list(WEIGHT_GRID)
    return [RankWeights(**dict(zip(names, values))) for values in itertools.product(*WEIGHT_GRID.values())]


def rank_table(cases: Sequence[RankingCase], grid: Sequence[RankWeights]) -> np.ndarray:
    """Reciprocal rank of each case (rows) under each weight setting (columns)."""
    table = np.zeros((len(cases), len(grid)))
    for j, weights in enumerate(grid):
        vector = weights.as_vector()
        for i, case in enumerate(cases):
            table[i, j] = metrics.reciprocal_rank(first_relevant_rank(case, vector))
    return table


def best_weights(table: np.ndarray, rows: Sequence[int], grid: Sequence[RankWeights]) -> RankWeights:
    """The setting with the best mean reciprocal rank over the given rows (ties: the earliest)."""
    return grid[int(np.argmax(table[list(rows)].mean(axis=0)))]


# --------------------------------------------------------------------------- decision thresholds
def threshold_grid() -> list[Thresholds]:
    out = []
    for floor, floor_cross, quantity in itertools.product(SIMILARITY_STEPS, SIMILARITY_STEPS, QUANTITY_STEPS):
        out.append(Thresholds(min_similarity=floor, min_similarity_cross_lingual=floor_cross,
                              min_quantity_similarity=quantity, caution_below=round(floor + CAUTION_MARGIN, 2)))
    return out


def evidence_of(record: dict[str, Any]) -> Evidence:
    recorded = record["if_answered"]["evidence"]
    known = {f.name for f in fields(Evidence)}
    return Evidence(**{key: (tuple(value) if isinstance(value, list) else value)
                       for key, value in recorded.items() if key in known})


def decision_right(record: dict[str, Any], thresholds: Thresholds) -> bool:
    declined = decide(evidence_of(record), thresholds).verdict == "decline"
    if not record["answerable"]:
        return declined
    return not declined and record["if_answered"]["correct"]


def outcome_table(records: Sequence[dict[str, Any]], grid: Sequence[Thresholds]) -> np.ndarray:
    """1 where a record's outcome is right under a threshold setting (rows: records, columns: grid).
    The same outcome as ``decision_right`` (a test checks it), computed for the whole grid at once."""
    columns = {name: np.array([getattr(t, name) for t in grid]) for name in
               ("min_similarity", "min_similarity_cross_lingual", "min_quantity_similarity")}
    rows = []
    for record in records:
        e = evidence_of(record)
        always = bool(e.foreign or e.unheld_acts or e.absent_articles or e.missing_years or (e.asked_quantity and e.unknown_names))
        floor = columns["min_similarity_cross_lingual"] if e.cross_lingual else columns["min_similarity"]
        declined = always | (e.best_sentence < floor)
        if e.asked_quantity and not e.quantity_stated:
            declined = declined | (e.best_sentence < columns["min_quantity_similarity"])
        right = declined if not record["answerable"] else (~declined & bool(record["if_answered"]["correct"]))
        rows.append(right)
    return np.array(rows, dtype=np.float32)


def best_thresholds(table: np.ndarray, rows: Sequence[int], grid: Sequence[Thresholds]) -> Thresholds:
    """The setting with the most right outcomes over the given rows; ties go to the lowest floors
    (declining less often), the grid's order."""
    return grid[int(np.argmax(table[list(rows)].sum(axis=0)))]


# --------------------------------------------------------------------------- the whole procedure
Evaluate = Callable[[Assistant, Question], dict[str, Any]]
Progress = Callable[[Sequence[Any], str], Any]


def cross_validate(assistant: Assistant, questions: Sequence[Question], evaluate: Evaluate, k: int = 5,
                   repeats: int = 3, progress: Progress | None = None) -> dict[str, Any]:
    """Cross-validated per-question records and the settings fitted on each fold (see module doc),
    for ``repeats`` different splits into folds (seeds 0..repeats-1): one split's figures move by a
    few points with the luck of the split, their mean much less.

    ``evaluate(assistant, question)`` answers one question with ``decline=False`` and returns its
    scored record (with ``if_answered``); it is called with an Assistant configured with the fold's
    ranking weights (answers are reused wherever folds fitted the same weights). The fold's decision is
    then applied to the record."""
    progress = progress or (lambda items, desc: items)
    answerable = [i for i, q in enumerate(questions) if q.answerable]
    cases = [ranking_case(assistant, questions[i]) for i in progress(answerable, "CV ranking")]
    grid = weight_grid()
    table = rank_table(cases, grid)
    row_of = {qi: row for row, qi in enumerate(answerable)}
    decision_grid = threshold_grid()
    answers: dict[tuple[RankWeights, int], dict[str, Any]] = {}

    def answered(weights: RankWeights, members: Sequence[int], desc: str) -> None:
        todo = [i for i in members if (weights, i) not in answers]
        if todo:
            configured = assistant.configured(**{f"weight_{name}": value for name, value in asdict(weights).items()})
            for i in progress(todo, desc):
                answers[weights, i] = evaluate(configured, questions[i])

    records: list[dict[str, Any]] = []
    splits = []
    for seed in range(repeats):
        fold = folds_of(questions, k, seed)
        fold_weights = [best_weights(table, [row_of[i] for i in answerable if fold[i] != f], grid) for f in range(k)]
        for f in range(k):
            answered(fold_weights[f], [i for i in range(len(questions)) if fold[i] == f], f"CV split {seed + 1}, fold {f + 1}")
        split = [copy.deepcopy(answers[fold_weights[fold[i]], i]) for i in range(len(questions))]
        outcomes = outcome_table(split, decision_grid)
        fold_thresholds = [best_thresholds(outcomes, [i for i in range(len(questions)) if fold[i] != f], decision_grid)
                           for f in range(k)]
        for i, record in enumerate(split):
            apply_decision(record, decide(evidence_of(record), fold_thresholds[fold[i]]).verdict)
            record["fold"], record["split"] = fold[i], seed
        records += split
        splits.append([{"weights": asdict(w), "thresholds": asdict(t)} for w, t in zip(fold_weights, fold_thresholds)])

    all_weights = best_weights(table, range(len(answerable)), grid)
    answered(all_weights, range(len(questions)), "Fit on all")
    everything = [answers[all_weights, i] for i in range(len(questions))]
    all_thresholds = best_thresholds(outcome_table(everything, decision_grid), range(len(questions)), decision_grid)
    return {"k": k, "repeats": repeats, "per_question": records, "splits": splits,
            "fitted_on_all": {"weights": asdict(all_weights), "thresholds": asdict(all_thresholds)}}


def apply_decision(record: dict[str, Any], verdict: str) -> None:
    """Make a record show the outcome of a decision taken on its evidence (the answer itself is the
    one composed with ``decline=False``)."""
    declined = verdict == "decline"
    record["status"] = "not_found" if declined else "answered"
    record["verdict"] = verdict
    checks = record["checks"]
    checks["answered"] = not declined
    if declined:  # a declined answer quotes nothing
        record["citations"], record["unsupported_numbers"] = [], []
        checks["citations_valid"], checks["numbers_supported"] = True, True
    if record["answerable"]:
        checks["correct"] = not declined and record["if_answered"]["correct"]
        precise = record["if_answered"]["citations_precise"]
        checks["citations_precise"] = bool(precise) and all(precise) and not declined
    else:
        checks["refusal_correct"] = declined
