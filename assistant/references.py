"""Find provision references written in a question: "Article 492", "Art. 7 of the Directive",
"ст. 492", "статья 21", "第十五条", "21-бап". Pure functions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .chunking import chinese_numeral
from .places import countries_in
from .text import tokenize
from .types import DocInfo

_NUM = r"(\d+(?:-\d+)?)"
_PATTERNS = (
    re.compile(rf"\b(?:articles?|arts?\.?)\s*{_NUM}((?:\s*(?:,|and|or|&)\s*{_NUM}\b(?!\s*(?:days?|years?|months?|weeks?)))*)", re.I),
    re.compile(rf"(?:\bстать(?:я|и|е|ю|ей|ям|ями|ях)|\bст\.)\s*{_NUM}((?:\s*(?:,|и|или)\s*{_NUM})*)", re.I),
    re.compile(rf"\b{_NUM}-(?:бап|бабы|бабына|бабында)"),
)
_CHINESE = re.compile(r"第([零〇一二三四五六七八九十百千两\d]+)条")
_NUMBER = re.compile(_NUM)
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Reference:
    article: str
    text: str


def parse_references(question: str) -> list[Reference]:
    """Every article number the question names, in order, without repeats."""
    found: list[Reference] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(question):
            numbers = [match.group(1)]
            if match.lastindex and match.lastindex >= 2 and match.group(2):
                numbers += _NUMBER.findall(match.group(2))
            found += [Reference(n, match.group(0)) for n in numbers]
    for match in _CHINESE.finditer(question):
        found.append(Reference(str(chinese_numeral(match.group(1))), match.group(0)))
    unique: dict[str, Reference] = {}
    for ref in found:
        unique.setdefault(ref.article, ref)
    return list(unique.values())


# Words that name provisions or extracts, not documents ("Articles 18-25", "извлечения: статьи 11, 492").
_GENERIC_TITLE_WORDS = set(tokenize("article articles art extract extracts fragment fragments part статья статьи статей "
                                    "извлечения извлечение бап"))


# An act named exactly: its number ("No 492/2011", "2004/38/EC", "№ 477-IV") or its title in
# Chinese title marks (《中华人民共和国户口登记条例》)
_ACT_NUMBER = re.compile(r"(?<![\w/])(\d{1,4}/\d{1,4})(?![\w/]*\d)|(?<!\w)(\d{1,4}-[IVXL]+)(?!\w)")
_QUOTED_TITLE = re.compile(r"《([^》]{2,})》")


def _act_numbers(question: str) -> list[tuple[str, int]]:
    """Each act number the question names, with where it starts."""
    return [(m.group(1) or m.group(2), m.start()) for m in _ACT_NUMBER.finditer(question)]


def _numbered(number: str, documents: Iterable[DocInfo]) -> set[str]:
    """doc_ids of the documents whose title carries the act number."""
    pattern = re.compile(rf"(?<![\w/]){re.escape(number)}(?![\w]*\d)")
    return {d.doc_id for d in documents if pattern.search(f"{d.short_title} {d.title}")}


def named_acts(question: str, documents: Iterable[DocInfo]) -> set[str]:
    """doc_ids of the documents the question names exactly, by number or quoted title. Pure."""
    docs = list(documents)
    out: set[str] = set()
    for number, _ in _act_numbers(question):
        out |= _numbered(number, docs)
    for match in _QUOTED_TITLE.finditer(question):
        out |= {d.doc_id for d in docs if match.group(1) in f"{d.short_title} {d.title}"}
    return out


_ACT_TYPE = re.compile(r"(?:Regulation|Directive|Decision|Law|Code|Decree|Resolution|Регламент|Директив|Решени|Закон|Кодекс|"
                       r"Указ|Постановлени|Заң|Жарлы|Қаулы|Кодек)", re.I)
_TYPE_REACH = 30  # characters between an act's type word and its number ("Regulation (EU) No 492/2011")


def unheld_acts(question: str, documents: Iterable[DocInfo]) -> tuple[str, ...]:
    """Acts the question names by type and number ("Directive 2003/109/EC") that no document of the
    corpus is. Pure."""
    docs = list(documents)
    named = [number for number, start in _act_numbers(question)
             if _ACT_TYPE.search(question[max(0, start - _TYPE_REACH):start])]
    return tuple(dict.fromkeys(number for number in named if not _numbered(number, docs)))


def document_hints(question: str, documents: Iterable[DocInfo]) -> set[str]:
    """doc_ids of the documents the question names: exactly (``named_acts``) when it does, else
    those whose distinctive title words appear in it ("Directive", "TFEU", "Code", "1995").

    A title word is distinctive when at most two documents share it, so "Republic" or "Law"
    never point anywhere. Numbers count only as years ("the 1995 Constitution"), not as article
    numbers that happen to be in a title ("No 492/2011")."""
    docs = list(documents)
    exact = named_acts(question, docs)
    if exact:
        return exact
    words = {d.doc_id: set(tokenize(f"{d.short_title} {d.title}")) - _GENERIC_TITLE_WORDS for d in docs}
    frequency = Counter(w for ws in {doc: ws for doc, ws in words.items()}.values() for w in ws)
    asked = set(tokenize(question))
    return {
        doc_id for doc_id, ws in words.items()
        if any(frequency[w] <= 2 and len(w) > 2 and (not w.isdigit() or _YEAR.fullmatch(w)) for w in ws & asked)
    }


_JURISDICTION_CUES = {
    "EU": re.compile(r"\bEU\b|\bE\.U\.|European Union|\bUnion citizen|Member State|\bЕС\b|Евросоюз|Европейск|государств[ао]-член|ЕО\b|Еуропа", re.I),
    "KZ": re.compile(r"Kazakh|Қазақстан|Казахстан|\bРК\b|\bKZ\b", re.I),
    "RU": re.compile(r"\bRussia|Российск|\bРФ\b|Росси", re.I),
    "CN": re.compile(r"\bChin(a|ese)\b|\bPRC\b|Китай|КНР|Қытай|中国|中华人民共和国|户口|居住证", re.I),
}


def jurisdiction_hints(question: str) -> set[str]:
    """Jurisdictions the question names ("EU", "Казахстан", "PRC", and the EU through a member state:
    "France", "в Германии")."""
    named = {code for code, cue in _JURISDICTION_CUES.items() if cue.search(question)}
    return named | {code for _, code, _, _ in countries_in(question) if code in _JURISDICTION_CUES}
