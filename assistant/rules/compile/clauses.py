"""Reader for criteria made of clauses of different kinds, each of which the other readers read alone:
"Glomerular filtration rate <30 mL/min or on dialysis", "Congestive heart failure within 6 months and LVEF
< 45%", "Type 2 diabetes mellitus with HbA1c > 7.5 %".

A criterion is split at the separators outside brackets (";", ",", "or", "and", "and/or", "as well as")
and each clause is compiled on its own; the criterion is executable when every clause is, or when the clauses
not read may stand as tests left for review beside the others (``_partly``: each an alternative or a
requirement of its own, none able to qualify the rest; data then decides only where the clauses read settle
it). Clauses
joined by "or" are alternatives (``any``), by "and" all required (``all``); a list joined by commas or
semicolons alone is a list of requirements in an inclusion and of reasons to exclude in an exclusion.
"and" and "or" in one list cannot be grouped safely and are left for review. A condition "with" a
threshold ("X with HbA1c > 7.5 %", "Warfarin therapy with INR > 3") needs both, as does an age "with" a
condition ("Patients aged 18 years or older with type 2 diabetes"); an age or threshold "with" words not read
is required whatever those words say, which are left for review ("ECOG 0 or 1, with no deterioration …").

Leading words scope over the whole list ("No history of stroke or HbA1c > 8 %"), so a criterion whose
first clause opens with a negation or a timing word is not split; a later clause that opens with a
negation narrows the one before it ("CrCl < 30 mL/min, without dialysis"), so neither is that one; nor are
clauses that concern only one sex, a sex alone, or logistics.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.rules.compile import grammar as g
from assistant.rules.compile.lists import masked, may_stand_for_review
from assistant.rules.compile.result import Compiled, RuleKind
from assistant.rules.compile.text import strip_prefixes

_SEPARATOR = re.compile(
    r"\s*;\s*(?:(?P<semi>and/or|and|or)\s+)?|\s*,\s*(?:(?P<comma>and/or|and|or)\s+)?"
    r"|\s+(?P<word>and/or|and|or|as\s+well\s+as)\s+",
    re.IGNORECASE,
)
_WITH = re.compile(r"\s+with\s+", re.IGNORECASE)
_OPENING_SCOPE = re.compile(
    rf"^(?:{'|'.join(re.escape(w) for w in sorted((*g.NEGATIONS, *g.QUALIFIERS), key=len, reverse=True))})\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    "|".join(re.escape(w) for w, when in g.QUALIFIERS.items() if when == "now").replace(r"\ ", r"\s+"), re.IGNORECASE
)
"""A leading word that only says "now" ("active bleeding and hemoglobin < 7 g/dL"): it cannot scope over a
measurement after it."""
_OWN_TIMING = re.compile(
    rf"^(?:{'|'.join(re.escape(w) for w in sorted(g.QUALIFIERS, key=len, reverse=True) if len(w) > 3)}"
    r"|planned|anticipated|scheduled|expected)\b",
    re.IGNORECASE,
)
"""A clause's own timing words ("anticipated surgery", "history of stroke"): a timing word opening the criterion
does not reach over it."""
_NEGATED = re.compile(rf"^(?:not|{'|'.join(re.escape(w) for w in g.NEGATIONS)})\b", re.IGNORECASE)
#: Kinds of clause that may stand in a list of clauses.
_PART_KINDS: frozenset[RuleKind] = frozenset(
    ("age", "condition", "observation", "medication", "procedure", "combined", "pregnancy")
)

_OCCURS = ("condition", "medication", "procedure")
Compile = Callable[[str], Compiled]
"""Compiles one clause with every reader but this one."""


def read_clauses(text: str, criterion_type: str, compile_part: Compile) -> Compiled | None:
    """The criterion as clauses each read alone, joined as its words join them; None when it does not
    split into clauses that all read."""
    split = _split(text)
    if split is not None:
        parts, joiner = split
        found = _combine(text, parts, joiner, criterion_type, compile_part)
        if found is not None:
            return found
    return _with_threshold(text, compile_part)


def _split(text: str) -> tuple[list[str], str] | None:
    """The clauses of ``text`` and how they are joined (``or``, ``and``, ``list``), or None."""
    hidden = masked(text)
    parts: list[str] = []
    joins: set[str] = set()
    start = 0
    for match in _SEPARATOR.finditer(hidden):
        word = (match.group("semi") or match.group("comma") or match.group("word") or "").lower()
        joins.add("or" if word in ("or", "and/or") else "and" if word else "list")
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    parts = [p.strip(" .;,") for p in parts]
    if len(parts) < 2 or not all(parts):
        return None
    named = joins - {"list"}
    if len(named) > 1:
        return None
    return parts, next(iter(named)) if named else "list"


def _plans(node: Any) -> bool:
    """True when the rule tree holds a ``planned`` test."""
    if isinstance(node, list):
        return any(_plans(n) for n in node)
    return isinstance(node, dict) and ("planned" in node or any(_plans(v) for v in node.values()))


def _combine(text: str, parts: list[str], joiner: str, criterion_type: str, compile_part: Compile) -> Compiled | None:
    body, _ = strip_prefixes(parts[0], g.SUBJECTS)
    opening = _OPENING_SCOPE.match(body)
    timed_alone = all(_OWN_TIMING.match(strip_prefixes(part, g.SUBJECTS)[0]) for part in parts[1:])
    if opening is not None and not _NOW.fullmatch(opening.group()) and not timed_alone:
        return None  # "recent surgery or anticipated surgery …": each clause timed by its own words is its own
    if any(_NEGATED.match(strip_prefixes(part, g.SUBJECTS)[0]) for part in parts[1:]):
        return None  # "CrCl < 30 mL/min, not on dialysis" narrows the clause before it; it is no alternative
    compiled = [compile_part(part) for part in parts]
    if opening is not None and not timed_alone and any(c.kind != "observation" for c in compiled[1:]):
        return None  # "active" may scope over a later condition; over a measurement it cannot
    unread = [part for part, c in zip(parts, compiled, strict=True) if not _standalone(c)]
    if unread and not _partly(parts, compiled, joiner, criterion_type):
        return None
    kinds = {c.kind for c in compiled if _standalone(c)}
    planned = any(_plans(c.when) for c in compiled)
    if len(kinds) == 1 and kinds != {"observation"} and not unread and not planned:
        return None  # a list of one kind is that reader's, which declined it ("X and Y": all or any?); not care
        # planned beside care given ("recent surgery, or anticipated surgery"), which that reader does not read
    operator = "any" if joiner == "or" or (joiner == "list" and criterion_type == "exclusion") else "all"
    why = (
        "'or' joins them"
        if joiner == "or"
        else "'and' joins them"
        if joiner == "and"
        else f"a list in an {criterion_type}: {'any excludes' if operator == 'any' else 'each is required'}"
    )
    if operator == "all" and _contradictory([c.when for c in compiled]):
        return None  # "Age more than 70 yr and less than 40 yr": 'or' may be meant
    notes = " | ".join(f"{part!r}: {c.note}" for part, c in zip(parts, compiled, strict=True))
    tests = [c.when if _standalone(c) else _left_for_review(part, c) for part, c in zip(parts, compiled, strict=True)]
    partly = (
        f"; partly executable: {', '.join(repr(p) for p in unread)} left for review, so the criterion is decided "
        f"only when the other clauses settle it"
        if unread
        else ""
    )
    return Compiled(
        {operator: tests},
        f"read {text!r} as {len(parts)} clauses, {'any of' if operator == 'any' else 'all of'} them ({why}): "
        f"{notes}{partly}",
        "combined",
    )


#: Words after "with" that widen what comes before it rather than narrow it ("with or without G-CSF",
#: "transfusion allowed").
_WIDENING = ("if", "otherwise", "regardless", "or without", "and/or", "allowed", "permitted", "acceptable", "may")
#: A clause that opens with a bound or a number has no subject of its own ("≤3 years", "or more than 50 %").
_FRAGMENT = re.compile(
    r"^\s*(?:[<>≤≥=~]|\d|(?:less|more|greater|fewer|lower|higher|under|over|above|below|at\s+least|at\s+most|up\s+to)\b)",
    re.IGNORECASE,
)


def _partly(parts: list[str], compiled: list[Compiled], joiner: str, criterion_type: str) -> bool:
    """True when clauses the other readers cannot read may stand as tests left for review beside those they
    read ("creatinine > 1.1 mg/dl, abnormal hepatic function (...)" in an exclusion: a creatinine above the
    limit excludes whatever the rest says). Only when each clause is a requirement or an alternative of its
    own: the last clause (whose words may qualify the others) reads, no unread clause holds a word that could
    qualify or except the rest, and an exclusion's clauses are not joined by 'and' (both needed, or a list?)."""
    if not _standalone(compiled[-1]) or (joiner == "and" and criterion_type == "exclusion"):
        return False
    if any(_FRAGMENT.match(part) for part in parts[1:]):
        return False  # "… episode of depression ≥4 weeks and ≤3 years": the bound shares the clause before's subject
    unread = [part for part, c in zip(parts, compiled, strict=True) if not _standalone(c)]
    return all(may_stand_for_review(part) and re.search(r"[A-Za-z]{3}", part) for part in unread)


def _left_for_review(part: str, compiled: Compiled) -> dict[str, Any]:
    """The test standing for a clause that is not read alone: a person decides it."""
    reason = compiled.when.get("needs_review") if not compiled.executable else None
    why = reason if isinstance(reason, str) else f"read only as {compiled.kind} ({compiled.note})"
    return {"needs_review": f"{part!r}: {why}"}


def _with_threshold(text: str, compile_part: Compile) -> Compiled | None:
    """ "X with <threshold>": the condition, medication or procedure X and the threshold both ("Warfarin
    therapy with INR > 3"); "<age> with X": the age and X both ("Patients aged 18 years or older with type 2
    diabetes")."""
    hidden = masked(text)
    for match in _WITH.finditer(hidden):
        left, right = text[: match.start()].strip(" ,;"), text[match.end() :].strip(" .;")
        body, _ = strip_prefixes(left, g.SUBJECTS)
        if not body or _NEGATED.match(body):
            continue
        first, second = compile_part(left), compile_part(right)
        if _narrowed_age(first, second, right):
            return Compiled(
                {"all": [first.when, _left_for_review(right, second)]},
                f"read {text!r}: the {first.kind} with words not read, both required: {left!r}: {first.note} | "
                f"{right!r} left for review; partly executable: the {first.kind} alone can only rule the criterion out",
                "combined",
                applies_to=first.applies_to,
            )
        if not (_standalone(first) and _standalone(second)):
            continue
        if first.kind in _OCCURS and second.kind == "observation":
            what = f"the {first.kind} with the threshold"
        elif first.kind == "age" and second.kind in _OCCURS:
            what = f"the age with the {second.kind}"
        else:
            continue
        return Compiled(
            {"all": [first.when, second.when]},
            f"read {text!r}: {what}, both required: {left!r}: {first.note} | {right!r}: {second.note}",
            "combined",
        )
    return None


_NOT_ONLY_NARROWING = re.compile(
    rf"\b(?:{'|'.join(re.escape(w) for w in (*g.EXCEPT, *_WIDENING))}"
    rf"|{'|'.join(re.escape(w) for w in g.SEX_WORDS)})\b",
    re.IGNORECASE,
)


def _narrowed_age(first: Compiled, second: Compiled, right: str) -> bool:
    """True for "<age or threshold> with <words not read>" ("men age ≥45 years with increased probability of CAD
    due to …", "ECOG performance status of 0 or 1, with no deterioration over the previous 2 weeks"): the words
    only narrow who is meant, so the age or threshold is required whatever they say, unless they make an
    exception or widen it ("unless", "if", "or without", "allowed"), or name another sex (a second population,
    not a narrowing)."""
    return (
        first.kind in ("age", "observation")
        and first.executable
        and first.category is None
        and not first.narrowed
        and not _standalone(second)
        and second.category is None
        and re.search(r"[A-Za-z]{3}", right) is not None
        and _NOT_ONLY_NARROWING.search(right) is None
    )


def _standalone(compiled: Compiled) -> bool:
    """True when a clause reads on its own as a test of patient data for every patient."""
    return (
        compiled.executable
        and compiled.kind in _PART_KINDS
        and compiled.applies_to is None
        and compiled.category is None
        and not compiled.narrowed
    )


def _contradictory(tests: list[dict[str, Any]]) -> bool:
    """True when two tests required together bound one measurement from both sides with nothing between."""
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    for test in tests:
        what = test.get("observation") or ("age" if "age" in test else None)
        op, value = test.get("op") or test.get("age"), test.get("value")
        if what is None or not isinstance(value, float) or "uln" in test:
            continue
        if op in (">", ">="):
            lows[what] = max(value, lows.get(what, value))
        elif op in ("<", "<="):
            highs[what] = min(value, highs.get(what, value))
    return any(what in highs and lows[what] >= highs[what] for what in lows)
