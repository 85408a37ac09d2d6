"""Small pure text helpers shared by the index, retrieval and answering: tokens, stems, sentences."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")

STOPWORDS = frozenset(
    """a an the of in on at to for by with from and or is are was were be been being it its this that
    these those as under what which who whom whose how when where why does do did can could may might must
    shall should will would there their them they he she his her i you your we our than then not no if any
    about into within other such per
    и в во на с со по к ко от до за из у о об для при что как какой какая какие каков ли не ни или
    а но же бы то это этот эта эти его ее их он она они мы вы я ты так также уже есть был была были быть""".split()
)


@lru_cache(maxsize=4)
def _stemmer(language: str):
    try:
        import Stemmer
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        return None
    return Stemmer.Stemmer(language)


def _script(word: str) -> str:
    ch = word[0]
    if "\u0400" <= ch <= "\u04ff":
        return "cyrillic"
    if _HAN.match(ch):
        return "han"
    return "latin"


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    return re.sub(r"</?[a-z]+>", " ", text)


def stem(word: str) -> str:
    script = _script(word)
    if script == "latin":
        stemmer = _stemmer("english")
    elif script == "cyrillic":
        stemmer = _stemmer("russian")
    else:
        return word
    return stemmer.stemWord(word) if stemmer else word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens (EN/RU/KK); Chinese as character unigrams and bigrams."""
    tokens: list[str] = []
    for match in _WORD.finditer(normalize(text)):
        word = match.group()
        if _HAN.match(word[0]):
            chars = [c for c in word if _HAN.match(c)]
            tokens.extend(chars)
            tokens.extend(a + b for a, b in zip(chars, chars[1:]))
            continue
        for part in word.split("-") if not word[0].isdigit() else [word]:
            if part and part not in STOPWORDS:
                tokens.append(stem(part))
    return tokens


_SENTENCE_END = re.compile(
    r"(?<=[.!?;])[\"»”)]*\s+(?=[\"«“(]?[\w\d])"  # Latin/Cyrillic sentence end
    r"|(?<=[。；！？])\s*"  # Chinese sentence end, no space needed
    r"|\n\s*\n"  # blank line
    r"|\n(?=\s*(?:\d+(?:-\d+)?[.)]\s|[-•—–]\s))"  # numbered paragraph, item or bullet
)


_NOT_AN_END = re.compile(
    r"(?:^|[\s(])(?:\d+(?:-\d+)?|[A-Za-z]|Art|Arts|No|Nos|para|paras|p|pp|e\.g|i\.e|etc|cf|vs|St|"
    r"ст|п|пп|ч|см|т\.е|т\.д|г|гг|РК|РФ)\.$"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of sentences (and list items / paragraphs), trimmed, in order."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        if out and _NOT_AN_END.search(text[out[-1][0]:out[-1][1]]):
            out[-1] = (out[-1][0], e)  # "1." or "Art." is not the end of a sentence
        else:
            out.append((s, e))
    return out


def fold(text: str) -> str:
    """Case- and whitespace-folded text for verbatim comparisons."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def document_frequencies(texts: list[str]) -> tuple[Counter, int]:
    """In how many of the texts each stemmed word occurs, and how many texts there are."""
    df: Counter = Counter()
    for text in texts:
        df.update(set(tokenize(text)))
    return df, len(texts)


def idf(token: str, df: Counter, n_docs: int) -> float:
    return math.log((n_docs + 1) / (df.get(token, 0) + 0.5))
