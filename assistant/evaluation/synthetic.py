"""Synthetic corpora for the scaling benchmark: N copies of a corpus folder, each copy with its own
doc_id and slightly perturbed text, so every copy yields distinct chunks (distinct ids, distinct
texts). Written to a folder the caller chooses (a temporary one); never part of the repository."""

from __future__ import annotations

import random
import re
from pathlib import Path

from ..corpus import corpus_files

_DOC_ID = re.compile(r"^(doc_id:\s*)['\"]?([^'\"\n]+?)['\"]?\s*$", re.M)
_HEADING = re.compile(r"^\s*(#|Article\b|Статья\b|Бап\b|第)")
PERTURB_SHARE = 0.1  # share of body lines that get two adjacent words swapped


def perturb(body: str, rng: random.Random) -> str:
    """Swap two adjacent words in about one body line in ten; headings and short lines stay as they are."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        words = line.split(" ")
        if len(words) < 4 or _HEADING.match(line) or rng.random() >= PERTURB_SHARE:
            continue
        j = rng.randrange(1, len(words) - 2)
        words[j], words[j + 1] = words[j + 1], words[j]
        lines[i] = " ".join(words)
    return "\n".join(lines)


def copy_text(text: str, copy: int) -> str:
    """Copy number ``copy`` (>= 1) of one corpus file: doc_id suffixed, body perturbed deterministically."""
    rng = random.Random(f"{copy}:{len(text)}")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            head, body = text[:end], text[end:]
            head = _DOC_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}-copy{copy}", head, count=1)
            return head + perturb(body, rng)
    return perturb(text, rng)


def copy_name(name: str, copy: int) -> str:
    """'kz-law.en.md' -> 'kz-law-copy3.en.md' (the language suffix stays where the loader looks for it)."""
    stem, dot, rest = name.partition(".")
    return f"{stem}-copy{copy}{dot}{rest}"


def build_corpus(source: Path, target: Path, scale: int) -> dict[str, int]:
    """Write ``scale`` copies of every file of ``source`` into ``target`` (copy 0 is the original)."""
    target.mkdir(parents=True, exist_ok=True)
    files = written = 0
    for path in corpus_files(Path(source)):
        raw = path.read_bytes()
        files += 1
        for copy in range(scale):
            name = path.name if copy == 0 else copy_name(path.name, copy)
            if copy == 0:
                (target / name).write_bytes(raw)
                written += len(raw)
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue  # binary sources (pdf) are not copied beyond the original
            data = copy_text(text, copy).encode("utf-8")
            (target / name).write_bytes(data)
            written += len(data)
    return {"source_files": files, "files": sum(1 for _ in target.iterdir()), "bytes": written}
