"""Pure rendering for the chat UI: Answer -> Markdown for the chat bubble, HTML for the sources
panel and the coverage tab. No Gradio here, so every function is testable on its own.

Source text is data, never markup: everything taken from the corpus or the user is escaped
(``html.escape`` for HTML; ``md_escape`` for the chat's Markdown renderer)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .types import Answer, Citation

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "zh": "Chinese"}
CONTEXT_CHARS = 220  # shown on each side of a quote when its article is long
LONG_ARTICLE_CHARS = 1200

# CommonMark lets any ASCII punctuation be backslash-escaped. The five characters html.escape
# handles are left to it (a backslash before an entity would print the entity literally).
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$^=:@])")


def md_escape(text: str) -> str:
    """Text shown verbatim by a Markdown renderer: no emphasis, lists, links, LaTeX or HTML."""
    return html.escape(_MD_PUNCTUATION.sub(r"\\\1", text), quote=True)


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def citation_status(citation: Citation) -> str:
    """'Russian · authentic text · in force' — the facts a lawyer checks first."""
    return " · ".join([
        language_name(citation.language),
        "authentic text" if citation.authentic else "translation",
        "in force" if citation.in_force else "superseded",
        *([] if citation.verified else ["unverified source"]),
    ])


def stream_prefixes(text: str, steps: int = 12) -> Iterator[str]:
    """Growing prefixes of ``text`` that end at word boundaries, the last one being ``text``."""
    if not text:
        yield ""
        return
    cuts = [m.end() for m in re.finditer(r"\S+\s*", text)]
    stride = max(1, len(cuts) // steps)
    for i in range(stride - 1, len(cuts), stride):
        if cuts[i] < len(text):
            yield text[: cuts[i]]
    yield text


# ---------------------------------------------------------------------------------- chat bubble
def chat_markdown(answer: Answer, text: str | None = None, *, done: bool = True) -> str:
    """The assistant's chat message: resolved query (for follow-ups), the answer, its warnings and
    numbered citations. ``text`` is a partial answer while streaming (citations come at the end)."""
    body = md_escape(answer.text if text is None else text)
    if answer.status == "not_found":
        first, sep, rest = body.partition("\n")
        body = f"**{first.strip()}**{sep}{rest}"
    parts = []
    if is_follow_up(answer):
        parts.append(f"_Searched as: “{md_escape(answer.query)}”_")
    parts.append(body)
    if done:
        parts.extend(f"⚠️ {md_escape(w)}" for w in answer.warnings)
        if answer.citations:
            lines = [f"**\\[{c.n}\\]** {md_escape(c.label)} — {md_escape(citation_status(c))}" for c in answer.citations]
            parts.append("**Sources**\n" + "\n".join(lines))
    return "\n\n".join(parts)


def is_follow_up(answer: Answer) -> bool:
    return bool(answer.query) and answer.query.strip() != answer.question.strip()


# ---------------------------------------------------------------------------------- sources panel
def quote_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Where ``quote`` occurs in ``text``: exactly, else ignoring case and runs of whitespace, else
    piece by piece around ellipses. Empty when it cannot be found."""
    quote = quote.strip()
    if not quote:
        return []
    start = text.find(quote)
    if start >= 0:
        return [(start, start + len(quote))]
    spans = []
    for piece in re.split(r"\s*(?:…|\.\.\.)\s*", quote):
        words = piece.split()
        if len(words) < 2 and len(piece) < 12:
            continue
        match = re.search(r"\s+".join(map(re.escape, words)), text, flags=re.IGNORECASE)
        if match:
            spans.append(match.span())
    return sorted(spans)


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` as escaped HTML with each span wrapped in <mark>."""
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


_HEADING_MARK = re.compile(r"^#{1,6}\s+")


def tidy(text: str) -> str:
    """Display form of source text: no indentation (statutes use spaces, no-break and full-width
    spaces for it), no Markdown heading marks, no blank lines."""
    lines = (_HEADING_MARK.sub("", line.strip()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def quote_in_article(article: str, quote: str) -> str:
    """HTML of the article with the quote highlighted; a long article shows the passage around the
    quote, with the whole article one click away."""
    article, quote = tidy(article), tidy(quote)
    spans = quote_spans(article, quote) if article else []
    if not spans:
        shown = f'<blockquote class="quote"><mark>{html.escape(quote)}</mark></blockquote>'
        if article:
            shown += _whole(article, [])
        return shown
    if len(article) <= LONG_ARTICLE_CHARS:
        return f'<div class="article-text excerpt">{highlight(article, spans)}</div>'
    lo = _word_boundary(article, max(0, spans[0][0] - CONTEXT_CHARS), backwards=True)
    hi = _word_boundary(article, min(len(article), spans[-1][1] + CONTEXT_CHARS), backwards=False)
    window = [(s - lo, e - lo) for s, e in spans]
    excerpt = ("… " if lo > 0 else "") + highlight(article[lo:hi], window) + (" …" if hi < len(article) else "")
    return f'<div class="article-text excerpt">{excerpt}</div>' + _whole(article, spans)


def _whole(article: str, spans: Sequence[tuple[int, int]]) -> str:
    return (f'<details class="whole-article"><summary>Whole article ({len(article):,} characters)</summary>'
            f'<div class="article-text">{highlight(article, spans)}</div></details>')


def _word_boundary(text: str, pos: int, *, backwards: bool) -> int:
    if pos <= 0 or pos >= len(text):
        return pos
    if backwards:
        cut = text.rfind("\n", max(0, pos - 120), pos)
        return cut + 1 if cut >= 0 else max(text.rfind(" ", 0, pos) + 1, 0)
    cut = text.find("\n", pos, pos + 120)
    if cut >= 0:
        return cut
    cut = text.find(" ", pos)
    return cut if cut >= 0 else len(text)


def source_card(citation: Citation, article: str, doc: Mapping[str, Any] | None) -> str:
    """One quoted provision: document, article, language, in force or superseded, quote in context."""
    doc = doc or {}
    e = html.escape
    title = _short(str(doc.get("title") or citation.short_title or citation.doc_id), 160)
    where = []
    if citation.article:
        where.append(f"Article {e(citation.article)}")
        if citation.paragraph:
            where.append(f"paragraph {e(citation.paragraph)}")
    force = ('<span class="badge in-force">in force</span>' if citation.in_force
             else '<span class="badge superseded">superseded</span>')
    if not citation.in_force and doc.get("superseded_by"):
        until = f" on {e(str(doc['in_force_until']))}" if doc.get("in_force_until") else ""
        force += f' <span class="muted">replaced by {e(str(doc["superseded_by"]))}{until}</span>'
    version = ('<span class="badge authentic">authentic text</span>' if citation.authentic
               else '<span class="badge translation">translation</span>')
    if not citation.verified:
        version += ' <span class="badge unverified">unverified source</span>'
    note = f'<div class="source-note">{e(citation.note)}</div>' if citation.note else ""
    return (
        f'<div class="source-card{"" if citation.in_force else " is-superseded"}" data-n="{citation.n}">'
        f'<div class="source-label"><span class="source-n">[{citation.n}]</span> {e(citation.label)}</div>'
        f'<div class="source-doc">{e(title)} <span class="muted">({e(citation.doc_id)})</span></div>'
        f'<div class="source-meta">{", ".join(where) or "no article number"} · '
        f'{e(language_name(citation.language))} · {version} {force}</div>'
        f"{note}{quote_in_article(article, citation.quote)}</div>"
    )


def sources_panel(answer: Answer | None, articles: Mapping[str, str] | None = None,
                  docs: Mapping[tuple[str, str], Mapping[str, Any]] | None = None) -> str:
    """The side panel for the latest answer."""
    if answer is None:
        return ('<div class="sources-empty">Ask a question: the provisions the answer quotes appear here, '
                "each highlighted within its article.</div>")
    parts = [f'<div class="sources-question">Sources for: <q>{html.escape(answer.question)}</q></div>']
    if is_follow_up(answer):
        parts.append(f'<div class="resolved-query">Follow-up searched as: <q>{html.escape(answer.query)}</q></div>')
    if answer.status == "not_found":
        parts.append('<div class="not-found"><strong>Not found in the corpus.</strong> No provision in the '
                     "corpus answers this question, so nothing is quoted. The <em>Corpus coverage</em> tab "
                     "shows what the corpus holds and what it lacks.</div>")
    for warning in answer.warnings:
        parts.append(f'<div class="warning">⚠️ {html.escape(warning)}</div>')
    articles, docs = articles or {}, docs or {}
    for c in answer.citations:
        parts.append(source_card(c, articles.get(c.chunk_id, ""), docs.get((c.doc_id, c.language))))
    return "\n".join(parts)


def error_panel(message: str) -> str:
    return f'<div class="not-found"><strong>Cannot answer.</strong> {html.escape(message)}</div>'


# ---------------------------------------------------------------------------------- coverage tab
def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _article_range(articles: Sequence[str]) -> str:
    if not articles:
        return "—"
    if len(articles) <= 6:
        return ", ".join(articles)
    return f"{len(articles)} articles ({articles[0]} … {articles[-1]})"


def coverage_html(rows: Sequence[Mapping[str, Any]]) -> str:
    """What the corpus holds (one row per document and language) and what it lacks."""
    if not rows:
        return '<div class="not-found">The index is empty: run <code>legal-assistant ingest</code>.</div>'
    e = html.escape
    jurisdictions = sorted({j.strip() for r in rows for j in str(r.get("jurisdiction", "")).split(",") if j.strip()})
    languages = sorted({r["language"] for r in rows})
    summary = (f'<p class="coverage-summary">{len({r["doc_id"] for r in rows})} documents, {len(rows)} language '
               f"versions; jurisdictions: {e(', '.join(jurisdictions))}; languages: "
               f"{e(', '.join(language_name(code) for code in languages))}.</p>")
    columns = ["Document", "Title", "Jurisdiction", "Language", "Version", "Status", "Articles held", "Completeness"]
    body = []
    for r in rows:
        status = "in force" if r.get("in_force") else f"superseded by {r.get('superseded_by') or '—'}"
        title = str(r.get("title") or "")
        short = str(r.get("short_title") or title)
        full = f'<div class="muted">{e(_short(title, 120))}</div>' if title and title != short else ""
        cells = [f'<code>{e(r["doc_id"])}</code>', f"<strong>{e(short)}</strong>{full}",
                 e(str(r.get("jurisdiction") or "")), e(language_name(r["language"])),
                 "authentic" if r.get("authentic") else "translation", e(status),
                 e(_article_range(r.get("articles") or [])), e(_short(str(r.get("completeness") or "not stated")))]
        body.append("<tr>" + "".join(f'<td data-label="{name}">{cell}</td>' for name, cell in zip(columns, cells))
                    + "</tr>")
    head = "".join(f"<th>{name}</th>" for name in columns)
    table = (f'<div class="table-wrap"><table class="coverage"><thead><tr>{head}</tr></thead>'
             f"<tbody>{''.join(body)}</tbody></table></div>")
    return summary + "<h3>What the corpus holds</h3>" + table + "<h3>What is missing</h3>" + _missing_html(rows)


def _missing_html(rows: Sequence[Mapping[str, Any]]) -> str:
    e = html.escape
    items = []
    for r in rows:
        completeness = str(r.get("completeness") or "")
        if completeness and not r.get("complete", True):
            items.append(f"<li><strong>{e(str(r.get('short_title') or r['doc_id']))}</strong> "
                         f"({e(language_name(r['language']))}): {e(completeness)}</li>")
    by_doc: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], []).append(r)
    for doc_id, versions in by_doc.items():
        if not any(v.get("authentic") for v in versions):
            names = ", ".join(language_name(v["language"]) for v in versions)
            items.append(f"<li><strong>{e(str(versions[0].get('short_title') or doc_id))}</strong>: only a "
                         f"translation ({e(names)}); the authentic text is not in the corpus.</li>")
        if not any(v.get("in_force") for v in versions):
            items.append(f"<li><strong>{e(str(versions[0].get('short_title') or doc_id))}</strong> is no longer "
                         f"in force (replaced by {e(str(versions[0].get('superseded_by') or '—'))}); it is kept "
                         "for history and answers resting on it say so.</li>")
    return f'<ul class="missing">{"".join(items)}</ul>' if items else "<p>Every document is complete.</p>"
