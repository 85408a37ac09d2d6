"""The default answerer: no language model. It picks the sentences of the top hits that best answer
the question and quotes them verbatim, each marked [n]. Every sentence of the answer is either a
fixed framing phrase or a quote, so nothing can be stated that a source does not say."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..chunking import paragraph_at, paragraph_label
from ..guard import looks_like_instruction
from ..query import Query
from ..sentences import chunk_heading, quotable_spans
from ..text import idf, tokenize
from ..types import Chunk, Hit
from .context import AnswerContext
from .verify import numbers_in

MAX_QUOTE_CHARS = 700
SHORT_PROVISION_CHARS = 600
NEIGHBOUR_CHARS = 450
RANK_PRIOR = 0.15
DENSE_WEIGHT = 5.0
FOCUS_BONUS = 0.3
PHRASE_BONUS = 0.1
PHRASE_MAX = 0.3
REFERENCE_BONUS = 0.2


@dataclass(frozen=True)
class Quote:
    chunk: Chunk
    start: int  # offsets into chunk.text
    end: int
    score: float

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]

    @property
    def paragraph(self) -> str | None:
        inside = paragraph_label(self.text)
        if inside and "–" in inside:
            return inside
        return paragraph_at(self.chunk.text, self.start) or self.chunk.paragraph


_FOCUS_WORD = (
    re.compile(r"\bwhat\s+(?:is|are|was|were)\s+(?:the\s+|a\s+|an\s+)?(?:main\s+|basic\s+)?([^\W\d_]+)", re.I),
    re.compile(r"\b(?:what|which)\s+(?!is\b|are\b|was\b|were\b|does\b|do\b|did\b)([^\W\d_]+)", re.I),
    re.compile(r"\b(?:какой|какая|какое|какие|каков|какова|каковы|каким|какую)\s+(?:основные\s+)?([^\W\d_]+)", re.I),
    re.compile(r"([^\W\d_]+)\s+(?:қандай|қайсы)", re.I),
)
_FOCUS_NUMBER = re.compile(
    r"\bhow\s+(?:long|many|much|soon|quickly|often)\b|\bwithin\s+what\b|\bwhat\s+period\b|\bсколько\b|"
    r"\bкакой\s+срок|\bв\s+течение\s+како|\bқанша\b|\bқай\s+жыл|多少|几",
    re.I,
)
_LEADING_NUMBER = re.compile(r"^\s*\d+(?:-\d+)?[.)]\s*")
# Where a new citable unit starts: a numbered paragraph or item, or a note to the article.
_UNIT_START = re.compile(r"^\s*(?:\d+(?:-\d+)?[.)]|(?:Примечание|Note|Ескерту)\b)", re.I)
# A question about consequences ("what do I face", "грозит", "айыппұл") wants a passage that states one.
_ASKS_SANCTION = re.compile(
    r"\b(?:fine[ds]?|penalt\w*|punish\w*|sanction\w*|liab\w*|what\s+happens|face|грози\w*|наказ\w*|штраф\w*|"
    r"ответственност\w*|санкци\w*|накажут|айыппұл\w*|жаза\w*|жауапкершілік\w*)\b", re.I)
_STATES_SANCTION = re.compile(
    r"\b(?:subject\s+to|entails?|shall\s+be\s+punished|fine|warning|prevention|arrest|expulsion|влеч[её]т|влекут|"
    r"штраф\w*|предупреждени\w*|арест\w*|выдворени\w*|айыппұл\w*|ескерту\w*)\b", re.I)


def question_focus(question: str) -> tuple[set[str], bool]:
    """What the question asks for: the stemmed head words after "what is the"/"which"/"какой"
    ("fine", "body", "штраф"), and whether it asks for a number ("how long", "сколько")."""
    words: set[str] = set()
    for pattern in _FOCUS_WORD:
        for match in pattern.finditer(question):
            words.update(tokenize(match.group(1)))
    return words, bool(_FOCUS_NUMBER.search(question))


def focus_bonus(passage: str, focus: tuple[set[str], bool], wants_sanction: bool = False) -> float:
    words, wants_number = focus
    bonus = FOCUS_BONUS if words and words & set(tokenize(passage)) else 0.0
    if wants_number and numbers_in(_LEADING_NUMBER.sub("", passage)):
        bonus += FOCUS_BONUS
    if wants_sanction and _STATES_SANCTION.search(passage):
        bonus += FOCUS_BONUS
    return bonus


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:]))


def phrase_bonus(question_pairs: set[tuple[str, str]], sentence: str) -> float:
    """Adjacent question words standing together in the sentence ("without registration")."""
    if not question_pairs:
        return 0.0
    return min(PHRASE_MAX, PHRASE_BONUS * len(question_pairs & _pairs(tokenize(sentence))))


def sentence_score(question_tokens: set[str], sentence: str, heading: str, df: Counter, n_docs: int) -> float:
    """idf-weighted share of the question's words the sentence (with its article heading) contains."""
    if not question_tokens:
        return 0.0
    words = set(tokenize(sentence)) | set(tokenize(heading))
    total = sum(idf(t, df, n_docs) for t in question_tokens)
    return sum(idf(t, df, n_docs) for t in question_tokens if t in words) / total


@dataclass(frozen=True)
class _Candidate:
    base: float
    words: frozenset[str]
    quote: Quote


def candidates(query: Query, hits: list[Hit], context: AnswerContext) -> list[_Candidate]:
    """Every passage the hits could be quoted with, scored before the greedy choice. A passage is a
    sentence widened to what it needs (its list, its numbered paragraph's sanction line, a short
    provision whole); it scores by its best sentence's closeness in meaning to the question (relative
    to the best sentence of all), its hit's rank, a named article, the question's focus word,
    asked-for number or sanction, its word pairs, and the newest message's words."""
    question = query.search
    asked = set(tokenize(question))
    pairs = _pairs(tokenize(question))
    focus = question_focus(question)
    wants_sanction = bool(_ASKS_SANCTION.search(query.standalone))
    latest_words = set(tokenize(query.message)) if query.is_follow_up else set()
    passages: dict[tuple[str, int, int], tuple[int, Hit, Quote, float]] = {}
    for rank, hit in enumerate(hits):
        spans, sims = context.sentence_similarities(hit.chunk, question)
        for (start, end), sim in zip(spans, sims):
            if looks_like_instruction(hit.chunk.text[start:end]):
                continue
            quote = widen(Quote(hit.chunk, start, end, 0.0))
            key = (hit.chunk.id, quote.start, quote.end)
            if key not in passages or passages[key][3] < sim:
                passages[key] = (rank, hit, quote, float(sim))
    if not passages:
        return []
    top_sim = max(sim for *_, sim in passages.values())
    out = []
    for rank, hit, quote, sim in passages.values():
        text = quote.text
        words = (set(tokenize(text)) | set(tokenize(chunk_heading(quote.chunk)))) & asked
        base = DENSE_WEIGHT * (sim - top_sim) + RANK_PRIOR / (rank + 1) + (REFERENCE_BONUS if hit.reference_match else 0.0)
        base += focus_bonus(text, focus, wants_sanction) + phrase_bonus(pairs, text)
        if latest_words & words:
            base += FOCUS_BONUS
        out.append(_Candidate(base, frozenset(words), quote))
    return out


def best_quotes(query: Query, hits: list[Hit], context: AnswerContext, limit: int = 3) -> list[Quote]:
    """The passages that best answer the question, best first.

    Passages are picked greedily: after the first, question words already quoted count half, so the
    next passage adds what the first lacks (a question with two parts gets both). Each pick is widened
    to its list when it introduces one, to the sentence before when it opens with "This"/"Это", or to
    the whole provision when that is short."""
    df, n_docs = context.frequencies()
    weight = {t: idf(t, df, n_docs) for t in set(tokenize(query.search))}
    total = sum(weight.values()) or 1.0
    scored = candidates(query, hits, context)
    chosen: list[Quote] = []
    covered: set[str] = set()
    while scored and len(chosen) < limit:
        gains = [gain(c.base, c.words, covered, weight, total) for c in scored]
        top = max(range(len(scored)), key=gains.__getitem__)
        picked = scored.pop(top)
        quote = Quote(picked.quote.chunk, picked.quote.start, picked.quote.end, gains[top])
        touching = next((i for i, q in enumerate(chosen) if touches(quote, q)), None)
        if touching is None:
            chosen.append(quote)
        else:  # the same passage or its neighbour: one longer quote, if it stays readable
            merged = merge(chosen[touching], quote)
            if merged.end - merged.start > MAX_QUOTE_CHARS + NEIGHBOUR_CHARS:
                continue
            chosen[touching] = merged
        covered |= picked.words
    return chosen


def gain(base: float, words: frozenset[str] | set[str], covered: set[str], weight: dict[str, float], total: float) -> float:
    """A passage's worth given what is already quoted: new question words count fully, old ones half."""
    new = sum(weight.get(w, 0.0) for w in words - covered)
    old = sum(weight.get(w, 0.0) for w in words & covered)
    return base + (new + 0.5 * old) / total


def touches(a: Quote, b: Quote) -> bool:
    """Same chunk, and the spans overlap or follow each other with only whitespace between;
    a numbered paragraph that follows another stays a citation of its own."""
    if a.chunk.id != b.chunk.id:
        return False
    first, second = sorted((a, b), key=lambda q: q.start)
    if second.start < first.end:
        return True
    adjacent = not a.chunk.text[first.end:second.start].strip()
    return adjacent and not _starts_unit(a.chunk.text, second.start)


def _starts_unit(text: str, offset: int) -> bool:
    """Does a new paragraph, item or note begin on the line of ``offset``, at or before it?"""
    line_start = text.rfind("\n", 0, offset) + 1
    return bool(_UNIT_START.match(text[line_start:offset + 1]) or _UNIT_START.match(text[offset:]))


def merge(a: Quote, b: Quote) -> Quote:
    return Quote(a.chunk, min(a.start, b.start), max(a.end, b.end), max(a.score, b.score))


_ANAPHORA = re.compile(r"^(this|that|these|those|such|it|they|hence|therefore|thus|это|этот|эта|эти|такой|такие|"
                       r"поэтому|таким образом|бұл|осы)\b", re.I)


def _extend_list(text: str, spans: list[tuple[int, int]], i: int) -> int:
    """A lead-in ending with ':' brings the list items after it, up to MAX_QUOTE_CHARS."""
    start, end = spans[i]
    if not text[start:end].rstrip().endswith(":"):
        return end
    for _, e in spans[i + 1:]:
        if e - start > MAX_QUOTE_CHARS:
            break
        end = e
    return end


def widen(quote: Quote) -> Quote:
    chunk = quote.chunk
    spans = quotable_spans(chunk)
    units = sum(1 for line in chunk.text.splitlines() if _UNIT_START.match(line))
    if chunk.role == "provision" and spans and spans[-1][1] - spans[0][0] <= SHORT_PROVISION_CHARS and units <= 1:
        return Quote(chunk, spans[0][0], spans[-1][1], quote.score)
    index = next((i for i, sp in enumerate(spans) if sp[0] == quote.start), None)
    if index is None:
        return cap(quote)
    start = quote.start
    if index > 0 and _ANAPHORA.match(chunk.text[quote.start:quote.end]):
        start = spans[index - 1][0]  # "This is why ..." needs the sentence it points back to
    end = _extend_list(chunk.text, spans, index)
    if end == quote.end and index + 1 < len(spans) and spans[index + 1][1] - start <= NEIGHBOUR_CHARS \
            and not _starts_unit(chunk.text, spans[index + 1][0]):
        end = spans[index + 1][1]  # the next sentence often completes the thought (not the next paragraph)
    return cap(Quote(chunk, start, end, quote.score))


def cap(quote: Quote) -> Quote:
    if quote.end - quote.start <= MAX_QUOTE_CHARS:
        return quote
    cut = quote.chunk.text.rfind(" ", quote.start, quote.start + MAX_QUOTE_CHARS)
    return Quote(quote.chunk, quote.start, cut if cut > quote.start else quote.start + MAX_QUOTE_CHARS, quote.score)


def counterpart_quote(quote: Quote, versions: list[Chunk], question: str, df: Counter, n_docs: int) -> Quote | None:
    """The same provision's text in another language version: same doc and article, the same
    paragraph when known, the best-matching sentence otherwise."""
    same_article = [c for c in versions if c.doc_id == quote.chunk.doc_id and c.article == quote.chunk.article]
    if not same_article:
        return None
    paragraph = quote.paragraph
    asked = set(tokenize(question))
    best: Quote | None = None
    for chunk in same_article:
        for start, end in quotable_spans(chunk):
            sentence = chunk.text[start:end]
            score = sentence_score(asked, sentence, chunk_heading(chunk), df, n_docs)
            if paragraph and paragraph_at(chunk.text, start) == paragraph and sentence.lstrip().startswith(f"{paragraph}."):
                score += 1.0
            if best is None or score > best.score:
                best = Quote(chunk, start, end, score)
    return widen(best) if best else None
