"""The default answerer: no language model. It picks the sentences of the top hits that best answer
the question, quotes them verbatim and marks each with [n]. Every sentence of the answer is either a
fixed framing phrase or a quote, so nothing can be stated that a source does not say."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..chunking import article_number, paragraph_at, paragraph_label
from ..text import sentence_spans, tokenize
from ..types import Chunk, Hit
from .evidence import idf
from .guard import looks_like_instruction

MAX_QUOTE_CHARS = 700
SHORT_PROVISION_CHARS = 600
NEIGHBOUR_CHARS = 450
RANK_PRIOR = 0.35
DENSE_WEIGHT = 5.0


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
    r"\bкакой\s+срок|\bв\s+течение\s+како|\bқанша\b|\bқай\s+жыл",
    re.I,
)
_LEADING_NUMBER = re.compile(r"^\s*\d+(?:-\d+)?[.)]\s*")
FOCUS_BONUS = 0.3
PHRASE_BONUS = 0.1
PHRASE_MAX = 0.3


def question_focus(question: str) -> tuple[set[str], bool]:
    """What the question asks for: the stemmed head words after "what is the"/"which"/"какой"
    ("fine", "body", "штраф"), and whether it asks for a number ("how long", "сколько")."""
    words: set[str] = set()
    for pattern in _FOCUS_WORD:
        for match in pattern.finditer(question):
            words.update(tokenize(match.group(1)))
    return words, bool(_FOCUS_NUMBER.search(question))


def focus_bonus(sentence: str, focus: tuple[set[str], bool]) -> float:
    words, wants_number = focus
    bonus = FOCUS_BONUS if words and words & set(tokenize(sentence)) else 0.0
    if wants_number:
        from .verify import numbers_in

        if numbers_in(_LEADING_NUMBER.sub("", sentence)):
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


def _is_heading_only(sentence: str, heading: str) -> bool:
    stripped = sentence.strip().lstrip("#* \u3000").rstrip("* ").strip()
    if len(stripped) < 6 or sentence.lstrip().startswith("#"):
        return True
    if stripped.endswith((".", "。", ";", "；", ":", "：", "?", "!")) and not re.fullmatch(r"\W*\w+\s+[\d-]+\.", stripped):
        return False  # a sentence, even when it starts with "第二条" or "Article 5"
    return bool(heading) and (stripped in heading or (article_number(sentence) is not None and len(stripped) <= len(heading) + 3))


def _drop_heading_line(text: str, start: int, end: int, heading: str) -> int:
    """Where a span really starts: after a heading line that opens it ("### Article 3\nEveryone ...")."""
    newline = text.find("\n", start, end)
    if newline != -1 and _is_heading_only(text[start:newline], heading):
        return newline + 1
    return start


def candidate_sentences(chunk: Chunk) -> list[tuple[int, int]]:
    """Quotable sentences of a chunk: no bare headings, nothing that reads as an instruction."""
    heading = chunk.heading_path[-1] if chunk.heading_path else ""
    out = []
    for start, end in sentence_spans(chunk.text):
        start = _drop_heading_line(chunk.text, start, end, heading)
        while start < end and chunk.text[start].isspace():
            start += 1
        sentence = chunk.text[start:end]
        if start < end and not _is_heading_only(sentence, heading) and not looks_like_instruction(sentence):
            out.append((start, end))
    return out


Similarity = Callable[[str, list[str]], list[float]]


def best_quotes(question: str, hits: list[Hit], df: Counter, n_docs: int, limit: int = 3,
                similarity: Similarity | None = None, latest: str = "") -> list[Quote]:
    """The passages that best answer the question, best first.

    A sentence scores by the question words it shares (idf-weighted), by its meaning's closeness to
    the question when a ``similarity`` function is given, and by its hit's rank. Passages are picked
    greedily: after the first, words already quoted count half, so the next passage adds what the
    first lacks (a question with two parts gets both). Each pick is widened to its list when it
    introduces one, to the sentence before when it opens with "This"/"Это", or to the whole
    provision when that is short. For a follow-up, ``latest`` is the newest message: passages with
    its words ("foreigners") win over those matching only the earlier question."""
    asked = set(tokenize(question))
    pairs = _pairs(tokenize(question))
    focus = question_focus(question)
    latest_words = set(tokenize(latest)) if latest and latest != question else set()
    weight = {t: idf(t, df, n_docs) for t in asked}
    total = sum(weight.values()) or 1.0
    pool = [(rank, hit, span) for rank, hit in enumerate(hits) for span in candidate_sentences(hit.chunk)]
    if not pool:
        return []
    sims = similarity(question, [h.chunk.text[s:e] for _, h, (s, e) in pool]) if similarity else [0.0] * len(pool)
    top_sim = max(sims)
    scored = []
    for (rank, hit, (start, end)), sim in zip(pool, sims):
        chunk = hit.chunk
        heading = chunk.heading_path[-1] if chunk.heading_path else ""
        words = (set(tokenize(chunk.text[start:end])) | set(tokenize(heading))) & asked
        base = DENSE_WEIGHT * (sim - top_sim) + RANK_PRIOR / (rank + 1) + (0.2 if hit.reference_match else 0.0)
        base += focus_bonus(chunk.text[start:end], focus) + phrase_bonus(pairs, chunk.text[start:end])
        if latest_words & words:
            base += FOCUS_BONUS
        scored.append((base, words, Quote(chunk, start, end, 0.0)))
    chosen: list[Quote] = []
    covered: set[str] = set()
    while scored and len(chosen) < limit:
        gains = [_gain(base, words, covered, weight, total) for base, words, _ in scored]
        top = max(range(len(scored)), key=gains.__getitem__)
        _, words, picked = scored.pop(top)
        quote = _widen(Quote(picked.chunk, picked.start, picked.end, gains[top]))
        touching = next((i for i, q in enumerate(chosen) if _touches(quote, q)), None)
        if touching is None:
            chosen.append(quote)
        else:  # the same passage or its neighbour: one longer quote, if it stays readable
            merged = _merge(chosen[touching], quote)
            if merged.end - merged.start > MAX_QUOTE_CHARS + NEIGHBOUR_CHARS:
                continue
            chosen[touching] = merged
        covered |= words
    return chosen


def _gain(base: float, words: set[str], covered: set[str], weight: dict[str, float], total: float) -> float:
    """A passage's worth given what is already quoted: new question words count fully, old ones half."""
    new = sum(weight[w] for w in words - covered)
    old = sum(weight[w] for w in words & covered)
    return base + (new + 0.5 * old) / total


def _touches(a: Quote, b: Quote) -> bool:
    """Same chunk, and the spans overlap or follow each other with only whitespace between;
    a numbered paragraph that follows another stays a citation of its own."""
    if a.chunk.id != b.chunk.id:
        return False
    first, second = sorted((a, b), key=lambda q: q.start)
    if second.start < first.end:
        return True
    adjacent = not a.chunk.text[first.end:second.start].strip()
    return adjacent and not _LEADING_NUMBER.match(a.chunk.text[second.start:second.end])


def _merge(a: Quote, b: Quote) -> Quote:
    return Quote(a.chunk, min(a.start, b.start), max(a.end, b.end), max(a.score, b.score))


_ANAPHORA = re.compile(r"^(this|that|these|those|such|it|they|hence|therefore|thus|это|этот|эта|эти|такой|такие|"
                       r"поэтому|таким образом|бұл|осы)\b", re.I)


def _widen(quote: Quote) -> Quote:
    chunk = quote.chunk
    spans = candidate_sentences(chunk)
    if chunk.role == "provision" and spans and spans[-1][1] - spans[0][0] <= SHORT_PROVISION_CHARS:
        return Quote(chunk, spans[0][0], spans[-1][1], quote.score)
    index = next((i for i, sp in enumerate(spans) if sp[0] == quote.start), None)
    if index is None:
        return _cap(quote)
    start = quote.start
    if index > 0 and _ANAPHORA.match(chunk.text[quote.start:quote.end]):
        start = spans[index - 1][0]  # "This is why ..." needs the sentence it points back to
    end = _extend_list(chunk.text, spans, index)
    if end == quote.end and index + 1 < len(spans) and spans[index + 1][1] - start <= NEIGHBOUR_CHARS \
            and not _LEADING_NUMBER.match(chunk.text[spans[index + 1][0]:spans[index + 1][1]]):
        end = spans[index + 1][1]  # the next sentence often completes the thought (not the next paragraph)
    return _cap(Quote(chunk, start, end, quote.score))


def _cap(quote: Quote) -> Quote:
    if quote.end - quote.start <= MAX_QUOTE_CHARS:
        return quote
    cut = quote.chunk.text.rfind(" ", quote.start, quote.start + MAX_QUOTE_CHARS)
    return Quote(quote.chunk, quote.start, cut if cut > quote.start else quote.start + MAX_QUOTE_CHARS, quote.score)


def counterpart_quote(quote: Quote, candidates: list[Chunk], question: str, df: Counter, n_docs: int) -> Quote | None:
    """The same provision's text in another language version: same doc and article, the same
    paragraph when known, the best-matching sentence otherwise."""
    same_article = [c for c in candidates if c.doc_id == quote.chunk.doc_id and c.article == quote.chunk.article]
    if not same_article:
        return None
    paragraph = quote.paragraph
    asked = set(tokenize(question))
    best: Quote | None = None
    for chunk in same_article:
        spans = candidate_sentences(chunk)
        for start, end in spans:
            sentence = chunk.text[start:end]
            heading = chunk.heading_path[-1] if chunk.heading_path else ""
            score = sentence_score(asked, sentence, heading, df, n_docs)
            if paragraph and paragraph_at(chunk.text, start) == paragraph and sentence.lstrip().startswith(f"{paragraph}."):
                score += 1.0
            if best is None or score > best.score:
                best = Quote(chunk, start, end, score)
    return _widen(best) if best else None
