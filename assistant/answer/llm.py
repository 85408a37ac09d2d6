"""The opt-in LLM answerer: numbered, delimited sources in the prompt; then every sentence is
verified (markers, citations, numbers) and the extractive answer is the fallback."""

from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage

from ..types import Answer, Citation, Hit
from .compose import AnswerContext, extractive_answer, not_found, source_notes
from .prompts import CANNOT_ANSWER_PHRASE, LLM_FALLBACK, SOURCE_TEMPLATE, SYSTEM_PROMPT, USER_PROMPT
from .verify import MARKER, verify_answer

MAX_SOURCES = 5


def escape_source(text: str) -> str:
    """Sources are data: they cannot close or open the delimiters around them."""
    return text.replace("<", "‹").replace(">", "›")


def build_messages(question: str, hits: list[Hit]) -> list:
    sources = "\n".join(
        SOURCE_TEMPLATE.format(n=i, label=escape_source(h.chunk.label()), text=escape_source(h.chunk.text))
        for i, h in enumerate(hits, start=1)
    )
    return [SystemMessage(SYSTEM_PROMPT), HumanMessage(USER_PROMPT.format(sources=sources, question=escape_source(question)))]


def llm_answer(question: str, hits: list[Hit], context: AnswerContext, language: str, query: str) -> Answer:
    given = hits[:MAX_SOURCES]
    try:
        reply = context.llm_factory().invoke(build_messages(question, given))
        raw = str(getattr(reply, "content", reply) or "").strip()
    except Exception as exc:  # the model server is down or the model failed: say so, answer anyway
        return _fallback(question, hits, context, language, query, f"{LLM_FALLBACK} ({type(exc).__name__}: {exc})")
    if CANNOT_ANSWER_PHRASE.lower().rstrip(".") in raw.lower():
        answer = not_found(question, hits, language, query)
        answer.warnings.append("The language model found no answer in the sources.")
        return answer
    sources = {i: h.chunk.text for i, h in enumerate(given, start=1)}
    labels = {i: f"{h.chunk.article or ''} {h.chunk.paragraph or ''}" for i, h in enumerate(given, start=1)}
    checked = verify_answer(raw, sources, labels)
    if not checked.kept:
        return _fallback(question, hits, context, language, query, LLM_FALLBACK)
    text, citations = _renumber(checked.kept, given, language)
    warnings = [f"Removed an unverifiable statement ({reason}): {sentence}" for sentence, reason in checked.dropped]
    return Answer(question=question, text=text, status="answered", citations=citations, warnings=warnings,
                  hits=hits, query=query)


def _renumber(sentences: list[str], given: list[Hit], language: str) -> tuple[str, list[Citation]]:
    """Number the cited sources 1..m in order of first use; the quote is the cited chunk's text."""
    order: dict[int, int] = {}
    for sentence in sentences:
        for m in MARKER.findall(sentence):
            order.setdefault(int(m), len(order) + 1)
    text = " ".join(MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]", s) for s in sentences)
    citations = []
    for old, new in order.items():
        chunk = given[old - 1].chunk
        citations.append(Citation(
            n=new, chunk_id=chunk.id, doc_id=chunk.doc_id, short_title=chunk.info.short_title, article=chunk.article,
            paragraph=chunk.paragraph, quote=chunk.text, language=chunk.language, authentic=chunk.info.authentic,
            in_force=chunk.info.in_force(), label=chunk.label(), note=" ".join(source_notes(chunk, language))))
    return text, citations


def _fallback(question, hits, context, language, query, why: str) -> Answer:
    answer = extractive_answer(question, hits, context, language, query)
    answer.warnings.insert(0, why)
    return answer
