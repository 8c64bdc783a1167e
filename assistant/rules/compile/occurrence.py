"""Readers for conditions, medications and procedures: present, absent, history, time windows, lists
("No history of stroke, TIA or MI"), washouts ("At least 4 weeks since the last dose of …")."""

from __future__ import annotations

import re
from typing import Any

from assistant.patient.concepts import ConceptSet, Kind
from assistant.rules.compile import grammar as g
from assistant.rules.compile.linking import Linked, link_phrase
from assistant.rules.compile.result import Compiled, RuleKind, review
from assistant.rules.compile.text import duration, split_window, strip_prefixes

_KINDS: tuple[Kind, ...] = ("condition", "medication", "procedure")
_PERIOD = r"(?P<n>\d+|" + "|".join(g.NUMBER_WORDS) + r")\s*(?P<unit>" + "|".join(g.TIME_UNITS) + r")\b"
_SINCE = re.compile(
    rf"^(?P<op>at\s+least|more\s+than|over|greater\s+than|≥|>=|>|〉)\s*{_PERIOD}\s+"
    r"(?:(?:must\s+)?(?:have\s+)?(?:passed|elapsed)\s+)?(?:since|from|after)\s+(?:the\s+)?"
    r"(?:completion\s+of\s+|end\s+of\s+|last\s+dose\s+of\s+|last\s+administration\s+of\s+)?(?:any\s+)?"
    r"(?:prior|previous|last)?\s*(?P<what>.+?)$",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and/or\s+|or\s+|and\s+)?|\s+and/or\s+|\s+or\s+|\s+and\s+|\s*/\s*", re.IGNORECASE)


_ABBREVIATION = re.compile(r"\s*\(\s*[A-Za-z][A-Za-z0-9\-]{0,9}\s*\)")


def _link_one(phrase: str, concepts: ConceptSet) -> Linked | None:
    """The concept a phrase names; a bracketed abbreviation ("hepatitis B virus (HBV)") may be left out,
    as it only repeats the name."""
    found = link_phrase(phrase, _KINDS, concepts)
    if found is None and _ABBREVIATION.search(phrase):
        found = link_phrase(" ".join(_ABBREVIATION.sub(" ", phrase).split()), _KINDS, concepts)
    return found


def _link_all(phrase: str, concepts: ConceptSet) -> tuple[list[Linked], bool] | str:
    """The concepts a phrase names: the whole phrase, else each item of its list. (links, joined by 'and')
    or the first item that links to nothing."""
    whole = _link_one(phrase, concepts)
    if whole is not None:
        return [whole], False
    items = [item for item in _LIST_SPLIT.split(phrase) if item.strip()]
    if len(items) < 2:
        return phrase
    links = []
    for item in items:
        core, _ = strip_prefixes(item.strip(), list(g.QUALIFIERS))
        link = _link_one(core, concepts)
        if link is None:
            return item.strip()
        links.append(link)
    joined_by_and = re.search(r"\band\b(?!/)", phrase, re.IGNORECASE) is not None
    return links, joined_by_and


def _node(link: Linked, timing: str, window: dict[str, int] | None, negated: bool) -> dict[str, Any]:
    """The test of one linked concept (the 'is present' side; negation is applied by the caller)."""
    if link.kind == "condition":
        node: dict[str, Any] = {"condition": link.concept}
        if window is not None:
            node["within"] = window
        elif timing == "ever":
            node["ever"] = True
        return node
    if link.kind == "medication":
        node = {"medication": link.concept}
        if window is not None:
            node["within"] = window
        elif timing == "ever":
            node["ever"] = True
        return node
    node = {"procedure": link.concept}
    if window is not None:
        node["within"] = window
    return node


def _kind_of(links: list[Linked]) -> RuleKind:
    kinds = {link.kind for link in links}
    if len(kinds) > 1:
        return "combined"
    kind = kinds.pop()
    return "condition" if kind == "condition" else "medication" if kind == "medication" else "procedure"


def read_since(text: str, concepts: ConceptSet) -> Compiled | None:
    """ "At least 4 weeks since prior chemotherapy": time since the last exposure."""
    match = _SINCE.match(text)
    if match is None:
        return None
    link = link_phrase(match.group("what"), ("medication", "procedure"), concepts)
    if link is None:
        return review(
            f"no pattern of the rule compiler reads this criterion: a washout of {match.group('what')!r}, which is not "
            "linked to a concept",
            "washout not linked",
            "medication",
        )
    op = ">=" if match.group("op").lower().replace("  ", " ") in ("at least", "≥", ">=") else ">"
    window = duration(match.group("n"), match.group("unit"))
    return Compiled(
        {"since": link.concept, "op": op, **window},
        f"read {text!r}: time since the last {link.label} {op} {next(iter(window.values()))} "
        f"{next(iter(window))}; {link.note()}",
        "medication" if link.kind == "medication" else "procedure",
    )


def read_occurrence(text: str, concepts: ConceptSet) -> Compiled | None:
    """Condition, medication or procedure present / absent / in a window / at any time, alone or in a list."""
    body, subjects = strip_prefixes(text, g.SUBJECTS)
    body, negations = strip_prefixes(body, g.NEGATIONS)
    body, qualifiers = strip_prefixes(body, list(g.QUALIFIERS))
    if not negations:
        body, negations = strip_prefixes(body, g.NEGATIONS)
    phrase, window, window_text = split_window(body)
    if not phrase or re.search(r"[\d<>=≤≥]", phrase):
        return None  # a number left in the phrase is a threshold, not a name
    timings = {g.QUALIFIERS[q] for q in qualifiers if q in g.QUALIFIERS}
    timing = "ever" if "ever" in timings else "recent" if "recent" in timings else "now"
    found = _link_all(phrase, concepts)
    read = " ".join([*negations, *qualifiers]) or "present"
    if isinstance(found, str):
        return review(
            f"no pattern of the rule compiler reads this criterion: {found!r} is not linked to a concept "
            f"(read: {read}{', ' + window_text if window_text else ''})",
            "not linked",
        )
    links, joined_by_and = found
    negated = bool(negations)
    notes = "; ".join(link.note() for link in links)
    if timing == "recent" and window is None:
        return review(f"'recent' without a stated window: {notes}", "recent: no window stated", _kind_of(links))
    if joined_by_and and not negated:
        return review(
            f"a list joined by 'and' may mean all or any of: {', '.join(link.label for link in links)}; {notes}",
            "'and' list",
            _kind_of(links),
        )
    if negated and window is not None and len(links) == 1 and links[0].kind in ("medication", "procedure"):
        # "No X within 4 weeks": X on the first day of the window still counts, so more than 4 weeks are needed.
        link = links[0]
        unit, n = next(iter(window.items()))
        return Compiled(
            {"since": link.concept, "op": ">", **window},
            f"read {text!r}: no {link.label} within {n} {unit}; {notes}",
            _kind_of(links),
        )
    tests = [_node(link, timing, window, negated) for link in links]
    present: dict[str, Any] = tests[0] if len(tests) == 1 else {"any": tests}
    when = {"not": present} if negated else present
    timing_text = f"within {window_text}" if window else "at any time (history)" if timing == "ever" else "now"
    note = (
        f"read {text!r}: {'none of' if negated else 'any of'} {', '.join(link.label for link in links)} {timing_text}"
    )
    if timing == "recent":
        note += f"; 'recent' read as the stated window {window_text}"
    return Compiled(when, f"{note}; {notes}", _kind_of(links))
