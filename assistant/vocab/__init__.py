"""Vocabulary: deterministic linking of phrases to concepts of the curated vocabulary, ICD-10-CM and HPO.

``link(phrase)`` tries, in order: the normalised preferred names, then synonyms and inclusion terms
(curated vocabulary, then ICD-10-CM, then HPO), then — with ``embedding`` — the nearest bounded name
by the configured embedder, accepted only at or above ``settings.link_min_similarity``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.patient.concepts import KINDS, Kind
from assistant.vocab.model import Link, Method
from assistant.vocab.service import get_index, link_by_embedding, terms_for, validate_kinds

__all__ = ["KINDS", "Kind", "Link", "Method", "link", "link_all", "terms"]


def link(phrase: str, kinds: tuple[Kind, ...] = KINDS, *, embedding: bool = True) -> Link | None:
    """The concept ``phrase`` names among ``kinds``, or None when nothing links it confidently."""
    return link_all([phrase], kinds, embedding=embedding)[0]


def link_all(phrases: Sequence[str], kinds: tuple[Kind, ...] = KINDS, *, embedding: bool = True) -> list[Link | None]:
    """``link`` for many phrases, with one batched embedding call for those no name matches exactly."""
    validate_kinds(kinds)
    index = get_index()
    found: list[Link | None] = [index.lookup(p, kinds) if p and p.strip() else None for p in phrases]
    if embedding:
        todo = [n for n, (p, f) in enumerate(zip(phrases, found, strict=True)) if f is None and p and p.strip()]
        for n, linked in zip(todo, link_by_embedding([phrases[n] for n in todo], kinds), strict=True):
            found[n] = linked
    return found


def terms(kinds: tuple[Kind, ...] = KINDS) -> Iterator[tuple[str, Link]]:
    """Every surface term (lower case) with its link, once each, best link first, for a note reader's
    phrase matcher. Bounded to what such a matcher loads fast: curated names, labels and synonyms (all
    kinds); ICD-10-CM descriptions and inclusion terms of codes without a seventh character; HPO
    (phenotypic abnormality) names and synonyms; terminology names longer than
    ``settings.vocab_term_max_words`` words left out. About 91,000 terms for all kinds."""
    validate_kinds(kinds)
    yield from terms_for(kinds)
