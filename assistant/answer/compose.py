"""From a prepared query and its hits to a Reply: decide, quote (or ask the LLM), cite, warn.

    evidence = gather(query, hits)          signals: similarity, scope checks     (evidence.py, scope.py)
    verdict  = decide(evidence, thresholds) answer / caution / decline            (decision.py)
    quotes   = best_quotes(query, hits)     verbatim sentences, best first        (extractive.py)
             | llm_reply(query, hits)       generated, then verified              (llm.py)
    warnings = instruction ignored, missing provisions, superseded acts, caution, translation
"""

from __future__ import annotations

from ..guard import looks_like_instruction
from ..prompts import ALSO, CAUTION, INSTRUCTION_IGNORED, LEAD, TRANSLATION_NOTE
from ..query import Query
from ..references import jurisdiction_hints
from ..types import Citation, Hit
from .citations import citation_for, framing_language, label_with_title, not_found_text, one_line
from .context import AnswerContext
from .currency import missing_provisions, superseded_warning
from .decision import Decision, Evidence, decide
from .evidence import gather
from .extractive import best_quotes
from .llm import llm_reply
from .reply import Reply
from .versions import counterpart_hits, in_reader_language, one_per_provision

QUOTE_POOL = 6


def evidence_hits(query: Query, hits: list[Hit]) -> list[Hit]:
    """The hits an answer may rest on: no source that reads as an instruction, and when the question
    names jurisdictions, only their sources (if any was retrieved)."""
    clean = [h for h in hits if not looks_like_instruction(h.chunk.text)]
    named = jurisdiction_hints(query.search)
    if not named:
        return clean
    kept = [h for h in clean if named & {j.strip().upper() for j in h.chunk.info.jurisdiction.split(",")}]
    return kept or clean


def extractive_reply(query: Query, hits: list[Hit], context: AnswerContext) -> Reply | None:
    """Quotes of the best passages with framing text; None when nothing is quotable."""
    limit = context.settings.max_citations
    quotes = best_quotes(query, hits[:QUOTE_POOL], context, limit=limit + 2)
    quotes = one_per_provision(in_reader_language(quotes, query.language, context, query.search))[:limit]
    if not quotes:
        return None
    lang = framing_language(query.language)
    citations, parts, warnings = [], [], []
    for n, quote in enumerate(quotes, start=1):
        citation = citation_for(n, quote.chunk, quote.text, quote.paragraph, lang)
        citations.append(citation)
        frame = (LEAD if n == 1 else ALSO)[lang].format(label=label_with_title(citation.label, quote.chunk, quote.text), n=n)
        parts.append(f"{frame} “{one_line(quote.text)}”")
        if quote.chunk.language != query.language and TRANSLATION_NOTE[lang] and TRANSLATION_NOTE[lang] not in warnings:
            warnings.append(TRANSLATION_NOTE[lang])
    return Reply(status="answered", text="\n\n".join(parts), citations=tuple(citations), warnings=tuple(warnings),
                 extra_hits=tuple(counterpart_hits(quotes, hits)))


def source_warnings(citations: tuple[Citation, ...], context: AnswerContext, language: str) -> list[str]:
    """A warning for each cited act that is no longer in force, naming its successor's provision."""
    warnings, seen = [], set()
    for citation in citations:
        chunk = context.index.chunks.get(citation.chunk_id)
        if chunk is None or chunk.info.in_force() or chunk.doc_id in seen:
            continue
        seen.add(chunk.doc_id)
        warnings.append(superseded_warning(context.index, chunk, language))
    return warnings


def compose_reply(query: Query, hits: list[Hit], context: AnswerContext, mode: str = "extractive",
                  may_decline: bool = True) -> Reply:
    """The reply to one question. With ``may_decline=False`` the answer is composed even when the
    decision is to decline (the decision is still recorded in ``evidence``): evaluation uses it."""
    lang = framing_language(query.language)
    usable = evidence_hits(query, hits)
    evidence = gather(query, usable, context)
    decision = decide(evidence, context.thresholds)
    reply, mode_warning, verification = None, "", None
    if decision.verdict != "decline" or not may_decline:
        if mode == "llm":
            outcome = llm_reply(query, usable, context)
            reply, mode_warning, verification = outcome.reply, outcome.warning, outcome.verification
        if reply is None:
            reply = extractive_reply(query, usable, context)
    if reply is None:
        reply = Reply(status="not_found", text=not_found_text(usable or hits, query.language, decision.reasons))
    warnings = [INSTRUCTION_IGNORED[lang]] if query.ignored else []
    warnings += missing_provisions(context.index, query.standalone, lang)
    if mode_warning:
        warnings.append(mode_warning)
    if reply.status == "answered":
        warnings += source_warnings(reply.citations, context, lang)
        if decision.verdict == "caution":
            warnings.append(CAUTION[lang])
    warnings += [w for w in reply.warnings if w not in warnings]
    return Reply(status=reply.status, text=reply.text, citations=reply.citations, warnings=tuple(warnings),
                 extra_hits=reply.extra_hits, evidence=_evidence_record(evidence, decision), mode=mode,
                 verification=verification)


def _evidence_record(evidence: Evidence, decision: Decision) -> dict:
    return {**evidence.to_dict(), "verdict": decision.verdict, "reasons": [str(r) for r in decision.reasons]}
