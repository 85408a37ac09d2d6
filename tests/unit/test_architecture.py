"""Imports point one way (README "How it works"): a module imports only modules of its own layer or
below, and there is no import cycle anywhere in the package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"
LAYERS = [
    {"types", "errors", "text", "settings", "prompts", "places", "inputs", "embed_batches"},
    {"corpus", "chunking", "embeddings", "e5_convert", "llms", "guard", "glossary", "references", "sentences", "vectors"},
    {"index", "query", "ingest_plan", "chunk_records", "dense_store", "bm25_store", "chunk_lookup", "sentence_table",
     "shared_vectors", "store_folders", "ingest_lock"},
    {"retrieval", "langchain_adapter"},
    {"answer"},
    {"api"},
    {"cli", "ui", "ui_render", "server", "evaluation", "__init__"},
]


def _layer(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, layer in enumerate(LAYERS) if top in layer)


def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(PACKAGE).with_suffix("").parts): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    """Package-internal modules a module imports at any level (relative imports resolved)."""
    package = name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1] if node.level > 1 else package
            if node.module is None:  # "from . import scope": the submodules themselves
                out.update(".".join([*base, alias.name]) for alias in node.names)
            else:
                out.add(".".join([*base, *node.module.split(".")]))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant."):
            out.add(node.module.removeprefix("assistant."))
    known = _modules()
    return {m for m in out if m in known or f"{m}.__init__" in known}


@pytest.mark.parametrize("name", sorted(_modules()))
def test_a_module_imports_only_its_own_layer_or_below(name):
    path = _modules()[name]
    if name == "__init__":
        return
    for target in _imports(name, path):
        assert _layer(target) <= _layer(name), f"{name} imports {target}, a higher layer"


def test_there_is_no_import_cycle():
    modules = _modules()
    graph = {name: {t for t in _imports(name, path) if t in modules or f"{t}.__init__" in modules}
             for name, path in modules.items()}
    visiting, done = set(), set()

    def visit(node, trail):
        if node in done:
            return
        assert node not in visiting, " -> ".join([*trail, node])
        visiting.add(node)
        for nxt in graph.get(node, ()):
            visit(nxt if nxt in graph else f"{nxt}.__init__", [*trail, node])
        visiting.discard(node)
        done.add(node)

    for name in graph:
        visit(name, [])
