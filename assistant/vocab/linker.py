"""Exact and synonym look-up of phrases over the curated vocabulary, ICD-10-CM and the HPO.

One table maps each normalised name to its links in order of preference: curated names, curated
synonyms, ICD-10-CM descriptions, ICD-10-CM inclusion terms, HPO names, HPO synonyms. Within ICD-10-CM
the most specific code wins a shared inclusion term; codes with a seventh character (injury
encounters) are left out of linking (they still resolve by name, ``icd10:S72.001A``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.patient.concepts import KINDS, Concept, ConceptSet, Kind
from assistant.vocab.model import Link, Method
from assistant.vocab.normalize import NOS, fold_accents, normalize, status_name, variants
from assistant.vocab.terminology import Term, Terminology, terminology

TIERS: tuple[tuple[str, Method], ...] = (
    ("vocabulary", "exact"),
    ("vocabulary", "synonym"),
    ("ICD-10-CM", "exact"),
    ("ICD-10-CM", "synonym"),
    ("HPO", "exact"),
    ("HPO", "synonym"),
)


@dataclass(frozen=True, slots=True)
class Surface:
    """One name of the vocabulary as written, with the link a match on it gives."""

    text: str
    link: Link
    rank: int
    """Tier (0 best) times a large number plus a specificity tie-break."""
    bounded: bool
    """Short enough (and not an injury-encounter code) to offer a note reader's phrase matcher."""
    embedded: bool = False
    """One of the names the embedding step searches: curated names and synonyms, preferred names of
    ICD-10-CM blocks, categories and four-character subcategories, and HPO preferred names."""


class LinkIndex:
    """Normalised name → links, best first; and the bounded surface names in order of preference.

    A name whose accents were folded to meet a phrase ("Charcôt's arthropathy (tabetic)") comes after the
    names written without them: folding adds links for phrases no name matched, never changes one.
    Links are kept as plain tuples (a pickle of them loads fast) and made ``Link`` on the way out."""

    def __init__(self, surfaces: list[Surface]) -> None:
        self.links: list[tuple[str, str, str, str, str, str, str, float]] = []
        self.table: dict[str, tuple[int, ...]] = {}
        self.bounded: list[tuple[str, int]] = []
        self.embedded: list[tuple[str, int]] = []
        ranked: dict[str, list[tuple[bool, int, int]]] = {}
        for surface in sorted(surfaces, key=lambda s: s.rank):
            number = len(self.links)
            link = surface.link
            self.links.append(
                (link.concept, link.kind, link.system, link.code, link.label, link.matched, link.method, link.score)
            )
            folded = fold_accents(surface.text) != surface.text
            ranked.setdefault(normalize(surface.text), []).append((folded, surface.rank, number))
            if surface.bounded:
                self.bounded.append((surface.text.lower(), number))
            if surface.embedded:
                self.embedded.append((surface.text.lower(), number))
        for key, numbers in ranked.items():
            seen: set[str] = set()
            best = []
            for _, _, number in sorted(numbers):
                concept = self.links[number][0]
                if concept not in seen:
                    seen.add(concept)
                    best.append(number)
            self.table[key] = tuple(best)

    def link(self, number: int) -> Link:
        """The link stored at ``number``."""
        return Link(*self.links[number])  # type: ignore[arg-type]

    def lookup(self, phrase: str, kinds: tuple[Kind, ...] = KINDS) -> Link | None:
        """The best exact or synonym link of ``phrase`` among ``kinds``, if any."""
        for number in self.table.get(normalize(phrase), ()):
            if self.links[number][1] in kinds:
                return self.link(number)
        return None


def _curated(concept: Concept) -> Iterator[tuple[str, Method]]:
    yield concept.label, "exact"
    yield concept.name.replace("_", " "), "exact"
    for synonym in concept.synonyms:
        yield synonym, "synonym"


def _curated_surfaces(concepts: ConceptSet) -> Iterator[Surface]:
    for order, concept in enumerate(concepts.concepts.values()):
        system, code = "vocabulary", concept.name
        if concept.kind == "observation" and concept.primary_loinc:
            system, code = "LOINC", concept.primary_loinc
        for text, method in _curated(concept):
            link = Link(concept.name, concept.kind, system, code, concept.label, text, method, 1.0)
            tier = 0 if method == "exact" else 1
            yield Surface(text, link, tier * 1_000_000 + order, True, True)


def _term_surfaces(index: Terminology, term: Term, max_words: int) -> Iterator[Surface]:
    """Names of one code. A shared ICD-10-CM name goes to the broader code (facts on narrower codes
    count for it through the hierarchy), and an inclusion term marked "NOS" — listed at the
    "unspecified" code — to that code's category: "Myocardial infarction (acute) NOS" (I21.9) → I21; after
    the HPO's names when that category is a residual ("Arthritis NOS", M19)."""
    base = 2 if index.prefix == "icd10" else 4
    broad = index.prefix == "hpo" or "-" in term.code or len(term.code.replace(".", "")) <= 4
    names: list[tuple[str, Method, int, Term]] = [(text, "exact", base, term) for text in variants(term.label)]
    for synonym in term.synonyms:
        target, tier = term, base + 1
        if index.prefix == "icd10" and NOS.search(synonym) and "-" not in term.code and term.code[:3] in index.terms:
            target = index.terms[term.code[:3]]
            if _RESIDUAL.match(target.label):  # "Arthritis NOS" under M19 "Other and unspecified osteoarthritis"
                tier = _AFTER_HPO_NAMES
        names.extend((text, "synonym", tier, target) for text in variants(synonym))
    for text, method, tier, target in names:
        specific = len(target.code) if index.prefix == "icd10" else 0
        link = Link(index.name(target.code), "condition", index.system, target.code, target.label, text, method, 1.0)
        bounded = not term.leafish and len(text.split()) <= max_words
        embedded = bounded and broad and method == "exact"
        yield Surface(text, link, tier * 1_000_000 + 100 + specific, bounded, embedded)
    if index.prefix == "icd10":
        yield from _status_surfaces(index, term, [text for text, *_ in names])
        for text in cancer_names(term.label):
            link = Link(index.name(term.code), "condition", index.system, term.code, term.label, text, "synonym", 1.0)
            yield Surface(text, link, (base + 1) * 1_000_000 + 100 + len(term.code), len(text.split()) <= max_words)


_RESIDUAL = re.compile(r"^other\b", re.IGNORECASE)
_AFTER_HPO_NAMES = 4
"""The tier of an ICD-10-CM "X NOS" inclusion term whose category is a residual ("Other and unspecified
osteoarthritis" holds "Arthritis NOS"): after the HPO's preferred names, since the residual is narrower than
the bare word ("arthritis" is HPO Arthritis, not osteoarthritis); before HPO synonyms, which are often narrower
still ("neuropathy" is one of "Peripheral neuropathy")."""
_MALIGNANT_OF = re.compile(r"^Malignant neoplasm of (?:the )?(?P<site>[a-z][a-z ]+)$")
_NOT_A_SITE = re.compile(r"^(?:other|overlapping|unspecified|ectopic)\b|\bof\b")


def cancer_names(label: str) -> list[str]:
    """The everyday names of an ICD-10-CM "Malignant neoplasm of <site>" code: "<site> cancer", "cancer of the
    <site>" ("Malignant neoplasm of prostate" (C61) → "prostate cancer"); each part of a site of two organs
    ("bronchus and lung" → "lung cancer"); none for a site with a comma, an "other" or an "of" in it."""
    match = _MALIGNANT_OF.match(label)
    if match is None or _NOT_A_SITE.search(match.group("site")):
        return []
    site = match.group("site")
    parts = [site, *site.split(" and ")] if " and " in site else [site]
    return [name for part in dict.fromkeys(parts) for name in (f"{part} cancer", f"cancer of the {part}")]


def _status_surfaces(index: Terminology, term: Term, names: list[str]) -> Iterator[Surface]:
    """A status code's names without "status" / "Presence of" ("kidney transplant" → Z94.0), ranked after every
    name and synonym, and for criteria only: a note's "kidney transplant" may be planned or awaited, which the
    note reader's context rules do not all mark, so these names feed neither its matcher nor the embedder."""
    for text in dict.fromkeys(found for name in names if (found := status_name(name)) is not None):
        link = Link(index.name(term.code), "condition", index.system, term.code, term.label, text, "synonym", 1.0)
        yield Surface(text, link, 6 * 1_000_000 + 100 + len(term.code), False, False)


def build_index(concepts: ConceptSet, max_words: int) -> LinkIndex:
    """The look-up table over curated concepts, ICD-10-CM (less seventh-character codes) and HPO."""
    surfaces = list(_curated_surfaces(concepts))
    for prefix in ("icd10", "hpo"):
        index = terminology(prefix)  # type: ignore[arg-type]
        for term in index.terms.values():
            if not term.leafish:
                surfaces.extend(_term_surfaces(index, term, max_words))
    return LinkIndex(surfaces)


def bounded_terms(index: LinkIndex, kinds: tuple[Kind, ...]) -> Iterator[tuple[str, Link]]:
    """Each bounded surface name (lower case) once, with its best link among ``kinds``."""
    seen: set[str] = set()
    for text, number in index.bounded:
        if text not in seen and index.links[number][1] in kinds:
            seen.add(text)
            yield text, index.link(number)


def embedded_terms(index: LinkIndex) -> Iterator[tuple[str, Link]]:
    """Each name the embedding step searches (lower case) once, with its best link."""
    seen: set[str] = set()
    for text, number in index.embedded:
        if text not in seen:
            seen.add(text)
            yield text, index.link(number)
