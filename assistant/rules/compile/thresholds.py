"""Reader for thresholds: labs, scores and vitals of the vocabulary against absolute, ×ULN or range limits."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile.linking import code_of
from assistant.rules.compile.result import Compiled, RuleKind, review
from assistant.rules.compile.units import converts, implied_unit, spelled
from assistant.rules.extract import Threshold, extract_thresholds

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
        "participants",
        "participant",
        "visit",
        "visits",
        "resting",
    )
)
#: Phrases around a threshold that only say when the current value is taken or who judges it.
_ASIDES = re.compile(
    r"\b(?:at\s+the\s+time\s+of\s+(?:screening|enrol?lment|inclusion|study\s+entry)"
    r"|(?:as\s+)?(?:determined|judged|assessed|estimated)\s+by\s+the\s+(?:treating\s+)?(?:investigator|physician))\b",
    re.IGNORECASE,
)


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
        if concept.unit and concept.unit.startswith("{"):  # a unitless quantity such as {INR}: the number is all
            return {"observation": concept.name, "op": t.op, "value": value, "unit": concept.unit}
        implied = implied_unit(t.value, concept)
        if implied is None:
            return f"{concept.label} threshold without a unit"
        return {"observation": concept.name, "op": t.op, "value": value, "unit": implied}
    unit = t.unit if converts(t.unit, concept) else spelled(t.unit)
    if not converts(unit, concept):
        return f"{concept.label} in {t.unit}, which does not convert to {concept.unit}"
    return {"observation": concept.name, "op": t.op, "value": value, "unit": unit}


def read_thresholds(text: str, concepts: ConceptSet) -> Compiled | None:
    """Labs, scores and vitals against absolute, ×ULN or range thresholds, units checked against the concept's.
    A bracketed acronym that repeats its name is read either way ("Body Mass Index (BMI)", "... (ECOG)")."""
    first = _read(text, text, concepts)
    blanked = _blank_acronyms(text)
    if (first is not None and first.executable) or blanked == text:
        return first
    second = _read(blanked, text, concepts)
    return second if second is not None and (second.executable or first is None) else first


def _read(text: str, shown: str, concepts: ConceptSet) -> Compiled | None:
    found = _shared_units(extract_thresholds(text, concepts))
    if not found:
        return None
    read = "; ".join(f"{t.measurement or '?'} {t.op} {t.value} {t.unit or ''}".strip() for t in found)
    nodes = [_threshold_node(t, concepts) for t in found]
    problems = [n for n in nodes if isinstance(n, str)]
    if problems:
        return review(f"read {read}, but {problems[0]}", "thresholds read, not executable", "observation")
    residual = list(text)
    for t in found:
        for i in range(t.start, t.end):
            residual[i] = " "
        for i in range(max(t.m_start, 0), max(t.m_end, 0)):
            residual[i] = " "
    for start, end in [*_expansions(text), *((m.start(), m.end()) for m in _ASIDES.finditer(text))]:
        for i in range(start, end):
            residual[i] = " "
    words = re.findall(r"[A-Za-z][A-Za-z\-/]*", "".join(residual).lower())
    extra = [w for w in words if w not in _FILLER and w.strip("-/") not in _FILLER]
    if extra:
        return review(f"read {read}, but not the words: {' '.join(extra[:8])}", "partly read", "observation")
    tests = [n for n in nodes if isinstance(n, dict)]
    if "or" not in words and _contradictory(found):
        return review(f"read {read}, which cannot all hold at once; 'or' may be meant", "contradictory", "observation")
    kind: RuleKind = "age" if all("age" in t for t in tests) else "observation"
    links = _links(found, concepts) + _implied(found, tests)
    if len(tests) == 1:
        return Compiled(tests[0], f"read {shown!r}: threshold {read}{links}", kind)
    joined = "or" if "or" in words and "and" not in words else "and"
    if "or" in words and "and" in words:
        return review(f"read {read}, but cannot tell how 'and' and 'or' group them", "ambiguous", "observation")
    when = {"any": tests} if joined == "or" else {"all": tests}
    return Compiled(when, f"read {shown!r}: thresholds joined by {joined}: {read}{links}", kind)


def _blank_acronyms(text: str) -> str:
    """``text`` with each bracketed acronym that only repeats the words before it replaced by spaces (offsets kept)."""
    for start, end in _expansions(text):
        opening = text.index("(", start, end)
        text = text[:opening] + " " * (end - opening) + text[end:]
    return text


def _shared_units(found: list[Threshold]) -> list[Threshold]:
    """Bounds of one measurement where only the last states a unit ("Height < 150 or > 180 cm") share it."""
    units = {t.concept: t.unit for t in found if t.unit is not None}
    return [
        dataclasses.replace(t, unit=units[t.concept])
        if t.unit is None and t.concept in units and sum(1 for u in found if u.concept == t.concept) > 1
        else t
        for t in found
    ]


def _contradictory(found: list[Threshold]) -> bool:
    """True when thresholds on one measurement cannot all hold (``age > 70 and < 40``)."""
    for concept in {t.concept for t in found}:
        lows = [t.value for t in found if t.concept == concept and t.op in (">", ">=") and isinstance(t.value, float)]
        highs = [t.value for t in found if t.concept == concept and t.op in ("<", "<=") and isinstance(t.value, float)]
        if lows and highs and max(lows) >= min(highs):
            return True
    return False


def _links(found: list[Threshold], concepts: ConceptSet) -> str:
    """The measurements read, as links with their codes, for the note."""
    seen = []
    for t in found:
        if t.concept and t.concept != "age":
            concept = concepts.concepts[t.concept]
            seen.append(f'linked "{t.measurement}" → {code_of(concept)} {concept.label} (synonym)')
    return ("; " + "; ".join(dict.fromkeys(seen))) if seen else ""


def _implied(found: list[Threshold], tests: list[dict[str, Any]]) -> str:
    """For the note: the units read where the criterion states none."""
    shown = [
        f"no unit stated for {t.measurement}: read as {test['unit']}, the only unit the number is plausible in"
        for t, test in zip(found, tests, strict=False)
        if t.unit is None and "unit" in test and not str(test["unit"]).startswith("{")
    ]
    return ("; " + "; ".join(shown)) if shown else ""


_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]{1,7})\s*\)")


_LINKS = frozenset(("and", "of", "the", "for", "in", "&"))


def _expansions(text: str) -> list[tuple[int, int]]:
    """Spans of "Eastern Cooperative Oncology Group (ECOG)": words whose initials spell the bracketed
    abbreviation that follows them only name what the abbreviation names."""
    spans = []
    for match in _ACRONYM.finditer(text):
        letters = [c for c in match.group(1) if c.isupper()]
        named = [w for w in re.finditer(r"[A-Za-z][\w\-']*", text[: match.start()]) if w.group().lower() not in _LINKS]
        before = named[-len(letters) :]
        if len(before) == len(letters) and all(w.group()[0].upper() == c for w, c in zip(before, letters, strict=True)):
            spans.append((before[0].start(), match.end()))
    return spans
