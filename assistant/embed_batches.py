"""How the texts of one embedding job are grouped into model calls. Pure functions.

A transformer pads every text of a batch to the batch's longest, so texts are taken longest first
(neighbours then have nearly the same length) and each batch holds as many as fit a budget of padded
tokens: a few long chunks, or dozens of short sentences. Sorting the whole job at once, rather than
each handful of texts as it comes, leaves almost no padding."""

from __future__ import annotations

from collections.abc import Callable, Sequence

MAX_BATCH = 64
FIXED_BATCH = 16  # engines that cannot count tokens get the texts in their order, this many at a time


def token_budget_batches(lengths: Sequence[int], budget: int, max_batch: int = MAX_BATCH) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches, longest texts first (ties in their order):
    each batch's size times its longest length stays within ``budget``, with at most ``max_batch``
    and at least one text."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < max_batch and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def fixed_batches(count: int, size: int = FIXED_BATCH) -> list[list[int]]:
    """Indices ``0..count-1`` in order, ``size`` at a time."""
    return [list(range(i, min(i + size, count))) for i in range(0, count, size)]


def plan_batches(texts: Sequence[str], token_lengths: Callable[[Sequence[str]], list[int]] | None,
                 budget: int, fixed_size: int = FIXED_BATCH) -> list[list[int]]:
    """The batches for an engine that counts tokens (``token_lengths``), else fixed ones."""
    if token_lengths is None:
        return fixed_batches(len(texts), fixed_size)
    return token_budget_batches(token_lengths(texts), budget)


def engine_batches(engine: object, texts: Sequence[str], fixed_size: int = FIXED_BATCH) -> list[list[int]]:
    """The batches an engine forms itself when it offers ``token_lengths`` and ``token_budget``
    (so a caller that hands it one batch at a time keeps the whole job sorted), else fixed ones."""
    return plan_batches(texts, getattr(engine, "token_lengths", None), getattr(engine, "token_budget", 0), fixed_size)
