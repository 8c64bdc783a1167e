"""Readers for age, sex, and pregnancy, lactation and contraception criteria."""

from __future__ import annotations

import re
from typing import Any

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile import grammar as g
from assistant.rules.compile.linking import link_phrase
from assistant.rules.compile.result import Compiled, review
from assistant.rules.compile.text import words
from assistant.rules.extract import parse_number

_AGE_OF = r"(?:(?:the\s+)?age\s+(?:of\s+)?)?"
_YEARS = r"(?:\s*(?:years?|yrs?|y)\b)?"
_N = r"(?P<{}>\d{{1,3}}(?:\.\d+)?)"
_PREFIX = {
    ">=": r"≥|>=|=>|>\s*or\s*=|at\s+least|no\s+(?:less|younger)\s+than|not\s+(?:less|younger)\s+than|minimum(?:\s+of)?",
    "<=": r"≤|<=|=<|<\s*or\s*=|up\s+to|no\s+(?:more|older)\s+than|not\s+(?:more|older)\s+than|maximum(?:\s+of)?",
    ">": r">|over|above|older\s+than|greater\s+than|more\s+than",
    "<": r"<|under|below|younger\s+than|less\s+than",
}
_POSTFIX = {">=": r"or\s+(?:older|over|above|more)|and\s+(?:older|over|above)|\+", "<=": r"or\s+(?:younger|under|less)"}
_AGE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"(?:between\s+|from\s+)?{_N.format('low')}{_YEARS}\s*(?:-|–|to|and|through)\s*{_N.format('high')}{_YEARS}"
            r"(?:\s*(?:of\s+age|old))?",
            re.IGNORECASE,
        ),
        "between",
    ),
    *(
        (
            re.compile(
                rf"{_N.format('n')}{_YEARS}(?:\s*(?:of\s+age|old))?\s*(?:{pattern})(?:\s*(?:years?|of\s+age))?",
                re.IGNORECASE,
            ),
            op,
        )
        for op, pattern in _POSTFIX.items()
    ),
    *(
        (
            re.compile(rf"(?<![\w])(?:{pattern})\s*{_AGE_OF}{_N.format('n')}{_YEARS}", re.IGNORECASE)
            if op[0] in "<>" and not pattern.startswith("≥")
            else re.compile(rf"(?:{pattern})\s*{_AGE_OF}{_N.format('n')}{_YEARS}", re.IGNORECASE),
            op,
        )
        for op, pattern in _PREFIX.items()
    ),
)
_AGE_WORD = re.compile(r"\b(?:age[sd]?|old)\b", re.IGNORECASE)
_AGE_CUE = re.compile(r"\b(?:age[sd]?|years?|yrs?|old)\b|\d\s*(?:y|yrs?|years?)\b", re.IGNORECASE)


def _sexes(found: list[str]) -> list[str]:
    return sorted({g.SEX_WORDS[w] for w in found if w in g.SEX_WORDS})


def read_sex(text: str) -> Compiled | None:
    """ "Male and female", "Female sex", "Women only", "Men"."""
    tokens = words(text)
    if not tokens or not all(t in g.SEX_WORDS or t in g.SEX_FILLER for t in tokens):
        return None
    sexes = _sexes(tokens)
    if not sexes:
        return None
    if len(sexes) == 2:
        return Compiled({"permissive": "both sexes may take part"}, f"read {text!r}: both sexes", "sex")
    return Compiled({"sex": sexes}, f"read {text!r}: {sexes[0]} patients only", "sex")


def read_age(text: str) -> Compiled | None:
    """Age limits in every common form; a sex named beside them becomes a sex test."""
    lowered = text.lower()
    group = g.AGE_GROUPS.get(re.sub(r"\s+", " ", lowered).strip())
    if group is not None:
        op, limit = group
        node = {"age": op, "value": limit}
        return Compiled(node, f"read {text!r} as age {op} {limit:g} years", "age")
    if not _AGE_CUE.search(text):
        return None
    nodes: list[dict[str, Any]] = []
    residual = text
    for pattern, op in _AGE_FORMS:
        for match in pattern.finditer(residual):
            if op == "between":
                low, high = parse_number(match.group("low")), parse_number(match.group("high"))
                if not low < high:
                    return None
                nodes.append({"age": "between", "value": [low, high]})
            else:
                nodes.append({"age": op, "value": parse_number(match.group("n"))})
            residual = residual[: match.start()] + " " * (match.end() - match.start()) + residual[match.end() :]
    if not nodes:
        return None
    leftover = words(residual)
    extra = [w for w in leftover if w not in g.AGE_FILLER and w not in g.SEX_WORDS and w not in g.SEX_FILLER]
    if extra and not _AGE_WORD.search(text):
        return None  # numbers in years, but nothing says they are the patient's age ("life expectancy < 2 years")
    if extra:
        read = "; ".join(f"age {n['age']} {n['value']}" for n in nodes)
        return review(f"read {read}, but not the words: {' '.join(extra[:8])}", "age partly read", "age")
    sexes = _sexes(leftover)
    tests: list[dict[str, Any]] = ([{"sex": sexes}] if len(sexes) == 1 else []) + nodes
    read = " and ".join(f"age {n['age']} {n['value']}" for n in nodes)
    note = f"read {text!r} as {read} (years)" + (f", {sexes[0]} patients" if len(sexes) == 1 else "")
    return Compiled(tests[0] if len(tests) == 1 else {"all": tests}, note, "age" if len(tests) == 1 else "combined")


_NEGATIVE_TEST = re.compile(
    r"^(?:(?:women|females?)\s+(?:of\s+child-?\s?bearing\s+potential\s+)?(?:must\s+)?(?:have\s+)?(?:a\s+)?)?"
    r"negative\s+(?:serum\s+|urine\s+|serum\s+or\s+urine\s+|urine\s+or\s+serum\s+|beta[- ]?hcg\s+)?"
    r"(?:pregnancy\s+test|beta[- ]?hcg|hcg)(?:\s+(?:result|results))?(?:\s+at\s+screening)?$",
    re.IGNORECASE,
)
_STATES = re.compile(r"pregnan\w*|lactat\w*|nursing|breast[- ]?feed\w*|breast[- ]?feeding", re.IGNORECASE)
_FEMALE = {"sex": ["female"]}


def read_reproductive(text: str, concepts: ConceptSet) -> Compiled | None:
    """Pregnancy, lactation and contraception: they concern female patients only (``applies_to``)."""
    lowered = text.lower()
    if not any(cue in lowered for cue in g.REPRODUCTIVE):
        return None
    male = re.search(r"\b(?:men|male|males|man|boys)\b", lowered) is not None
    applies = None if male else _FEMALE
    if _NEGATIVE_TEST.match(text):
        return Compiled(
            {"observation": "pregnancy_test", "flag": False},
            f"read {text!r}: negative pregnancy test; concerns female patients only",
            "pregnancy",
            _FEMALE,
        )
    either = re.match(r"^(?:males?|men)\s+or\s+", text, re.IGNORECASE)
    if either:  # "Male or non-pregnant, non-lactating females": the male alternative is what applies_to covers
        text, applies = text[either.end() :], _FEMALE
    states = [m.group() for m in _STATES.finditer(text)]
    rest = [w for w in words(_STATES.sub(" ", text)) if w.strip("-") not in g.PREGNANCY_FILLER]
    negated = re.search(r"\b(?:not|non|no)\b", text.lower()) is not None
    if states and not rest:
        links = [link_phrase(state, ("condition",), concepts) for state in dict.fromkeys(s.lower() for s in states)]
        if all(links):
            names = list(dict.fromkeys(link.concept for link in links if link is not None))
            notes = "; ".join(dict.fromkeys(link.note() for link in links if link is not None))
            tests: list[dict[str, Any]] = [{"condition": name} for name in names]
            present: dict[str, Any] = tests[0] if len(tests) == 1 else {"any": tests}
            when = {"not": present} if negated else present
            return Compiled(
                when,
                f"read {text!r}: {'not ' if negated else ''}{' or '.join(names)}; {notes}; concerns female patients "
                "only",
                "pregnancy",
                applies,
            )
    what = "contraception" if re.search(r"contracept|birth control", lowered) else "pregnancy or lactation"
    scope = "; concerns female patients only" if applies else ""
    return review(
        f"a {what} criterion the compiler does not read (a person decides){scope}",
        f"{what}{scope}",
        "pregnancy",
        applies,
    )
