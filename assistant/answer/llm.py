"""The opt-in LLM answerer: numbered, delimited sources in the prompt; then every sentence is
verified (markers, citations, numbers). When no model answers, or nothing it says survives
verification, the caller falls back to the extractive answer with the warning given here."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import HumanMessage, SystemMessage

from ..prompts import CANNOT_ANSWER_PHRASE, LLM_FALLBACK, LLM_NO_ANSWER, LLM_UNAVAILABLE, SOURCE_TEMPLATE, SYSTEM_PROMPT, USER_PROMPT
from ..query import Query
from ..types import Citation, Hit
from .citations import not_found_text, source_notes
from .context import AnswerContext
from .reply import Reply
from .verify import MARKER, verify_answer

MAX_SOURCES = 5


@dataclass(frozen=True)
class LLMOutcome:
    """``reply`` is None when the caller must fall back to the extractive answer (``warning`` says why);
    ``verification`` says whether a model answered and which of its sentences were dropped, and why."""

    reply: Reply | None
    warning: str = ""
    verification: dict | None = None


def escape_source(text: str) -> str:
    """Sources are data: they cannot close or open the delimiters around them."""
    return text.replace("<", "‹").replace(">", "›")


def build_messages(question: str, hits: list[Hit]) -> list:
    sources = "\n".join(
        SOURCE_TEMPLATE.format(n=i, label=escape_source(h.chunk.label()), text=escape_source(h.chunk.text))
        for i, h in enumerate(hits, start=1)
    )
    return [SystemMessage(SYSTEM_PROMPT), HumanMessage(USER_PROMPT.format(sources=sources, question=escape_source(question)))]


def llm_reply(query: Query, hits: list[Hit], context: AnswerContext) -> LLMOutcome:
    given = hits[:MAX_SOURCES]
    try:
        reply = context.llm_factory().invoke(build_messages(query.standalone, given))
        raw = str(getattr(reply, "content", reply) or "").strip()
    except Exception as exc:  # the model server is down or the model failed: say so, answer anyway
        reason = f"{type(exc).__name__}: {exc}"[:300]
        return LLMOutcome(None, LLM_UNAVAILABLE.format(reason=reason),
                          {"model_answered": False, "error": reason, "kept": 0, "dropped": []})
    if CANNOT_ANSWER_PHRASE.lower().rstrip(".") in raw.lower():
        return LLMOutcome(Reply(status="not_found", text=not_found_text(hits, query.language), warnings=(LLM_NO_ANSWER,),
                                mode="llm"), verification={"model_answered": True, "kept": 0, "dropped": []})
    sources = {i: h.chunk.text for i, h in enumerate(given, start=1)}
    labels = {i: f"{h.chunk.article or ''} {h.chunk.paragraph or ''}" for i, h in enumerate(given, start=1)}
    checked = verify_answer(raw, sources, labels)
    verification = {"model_answered": True, "kept": len(checked.kept),
                    "dropped": [{"sentence": sentence, "reason": reason} for sentence, reason in checked.dropped]}
    if not checked.kept:
        return LLMOutcome(None, LLM_FALLBACK, verification)
    text, citations = renumber(checked.kept, given, query.language)
    warnings = tuple(f"Removed an unverifiable statement ({reason}): {sentence}" for sentence, reason in checked.dropped)
    return LLMOutcome(Reply(status="answered", text=text, citations=tuple(citations), warnings=warnings, mode="llm"),
                      verification=verification)


def renumber(sentences: list[str], given: list[Hit], language: str) -> tuple[str, list[Citation]]:
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
            in_force=chunk.info.in_force(), label=chunk.label(), note=" ".join(source_notes(chunk, language)),
            verified=chunk.info.verified, official=chunk.info.official))
    return text, citations
