"""The library API every front door uses: ``Assistant``.

>>> from assistant import Assistant
>>> bot = Assistant()                 # settings from LEGAL_ASSISTANT_* or the offline defaults
>>> bot.ingest()                      # builds/updates the index from the corpus folder
>>> answer = bot.ask("What is the fine for living without registration for more than a month?")
>>> print(answer.text)
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from pydantic import ValidationError

from .answer import AnswerContext, Reply, Thresholds, compose_reply
from .embeddings import get_embeddings
from .errors import AssistantError, InvalidSettings
from .index import Index, IngestReport, tqdm_progress
from .inputs import checked_filter, checked_flag, checked_k, checked_mode, checked_text, user_turns
from .langchain_adapter import LegalRetriever
from .query import Query, prepare_query
from .retrieval import Filters, HybridRetriever, RankWeights
from .settings import Settings, settings_error_message
from .types import Answer, DocInfo, Hit

ANSWER_POOL = 8  # hits handed to the answerer (at least): quotes may come from below the top k
History = Sequence[Any]  # [(user, assistant), ...] or [{"role": ..., "content": ...}, ...]


class Assistant:
    """Ask questions about the corpus; every answer cites and quotes the provisions it rests on.

    One instance may serve many threads at once: the index and the embedder are shared and only
    read while answering; a conversation's history travels with each ``chat()`` call."""

    def __init__(self, settings: Settings | None = None, *, embeddings: Embeddings | None = None,
                 llm: Any | None = None, **overrides: Any):
        self.settings = validated_settings(settings, overrides)
        self._embeddings = embeddings
        self._llm = llm
        self._index: Index | None = None
        self._retriever: HybridRetriever | None = None
        self._retriever_version = ""
        self._lock = threading.RLock()  # components are built once, whichever thread asks first

    # ------------------------------------------------------------------ components
    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            with self._lock:
                if self._embeddings is None:
                    self._embeddings = get_embeddings(self.settings.embedding)
        return self._embeddings

    @property
    def index(self) -> Index:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = Index(self.settings.data_dir, self.embeddings, chroma_url=self.settings.chroma_url)
        return self._index

    @property
    def retriever(self) -> HybridRetriever:
        """One retriever per index version (it caches per-chunk arrays; an ingest, here or by another
        process on the same Chroma server, brings a new version)."""
        index, current = self.index, self._retriever
        if current is None or current.index is not index or self._retriever_version != index.version:
            current = HybridRetriever(index, rank_weights(self.settings))
            self._retriever, self._retriever_version = current, index.version
        return current

    def as_langchain_retriever(self, k: int | None = None, **filters: str | None) -> LegalRetriever:
        return LegalRetriever(retriever=self.retriever, k=k or self.settings.k, **filters)

    @property
    def llm(self) -> Any:
        if self._llm is None:
            from .llms import get_chat_model

            with self._lock:
                if self._llm is None:
                    self._llm = get_chat_model(self.settings)
        return self._llm

    def configured(self, *, llm: Any | None = None, **overrides: Any) -> Assistant:
        """Another Assistant with some settings changed, sharing this one's embedder, index and LLM
        (for evaluation, and for trying settings without loading anything twice); ``llm`` gives it
        another chat model (anything with LangChain's ``invoke``)."""
        other = Assistant(validated_settings(self.settings, overrides), embeddings=self._embeddings, llm=llm or self._llm)
        if self._index is not None and other.settings.data_dir == self.settings.data_dir \
                and other.settings.embedding == self.settings.embedding and other.settings.chroma_url == self.settings.chroma_url:
            other._index = self._index
        return other

    # ------------------------------------------------------------------ operations
    def ingest(self, folder: str | Path | None = None, *, rebuild: bool = False, progress: bool = True) -> IngestReport:
        """Build or update the index from a corpus folder (default: settings.corpus_dir). One ingest
        per data folder runs at a time (another waits); readers keep answering from the last complete
        index until the new one is in place. ``rebuild`` builds it anew from nothing."""
        if rebuild:
            with self._lock:
                self._index = Index(self.settings.data_dir, self.embeddings, chroma_url=self.settings.chroma_url,
                                    check_backend=False)
        return self.index.ingest(Path(folder or self.settings.corpus_dir), max_chars=self.settings.chunk_max_chars,
                                 progress=tqdm_progress if progress else None,
                                 max_bytes=int(self.settings.max_file_mb * 1024 * 1024), rebuild=rebuild,
                                 on_wait=_say if progress else None)

    def has_index(self) -> bool:
        return self.index.exists()

    def retrieve(self, query: str, k: int | None = None, *, jurisdiction: str | None = None,
                 language: str | None = None, doc_id: str | None = None) -> list[Hit]:
        """The k best passages for a query (instructions in it steer nothing, not even search)."""
        text, k = checked_text(query), checked_k(k)
        return self.retriever.retrieve(prepare_query(text), k=k or self.settings.k,
                                       filters=self.filters(jurisdiction, language, doc_id))

    def ask(self, question: str, *, k: int | None = None, mode: str | None = None,
            jurisdiction: str | None = None, language: str | None = None, doc_id: str | None = None,
            decline: bool = True) -> Answer:
        """Answer one question. ``decline=False`` answers with the closest provisions even when the
        evidence says the corpus lacks the answer (the decision stays in ``answer.evidence``)."""
        text, k, mode = checked_text(question), checked_k(k), checked_mode(mode)
        filters, decline = self.filters(jurisdiction, language, doc_id), checked_flag(decline, "decline")
        return self._answer(prepare_query(text), k, mode, filters, decline)

    def chat(self, message: str, history: History | None = None, *, k: int | None = None, mode: str | None = None,
             jurisdiction: str | None = None, language: str | None = None, doc_id: str | None = None,
             decline: bool = True) -> Answer:
        """Answer a message in a conversation; a follow-up is made standalone with the user's earlier
        turns (what was searched is ``answer.query``)."""
        text, turns, k = checked_text(message), user_turns(history), checked_k(k)
        mode = checked_mode(mode) or self.settings.mode
        filters, decline = self.filters(jurisdiction, language, doc_id), checked_flag(decline, "decline")
        query = prepare_query(text, turns, llm=self._condenser() if mode == "llm" else None)
        return self._answer(query, k, mode, filters, decline)

    def _condenser(self) -> Any | None:
        """The LLM that rewrites follow-ups, or None (rule-based) when none can be had: the answer
        then says why no model answered."""
        try:
            return self.llm
        except AssistantError:
            return None

    def filters(self, jurisdiction: Any = None, language: Any = None, doc_id: Any = None) -> Filters:
        """Filters checked against the corpus: a value it does not hold is an ``InvalidFilter`` that
        lists the valid ones (rather than an answer that the corpus has nothing)."""
        if jurisdiction in (None, "") and language in (None, "") and doc_id in (None, ""):
            return Filters()
        self.index.require()
        docs = self.documents()
        return Filters(
            jurisdiction=checked_filter("jurisdiction", jurisdiction,
                                        {j.strip().upper() for d in docs for j in d.jurisdiction.split(",") if j.strip()}),
            doc_id=checked_filter("doc_id", doc_id, {d.doc_id for d in docs}),
            language=checked_filter("language", language, {d.language for d in docs}),
        )

    def _answer(self, query: Query, k: int | None, mode: str | None, filters: Filters, decline: bool) -> Answer:
        k = k or self.settings.k
        mode = mode or self.settings.mode
        started = time.perf_counter()
        hits = self.retriever.retrieve(query, k=max(k, ANSWER_POOL), filters=filters)
        retrieved = time.perf_counter()
        context = AnswerContext(index=self.index, settings=self.settings, llm_factory=lambda: self.llm,
                                thresholds=thresholds(self.settings))
        reply = compose_reply(query, hits, context, mode=mode, may_decline=decline)
        done = time.perf_counter()
        return Answer(
            question=query.message, query=query.standalone, status=reply.status, text=reply.text,
            citations=list(reply.citations), warnings=list(reply.warnings), hits=shown_hits(hits, reply, k),
            timings={"retrieve_ms": (retrieved - started) * 1000, "answer_ms": (done - retrieved) * 1000,
                     "total_ms": (done - started) * 1000},
            evidence=dict(reply.evidence), mode=reply.mode, settings_hash=self.settings.fingerprint(),
            verification=reply.verification,
        )

    def documents(self) -> list[DocInfo]:
        return self.index.documents()

    def coverage(self) -> list[dict[str, Any]]:
        """One row per document and language: what the corpus holds and what it lacks."""
        rows = []
        for info in self.documents():
            articles = sorted({c.article for c in self.index.chunks.values()
                               if c.doc_id == info.doc_id and c.language == info.language and c.article
                               and c.info.source_file == info.source_file and c.article != "preamble"}, key=_article_key)
            rows.append({
                "doc_id": info.doc_id, "title": info.title, "short_title": info.short_title,
                "language": info.language, "jurisdiction": info.jurisdiction, "kind": info.kind,
                "authentic": info.authentic, "in_force": info.in_force(),
                "in_force_until": info.in_force_until, "superseded_by": info.superseded_by,
                "completeness": info.completeness, "complete": not info.is_fragmentary(), "articles": articles,
                "file": info.source_file, "verified": info.verified, "official": info.official,
            })
        return rows

    # ------------------------------------------------------------------ for front doors
    def article_text(self, chunk_id: str) -> str:
        """The whole article a chunk belongs to (its chunks in document order), to show a quote in
        context; the chunk's own text when it has no article; '' for an unknown id."""
        chunk = self.index.chunks.get(chunk_id)
        if chunk is None:
            return ""
        if not chunk.article:
            return chunk.text
        parts = sorted((c for c in self.index.chunks.values() if c.doc_id == chunk.doc_id and c.language == chunk.language
                        and c.article == chunk.article and c.info.source_file == chunk.info.source_file), key=lambda c: c.start)
        text, end = "", None
        for part in parts:
            if end is None or part.start >= end:
                text += ("\n" if end is not None else "") + part.text
            elif part.end > end:  # overlapping chunks: add only what is new
                text += part.text[end - part.start:]
            end = max(end or 0, part.end)
        return text


def rank_weights(settings: Settings) -> RankWeights:
    return RankWeights(**{name: getattr(settings, f"weight_{name}") for name in RankWeights.__dataclass_fields__})


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(**{name: getattr(settings, name) for name in Thresholds.__dataclass_fields__})


def shown_hits(hits: list[Hit], reply: Reply, k: int) -> list[Hit]:
    """The top k hits, plus every other hit the answer cites: a lower-ranked one, or the other
    language version of a retrieved provision (every citation points at a hit)."""
    cited = {c.chunk_id for c in reply.citations}
    known = {h.chunk.id for h in hits}
    pool = hits + [h for h in reply.extra_hits if h.chunk.id not in known]
    return [h for rank, h in enumerate(pool) if rank < k or h.chunk.id in cited]


def _article_key(article: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in article.split("-"))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def validated_settings(base: Settings | None, overrides: dict[str, Any]) -> Settings:
    """Settings from the environment (or ``base``) with ``overrides``, every value checked: a wrong
    type or range is one ``InvalidSettings`` naming each bad value, not a pydantic traceback."""
    try:
        if base is None:
            return Settings(**overrides)
        return Settings.model_validate({**base.model_dump(), **overrides}) if overrides else base
    except ValidationError as exc:
        raise InvalidSettings(settings_error_message(exc)) from None
