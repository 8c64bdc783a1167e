"""Hierarchy across curated concepts and terminology codes.

A curated condition with ``icd10`` prefixes (``cirrhosis``: K74.6, K70.3, …) stands for every ICD-10-CM
code under those prefixes (less ``icd10_exclude``), and is itself narrower than every ICD-10-CM code or
block that holds all of its prefixes. Terminology codes follow their own is-a hierarchy.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.errors import RulesError
from assistant.vocab.bridge import equivalents
from assistant.vocab.terminology import Terminology, split_name, terminology

if TYPE_CHECKING:
    from assistant.patient.concepts import Concept, ConceptSet


@lru_cache(maxsize=1)
def _sorted_icd10() -> tuple[str, ...]:
    return tuple(sorted(c for c in terminology("icd10").terms if "-" not in c))


def _icd10_under(prefix: str) -> list[str]:
    """ICD-10-CM codes (not blocks) that start with ``prefix`` (dotted, upper case)."""
    codes = _sorted_icd10()
    prefix = prefix.strip().upper()
    start = bisect.bisect_left(codes, prefix)
    end = start
    while end < len(codes) and codes[end].startswith(prefix):
        end += 1
    return list(codes[start:end])


def _curated_codes(concept: Concept) -> frozenset[str]:
    """ICD-10-CM codes a curated concept's prefixes name, less its exclusions."""
    found: set[str] = set()
    for prefix in concept.icd10:
        found.update(c for c in _icd10_under(prefix) if concept.matches_icd10(c))
    return frozenset(found)


def terminology_concept(name: str, where: str = "concept") -> Concept | None:
    """The concept of a terminology name (``icd10:I21``, ``hpo:HP:0002098``); None when it is no such
    name; RulesError when it is spelt as one but names no code."""
    from assistant.patient.concepts import Concept

    split = split_name(name)
    if split is None:
        return None
    prefix, code = split
    index = terminology(prefix)
    term = index.terms.get(code)
    if term is None:
        raise RulesError(f"{where}: {name!r} is not a code of {index.system} {index.version}")
    canonical = index.name(code)
    if canonical != name:
        raise RulesError(f"{where}: write {name!r} as {canonical!r}")
    if prefix == "icd10":
        icd10 = tuple(sorted(c for c in index.descendants(code) if len(c) == 3)) if "-" in code else (code,)
    else:
        icd10 = ()
    snomed = frozenset(x.split(":", 1)[1] for x in term.xrefs if x.startswith("SNOMEDCT"))
    return Concept(
        name=canonical,
        kind="condition",
        label=term.label,
        value=None,
        unit=None,
        expects=None,
        molar_mass=None,
        loinc=frozenset(),
        snomed=snomed,
        rxnorm=frozenset(),
        icd10=icd10,
        icd10_exclude=(),
        answers={},
        synonyms=tuple(s.lower() for s in term.synonyms),
        includes=(),
        system=index.system,
    )


def _code_names(index: Terminology, codes: frozenset[str]) -> frozenset[str]:
    return frozenset(index.name(c) for c in codes)


def _icd10_set(concepts: ConceptSet) -> dict[str, frozenset[str]]:
    """Curated conditions whose every prefix is an ICD-10-CM code of the index → those codes."""
    key = ("", "icd10-prefixed")
    if key not in concepts.cache:
        index = terminology("icd10")
        for concept in concepts.concepts.values():
            prefixes = tuple(p.strip().upper() for p in concept.icd10)
            if concept.kind == "condition" and prefixes and all(p in index.terms for p in prefixes):
                concepts.cache[("prefixes", concept.name)] = frozenset(prefixes)
        concepts.cache[key] = frozenset()
    return {n: v for (k, n), v in concepts.cache.items() if k == "prefixes"}


def _hpo_root(root: str, curated: str) -> str:
    """An HPO id a curated concept names, checked to be a term of the packaged ontology."""
    if root not in terminology("hpo").terms:
        raise RulesError(f"concept {curated}: hpo: {root!r} is not a term of the packaged HPO")
    return root


def descendants(concepts: ConceptSet, name: str) -> frozenset[str]:
    """``name`` and every concept name whose facts count as ``name``, across ICD-10-CM and the HPO where
    a code of one is the same words as a term of the other (``bridge``)."""
    return _bridged(concepts, name, "bridged descendants", _descendants)


def _bridged(
    concepts: ConceptSet, name: str, key: str, within: Callable[[ConceptSet, str], frozenset[str]]
) -> frozenset[str]:
    """``within(name)`` and ``within`` of each name of the other terminology that is the same words as one of
    those (``bridge.equivalents``), one step across, cached under ``key``."""
    found = concepts.cache.get((key, name))
    if found is None:
        result = set(within(concepts, name))
        pairs = equivalents()
        for other in {e for n in result for e in pairs.get(n, ())}:
            result |= within(concepts, other)
        found = concepts.cache[(key, name)] = frozenset(result)
    return found


def _descendants(concepts: ConceptSet, name: str) -> frozenset[str]:
    """``name`` and every concept name whose facts count as ``name``, within each terminology."""
    key = ("descendants", name)
    found = concepts.cache.get(key)
    if found is not None:
        return found
    split = split_name(name)
    if name in concepts.concepts:
        result = set(concepts.curated_descendants(name))
        if any(concepts.concepts[n].icd10 for n in result):
            index = terminology("icd10")
            for curated in list(result):
                result |= _code_names(index, _curated_codes(concepts.concepts[curated]))
        if any(concepts.concepts[n].hpo for n in result if n in concepts.concepts):
            hpo = terminology("hpo")
            for curated in [n for n in result if n in concepts.concepts]:
                for root in concepts.concepts[curated].hpo:
                    result |= _code_names(hpo, hpo.descendants(_hpo_root(root, curated)))
    elif split is not None:
        prefix, code = split
        index = terminology(prefix)
        codes = index.descendants(code)
        result = set(_code_names(index, codes))
        if prefix == "icd10":
            for curated, prefixes in _icd10_set(concepts).items():
                if prefixes <= codes:
                    result |= concepts.curated_descendants(curated)
    else:
        raise RulesError(f"concept: unknown concept {name!r}")
    found = concepts.cache[key] = frozenset(result)
    return found


def ancestors(concepts: ConceptSet, name: str) -> frozenset[str]:
    """``name`` and every concept name a fact on ``name`` also counts as, across ICD-10-CM and the HPO
    (``bridge``)."""
    return _bridged(concepts, name, "bridged ancestors", _ancestors)


def _ancestors(concepts: ConceptSet, name: str) -> frozenset[str]:
    """``name`` and every concept name a fact on ``name`` also counts as, within each terminology."""
    key = ("ancestors", name)
    found = concepts.cache.get(key)
    if found is not None:
        return found
    split = split_name(name)
    if name in concepts.concepts:
        result = set(concepts.curated_ancestors(name))
        index = terminology("icd10") if concepts.concepts[name].kind == "condition" else None
        prefixed = _icd10_set(concepts) if index is not None else {}
        for curated in list(result):
            prefixes = prefixed.get(curated)
            if index is not None and prefixes:
                shared = frozenset.intersection(*(index.ancestors(p) for p in prefixes))
                result |= _code_names(index, shared)
            roots = concepts.concepts[curated].hpo
            if roots and not concepts.concepts[curated].icd10:  # all of it lies under the roots' shared ancestors
                hpo = terminology("hpo")
                result |= _code_names(hpo, frozenset.intersection(*(hpo.ancestors(r) for r in roots)))
    elif split is not None:
        prefix, code = split
        index = terminology(prefix)
        result = set(_code_names(index, index.ancestors(code)))
        if prefix == "icd10" and "-" not in code:
            for concept in concepts.concepts.values():
                if concept.kind == "condition" and concept.icd10 and concept.matches_icd10(code):
                    result |= concepts.curated_ancestors(concept.name)
        if prefix == "icd10" and "-" in code:  # a block: the classes holding every code in it
            leaves = [c for c in index.descendants(code) if "-" not in c]
            for concept in concepts.concepts.values():
                if (
                    leaves
                    and concept.kind == "condition"
                    and concept.icd10
                    and all(concept.matches_icd10(c) for c in leaves)
                ):
                    result |= concepts.curated_ancestors(concept.name)
        if prefix == "hpo":
            broader = index.ancestors(code)
            for concept in concepts.concepts.values():
                if concept.hpo and any(root in broader for root in concept.hpo):
                    result |= concepts.curated_ancestors(concept.name)
    else:
        raise RulesError(f"concept: unknown concept {name!r}")
    found = concepts.cache[key] = frozenset(result)
    return found
