"""Draft a rules file from criterion text, for the common patterns; everything else is needs_review.

Patterns read: age limits; labs against absolute or ×ULN thresholds (with units checked against
the concept's); performance status (ECOG, Karnofsky, WHO); "No (known) X" for a condition of the
vocabulary, optionally "within the past N months"; "No concurrent X" for a drug; "Not pregnant or
nursing", "Pregnant or nursing" and "Negative pregnancy test"; "At least / More than N days since
prior X" and "No X within N weeks before entry". A criterion is made executable only when every
word of it is accounted for; when anything is left over, the draft says what it read and marks
the criterion ``needs_review`` — the compiler never guesses.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from assistant.errors import UnitError
from assistant.patient.concepts import Concept, ConceptSet, Kind, load_concepts, normalize_text
from assistant.patient.units import factor
from assistant.rules.extract import Threshold, extract_thresholds
from assistant.rules.schema import RuleEntry, RulesDocument
from assistant.types import Criterion, Protocol

GENERATOR = "assistant.rules.compile"
_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
# Words that may be left over around thresholds without changing their meaning.
_FILLER = frozenset(
    (
        "and",
        "or",
        "the",
        "a",
        "an",
        "of",
        "in",
        "must",
        "be",
        "is",
        "are",
        "should",
        "have",
        "has",
        "having",
        "with",
        "patients",
        "patient",
        "subjects",
        "subject",
        "level",
        "levels",
        "value",
        "values",
        "serum",
        "plasma",
        "blood",
        "total",
        "count",
        "absolute",
        "institutional",
        "upper",
        "limit",
        "limits",
        "normal",
        "uln",
        "unl",
        "times",
        "x",
        "×",
        "performance",
        "status",
        "score",
        "scale",
        "required",
        "documented",
        "adequate",
        "known",
        "screening",
        "baseline",
        "at",
        "inclusive",
        "range",
        "laboratory",
        "lab",
        "function",
        "as",
        "defined",
        "by",
        "following",
        "following:",
        "defined",
        "criteria",
    )
)
_PERIOD = r"(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?|years?)"
_SINCE = re.compile(
    rf"^(?P<op>at least|more than|over|greater than|≥|>=|>|〉)\s*{_PERIOD}\s+(?:have\s+(?:passed|elapsed)\s+)?"
    r"(?:since|from|after)\s+(?:the\s+)?(?:completion\s+of\s+|end\s+of\s+)?(?:any\s+)?(?:prior|previous|last)?\s*"
    r"(?P<what>.+?)$",
    re.IGNORECASE,
)
_NO_WITHIN = re.compile(
    rf"^no\s+(?:prior\s+|previous\s+)?(?P<what>.+?)\s+within\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+)?{_PERIOD}"
    r"(?:\s+(?:prior\s+to|before|of)\s+(?:study\s+)?(?:entry|registration|enrollment|enrolment|randomi[sz]ation|"
    r"treatment|the\s+first\s+dose(?:\s+of\s+study\s+(?:drug|treatment))?|study\s+start|start\s+of\s+treatment))?$",
    re.IGNORECASE,
)
_WITHIN = re.compile(
    rf"^(?P<what>.+?)\s+within\s+(?:the\s+)?(?:past\s+|last\s+|previous\s+)?{_PERIOD}"
    r"(?:\s+(?:prior\s+to|before|of)\s+(?:study\s+)?(?:entry|registration|enrollment|enrolment|randomi[sz]ation|"
    r"treatment|the\s+first\s+dose|study\s+start|start\s+of\s+treatment))?$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^no\s+(?:known\s+|current\s+|active\s+|evidence\s+of\s+|clinical\s+evidence\s+of\s+)?(?P<what>.+)$", re.IGNORECASE
)
_NO_CONCURRENT = re.compile(r"^no\s+(?:concurrent|concomitant|current)\s+(?P<what>.+)$", re.IGNORECASE)
_KNOWN = re.compile(r"^(?:known\s+|active\s+|current\s+|clinical\s+evidence\s+of\s+)?(?P<what>.+)$", re.IGNORECASE)
_NOT_PREGNANT = re.compile(
    r"^(?:not|non)[- ]?pregnant"
    r"(?:\s*(?:,|or|and|nor)\s*(?:non[- ]?|not\s+)?(?:nursing|lactating|breast[- ]?feeding))?$",
    re.IGNORECASE,
)
_PREGNANT = re.compile(
    r"^(?:women\s+who\s+are\s+)?(?:pregnant|pregnancy)(?:\s*(?:,|or|and|and/or)\s*(?:nursing|lactating|breast[- ]?"
    r"feeding))?(?:\s+(?:women|females|patients|mothers))?$",
    re.IGNORECASE,
)
_NEG_TEST = re.compile(
    r"^negative\s+(?:serum\s+|urine\s+|serum\s+or\s+urine\s+|urine\s+or\s+serum\s+|beta[- ]?hcg\s+)?"
    r"(?:pregnancy\s+test|beta[- ]?hcg|hcg)(?:\s+(?:result|results))?$",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    """The criterion without bullets, trailing punctuation and runs of spaces."""
    text = re.sub(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s*", "", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".;,")


def _exact(concepts: ConceptSet, text: str, kinds: tuple[Kind, ...]) -> Concept | None:
    """The concept whose name or a synonym is exactly ``text`` (normalised), of one of ``kinds``."""
    norm = normalize_text(text)
    for kind in kinds:
        for concept in concepts.concepts.values():
            if concept.kind == kind and norm in {
                normalize_text(s) for s in (concept.name.replace("_", " "), *concept.synonyms)
            }:
                return concept
    return None


def _plural(text: str) -> list[str]:
    """``text`` and its singular forms, for matching names like "investigational drugs"."""
    forms = [text]
    if text.endswith("ies"):
        forms.append(text[:-3] + "y")
    if text.endswith("s"):
        forms.append(text[:-1])
    return forms


def _find(concepts: ConceptSet, text: str, kinds: tuple[Kind, ...]) -> Concept | None:
    for form in _plural(text.strip()):
        for prefix in ("", "anticancer "):
            concept = _exact(concepts, form.removeprefix(prefix) if prefix else form, kinds)
            if concept is not None:
                return concept
    return None


def _duration(n: str, unit: str) -> dict[str, int]:
    return {_UNITS[unit.lower()]: int(n)}


def compile_criterion(criterion: Criterion, concepts: ConceptSet | None = None) -> tuple[dict[str, Any], str]:
    """The ``when`` tree for one criterion and a note on how it was read (or why it needs review)."""
    concepts = concepts or load_concepts()
    text = _clean(criterion.text)
    for reader in (_pregnancy, _since, _absence, _thresholds):
        found = reader(text, concepts)
        if found is not None:
            return found
    return {"needs_review": "no pattern of the rule compiler reads this criterion"}, "not read"


def _pregnancy(text: str, concepts: ConceptSet) -> tuple[dict[str, Any], str] | None:
    if _NOT_PREGNANT.match(text):
        nursing = re.search(r"nursing|lactating|breast", text, re.IGNORECASE)
        conds: list[dict[str, Any]] = [{"not": {"condition": "pregnant"}}]
        if nursing:
            conds.append({"not": {"condition": "nursing"}})
        inner = conds[0] if len(conds) == 1 else {"all": conds}
        return {"any": [{"sex": ["male"]}, inner]}, "not pregnant (or nursing); satisfied for male patients"
    if _PREGNANT.match(text):
        nursing = re.search(r"nursing|lactating|breast", text, re.IGNORECASE)
        cond: dict[str, Any] = (
            {"any": [{"condition": "pregnant"}, {"condition": "nursing"}]} if nursing else {"condition": "pregnant"}
        )
        return {"all": [{"sex": ["female"]}, cond]}, "pregnant (or nursing); false for male patients"
    if _NEG_TEST.match(text):
        return {"any": [{"sex": ["male"]}, {"observation": "pregnancy_test", "flag": False}]}, "negative pregnancy test"
    return None


def _since(text: str, concepts: ConceptSet) -> tuple[dict[str, Any], str] | None:
    match = _SINCE.match(text)
    if match:
        concept = _find(concepts, match.group("what"), ("medication", "procedure"))
        if concept is None:
            return None
        op = ">=" if match.group("op").lower() in ("at least", "≥", ">=") else ">"
        return {"since": concept.name, "op": op, **_duration(match.group("n"), match.group("unit"))}, (
            f"time since prior {concept.label}"
        )
    match = _NO_WITHIN.match(text)
    if match:
        what, window = match.group("what"), _duration(match.group("n"), match.group("unit"))
        concept = _find(concepts, what, ("medication", "procedure"))
        if concept is not None:
            # "No X within 4 weeks": X on the first day of the window still counts, so more than 4 weeks are needed.
            return {"since": concept.name, "op": ">", **window}, f"no {concept.label} within the window"
        concept = _find(concepts, what, ("condition",))
        if concept is not None:
            return {"not": {"condition": concept.name, "within": window}}, f"no {concept.label} within the window"
    return None


def _absence(text: str, concepts: ConceptSet) -> tuple[dict[str, Any], str] | None:
    match = _NO_CONCURRENT.match(text)
    if match:
        concept = _find(concepts, match.group("what"), ("medication",))
        if concept is not None:
            return {"not": {"medication": concept.name}}, f"not currently taking {concept.label}"
    match = _NO.match(text)
    if match:
        concept = _find(concepts, match.group("what"), ("condition",))
        if concept is not None:
            return {"not": {"condition": concept.name}}, f"{concept.label} stated absent or resolved"
        return None
    match = _KNOWN.match(text)
    if match:
        concept = _find(concepts, match.group("what"), ("condition",))
        if concept is not None:
            return {"condition": concept.name}, f"{concept.label} present"
    return None


def _threshold_node(t: Threshold, concepts: ConceptSet) -> dict[str, Any] | str:
    """The test for one threshold, or why it cannot be made executable."""
    value: Any = list(t.value) if isinstance(t.value, tuple) else t.value
    if t.concept == "age":
        if t.unit not in (None, "years", "year", "yrs", "yr"):
            return f"age limit in {t.unit}"
        return {"age": t.op, "value": value}
    if t.concept is None:
        return f"{t.measurement or 'a measurement'!r} is not in the concept vocabulary"
    concept = concepts.concepts[t.concept]
    if concept.value == "flag":
        return f"{concept.label} is a positive/negative result, not a number"
    if t.uln:
        if concept.value != "quantity":
            return f"{concept.label} has no upper limit of normal"
        return {"observation": concept.name, "op": t.op, "uln": value}
    if concept.value == "score":
        if t.unit not in (None, "%", "percent", "points"):
            return f"{concept.label} with unit {t.unit}"
        return {"observation": concept.name, "op": t.op, "value": value}
    if t.unit is None:
        return f"{concept.label} threshold without a unit"
    try:
        factor(t.unit, concept, "criterion")
    except UnitError:
        return f"{concept.label} in {t.unit}, which does not convert to {concept.unit}"
    return {"observation": concept.name, "op": t.op, "value": value, "unit": t.unit}


def _thresholds(text: str, concepts: ConceptSet) -> tuple[dict[str, Any], str] | None:
    found = extract_thresholds(text, concepts)
    if not found:
        return None
    read = "; ".join(f"{t.measurement or '?'} {t.op} {t.value} {t.unit or ''}".strip() for t in found)
    nodes = [_threshold_node(t, concepts) for t in found]
    problems = [n for n in nodes if isinstance(n, str)]
    if problems:
        return {"needs_review": f"read {read}, but {problems[0]}"}, "thresholds read, not executable"
    residual = list(text)
    for t in found:
        for i in range(t.start, t.end):
            residual[i] = " "
        for i in range(max(t.m_start, 0), max(t.m_end, 0)):
            residual[i] = " "
    words = re.findall(r"[A-Za-z][A-Za-z\-/]*", "".join(residual).lower())
    extra = [w for w in words if w not in _FILLER and w.strip("-/") not in _FILLER]
    if extra:
        return {"needs_review": f"read {read}, but not the words: {' '.join(extra[:8])}"}, "partly read"
    tests = [n for n in nodes if isinstance(n, dict)]
    if "or" not in words and _contradictory(found):
        return {"needs_review": f"read {read}, which cannot all hold at once; 'or' may be meant"}, "contradictory"
    if len(tests) == 1:
        return tests[0], f"threshold: {read}"
    joined = "or" if "or" in words and "and" not in words else "and"
    if "or" in words and "and" in words:
        return {"needs_review": f"read {read}, but cannot tell how 'and' and 'or' group them"}, "ambiguous"
    return ({"any": tests} if joined == "or" else {"all": tests}), f"thresholds joined by {joined}: {read}"


def _contradictory(found: list[Threshold]) -> bool:
    """True when thresholds on one measurement cannot all hold (``age > 70 and < 40``)."""
    for concept in {t.concept for t in found}:
        lows = [t.value for t in found if t.concept == concept and t.op in (">", ">=") and isinstance(t.value, float)]
        highs = [t.value for t in found if t.concept == concept and t.op in ("<", "<=") and isinstance(t.value, float)]
        if lows and highs and max(lows) >= min(highs):
            return True
    return False


def draft_rules(protocol: Protocol, concepts: ConceptSet | None = None) -> RulesDocument:
    """A draft rules document for every criterion of ``protocol``; status ``draft`` until a person reviews it."""
    concepts = concepts or load_concepts()
    entries = []
    for criterion in protocol.criteria:
        when, note = compile_criterion(criterion, concepts)
        entries.append(
            RuleEntry(criterion=criterion.id, text=criterion.text, type=criterion.type, when=when, note=note)
        )
    return RulesDocument(
        protocol=protocol.id,
        status="draft",
        generated_by=GENERATOR,
        notes="Drafted from the criteria text; check every rule, then set status: reviewed.",
        rules=tuple(entries),
    )


def dump_rules(document: RulesDocument) -> str:
    """A rules document as YAML, in the layout of the reviewed files."""
    data = document.model_dump(exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
