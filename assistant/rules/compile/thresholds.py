"""Reader for thresholds: labs, scores and vitals of the vocabulary against absolute, ×ULN or range limits."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile import grammar as g
from assistant.rules.compile.acronyms import blank_acronyms, expansions
from assistant.rules.compile.grammar.readings import THRESHOLD_FILLER
from assistant.rules.compile.limits import SHARED_TEXT, at_two_visits, join_shared, restating
from assistant.rules.compile.linking import code_of, link_phrase
from assistant.rules.compile.readings import read_grades, repeated_tests, split_pairs, window_after
from assistant.rules.compile.restated import restated_limits
from assistant.rules.compile.result import Compiled, RuleKind, review
from assistant.rules.compile.text import strip_prefixes, unabbreviated
from assistant.rules.compile.units import converts, implied_unit, usable
from assistant.rules.extract import Threshold, extract_thresholds

_ORGAN = (
    r"(?:renal|kidney|hepatic|liver|bone\s+marrow|marrow|ha?ematologic(?:al)?|ha?ematopoietic|organ|end[\s-]organ"
    r"|coagulation|cardiac)"
)
#: Tests and formulas a value is measured by: they say how, not what ("QTc > 500 ms on EKG", "eGFR (MDRD)").
_ONE_METHOD = (
    r"(?:(?:12[- ]lead\s+)?(?:EKG|ECG|electrocardiogram)|echo(?:cardiogram|cardiography)?|ECHO|MRI|MUGA|DEXA|DXA"
    r"|multi-?gated\s+acquisition(?:\s+scan)?|MDRD|CKD-EPI|Cockcroft[\s-]+Gault)(?:\s*\(\s*[A-Z][A-Za-z-]{1,8}\s*\))?"
)
_METHOD = rf"(?:either\s+)?(?:an?\s+|the\s+)?{_ONE_METHOD}(?:\s+(?:or|and|/)\s+(?:an?\s+|the\s+)?{_ONE_METHOD})*"
"""How a value is measured: one method ("by ECHO"), or several ("by either echocardiogram (ECHO) or MUGA")."""
#: Phrases around a threshold that only say when the current value is taken or who judges it, and the lead-ins
#: the thresholds themselves define ("adequate renal function as documented by", "Hepatic function:").
_ASIDES = re.compile(
    r"\b(?:(?:at|during|on|by)\s+(?:the\s+)?(?:time\s+of\s+)?(?:the\s+)?(?:screening|baseline|study\s+entry|enrol?lment"
    r"|randomi[sz]ation|registration|inclusion|selection|initiation\s+of\s+(?:study\s+)?(?:therapy|treatment))"
    r"(?:\s+visit)?\b"
    r"|(?:as\s+)?(?:determined|judged|assessed|estimated)\s+by\s+(?:the\s+)?(?:treating\s+)?(?:investigator|physician)"
    rf"|(?:(?:adequate|normal|sufficient|satisfactory|acceptable|abnormal|impaired|inadequate|poor|end[\s-]stage)\s+)?"
    rf"{_ORGAN}"
    rf"(?:\s*(?:,|and|or|/)\s*{_ORGAN})*\s+(?:function|reserve|parameters?)s?(?:\s*[,:\-]?\s*"
    r"(?:(?:as\s+|that\s+is\s+)?(?:defined|documented|evidenced|shown|determined|measured|indicated|demonstrated)"
    r"\s+(?:by|as)\b|,?\s*as\s+follows\s*:?|:|(?=[(\[]))|\s+[-–]\s+)"
    rf"|{_ORGAN}(?:\s+function)?\s*:|^\s*{_ORGAN}\s+(?=(?-i:[A-Z]{{2}}))"
    rf"|(?:(?:as\s+)?(?:measured|calculated|estimated|assessed)\s+)?(?:on|by|using|via|per)\s+"
    rf"(?:the\s+)?{_METHOD}(?:\s+(?:formula|equation|method|scan))?)"
    rf"|\(\s*{_METHOD}(?:\s+(?:formula|equation|method))?\s*\)",
    re.IGNORECASE,
)


_NOT_EXECUTABLE = "thresholds read, not executable"
_PARTLY_READ = "partly read"


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
    unit = usable(t.unit, concept)
    if not converts(unit, concept):
        return f"{concept.label} in {t.unit}, which does not convert to {concept.unit}"
    return {"observation": concept.name, "op": t.op, "value": value, "unit": unit}


def read_thresholds(text: str, concepts: ConceptSet, criterion_type: str = "inclusion") -> Compiled | None:
    """Labs, scores and vitals against absolute, ×ULN or range thresholds, units checked against the concept's.
    A bracketed acronym that repeats its name is read either way ("Body Mass Index (BMI)", "... (ECOG)"); when
    the criterion does not read as written, it is read once more without the brackets that only abbreviate
    the words before them ("Estimated glomerular filtration rate (e-GFR)").
    Measurements that share one limit ("AST/ALT > 3 x ULN") must all meet it in an inclusion; in an exclusion
    "or" lists them (any one excludes), and "and" may mean either reading ("AST and ALT > 250 U/L"): the rule
    decides where both agree and leaves the rest for review, so it never admits a patient either reading would
    exclude, nor excludes one the other would admit. Limits that must hold at two visits ("at the screening visit
    and the baseline visit") are settled by one value only when it fails them. The grade of a named scale
    ("NYHA class III or IV heart failure") and pairs of readings ("BP > 140/90") are read by ``readings``."""
    asides = [*expansions(text), *((m.start(), m.end()) for m in _ASIDES.finditer(text))]
    graded = read_grades(text, concepts, asides, THRESHOLD_FILLER)
    if graded is not None and graded.executable:
        return at_two_visits(text, graded)
    first = _read(text, text, concepts, criterion_type)
    for other in dict.fromkeys((blank_acronyms(text), unabbreviated(text))):
        if (first is None or not first.executable) and other != text:
            first = _better(first, _read(other, text, concepts, criterion_type))
    return graded if first is None else at_two_visits(text, first)


def _better(first: Compiled | None, second: Compiled | None) -> Compiled | None:
    """The reading to keep of two: one that executes; else the first, unless it read a bracketed abbreviation
    as the measurement's name ("systolic blood pressure (BP) < 90 mmHg, …") where the second read the
    measurement and names the words it leaves."""
    if second is None or first is None:
        return first or second
    if second.executable:
        return second
    return second if first.note == _NOT_EXECUTABLE and second.note == _PARTLY_READ else first


def _read(text: str, shown: str, concepts: ConceptSet, criterion_type: str) -> Compiled | None:
    found, repeated, pairs = split_pairs(text, _shared_units(extract_thresholds(text, concepts)), concepts)
    if not found:
        return None
    sex = _SEX_LEAD.match(text)
    defined = _defined_label(text, concepts)
    read = "; ".join(_shown(t) for t in found)
    if pairs:
        return review(f"read {read}, but not the pair {pairs[0]!r} as two readings", "pair not read", "observation")
    nodes = [_threshold_node(t, concepts) for t in found]
    problems = [n for n in nodes if isinstance(n, str)]
    if problems and (
        len(problems) == len(nodes) or not all(_separable(t, n) for t, n in zip(found, nodes, strict=True))
    ):
        return review(f"read {read}, but {problems[0]}", _NOT_EXECUTABLE, "observation")
    residual = list(text)
    for t in found:
        for i in range(t.start, t.end):
            residual[i] = " "
        for i in range(max(t.m_start, 0), max(t.m_end, 0)):
            residual[i] = " "
    groups = _groups(found)
    shared: dict[int, str] = {}
    for group in groups:
        if len(group) > 1:
            between = text[found[group[0]].m_end : found[group[-1]].m_start]
            # "and/or" admits each reading, so an inclusion needs them all: "or" alone offers alternatives
            or_joined = "or" in re.findall(r"[a-z]+", between.lower()) and "and/or" not in between.lower()
            # in an exclusion "AST and ALT > 250 U/L" may need both beyond the limit or list them (either one
            # excludes): the rule decides where the two readings agree ("agree")
            and_joined = "and" in re.findall(r"[a-z]+", between.lower()) and not or_joined
            exclusion = criterion_type == "exclusion"
            shared[group[0]] = "any" if or_joined else "all" if not exclusion else "agree" if and_joined else "any"
            for i in range(found[group[0]].m_end, found[group[-1]].m_start):
                residual[i] = " "
    set_aside = [*expansions(text), *((m.start(), m.end()) for m in _ASIDES.finditer(text))]
    set_aside += [span for t in found if (span := restating(text, t)) is not None]
    set_aside += [sex.span()] if sex else []
    set_aside += [defined[1]] if defined else []
    window = window_after(text, found)
    set_aside += [window[1]] if window else []
    set_aside += [span for span, _ in repeated]
    restated = restated_limits(text, found, concepts)
    set_aside += [r.span for r in restated]
    for start, end in set_aside:
        for i in range(start, end):
            residual[i] = " "
    words = re.findall(r"[A-Za-z][A-Za-z\-/]*", "".join(residual).lower())
    extra = [w for w in words if w not in THRESHOLD_FILLER and w.strip("-/") not in THRESHOLD_FILLER]
    if extra:
        return review(f"read {read}, but not the words: {' '.join(extra[:8])}", _PARTLY_READ, "observation")
    tests = [n for n in nodes if isinstance(n, dict)]
    if window and any("age" in t for t in tests):
        return review(f"read {read}, but a window ({window[2]}) on age", "window on age", "observation")
    for test in tests:
        test.update({"within": window[0]} if window else {})
    if "or" not in words and _contradictory(found):
        return review(f"read {read}, which cannot all hold at once; 'or' may be meant", "contradictory", "observation")
    kind: RuleKind = "age" if all("age" in t for t in tests) else "observation"
    links = _links(found, concepts) + _implied(found, tests)
    leaves = [
        n if isinstance(n, dict) else {"needs_review": f"{_shown(t)}: {n}"} for t, n in zip(found, nodes, strict=True)
    ]
    items = [join_shared(shared[g[0]], [leaves[i] for i in g]) if g[0] in shared else leaves[g[0]] for g in groups]
    sharing = "".join(
        f"; {' and '.join(found[i].measurement for i in g)} "
        f"{'share one limit' if len({found[i].value for i in g}) == 1 else 'are read from one pair'}: "
        f"{SHARED_TEXT[shared[g[0]]]}"
        for g in groups
        if g[0] in shared
    )
    links += sharing
    if defined:
        links += f"; {defined[0]!r} read as what its thresholds define"
    links += "".join(f"; {r.words!r} restates a limit in other units" for r in restated)
    if window:
        links += f"; {window[2]!r}: the latest value must be dated within the window"
    if repeated and len(items) > 1:
        return review(f"read {read}, but {repeated[0][1]!r} of several tests", "repeated readings", "observation")
    if repeated:
        items = [repeated_tests(items[0], repeated[0][1])]
        links += f"; {repeated[0][1]!r}: readings within the limits settle it, one beyond them is left for review"
    if len(items) == 1:
        return _for_sex(Compiled(items[0], f"read {shown!r}: threshold {read}{links}", kind), sex)
    if "or" in words and "and" in words:
        return review(f"read {read}, but cannot tell how 'and' and 'or' group them", "ambiguous", "observation")
    # Thresholds listed with commas alone are each required in an inclusion and each a reason to exclude in an
    # exclusion ("ANC < 1,500/mm3, platelets < 100,000/mm3"): any one of them excludes.
    listed = "or" not in words and "and" not in words and criterion_type == "exclusion"
    joined = "or" if "or" in words or listed else "and"
    when = {"any": items} if joined == "or" else {"all": items}
    joined = "listing in an exclusion (any one excludes)" if listed else joined
    partly = (
        f"; partly executable: {len(problems)} of {len(nodes)} thresholds need review, so the criterion is decided "
        f"only when the others settle it"
        if problems
        else ""
    )
    return _for_sex(Compiled(when, f"read {shown!r}: thresholds joined by {joined}: {read}{links}{partly}", kind), sex)


_SEX_LEAD = re.compile(
    rf"^\s*(?P<sex>{'|'.join(sorted(g.SEX_WORDS, key=len, reverse=True))})(?:\s+(?:patients|subjects|participants))?"
    r"\s+(?:with|who\s+have|having)\b",
    re.IGNORECASE,
)
#: Words before a condition's name that its bracketed thresholds state ("pre-existent neutropenia (…)").
_DEFINED_WORDS = ("pre-existent", "pre-existing", "morbid", "morbidly", "baseline")
#: "renal failure (creatinine > 2 mg/dL)": a name whose bracket holds all the rest, the thresholds defining it.
_DEFINED = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z'\- ]{2,60}?)\s*\((?P<inner>[^()]+)\)\s*[.;,]?\s*$")
#: "Abnormal coagulation profile: INR > 2.5", "Hemochromatosis, defined as TSAT > 45%": the name the thresholds
#: after it define.
_DEFINED_LEAD = re.compile(
    r"^\s*(?P<name>[A-Za-z][A-Za-z'\-, ]{2,60}?)\s*(?::|,?\s+(?:defined|define|evidenced|documented)\s+(?:as|by)\b)",
    re.IGNORECASE,
)


def _for_sex(compiled: Compiled, sex: re.Match[str] | None) -> Compiled:
    """The rule of thresholds stated for one sex ("Women with BMI>37"): it concerns patients of that sex
    only, and is not applicable to the others."""
    if sex is None:
        return compiled
    which = g.SEX_WORDS[sex.group("sex").lower()]
    note = f"{compiled.note}; stated for {which} patients only"
    return dataclasses.replace(compiled, applies_to={"sex": [which]}, note=note)


def _defined_label(text: str, concepts: ConceptSet) -> tuple[str, tuple[int, int]] | None:
    """The name and span of a condition the thresholds define, when it links to one: a name whose bracket
    holds the thresholds ("Severe anemia (hemoglobin <8 g/dL)"), or a name they follow after a colon or
    "defined as" ("Abnormal coagulation profile: INR > 2.5", "Hemochromatosis, iron overload, defined as
    TSAT > 45%"); or any name whose bracket opens with "ie" ("Evidence of platelet engraftment (ie, platelets
    ≥ 20 × 10^9/L)"). Asides around them ("as determined by investigator") do not count."""
    blanked = _ASIDES.sub(lambda m: " " * len(m.group()), text)
    bracket = _DEFINED.match(blanked)
    lead = None if bracket else _DEFINED_LEAD.match(blanked)
    match = bracket or lead
    if match is None:
        return None
    name = match.group("name").strip()
    restated = _THAT_IS.match(match.group("inner")) if bracket else None
    if restated is not None and bracket is not None:  # "Evidence of platelet engraftment (ie, platelets ≥ 20 …)"
        return name, (match.start("name"), match.start("inner") + restated.end())
    if not all(_names_a_condition(item, concepts) for item in re.split(r"\s*,\s*", name)):
        return None
    return (name, match.span("name") if bracket else (match.start("name"), match.end()))


_THAT_IS = re.compile(r"\s*(?:i\.?\s?e\.?|that\s+is)\s*[,:]?\s*", re.IGNORECASE)
"""A bracket that says what the name before it is ("(ie, platelets ≥ 20 × 10^9/L)"): its thresholds define the
name, whatever the name is; "(eg, …)" gives an example and defines nothing."""


def _names_a_condition(name: str, concepts: ConceptSet) -> bool:
    """True when ``name``, its judgement and timing words aside, links to a condition (not when denied)."""
    body, _ = strip_prefixes(name, g.SUBJECTS)
    body, _ = strip_prefixes(body, [q for q, when in g.QUALIFIERS.items() if when == "now"])
    body, _ = strip_prefixes(body, [*g.SEVERITY, *_DEFINED_WORDS])
    if not body or strip_prefixes(body, g.NEGATIONS)[1]:
        return False
    return link_phrase(body, ("condition",), concepts) is not None


def _groups(found: list[Threshold]) -> list[list[int]]:
    """Indices of ``found`` in runs that share one comparison ("AST and ALT < 2.5 x ULN"), in text order."""
    groups: list[list[int]] = []
    for i, t in enumerate(found):
        if groups and (found[groups[-1][0]].start, found[groups[-1][0]].end) == (t.start, t.end):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _shown(t: Threshold) -> str:
    """A threshold as the note shows it."""
    return " ".join(f"{t.measurement or '?'} {t.op} {t.value} {t.unit or ''}".split())


def _separable(t: Threshold, node: dict[str, Any] | str) -> bool:
    """True when a threshold that cannot be tested may stand in a list as a test left for review: its
    measurement is named, in words alone, with no word that could make it a condition on the others
    ("≥ 1,000 for patients of Asian descent", "if liver metastases")."""
    if isinstance(node, dict):
        return True
    if t.m_start < 0 or not t.measurement:
        return False
    words = t.measurement.lower().split()
    return bool(_NAME_ONLY.fullmatch(t.measurement)) and not _CONDITIONING.intersection(words)


_NAME_ONLY = re.compile(r"[A-Za-z][A-Za-z0-9'\-/ ]*[A-Za-z0-9]")
_CONDITIONING = frozenset(
    "if unless except excluding but when where whichever for in with without or and than after before during "
    "prior since within above below patients subjects who".split()
)


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
            seen.append(f'linked "{" ".join(t.measurement.split())}" → {code_of(concept)} {concept.label} (synonym)')
    return ("; " + "; ".join(dict.fromkeys(seen))) if seen else ""


def _implied(found: list[Threshold], tests: list[dict[str, Any]]) -> str:
    """For the note: the units read where the criterion states none."""
    shown = [
        f"no unit stated for {t.measurement}: read as {test['unit']}, the only unit the number is plausible in"
        for t, test in zip(found, tests, strict=False)
        if t.unit is None and "unit" in test and not str(test["unit"]).startswith("{")
    ]
    return ("; " + "; ".join(shown)) if shown else ""
