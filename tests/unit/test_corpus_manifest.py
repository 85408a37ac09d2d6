"""The manifest in corpus/ describes the shared corpus: every listed file is there with its doc_id."""

from pathlib import Path

import pytest
import yaml

from assistant.corpus import load_corpus

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "corpus"


@pytest.mark.integration
def test_every_manifest_document_is_in_the_shared_corpus_with_matching_facts():
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    manifest = yaml.safe_load((REPO / "corpus" / "manifest.yaml").read_text(encoding="utf-8"))
    loaded = {(d.doc_id, d.language): d for d in load_corpus(SHARED).docs}
    for entry in manifest["documents"]:
        assert entry["official"]
        for version in entry["files"]:
            doc = loaded.get((entry["doc_id"], version["language"]))
            assert doc is not None, version["file"]
            assert doc.info.source_file == version["file"]
            assert doc.info.authentic == version["authentic"], version["file"]


def test_no_corpus_text_is_committed():
    assert sorted(p.name for p in (REPO / "corpus").iterdir()) == ["README.md", "manifest.yaml"]
