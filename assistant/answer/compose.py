"""From a prepared query and its hits to a Reply: decide, quote (or ask the LLM), cite, warn.

    evidence = gather(query, hits)          signals: similarity, scope checks     (evidence.py, scope.py)
    verdict  = decide(evidence, thresholds) answer / caution / decline            (decision.py)
    quotes   = best_quotes(query, hits)     verbatim sentences, best first        (extractive.py)
             | llm_reply(query, hits)       generated, then verified              (llm.py)
    conflicts = sources that disagree on a provision: the better-standing one leads  (conflicts.py)
    warnings = instruction ignored, missing provisions, superseded acts, caution, translation, conflicts
"""

from __future__ import annotations

from ..guard import looks_like_instruction
from ..prompts import ALSO, CAUTION, CONFLICT, CONFLICT_FIGURES, CONFLICT_TIE, INSTRUCTION_IGNORED, LEAD, STANDING_WORDS, TRANSLATION_NOTE
from ..query import Query
from ..references import jurisdiction_hints
from ..types import Chunk, Citation, Hit
from .citations import citation_for, framing_language, label_with_title, not_found_text, one_line
from .conflicts import Conflict, figure_conflicts, lead_order, provision_conflicts
from .context import AnswerContext
from .currency import missing_provisions, superseded_warning
from .decision import Decision, Evidence, decide
from .evidence import gather
from .extractive import Quote, best_quotes
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
    quotes, conflicts = better_sources_first(query, quotes, context, limit)
    lang = framing_language(query.language)
    citations, parts, warnings = [], [], []
    for n, quote in enumerate(quotes, start=1):
        citation = citation_for(n, quote.chunk, quote.text, quote.paragraph, lang)
        citations.append(citation)
        frame = (LEAD if n == 1 else ALSO)[lang].format(label=label_with_title(citation.label, quote.chunk, quote.text), n=n)
        parts.append(f"{frame} “{one_line(quote.text)}”")
        if quote.chunk.language != query.language and TRANSLATION_NOTE[lang] and TRANSLATION_NOTE[lang] not in warnings:
            warnings.append(TRANSLATION_NOTE[lang])
    warnings = conflict_warnings(conflicts, citations, lang) + warnings
    return Reply(status="answered", text="\n\n".join(parts), citations=tuple(citations), warnings=tuple(warnings),
                 extra_hits=tuple(counterpart_hits(quotes, hits)))


def better_sources_first(query: Query, quotes: list[Quote], context: AnswerContext, limit: int) -> tuple[list[Quote], list[Conflict]]:
    """The quotes in the order the answer gives them, and the conflicts among their sources. A quote
    whose provision another file states differently, with higher standing, brings that file's
    quote in (first, even when retrieval ranked it lower or missed it); unverified sources go last."""
    conflicts = provision_conflicts(context.index, [q.chunk for q in quotes])
    quoted_files = {(q.chunk.info.source_file, q.chunk.article) for q in quotes}
    for conflict in conflicts:
        better = conflict.better
        if conflict.tie or (better.info.source_file, better.article) in quoted_files:
            continue
        article = [c for c in context.index.by_article(better.article or "", [better.doc_id])
                   if c.info.source_file == better.info.source_file and c.role == better.role]
        found = best_quotes(query, [Hit(chunk=c, score=0.0) for c in article], context, limit=1)
        if found:
            quotes = [*quotes, found[0]]
            quoted_files.add((better.info.source_file, better.article))
    conflicts = _as_quoted(conflicts, quotes)
    quoted_ids = {q.chunk.id for q in quotes}
    conflicts = [c for c in conflicts if c.worse.id in quoted_ids or (c.tie and c.better.id in quoted_ids)]
    in_conflict = {c.worse.id for c in conflicts}
    conflicts += [c for c in figure_conflicts([(q.chunk, q.text) for q in quotes]) if c.worse.id not in in_conflict]
    order = lead_order([q.chunk for q in quotes], conflicts)
    ordered = [quotes[i] for i in order]
    if len(ordered) > limit:  # room for the better sources: drop the last quotes that are in no conflict
        involved = {c.id for conflict in conflicts for c in (conflict.better, conflict.worse)}
        spare = [q for q in reversed(ordered) if q.chunk.id not in involved][:len(ordered) - limit]
        ordered = [q for q in ordered if q not in spare]
    return ordered, conflicts


def _as_quoted(conflicts: list[Conflict], quotes: list[Quote]) -> list[Conflict]:
    """Each conflict with its two sides replaced by the quoted chunks of the same file and article."""
    by_file: dict[tuple, Chunk] = {}
    for q in quotes:
        by_file.setdefault((q.chunk.info.source_file, q.chunk.article), q.chunk)
    return [Conflict(by_file.get((c.better.info.source_file, c.better.article), c.better),
                     by_file.get((c.worse.info.source_file, c.worse.article), c.worse), c.kind, c.tie) for c in conflicts]


def conflict_warnings(conflicts: list[Conflict], citations: list[Citation], language: str) -> list[str]:
    """One visible warning per conflict, naming both sources by their citation number when cited."""
    numbers: dict[str, int] = {}
    for citation in citations:
        numbers.setdefault(citation.chunk_id, citation.n)

    def name(chunk) -> str:
        n = numbers.get(chunk.id)
        return f"{f'[{n}] ' if n else ''}{chunk.label()} ({chunk.info.source_file})"

    grouped: dict[tuple, list[Conflict]] = {}
    for conflict in conflicts:  # one warning per source that is outranked, naming every source it differs from
        grouped.setdefault((conflict.worse.id, conflict.kind, conflict.tie), []).append(conflict)
    out = []
    for (_, kind, tie), group in grouped.items():
        template = (CONFLICT_TIE if tie else CONFLICT_FIGURES if kind == "other_figures" else CONFLICT)[language]
        better = list(dict.fromkeys(name(c.better) for c in group))
        standing = ", ".join(word for word, held in zip(STANDING_WORDS[language], group[0].better.info.standing()) if held)
        out.append(template.format(worse=name(group[0].worse), better=", ".join(better), standing=standing))
    return out


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
