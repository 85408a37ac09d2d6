"""Structured scope checks: positive evidence that the corpus cannot answer a question. Pure functions.

Similarity alone cannot tell "asked in unusual words" from "not in the corpus". These checks look for
what a question names or asks that the corpus demonstrably lacks:

- a **foreign jurisdiction** whose own law the question is about ("in Uzbekistan", "German
  authorities", "Ресейде") when the corpus holds no law of it (EU member states count as the EU);
- a **year** the retrieved provisions never mention ("quota for 2025");
- a **quantity** the question asks for ("how many days", "сколько стоит", "қанша") of a kind
  (period, fine, fee, percentage) that no retrieved sentence states;
- a **name** the corpus never uses (a region, a city) in a question that asks for a figure about it.

The country list (places.py) is general geography, not wording from any question set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..places import countries_in, is_country
from ..text import normalize, tokenize

# The law of the named country governs: "in X", "within X", "X's", "X authorities/law/rules", "в X", "X-да/-де".
_GOVERNING_BEFORE = re.compile(r"(?:\b(?:in|within|inside|to)|\bв|\bво|\bна)\s+(?:the\s+)?$", re.I)
_GOVERNING_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:authorit|law|rules|government|police|migration service|embassy|consulate|"
    r"legislation|regulations|registration office)", re.I)
_KAZAKH_LOCATIVE = re.compile(r"(?:да|де|та|те|нда|нде)$", re.I)
_ORIGIN_BEFORE = re.compile(r"(?:\bfrom|\bof|\bиз|\bсо|\bс)\s+(?:the\s+)?$", re.I)


def named_countries(question: str) -> list[tuple[str, str, bool]]:
    """(word, jurisdiction code, governs) for each country the question names; ``governs`` when the
    question is about that country's own rules rather than a person's origin."""
    out = []
    for word, code, start, end in countries_in(question):
        before, after = question[:start][-20:], question[end:][:40]
        governs = bool(_GOVERNING_BEFORE.search(before) or _GOVERNING_AFTER.match(after)
                       or (_KAZAKH_LOCATIVE.search(word) and not _ORIGIN_BEFORE.search(before)))
        if _ORIGIN_BEFORE.search(before):
            governs = False
        out.append((word, code, governs))
    return out


def foreign_jurisdictions(question: str, held: Iterable[str]) -> tuple[str, ...]:
    """Countries whose own law the question is about and the corpus does not hold (EU members are
    the EU). Empty when the question also asks about a held jurisdiction in the same way."""
    held_codes = {code.upper() for code in held}
    governing = [(word, code) for word, code, governs in named_countries(question) if governs]
    if any(code in held_codes for _, code in governing):
        return ()
    return tuple(dict.fromkeys(word for word, code in governing if code not in held_codes))


# --------------------------------------------------------------------------- years
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NOTE_LINE = re.compile(r"^\s*(?:Примечание|Note|Footnote|Сноска)\b.*$", re.M)
# an act cited by its date and number ("Law ... dated 30.06.2025 № 203-VIII"): the date of an amendment,
# not a year the provision's rule is about
_ACT_CITATION = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4}\s*(?:года\s*|г\.\s*)?(?:№|No\.?)\s*\S+")


def missing_years(question: str, texts: Iterable[str]) -> tuple[str, ...]:
    """The question's years when none of them appears in the texts (notes and dates of amending acts
    aside), else empty."""
    years = set(_YEAR.findall(question))
    stated = set(_YEAR.findall(_ACT_CITATION.sub("", _NOTE_LINE.sub("", " ".join(texts)))))
    return tuple(sorted(years)) if years and not years & stated else ()


# --------------------------------------------------------------------------- quantities
_HOW_MUCH = re.compile(
    r"\bhow\s+(?:many|much|long|soon|often)\b|\bwithin\s+what\b|\bby\s+how\s+much\b"
    r"|\bwhat\s+(?:\w+\s+){0,2}(?:amount|percentage|share|size|number|figure|rate|level|period|deadline|fee|cost|price|"
    r"sum|quota|term|age|fine|penalty)\b"
    r"|\bсколько\b|\bкак\s+долго\b|\bв\s+какой\s+срок|\bна\s+какой\s+срок|\bв\s+течение\s+какого"
    r"|\bкак\w*\s+(?:\w+\s+)?(?:размер|срок|процент|сумм|показател|цифр|квот|доля|стоимост|возраст|штраф)\w*"
    r"|\bқанша\b|\bнеше\b|\bқандай\s+(?:\w+\s+)?(?:мөлшер|көрсеткіш|мерзім|пайыз|сома|айыппұл)\w*|\bқай\s+уақыт"
    r"|多少|几|多长|多久",
    re.I,
)
_UNITS = {
    "period": r"\bday|\bweek|\bmonth|\byear|сут|\bдн[еяи]|\bдень|недел|месяц|\bгод|\bлет\b|\bсрок|күн|апта|\bай\b|\bайға|"
              r"\bайдан|\bжыл|日|天|月|年|\blong\b|долго|period|deadline|мерзім",
    "percent": r"percent|%|процент|пайыз|\bshare\b|\bдоля|үлес",
    "fine": r"\bfine|penalt|штраф|айыппұл|санкци|жаза",
    "fee": r"\bfee|\bcost|\bprice|\bcharge|\bduty\b|\bpay\b|tenge|тенге|теңге|euro|евро|dollar|доллар|пошлин|\bсбор|"
           r"стоит|стоимост|\bплат|алым|тұрады|бағасы|төле|元|费",
}
_STATED_UNITS = {
    "period": _UNITS["period"],
    "percent": _UNITS["percent"],
    "fine": r"monthly\s+(?:settlement|calculation)|месячн\w*\s+расчетн|айлық\s+есептік|\bmci\b|\bмрп\b|\bаек\b|"
            r"tenge|тенге|теңге|\bfine|штраф|айыппұл|罚款|元",
    "fee": r"tenge|тенге|теңге|euro|евро|dollar|доллар|monthly\s+(?:settlement|calculation)|месячн\w*\s+расчетн|"
           r"айлық\s+есептік|\bmci\b|\bмрп\b|\bаек\b|\bfee|пошлин|\bсбор|元|费",
}


_ASKS_PERIOD = re.compile(r"\bhow\s+(?:long|soon|often)\b|\bкак\s+долго\b|\b(?:в|на)\s+какой\s+срок|\bв\s+течение\s+какого"
                          r"|\bқанша\s+(?:уақыт|күн|ай|жыл)|\bқай\s+уақыт|多久|多长", re.I)


def asked_quantity(question: str) -> str | None:
    """The kind of number the question asks for ('period', 'percent', 'fine', 'fee', 'count'), or None."""
    if not _HOW_MUCH.search(question):
        return None
    if _ASKS_PERIOD.search(question):
        return "period"
    text = normalize(question)
    for kind in ("percent", "fine", "fee", "period"):
        if re.search(_UNITS[kind], text):
            return kind
    return "count"


def states_quantity(text: str, kind: str) -> bool:
    """Does the text state a number of the given kind (a number word or digits near a unit word)?"""
    from .verify import numbers_in  # numbers in digits and EN/RU/KK words

    body = re.sub(r"^\s*\d+(?:-\d+)?[.)]\s*", "", text)  # a paragraph's own number is not a quantity
    if not numbers_in(body) and not re.search(r"[零〇一二三四五六七八九十百千两]", body):
        return False
    if kind == "count":
        return True
    folded = normalize(body)
    for match in re.finditer(_STATED_UNITS[kind], folded):
        window = folded[max(0, match.start() - 60):match.end() + 40]
        if numbers_in(window) or re.search(r"[零〇一二三四五六七八九十百千两]", window):
            return True
    return False


SPECIFIC_SHARE = 0.10  # a word in at most this share of chunks says what a question is about


def subject_words(question: str, df, n_docs: int) -> tuple[set[str], bool]:
    """The question's words that say what it is about (in few chunks; not units or "how many"), and
    whether it uses words the corpus never does."""
    kind_words = set(tokenize(" ".join(m.group() for kind in _UNITS for m in re.finditer(_UNITS[kind], normalize(question)))))
    kind_words |= set(tokenize(" ".join(m.group() for m in _HOW_MUCH.finditer(question))))
    words = [t for t in tokenize(question) if t not in kind_words and not t.isdigit()]
    specific = {t for t in words if 0 < df.get(t, 0) <= SPECIFIC_SHARE * n_docs}
    return specific, any(df.get(t, 0) == 0 for t in words)


def figure_about_subject(sentence: str, heading: str | None, kind: str, subject: set[str], unknown_words: bool) -> bool:
    """Does the sentence (under its heading) state a figure of the asked kind about what the question
    asks? A question whose every telling word is one the corpus never uses has no such sentence.
    ``heading`` None: the sentence is in another language than the question, and only the figure counts."""
    if not states_quantity(sentence, kind):
        return False
    if heading is None:
        return True
    if subject:
        return bool(subject & set(tokenize(f"{heading} {sentence}")))
    return not unknown_words


# --------------------------------------------------------------------------- names
_CAPITALISED = re.compile(r"(?<![\w\-«\"“])([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]{3,})")


def unknown_names(question: str, vocabulary: set[str]) -> tuple[str, ...]:
    """Capitalised words inside a sentence (not its first word) that the corpus never uses and that
    name no country: regions, cities, organisations the corpus knows nothing about."""
    out = []
    for match in _CAPITALISED.finditer(question):
        before = question[:match.start()].rstrip()
        if not before or before[-1] in ".!?:;[(«\"“":
            continue  # first word of a sentence
        word = match.group(1)
        if is_country(word) or any(t in vocabulary for t in tokenize(word)):
            continue
        out.append(word)
    return tuple(dict.fromkeys(out))


# --------------------------------------------------------------------------- words
_HAN = re.compile(r"[\u4e00-\u9fff]")


def known_words(question: str, vocabulary) -> int:
    """How many of the question's words (letters, two or more, or a Chinese character) could be
    looked up: words the corpus uses, and any word outside the Latin script (a Kazakh question uses
    words the corpus, which holds almost no Kazakh, never does, and is matched by meaning). Zero for
    input that is no question at all: "{0}", "-1", "1' OR '1'='1", "${jndi:ldap://x/a}"."""
    return sum(1 for t in tokenize(question)
               if (len(t) >= 2 and any(ch.isalpha() for ch in t) or _HAN.match(t))
               and (vocabulary.get(t, 0) > 0 or not t.isascii()))
