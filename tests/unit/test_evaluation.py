"""Unit tests of the evaluation: metric functions, questions-file validation, the results layout,
the baselines and the benchmark's synthetic corpora. Fast: fake embedder, tiny corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.evaluation import QuestionsFileError, load_questions, metrics, run_evaluation, synthetic
from assistant.evaluation.baselines import TextbookRecipe, bm25_only, dense_only, textbook_chunks
from assistant.evaluation.hashing import HashingEmbeddings
from assistant.evaluation.runner import evaluate_ours

RESULT_KEYS = {"n_questions", "retrieval", "answer", "refusal", "latency_ms", "by_language", "by_topic", "per_question"}

QUESTIONS = [
    {"id": "q-fine", "question": "What is the fine for living without registration for more than one month?",
     "language": "en", "topic": "registration", "answerable": True,
     "sources": [{"doc_id": "demo-code", "article": "7"}],
     "evidence": ["subject to a fine of seven monthly indicators"], "must_include": [["seven", "7"], ["monthly"]]},
    {"id": "q-landlord", "question": "What happens to a landlord who lets a dwelling to unregistered persons?",
     "language": "en", "topic": "landlords", "answerable": True, "sources": [{"doc_id": "demo-code", "article": "8"}],
     "evidence": ["is subject to a warning"], "must_include": [["warning"]]},
    {"id": "q-na", "question": "What is the top speed for cars on motorways?", "language": "en", "topic": "unanswerable",
     "answerable": False, "sources": [], "evidence": [], "must_include": []},
]


def write_questions(path: Path, records=QUESTIONS, extra_lines: list[str] | None = None) -> Path:
    lines = [json.dumps(r) for r in records] + (extra_lines or [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- metrics
@pytest.mark.parametrize("text, evidence, expected", [
    ("Subject to a FINE of\n seven  monthly indicators.", ["fine of seven monthly"], True),
    ("subject to a fine", ["fine of seven"], False),
    ("anything", [], False),
    ("штраф в размере семи", ["ШТРАФ  в размере"], True),
])
def test_evidence_matches_case_and_whitespace_insensitively(text, evidence, expected):
    assert metrics.contains_evidence(text, evidence) is expected


@pytest.mark.parametrize("texts, rank", [
    (["a", "b", "x evidence y"], 3),
    (["evidence", "evidence"], 1),
    (["a", "b"], None),
    ([], None),
])
def test_first_relevant_rank_is_one_based_or_none(texts, rank):
    assert metrics.first_relevant_rank(texts, ["evidence"]) == rank


def test_hit_at_k_and_mrr_over_ranks():
    summary = metrics.retrieval_summary([1, 2, 4, None])
    assert summary == {"hit@1": 0.25, "hit@3": 0.5, "hit@5": 0.75, "mrr": (1 + 0.5 + 0.25 + 0) / 4}


def test_retrieval_summary_of_no_questions_is_undefined():
    assert metrics.retrieval_summary([]) == {"hit@1": None, "hit@3": None, "hit@5": None, "mrr": None}


@pytest.mark.parametrize("status, text, groups, expected", [
    ("answered", "a fine of 7 MONTHLY indicators", [["seven", "7"], ["monthly"]], True),
    ("answered", "a fine of 7 indicators", [["seven", "7"], ["monthly"]], False),
    ("not_found", "seven monthly", [["seven"]], False),
    ("answered", "anything", [], True),
])
def test_answer_is_correct_when_answered_and_every_group_matches(status, text, groups, expected):
    assert metrics.is_correct_answer(status, text, groups) is expected


@pytest.mark.parametrize("chunk_text, doc_id, article, expected", [
    ("holds the evidence snippet", "other", None, True),
    ("unrelated", "code", "492", True),     # listed (doc, article)
    ("unrelated", "code", "493", False),    # same doc, other article
    ("unrelated", "paper", "12", True),     # article null: the whole document counts
    ("unrelated", "paper", None, True),
    ("unrelated", "code", None, False),     # chunk without article cannot match a specific article
])
def test_citation_precision_accepts_evidence_or_listed_source(chunk_text, doc_id, article, expected):
    sources = [{"doc_id": "code", "article": "492"}, {"doc_id": "paper", "article": None}]
    assert metrics.citation_is_precise(chunk_text, doc_id, article, ["evidence snippet"], sources) is expected


@pytest.mark.parametrize("answer, cited, unsupported", [
    ("Art. 492 provides [1]: “a fine of seven indicators”", ["a fine of seven indicators", "Code, Art. 492"], set()),
    ("The fine is 10 indicators [1].", ["a fine of seven indicators"], {10.0}),
    ("The fine is ten indicators [2].", ["fine of 10"], set()),   # word and digit are the same number
    ("Штраф семи показателей [1].", ["seven"], set()),
    ("No numbers here [3].", [], set()),                           # the [n] marker is not a number
])
def test_unsupported_numbers_are_those_absent_from_quotes_and_labels(answer, cited, unsupported):
    assert metrics.unsupported_numbers(answer, cited) == unsupported


@pytest.mark.parametrize("values, q, expected", [
    ([1, 2, 3, 4], 50, 2.5), ([5], 95, 5), ([], 50, None), ([1, 2, 3, 4, 5], 95, 4.8), ([3, 1, 2], 0, 1),
])
def test_percentile_interpolates_linearly(values, q, expected):
    result = metrics.percentile(values, q)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_rate_of_nothing_is_undefined_not_zero():
    assert metrics.rate([]) is None
    assert metrics.rate([True, False, False, True]) == 0.5


# ---------------------------------------------------------------- questions file
@pytest.mark.integration
def test_shared_dev_questions_load(tmp_path):
    dev = Path(__file__).resolve().parents[3] / "shared" / "evals" / "dev.jsonl"
    if not dev.exists():
        pytest.skip("../shared/evals/dev.jsonl is not beside the repository")
    questions = load_questions(dev)
    assert len(questions) >= 30 and any(not q.answerable for q in questions)


def test_repository_questions_file_is_valid():
    questions = load_questions(Path(__file__).resolve().parents[2] / "evals" / "questions.jsonl")
    assert {q.language for q in questions} >= {"en", "ru", "kk"}


@pytest.mark.parametrize("bad_line, message", [
    ("{not json", "not valid JSON"),
    ('{"id": "x", "answerable": true, "evidence": ["e"]}', "missing required key 'question'"),
    ('{"id": "x", "question": "q?", "answerable": "yes"}', "'answerable' must be a bool"),
    ('{"id": "x", "question": "q?", "answerable": true, "evidence": []}', "needs at least one 'evidence'"),
    ('{"id": "x", "question": "q?", "answerable": false, "must_include": ["seven"]}', "'must_include' must be"),
    ('{"id": "q-fine", "question": "q?", "answerable": false}', "duplicate id 'q-fine'"),
    ('["a list"]', "expected a JSON object"),
])
def test_malformed_line_is_reported_with_its_line_number(tmp_path, bad_line, message):
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS, ["", bad_line])
    with pytest.raises(QuestionsFileError) as error:
        load_questions(path)
    assert f"q.jsonl:{len(QUESTIONS) + 2}:" in str(error.value)
    assert message in str(error.value)


def test_cli_reports_malformed_line_without_traceback(tmp_path):
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS[:1], ["{broken"])
    result = CliRunner().invoke(cli, ["eval", "--questions", str(path), "--output", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "q.jsonl:2: not valid JSON" in result.output
    assert "Traceback" not in result.output


def test_missing_questions_file_is_a_clean_error(tmp_path):
    with pytest.raises(QuestionsFileError, match="no such questions file"):
        load_questions(tmp_path / "absent.jsonl")


# ---------------------------------------------------------------- the run
def test_results_json_has_exactly_the_documented_keys(tmp_path, fake_assistant):
    questions = write_questions(tmp_path / "q.jsonl")
    results = run_evaluation(questions, tmp_path / "out", assistant=fake_assistant, progress=False)
    on_disk = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert set(on_disk) == RESULT_KEYS == set(results)
    assert set(on_disk["retrieval"]) == {"hit@1", "hit@3", "hit@5", "mrr"}
    assert set(on_disk["answer"]) == {"accuracy", "citation_precision", "citation_validity", "unsupported_number_rate"}
    assert set(on_disk["refusal"]) == {"accuracy", "false_refusal_rate"}
    assert set(on_disk["latency_ms"]) == {"retrieve_p50", "retrieve_p95", "answer_p50", "answer_p95"}
    assert on_disk["n_questions"] == 3 and len(on_disk["per_question"]) == 3
    assert set(on_disk["by_topic"]) == {"registration", "landlords", "unanswerable"}
    for name in ("report.md", "retrieval.png", "latency.png", "by_topic.png"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_per_question_record_says_what_was_retrieved_answered_and_cited(tmp_path, fake_assistant):
    question = load_questions(write_questions(tmp_path / "q.jsonl"))[0]
    record = evaluate_ours(fake_assistant, question, k=5, mode="extractive")
    assert record["status"] == "answered"
    assert record["first_relevant_rank"] == 1 and record["checks"]["hit@1"]
    assert record["retrieved"][0]["contains_evidence"]
    assert record["citations"] and record["citations"][0]["article"] == "7"
    assert record["checks"]["correct"] and record["checks"]["citations_valid"]
    assert record["unsupported_numbers"] == []


def test_evaluation_scores_the_tiny_corpus_sensibly(tmp_path, fake_assistant):
    results = run_evaluation(write_questions(tmp_path / "q.jsonl"), tmp_path / "out", assistant=fake_assistant,
                             progress=False)
    assert results["retrieval"]["hit@5"] == 1.0
    assert results["answer"]["citation_validity"] == 1.0
    assert results["answer"]["accuracy"] == 1.0
    assert results["refusal"]["accuracy"] == 1.0
    assert results["by_language"]["en"]["n_questions"] == 3


def test_compare_writes_one_table_with_all_four_systems(tmp_path, fake_assistant):
    run_evaluation(write_questions(tmp_path / "q.jsonl"), tmp_path / "out", assistant=fake_assistant,
                   compare=True, progress=False)
    baselines = json.loads((tmp_path / "out" / "baselines.json").read_text(encoding="utf-8"))
    assert set(baselines) == {"textbook", "bm25", "dense", "ours"}
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "## Baselines" in report and "textbook recipe" in report and "BM25 only" in report
    assert baselines["bm25"]["retrieval"]["hit@5"] == 1.0


def test_textbook_chunks_are_1000_chars_with_overlap_and_point_into_the_file(small_corpus):
    chunks = textbook_chunks(small_corpus)
    assert chunks and all(len(c.text) <= 1000 and c.article is None for c in chunks)
    source = (small_corpus / chunks[0].info.source_file).read_text(encoding="utf-8")
    assert source[chunks[0].start:chunks[0].end] == chunks[0].text


def test_textbook_store_is_reused_without_embedding_again(tmp_path, small_corpus, fake_embeddings):
    TextbookRecipe(small_corpus, fake_embeddings, tmp_path / "cache", progress=False)
    calls = len(fake_embeddings.calls)
    recipe = TextbookRecipe(small_corpus, fake_embeddings, tmp_path / "cache", progress=False)
    assert len(fake_embeddings.calls) == calls
    assert recipe.retrieve("fine seven monthly indicators", 3)[0].dense_rank == 1


def test_single_ranker_baselines_rank_our_chunks(fake_assistant):
    for retrieve in (bm25_only(fake_assistant.index), dense_only(fake_assistant.index)):
        hits = retrieve("fine for living without registration", 3)
        assert 0 < len(hits) <= 3
        assert hits[0].chunk.id in fake_assistant.index.chunks


# ---------------------------------------------------------------- benchmark pieces
def test_synthetic_copies_get_new_doc_ids_and_distinct_text(tmp_path, small_corpus):
    stats = synthetic.build_corpus(small_corpus, tmp_path / "x3", 3)
    assert stats["files"] == 3 * stats["source_files"]
    copy = (tmp_path / "x3" / "demo-code-copy2.en.md").read_text(encoding="utf-8")
    assert "doc_id: demo-code-copy2\n" in copy
    from assistant.corpus import load_corpus

    loaded = load_corpus(tmp_path / "x3")
    assert not loaded.problems and len(loaded.docs) == 3 * stats["source_files"]


def test_perturbation_is_deterministic_and_keeps_headings():
    import random

    body = "Article 7. Living without registration\n1. one two three four five six seven eight\n" * 20
    first = synthetic.perturb(body, random.Random(1))
    assert first == synthetic.perturb(body, random.Random(1)) and first != body
    assert first.count("Article 7. Living without registration") == 20


def test_hashing_embedder_is_deterministic_normalised_and_word_sensitive():
    emb = HashingEmbeddings(dim=64)
    a, b = emb.embed_documents(["fine of seven indicators", "fine of seven indicators"])
    c = emb.embed_query("residence permit")
    assert a == b and len(a) == 64
    assert sum(x * x for x in a) == pytest.approx(1.0, abs=1e-5)
    assert sum(x * y for x, y in zip(a, c)) < 0.9


def test_bench_scales_option_rejects_garbage():
    result = CliRunner().invoke(cli, ["bench", "--scales", "ten"])
    assert result.exit_code != 0 and "comma-separated" in result.output


def test_benchmark_writes_figures_for_every_scale(tmp_path, small_corpus):
    from assistant.evaluation import run_benchmarks

    results = run_benchmarks(tmp_path / "bench", scales=(3,), questions_path=write_questions(tmp_path / "q.jsonl"),
                             corpus_dir=small_corpus, embedding="hashing", progress=False, engines="hashing")
    assert results["real"]["reingest_embedded"] == 0 and results["real"]["chunks"] > 0
    assert results["real"]["cold_start"]["status"] in {"answered", "not_found"}
    assert [row["scale"] for row in results["scaling"]] == [1, 3]
    assert results["scaling"][1]["chunks"] == 3 * results["scaling"][0]["chunks"]
    bench_md = (tmp_path / "bench" / "bench.md").read_text(encoding="utf-8")
    assert "hashing embedder, not the e5 model" in bench_md and "| 3x |" in bench_md


def test_benchmark_puts_the_textbook_recipe_and_each_engine_beside_ours(tmp_path, small_corpus):
    from assistant.evaluation import run_benchmarks

    results = run_benchmarks(tmp_path / "bench", scales=(), questions_path=write_questions(tmp_path / "q.jsonl"),
                             corpus_dir=small_corpus, embedding="hashing", progress=False, engines="hashing,hashing/fp32")
    textbook = results["textbook"]
    assert textbook["textbook"]["chunks"] > 0 and textbook["textbook"]["ingest_scratch_s"] > 0
    assert textbook["ours"]["retrieve_p95"] >= textbook["ours"]["retrieve_p50"] > 0
    rows = results["engines"]["rows"]
    assert list(rows) == ["hashing", "hashing/fp32"]
    assert all(r["chunks"] == results["real"]["chunks"] and r["chunks_per_s"] > 0 for r in rows.values())
    bench_md = (tmp_path / "bench" / "bench.md").read_text(encoding="utf-8")
    assert "textbook: RecursiveCharacterTextSplitter(1000, 200)" in bench_md and "| hashing/fp32 |" in bench_md


def test_bench_engines_option_rejects_an_unknown_precision():
    result = CliRunner().invoke(cli, ["bench", "--engines", "e5/fp8"])
    assert result.exit_code == 1 and "precision" in result.output and "Traceback" not in result.output
