"""Checks that decide whether a generated statement may be shown. Pure functions.

A sentence survives only if it carries at least one [n] marker, every marker points at a source
that was given, and every number it states (digits or number words, English, Russian, Kazakh) is
stated by one of the sources it cites (or is the cited provision's own article number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import sentence_spans

MARKER = re.compile(r"\[(\d{1,3})\]")

_WORD_NUMBERS = {
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "sixtieth": 60, "ninetieth": 90, "hundredth": 100, "once": 1, "twice": 2, "half": 0.5,
}
# Russian number words by stem (case endings vary: семь, семи, семью ...); longest stem wins.
_RU_STEMS = {
    "ноль": 0, "один": 1, "одн": 1, "перв": 1, "два": 2, "двух": 2, "две": 2, "втор": 2, "три": 3, "трех": 3,
    "трёх": 3, "трет": 3, "четыр": 4, "четвер": 4, "пят": 5, "шест": 6, "сем": 7, "седьм": 7, "восем": 8,
    "восьм": 8, "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12, "тринадцат": 13,
    "четырнадцат": 14, "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17, "восемнадцат": 18,
    "девятнадцат": 19, "двадцат": 20, "тридцат": 30, "сорок": 40, "пятьдесят": 50, "пятидесят": 50,
    "шестьдесят": 60, "шестидесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяност": 90, "сто": 100,
    "ста": 100, "сот": 100, "тысяч": 1000, "полгода": 0.5, "половин": 0.5,
}
_RU_EXCLUDE = {"семья", "семьи", "семье", "семью", "семьей", "семьёй", "семей", "семьям", "семьями", "семьях",
               "сторон", "стороны", "стол", "столица", "трибун", "одна", "однако", "стоимость", "статья",
               "статьи", "пятно", "девятый"}
_KK_WORDS = {"бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6, "жеті": 7, "сегіз": 8, "тоғыз": 9,
             "он": 10, "жиырма": 20, "отыз": 30, "қырық": 40, "елу": 50, "алпыс": 60, "жетпіс": 70,
             "сексен": 80, "тоқсан": 90, "жүз": 100, "мың": 1000}
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_RU_SORTED = sorted(_RU_STEMS.items(), key=lambda kv: -len(kv[0]))


def _word_value(word: str) -> float | None:
    w = word.lower()
    if w in _WORD_NUMBERS:
        return _WORD_NUMBERS[w]
    if w in _KK_WORDS:
        return _KK_WORDS[w]
    if w in _RU_EXCLUDE or not ("\u0400" <= w[:1] <= "\u04ff"):
        return None
    for stem, value in _RU_SORTED:
        if w.startswith(stem) and len(w) - len(stem) <= 4:
            return value
    return None


def numbers_in(text: str) -> set[float]:
    """Every number a text states, as values: '7', 'seven', 'семи' -> {7}. Dates give their parts."""
    values: set[float] = set()
    for match in _DIGITS.finditer(text):
        try:
            values.add(float(match.group().replace(",", ".")))
        except ValueError:
            continue
    for match in _WORD.finditer(text):
        value = _word_value(match.group())
        if value is not None:
            values.add(float(value))
    return values


def markers_in(text: str) -> list[int]:
    return [int(m) for m in MARKER.findall(text)]


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


@dataclass
class Verification:
    kept: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.kept)


def unsupported_numbers(sentence: str, cited_texts: list[str], allowed: set[float] | None = None) -> set[float]:
    """Numbers in the sentence (markers removed) that none of the cited texts states."""
    stated = numbers_in(strip_markers(sentence))
    supported: set[float] = set(allowed or ())
    for text in cited_texts:
        supported |= numbers_in(text)
    return stated - supported


def verify_answer(text: str, sources: dict[int, str], labels: dict[int, str] | None = None) -> Verification:
    """Keep the sentences of a generated answer that are cited and whose numbers the cited sources state.

    ``sources`` maps marker number -> source text given to the model; ``labels`` maps marker number ->
    the citation label (its article number is an allowed number)."""
    result = Verification()
    labels = labels or {}
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        markers = markers_in(sentence)
        if not strip_markers(sentence).strip(" .,;:"):
            continue  # a bare marker left over from splitting
        if not markers:
            result.dropped.append((sentence, "no citation marker"))
            continue
        unknown = [n for n in markers if n not in sources]
        valid = [n for n in markers if n in sources]
        if unknown:
            sentence = MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in sources else "", sentence).strip()
            if not valid:
                result.dropped.append((sentence, f"cites sources that were not given: {unknown}"))
                continue
        allowed = set().union(*(numbers_in(labels.get(n, "")) for n in valid))
        missing = unsupported_numbers(sentence, [sources[n] for n in valid], allowed)
        if missing:
            shown = ", ".join(f"{v:g}" for v in sorted(missing))
            result.dropped.append((sentence, f"states numbers its sources do not: {shown}"))
            continue
        result.kept.append(sentence)
    return result
