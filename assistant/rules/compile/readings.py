"""Threshold shapes beside plain comparisons: the grade of a scale named by a numeral ("NYHA class III or IV
heart failure": a score of at least 3, of the condition named beside it), a pair of readings written "A/B"
("blood pressure > 140/90": systolic > 140, diastolic > 90), readings asked to hold repeatedly
("persistently") and the window a value must be dated in ("within the past 90 days"). The scales and
measurements come from the vocabulary; the words around them from ``grammar.readings`` and ``grammar.timing``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from typing import Any

from assistant.patient.concepts import Concept, ConceptSet, normalize_text
from assistant.patient.units import format_number
from assistant.rules.compile import grammar as g
from assistant.rules.compile.grammar import readings as r
from assistant.rules.compile.grammar.timing import MEASURED_IN_WINDOW
from assistant.rules.compile.linking import code_of, link_phrase
from assistant.rules.compile.result import Compiled, RuleKind, review
from assistant.rules.compile.text import WINDOW, alternation, window_duration
from assistant.rules.extract import Threshold, extract_thresholds
from assistant.rules.ops import OP_TEXT

_NUMERAL = rf"(?:(?-i:{alternation(list(r.ROMAN))})|\d(?:\.5)?)"
_JOIN = alternation([*r.GRADE_LIST_JOINS, *r.GRADE_RANGE_JOINS])
_GRADE = re.compile(
    rf"\b(?P<word>{alternation(r.GRADE_WORDS)})\s+(?P<grades>{_NUMERAL}(?:\s*(?:{_JOIN})\s*{_NUMERAL})*)"
    rf"(?:\s+(?P<above>{alternation(r.GRADE_OR_ABOVE)})|\s+(?P<below>{alternation(r.GRADE_OR_BELOW)}))?(?![\w.])",
    re.IGNORECASE,
)
_RANGE = re.compile(rf"\s*(?:{alternation(r.GRADE_RANGE_JOINS)})\s*", re.IGNORECASE)
_NEGATED = re.compile(rf"^\s*(?:{alternation(g.NEGATIONS)})\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z][A-Za-z\-/]*")


def _graded(concepts: ConceptSet) -> list[Concept]:
    """The scored measurements whose label names their points as grades ("NYHA functional class")."""
    words = {w for phrase in r.GRADE_WORDS for w in phrase.split()}
    return [
        c
        for c in (concepts.concepts[n] for n in concepts.names("observation"))
        if c.value == "score" and words.intersection(normalize_text(c.label).split())
    ]


def _named(text: str, concept: Concept) -> list[tuple[int, int]]:
    """Spans of ``text`` where a name or synonym of ``concept`` stands as whole words."""
    spans = []
    for name in {concept.name.replace("_", " "), *concept.synonyms}:
        pattern = r"(?<![\w-])" + re.escape(name).replace(r"\ ", r"\s+") + r"(?![\w-])"
        spans += [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    return spans


def _numbers(grades: str) -> list[float] | None:
    """The grades a list or range stands for, in order, or None unless they run one by one ("II, III or IV")."""
    values = [float(r.ROMAN.get(n, 0) or n) for n in re.findall(rf"{_NUMERAL}", grades)]
    if len(values) == 2 and _RANGE.search(grades):
        return values if values[0] < values[1] else None
    if any(b - a != 1 for a, b in zip(values, values[1:], strict=False)):
        return None
    return values


def _grade_test(
    concept: Concept, values: list[float], above: bool, below: bool
) -> tuple[str, float | list[float]] | None:
    """(op, value) of the grades on the concept's scale, or None when they leave it."""
    low, high = concept.plausible or (None, None)
    first, last = values[0], values[-1]
    if low is None or high is None or first < low or last > high or ((above or below) and len(values) > 1):
        return None
    if above:
        return ">=", first
    if below:
        return "<=", first
    if first == last:
        return "==", first
    if last == high:
        return ">=", first
    if first == low:
        return "<=", last
    return "between", [first, last]


def read_grades(
    text: str, concepts: ConceptSet, asides: list[tuple[int, int]], filler: Collection[str]
) -> Compiled | None:
    """A criterion that is the grade of one named scale ("Class III or IV congestive heart failure - New York
    Heart Association (NYHA)"), with at most the name of the condition graded beside it, which must then be
    present too, and a leading negation; None when the criterion is not of that shape. ``asides`` are spans
    the threshold reader sets aside (expanded acronyms, lead-ins), ``filler`` its words that change nothing."""
    phrases = list(_GRADE.finditer(text))
    named = [(c, spans) for c in _graded(concepts) if (spans := _named(text, c))]
    if len(phrases) != 1 or len(named) != 1:
        return None
    phrase = phrases[0]
    concept, spans = named[0]
    if any(t.end <= phrase.start() or t.start >= phrase.end() for t in extract_thresholds(text, concepts)):
        return None  # other thresholds: the threshold reader's
    values = _numbers(phrase.group("grades"))
    test = _grade_test(concept, values, bool(phrase.group("above")), bool(phrase.group("below"))) if values else None
    shown = " ".join(phrase.group().split())
    if test is None:
        return review(
            f"read {concept.label} {shown!r}, but not as grades of its scale", "grades not read", "observation"
        )
    negated = _NEGATED.match(text)
    residual = list(text)
    for start, end in [phrase.span(), *spans, *asides, *([negated.span()] if negated else [])]:
        residual[start:end] = " " * (end - start)
    left = [m for m in _WORDS.finditer("".join(residual)) if m.group().lower() not in filler]
    op, value = test
    node: dict[str, Any] = {"observation": concept.name, "op": op, "value": value}
    limit = " and ".join(map(format_number, value)) if isinstance(value, list) else format_number(value)
    name = " ".join(text[spans[0][0] : spans[0][1]].split())
    note = (
        f'{shown!r} read as {concept.label} {OP_TEXT[op]} {limit}; linked "{name}" → {code_of(concept)} {concept.label}'
    )
    kind: RuleKind = "observation"
    if left:
        words = text[left[0].start() : left[-1].end()]
        link = (
            link_phrase(words, ("condition",), concepts)
            if "".join(residual[left[0].start() : left[-1].end()]) == words
            else None
        )
        if link is None:
            unread = " ".join(m.group() for m in left)
            return review(f"read {concept.label} {shown!r}, but not the words: {unread}", "partly read", "observation")
        node = {"all": [{"condition": link.concept}, node]}
        note += f'; linked "{words}" → {link.code} {link.label} ({link.method}): the condition graded, present too'
        kind = "combined"
    if negated:
        node = {"not": node}
        note += f"; {negated.group().strip()!r}: the criterion is its absence"
    return Compiled(node, f"read {' '.join(text.split())!r}: {note}", kind)


def split_pairs(
    text: str, found: list[Threshold], concepts: ConceptSet
) -> tuple[list[Threshold], list[tuple[tuple[int, int], str]], list[str]]:
    """``found`` with each pair of values written "A/B" read as two readings on one span: after two names
    ("SBP/DBP > 140/90 mmHg") each name takes its value in turn; after one name ("BP > 140/90") the readings
    are the vocabulary's concepts a pair of qualifiers of ``PAIRED_READINGS`` names with it ("systolic BP",
    "diastolic BP"). Also the spans and words asking for repeated readings, and the pairs read neither way."""
    out: list[Threshold] = []
    repeated: list[tuple[tuple[int, int], str]] = []
    unread: list[str] = []
    i = 0
    while i < len(found):
        group = [t for t in found[i:] if (t.start, t.end) == (found[i].start, found[i].end)]
        i += len(group)
        pair = _PAIR.match(text, group[0].end)
        if pair is None or _out_of(group, pair, concepts):
            out += group
            continue
        split = _named_pair(group, pair) if len(group) == 2 else _split(text, group[0], pair, concepts)
        if split is None:
            out += group
            unread.append(" ".join(text[group[0].start : pair.end()].split()))
            continue
        out += split[0]
        repeated += split[1]
    return out, repeated, unread


_PAIR = re.compile(r"\s*/\s*(?P<second>\d{2,3})(?:\s*(?P<unit>mm\s*\[?hg\]?))?(?![\d.,/])", re.IGNORECASE)
_REPEATED = re.compile(rf"(?<![\w-])(?P<word>{alternation(r.REPEATED)})(?![\w-])", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w'-])[A-Za-z]+")


def _out_of(group: list[Threshold], pair: re.Match[str], concepts: ConceptSet) -> bool:
    """True when the number after the slash is the top of the score's scale ("MMSE <24/30"): points out of it."""
    concept = concepts.concepts.get(group[0].concept or "") if len(group) == 1 else None
    top = concept.plausible[1] if concept is not None and concept.plausible else None
    return concept is not None and concept.value == "score" and top == float(pair.group("second"))


def _named_pair(
    group: list[Threshold], pair: re.Match[str]
) -> tuple[list[Threshold], list[tuple[tuple[int, int], str]]] | None:
    """Two measurements named before one comparison of a pair ("SBP/DBP > 140/90"): each takes its value in
    the order written; None unless both are distinct measurements with no unit of their own."""
    first, second = sorted(group, key=lambda t: t.m_start)
    if None in (first.concept, second.concept) or first.concept == second.concept or first.unit or second.unit:
        return None
    if isinstance(first.value, tuple):
        return None
    unit = "mm[Hg]" if pair.group("unit") else None
    values = (first.value, float(pair.group("second")))
    return [
        dataclasses.replace(t, value=v, unit=unit, end=pair.end()) for t, v in zip((first, second), values, strict=True)
    ], []


def _split(
    text: str, t: Threshold, pair: re.Match[str], concepts: ConceptSet
) -> tuple[list[Threshold], list[tuple[tuple[int, int], str]]] | None:
    """The two readings of the pair after ``t`` named by qualifiers with the last words before it ("Resting
    blood pressure" → "systolic blood pressure"; the words before stay for the caller to account for), and the
    words asking for repeated readings; None when no such words name a pair of readings."""
    if t.concept is not None or t.unit is not None or t.m_start < 0 or isinstance(t.value, tuple):
        return None
    words = text[t.m_start : t.m_end]
    repeated = [((t.m_start + m.start(), t.m_start + m.end()), m.group()) for m in _REPEATED.finditer(words)]
    name = " ".join(_REPEATED.sub(" ", words).split())
    if not name or name not in words:
        return None
    name_start = t.m_start + words.index(name)
    name_end = name_start + len(name)
    before = [m.start() for m in _WORD.finditer(text, 0, name_start) if not text[m.end() : name_start].strip()]
    unit = "mm[Hg]" if pair.group("unit") else None
    starts = [*before, *(name_start + m.start() for m in _WORD.finditer(name))]
    for start in dict.fromkeys(starts):
        named = " ".join(text[start:name_end].split())
        for qualifiers in r.PAIRED_READINGS:
            linked = [link_phrase(f"{q} {named}", ("observation",), concepts) for q in qualifiers]
            readings = [concepts.concepts.get(link.concept) if link is not None else None for link in linked]
            if len({c.name for c in readings if c is not None and c.value == "quantity"}) != len(qualifiers):
                continue
            values = (t.value, float(pair.group("second")))
            return [
                dataclasses.replace(
                    t,
                    measurement=f"{q} {named}",
                    m_start=start,
                    m_end=name_end,
                    concept=c.name,
                    value=v,
                    unit=unit,
                    end=pair.end(),
                )
                for q, c, v in zip(qualifiers, readings, values, strict=True)
                if c is not None
            ], repeated
    return None


def repeated_tests(tests: dict[str, Any], word: str) -> dict[str, Any]:
    """The tests of readings the criterion asks to hold repeatedly ("persistently"): decided when they do not
    hold now, left for review when they do (one reading does not show a persistent one)."""
    return {"all": [tests, {"needs_review": f"whether the readings are {word} so: one reading does not show it"}]}


_MEASURED = re.compile(rf"\b(?:{alternation(MEASURED_IN_WINDOW)})\s*$", re.IGNORECASE)


def window_after(text: str, found: list[Threshold]) -> tuple[dict[str, int], tuple[int, int], str] | None:
    """The window that ends the criterion after its last threshold ("≤ 1.5 mg/dL within the past 90 days",
    "obtained within 14 days prior to registration"), its span and its words, or None."""
    match = WINDOW.search(text)
    if match is None or match.start() < max(t.end for t in found):
        return None
    window = window_duration(match.group("n"), match.group("unit"))
    if window is None:
        return None
    start = match.start()
    measured = _MEASURED.search(text, 0, start)
    if measured is not None and measured.start() >= max(t.end for t in found):
        start = measured.start()
    return window, (start, match.end()), " ".join(text[start:].split())
