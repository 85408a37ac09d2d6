"""Evaluation and benchmarks over the public API.

>>> from assistant.evaluation import run_evaluation
>>> results = run_evaluation("evals/questions.jsonl", "eval-output", k=5, compare=True)
"""

from .questions import Question, QuestionsFileError, load_questions
from .runner import run_evaluation


def run_benchmarks(*args, **kwargs):
    """See ``assistant.evaluation.bench.run_benchmarks``."""
    from .bench import run_benchmarks as run

    return run(*args, **kwargs)


__all__ = ["Question", "QuestionsFileError", "load_questions", "run_benchmarks", "run_evaluation"]
