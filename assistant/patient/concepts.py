"""The concept vocabulary (``corpus/concepts.yaml``): names, kinds, units, codes and synonyms.

Patient readers map codes and texts to concept names here; rules name concepts and are validated
against it; the checker takes labels for its reasons and "missing" messages from it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import AssistantError, RulesError
from assistant.patient.definition import Definition

Kind = Literal["observation", "condition", "medication", "procedure"]
ValueKind = Literal["quantity", "score", "flag"]
KINDS: tuple[Kind, ...] = ("observation", "condition", "medication", "procedure")

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
HPO = "http://human-phenotype-ontology.org"


class ConceptFileError(AssistantError):
    """The concept vocabulary file does not validate."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    label: str
    value: ValueKind | None = None
    unit: str | None = None
    expects: str | None = None
    molar_mass: float | None = Field(default=None, gt=0)
    charge: int | None = Field(default=None, gt=0)
    loinc: tuple[str, ...] = ()
    snomed: tuple[str, ...] = ()
    rxnorm: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()
    icd10_exclude: tuple[str, ...] = ()
    hpo: tuple[str, ...] = ()
    shown_by: tuple[str, ...] = ()
    denials_only: bool = False
    answers: dict[str, float] = Field(default_factory=dict)
    synonyms: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    event: bool = False
    plausible: tuple[float, float] | None = None
    units: tuple[str, ...] = ()
    defined_by: Definition | None = None


@dataclass(frozen=True, slots=True)
class Concept:
    """One named concept of the vocabulary."""

    name: str
    """Concept name, e.g. ``platelets``."""
    kind: Kind
    """Which kind of fact carries it."""
    label: str
    """What a clinician calls it, e.g. ``platelet count``."""
    value: ValueKind | None
    """Observations: quantity, score or flag."""
    unit: str | None
    """Canonical unit (UCUM) of a quantity observation."""
    expects: str | None
    """Human description of acceptable units, for error messages."""
    molar_mass: float | None
    """Molar mass in g/mol, for converting substance to mass concentration."""
    loinc: frozenset[str]
    """LOINC codes."""
    snomed: frozenset[str]
    """SNOMED CT codes."""
    rxnorm: frozenset[str]
    """RxNorm codes."""
    icd10: tuple[str, ...]
    """ICD-10-CM code prefixes."""
    icd10_exclude: tuple[str, ...]
    """ICD-10-CM prefixes that do not count."""
    answers: dict[str, float]
    """LOINC answer code → score value."""
    synonyms: tuple[str, ...]
    """Lower-case names."""
    includes: tuple[str, ...]
    """Narrower concepts whose facts count as this one."""
    event: bool = False
    """A condition that happens at a moment; its date is the onset."""
    plausible: tuple[float, float] | None = None
    """Quantity observations: the range, in the canonical unit, a real value falls in."""
    units: tuple[str, ...] = ()
    """Quantity observations: other units reports use, each convertible to ``unit``."""
    system: str = "vocabulary"
    """Where the concept comes from: ``vocabulary`` (curated files), ``ICD-10-CM`` or ``HPO``."""
    primary_loinc: str | None = None
    """The first LOINC code the file lists: the one named when the concept is reported."""
    hpo: tuple[str, ...] = ()
    """HPO terms (``HP:0030731``) whose whole subtree counts as this condition."""
    defined_by: Definition | None = None
    """Conditions: the measurement that shows it when no record names it (``thrombocytopenia``: platelets)."""
    charge: int | None = None
    """Ions: the charge (1 for K⁺, 2 for Ca²⁺), for converting equivalents (mEq/L) to substance (mmol/L)."""
    shown_by: tuple[str, ...] = ()
    """Conditions that are a status after a procedure: the procedures a record of which shows the condition
    present (``solid_organ_transplant``: the organ transplant operations)."""
    denials_only: bool = False
    """A note's mention of it is read only when it is denied ("not taking part in any other clinical trial"):
    its words are also used of what is not it (the trial a patient is screened for, one asked about)."""

    def matches_icd10(self, code: str) -> bool:
        """True when an ICD-10(-CM) code falls under this concept."""
        code = code.strip().upper()
        if "." not in code and "-" not in code and len(code) > 3:
            code = f"{code[:3]}.{code[3:]}"  # written without its dot: K7460 is K74.60
        return any(code.startswith(p.upper()) for p in self.icd10) and not any(
            code.startswith(p.upper()) for p in self.icd10_exclude
        )


def normalize_text(text: str) -> str:
    """Lower-case, with runs of white space and punctuation other than ``-()`` collapsed to one space."""
    return re.sub(r"[^\w()\-]+", " ", text.lower()).strip()


class ConceptSet:
    """The loaded vocabulary with look-ups by name, code and text."""

    def __init__(self, concepts: dict[str, Concept]) -> None:
        self.concepts = concepts
        self._codes: dict[tuple[str, str], Concept] = {}
        self._texts: dict[tuple[Kind, str], Concept] = {}
        self._words: dict[Kind, list[tuple[str, re.Pattern[str], Concept]]] = {k: [] for k in KINDS}
        for concept in concepts.values():
            for system, codes in ((LOINC, concept.loinc), (SNOMED, concept.snomed), (RXNORM, concept.rxnorm)):
                for code in codes:
                    self._codes[(system, code)] = concept
            for synonym in (concept.name.replace("_", " "), *concept.synonyms):
                self._texts.setdefault((concept.kind, normalize_text(synonym)), concept)
                norm = normalize_text(synonym)
                pattern = re.compile(r"(?<![\w-])" + re.escape(norm) + r"(?![\w-])")
                self._words[concept.kind].append((norm, pattern, concept))
        for kind in KINDS:  # longest synonym first, so "low molecular weight heparin" beats "heparin"
            self._words[kind].sort(key=lambda item: -len(item[0]))
        self._descendants = {name: self._closure(name) for name in concepts}
        self._ancestors: dict[str, frozenset[str]] = {}
        self.cache: dict[tuple[str, str], frozenset[str]] = {}
        """Hierarchy look-ups across curated concepts and terminologies, remembered per set."""

    def _closure(self, name: str) -> frozenset[str]:
        seen = {name}
        todo = list(self.concepts[name].includes)
        while todo:
            child = todo.pop()
            if child not in seen:
                seen.add(child)
                todo.extend(self.concepts[child].includes)
        return frozenset(seen)

    def names(self, kind: Kind | None = None) -> list[str]:
        """Concept names, sorted, optionally of one kind."""
        return sorted(n for n, c in self.concepts.items() if kind is None or c.kind == kind)

    def get(self, name: str, kinds: tuple[Kind, ...] = KINDS, where: str = "concept") -> Concept:
        """The concept ``name`` of one of ``kinds``: a curated name, or a terminology name such as
        ``icd10:I21``, ``icd10:K70-K77`` or ``hpo:HP:0001945`` (kind condition); RulesError otherwise."""
        concept = self.concepts.get(name)
        if concept is None and ":" in name:
            from assistant.vocab.hierarchy import terminology_concept

            concept = terminology_concept(name, where)
        if concept is None or concept.kind not in kinds:
            names = [n for n in sorted(self.concepts) if self.concepts[n].kind in kinds]
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.75)
            closest = f" (closest: {', '.join(close)})" if close else ""
            valid = ", ".join(names)
            if "condition" in kinds:
                valid += ", or a terminology code: icd10:<ICD-10-CM code or block>, hpo:HP:<7 digits>"
            kind_text = "/".join(kinds)
            raise RulesError(f"{where}: unknown {kind_text} concept {name!r}{closest}; valid: {valid}")
        return concept

    def descendants(self, name: str) -> frozenset[str]:
        """The concept and every narrower concept it includes; for conditions also the ICD-10-CM codes
        under its ``icd10`` prefixes, and for a terminology code its narrower codes and the curated
        concepts whose prefixes all fall under it."""
        from assistant.vocab.hierarchy import descendants

        return descendants(self, name)

    def ancestors(self, name: str) -> frozenset[str]:
        """The concept and every broader concept that includes it (curated or terminology)."""
        from assistant.vocab.hierarchy import ancestors

        return ancestors(self, name)

    def subsumes(self, broader: str, narrower: str) -> bool:
        """True when a fact on ``narrower`` counts as one on ``broader`` (a concept subsumes itself)."""
        return broader in self.ancestors(narrower)

    def curated_descendants(self, name: str) -> frozenset[str]:
        """The curated concept and the curated concepts it includes, transitively."""
        return self._descendants[name]

    def curated_ancestors(self, name: str) -> frozenset[str]:
        """The curated concept and the curated concepts that include it, transitively."""
        found = self._ancestors.get(name)
        if found is None:
            found = self._ancestors[name] = frozenset(n for n, d in self._descendants.items() if name in d)
        return found

    def by_code(self, system: str | None, code: str | None, kind: Kind) -> Concept | None:
        """The concept a coding names, if any."""
        if not system or not code:
            return None
        if system in (ICD10CM, ICD10):
            for concept in self.concepts.values():
                if concept.kind == kind and concept.icd10 and concept.matches_icd10(code):
                    return concept
            return None
        coded = self._codes.get((system, code.strip()))
        return coded if coded is not None and coded.kind == kind else None

    def by_terminology(self, system: str | None, code: str | None, kind: Kind) -> Concept | None:
        """The terminology concept (``icd10:<code>``, ``hpo:HP:…``) of a condition coding no curated
        concept claims; None for other kinds, other systems and codes the terminology does not have."""
        if kind != "condition" or not system or not code:
            return None
        from assistant.vocab.hierarchy import terminology_concept
        from assistant.vocab.terminology import icd10_code

        if system in (ICD10CM, ICD10):
            name = f"icd10:{icd10_code(code)}"
        elif system == HPO:
            name = f"hpo:{code.strip().upper()}"
        else:
            return None
        try:
            return terminology_concept(name)
        except RulesError:
            return None

    def by_text(self, text: str | None, kind: Kind) -> Concept | None:
        """The concept a free-text name stands for: the whole text for observations and conditions,
        the longest whole-word synonym within it for medications and procedures."""
        if not text:
            return None
        norm = normalize_text(text)
        exact = self._texts.get((kind, norm))
        if exact is not None or kind in ("observation", "condition"):
            return exact
        return next((concept for _synonym, _match, concept in self.mentions(norm, kind)), None)

    def mentions(self, norm: str, kind: Kind) -> Iterator[tuple[str, re.Match[str], Concept]]:
        """Each normalised name or synonym of a ``kind`` concept found as whole words in the normalised
        ``norm``, longest first: the synonym, where it stands and its concept."""
        for synonym, pattern, concept in self._words[kind]:
            if synonym in norm:
                match = pattern.search(norm)
                if match is not None:
                    yield synonym, match, concept


def _specs(raw: object, path: Path) -> dict[str, Concept]:
    if not isinstance(raw, dict):
        raise ConceptFileError(f"{path}: expected a mapping of concept names")
    concepts: dict[str, Concept] = {}
    for name, body in raw.items():
        if ":" in str(name):
            raise ConceptFileError(f"{path}: {name}: a curated name has no ':' (reserved for icd10:, hpo:)")
        try:
            spec = _Spec.model_validate(body)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            model = Definition if first["loc"][:1] == ("defined_by",) and len(first["loc"]) > 1 else _Spec
            valid = ", ".join(model.model_fields)
            raise ConceptFileError(f"{path}: {name}.{loc}: {first['msg']} (valid keys: {valid})") from None
        if spec.kind == "observation" and spec.value is None:
            raise ConceptFileError(f"{path}: {name}.value: required for an observation (quantity, score, flag)")
        if spec.value == "quantity" and not spec.unit:
            raise ConceptFileError(f"{path}: {name}.unit: required for a quantity observation")
        if spec.plausible is not None and spec.plausible[0] > spec.plausible[1]:
            raise ConceptFileError(f"{path}: {name}.plausible: low {spec.plausible[0]} is above high")
        concepts[str(name)] = Concept(
            name=str(name),
            kind=spec.kind,
            label=spec.label,
            value=spec.value,
            unit=spec.unit,
            expects=spec.expects,
            molar_mass=spec.molar_mass,
            charge=spec.charge,
            loinc=frozenset(spec.loinc),
            snomed=frozenset(spec.snomed),
            rxnorm=frozenset(spec.rxnorm),
            icd10=spec.icd10,
            icd10_exclude=spec.icd10_exclude,
            answers=dict(spec.answers),
            synonyms=tuple(s.lower() for s in spec.synonyms),
            includes=spec.includes,
            event=spec.event,
            plausible=spec.plausible,
            units=spec.units,
            primary_loinc=spec.loinc[0] if spec.loinc else None,
            hpo=spec.hpo,
            defined_by=spec.defined_by,
            shown_by=spec.shown_by,
            denials_only=spec.denials_only,
        )
    return concepts


def _build(raw: object, path: Path) -> ConceptSet:
    return _check(_specs(raw, path), {}, path)


def _check(concepts: dict[str, Concept], origin: dict[str, Path], path: Path) -> ConceptSet:
    for concept in concepts.values():
        for child in concept.includes:
            if child not in concepts or concepts[child].kind != concept.kind:
                where = origin.get(concept.name, path)
                raise ConceptFileError(f"{where}: {concept.name}.includes: {child!r} is not a {concept.kind} concept")
        for procedure in concept.shown_by:
            if concept.kind != "condition" or procedure not in concepts or concepts[procedure].kind != "procedure":
                where = origin.get(concept.name, path)
                raise ConceptFileError(
                    f"{where}: {concept.name}.shown_by: {procedure!r} is not a procedure concept (a status after a "
                    "procedure belongs to a condition)"
                )
        if concept.denials_only and concept.kind != "condition":
            where = origin.get(concept.name, path)
            raise ConceptFileError(f"{where}: {concept.name}.denials_only: true is for conditions, not {concept.kind}")
        definition = concept.defined_by
        if definition is not None:
            measured = concepts.get(definition.observation)
            kinds = ("flag",) if definition.flag else ("quantity", "score")
            if concept.kind != "condition" or measured is None or measured.value not in kinds:
                where = origin.get(concept.name, path)
                wanted = "a flag" if definition.flag else "a quantity or score"
                raise ConceptFileError(
                    f"{where}: {concept.name}.defined_by.observation: {definition.observation!r} is not {wanted} "
                    "observation concept (a definition belongs to a condition)"
                )
    return ConceptSet(concepts)


def vocabulary_files(path: Path) -> list[Path]:
    """The files of a vocabulary: ``path`` and the ``vocabulary/*.yaml`` tables beside it."""
    folder = path.parent / "vocabulary"
    return [path, *sorted(folder.glob("*.yaml"))] if folder.is_dir() else [path]


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: the vocabulary tables read several times faster."""


@lru_cache(maxsize=4)
def _load(path: Path) -> ConceptSet:
    concepts: dict[str, Concept] = {}
    origin: dict[str, Path] = {}
    for file in vocabulary_files(path):
        try:
            with file.open(encoding="utf-8") as handle:
                raw = yaml.load(handle, Loader=_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ConceptFileError(f"{file}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
        part = _specs(raw, file)
        for name, concept in part.items():
            if name in concepts:
                raise ConceptFileError(f"{file}: {name}: already defined in {origin[name]}; a name is defined once")
            concepts[name] = concept
            origin[name] = file
    return _check(concepts, origin, path)


def load_concepts(path: Path | None = None) -> ConceptSet:
    """The vocabulary in ``path`` (default: ``concepts.yaml`` of the corpus directory) together with the
    tables of the ``vocabulary/`` folder beside it, read once."""
    if path is None:
        from assistant.settings import get_settings

        path = get_settings().corpus_dir / "concepts.yaml"
    return _load(path.resolve())
