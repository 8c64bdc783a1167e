"""Nearest vocabulary name by embedding, for phrases no exact or synonym look-up links.

The vectors of the bounded vocabulary names (``terms()``) are computed once with the configured
embedder and cached under ``data_dir/vocab``, keyed by the embedder and a hash of the names.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.embed import get_embedder
from assistant.patient.concepts import KINDS, Kind
from assistant.settings import Settings
from assistant.vocab.model import Link


@dataclass
class VectorIndex:
    """Unit vectors of vocabulary names, with the link each name gives."""

    texts: list[str]
    links: list[Link]
    vectors: npt.NDArray[np.float32]
    kinds: npt.NDArray[np.int8]

    def nearest(
        self, queries: npt.NDArray[np.float32], kinds: tuple[Kind, ...] = KINDS, exclude: list[set[int]] | None = None
    ) -> list[tuple[int, float]]:
        """Row and cosine similarity of the nearest name of ``kinds`` for each query vector
        (``exclude``: rows a query may not use, for hold-out evaluation)."""
        if not len(self.links) or not len(queries):
            return [(-1, 0.0)] * len(queries)
        allowed = np.isin(self.kinds, [KINDS.index(k) for k in kinds])
        out: list[tuple[int, float]] = []
        for start in range(0, len(queries), 256):
            sims = queries[start : start + 256] @ self.vectors.T
            sims[:, ~allowed] = -2.0
            if exclude is not None:
                for offset, rows in enumerate(exclude[start : start + 256]):
                    if rows:
                        sims[offset, list(rows)] = -2.0
            best = sims.argmax(axis=1)
            out.extend((int(i), float(sims[n, i])) for n, i in enumerate(best))
        return out


def embed(texts: list[str], settings: Settings) -> npt.NDArray[np.float32]:
    """Unit vectors of ``texts`` from the configured embedder, as a float32 matrix."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    embedder = get_embedder(settings)
    step = max(settings.embed_batch_size, 1) * 16
    vectors = np.concatenate(
        [np.asarray(embedder.embed(texts[i : i + step]), dtype=np.float32) for i in range(0, len(texts), step)]
    )
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(vectors / norms, dtype=np.float32)


def _cache_path(texts: list[str], settings: Settings) -> Path:
    digest = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    return settings.data_dir / "vocab" / f"vectors-{settings.embedder}-{digest}.npy"


def build_vectors(terms: list[tuple[str, Link]], settings: Settings) -> VectorIndex:
    """The vector index of ``terms`` (one row per distinct name), from the cache when it is warm."""
    texts = [t for t, _ in terms]
    links = [link for _, link in terms]
    kinds = np.asarray([KINDS.index(link.kind) for link in links], dtype=np.int8)
    path = _cache_path(texts, settings)
    vectors: npt.NDArray[np.float32] | None = None
    if path.exists():
        try:
            loaded = np.load(path)
            if loaded.shape[0] == len(texts):
                vectors = loaded.astype(np.float32)
        except (OSError, ValueError):
            vectors = None
    if vectors is None:
        vectors = _embed_new(texts, settings).astype(np.float16).astype(np.float32)  # as the cache will hold them
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".npy") as handle:
                np.save(handle, vectors.astype(np.float16))
            os.replace(handle.name, path)
            _names_path(path).write_text("\n".join(texts), encoding="utf-8")
        except OSError:
            pass  # a read-only data dir only costs the next start its speed
    return VectorIndex(texts, links, vectors, kinds)


def _names_path(vectors: Path) -> Path:
    return vectors.with_suffix(".names")


def _embed_new(texts: list[str], settings: Settings) -> npt.NDArray[np.float32]:
    """Vectors of ``texts``, reusing the rows of the newest earlier cache of this embedder for the names it
    holds (a vocabulary edit embeds only its new names, not the tens of thousands of others)."""
    folder = settings.data_dir / "vocab"
    earlier = sorted(folder.glob(f"vectors-{settings.embedder}-*.npy"), key=lambda p: p.stat().st_mtime)
    known: dict[str, npt.NDArray[np.float32]] = {}
    for old in reversed(earlier):
        names = _names_path(old)
        if not names.exists():
            continue
        try:
            rows = np.load(old).astype(np.float32)
            words = names.read_text(encoding="utf-8").split("\n")
        except (OSError, ValueError):
            continue
        if len(words) == rows.shape[0]:
            known = dict(zip(words, rows, strict=True))
            break
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, embed(missing, settings), strict=True))
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)
