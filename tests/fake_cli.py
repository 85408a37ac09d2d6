"""``legal-assistant`` with the fake embedder, for tests that need real, separate processes (locks,
a store switched by another process, a damaged or read-only data folder) without loading e5.
Settings come from LEGAL_ASSISTANT_* as usual; FAKE_EMBED_DELAY slows embedding (seconds per text)."""

from __future__ import annotations

import os
import time

from assistant import Assistant
from assistant import cli as cli_module
from fakes import FAKE_THRESHOLDS, FakeEmbeddings


class SlowFakeEmbeddings(FakeEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        time.sleep(float(os.environ.get("FAKE_EMBED_DELAY", "0")) * len(texts))
        return super().embed_documents(texts)


if __name__ == "__main__":
    cli_module._assistant = lambda: Assistant(embeddings=SlowFakeEmbeddings(), **FAKE_THRESHOLDS)
    cli_module.main()
