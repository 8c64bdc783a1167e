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
_UNITS = r"years?|yrs?|y|months?|mos?|weeks?|wks?|days?"
_YEARS = r"(?:(?:\s*|-)(?P<{}>" + _UNITS + r")\b)?"
_N = r"(?P<{}>\d{{1,3}}(?:\.\d+)?)"
_PREFIX = {
    ">=": r"≥|>=|=>|>\s*or\s*=|>\s*or\s+equal\s+to|"
    r"at\s+least|no\s+(?:less|younger)\s+than|not\s+(?:less|younger)\s+than|minimum(?:\s+of)?",
    "<=": r"≤|<=|=<|<\s*or\s*=|<\s*or\s+equal\s+to|"
    r"up\s+to|no\s+(?:more|older)\s+than|not\s+(?:more|older)\s+than|maximum(?:\s+of)?",
    ">": r">|over|above|older\s+than|greater\s+than|more\s+than",
    "<": r"<|under|below|younger\s+than|less\s+than",
}
_POSTFIX = {
    ">=": r"or\s+(?:older|over|above|more|beyond)|and\s+(?:older|over|above|beyond)|\+",
    "<=": r"or\s+(?:younger|under|less)",
}
_AGE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"(?:between\s+|from\s+)?{_N.format('low')}{_YEARS.format('low_unit')}\s*(?:-|–|to|and|through)\s*"
            rf"{_N.format('high')}{_YEARS.format('unit')}"
            r"(?:\s*(?:of\s+age|old))?",
            re.IGNORECASE,
        ),
        "between",
    ),
    *(
        (
            re.compile(
                rf"{_N.format('n')}{_YEARS.format('unit')}(?:\s*(?:of\s+age|old))?\s*(?:{pattern})(?:\s*(?:years?|of\s+age))?",
                re.IGNORECASE,
            ),
            op,
        )
        for op, pattern in _POSTFIX.items()
    ),
    *(
        (
            re.compile(rf"(?<![\w])(?:{pattern})\s*{_AGE_OF}{_N.format('n')}{_YEARS.format('unit')}", re.IGNORECASE)
            if op[0] in "<>" and not pattern.startswith("≥")
            else re.compile(rf"(?:{pattern})\s*{_AGE_OF}{_N.format('n')}{_YEARS.format('unit')}", re.IGNORECASE),
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
    """Age limits in every common form, each bound read or none; a single sex named beside them ("women age
    ≥65 years") makes the criterion concern that sex only (``applies_to``), then its age test."""
    lowered = text.lower()
    group = g.AGE_GROUPS.get(re.sub(r"\s+", " ", lowered).strip())
    if group is not None:
        op, limit = group
        node = {"age": op, "value": limit}
        return Compiled(node, f"read {text!r} as age {op} {limit:g} years", "age")
    if not _AGE_CUE.search(text):
        return None
    nodes: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    starts: list[int] = []  # where the match of each node begins
    residual = text
    for pattern, op in _AGE_FORMS:
        for match in pattern.finditer(residual):
            unit = _unit(match.group("unit"))
            if op == "between":
                low, high = parse_number(match.group("low")), parse_number(match.group("high"))
                low_unit = _unit(match.group("low_unit")) if match.group("low_unit") else unit
                if not low * _IN_YEARS[low_unit] < high * _IN_YEARS[unit]:
                    return None
                if low_unit == unit:
                    nodes.append(_in_unit({"age": "between", "value": [low, high]}, unit))
                else:  # "6 months to 17 years": each bound in its own unit
                    nodes.extend(
                        (_in_unit({"age": ">=", "value": low}, low_unit), _in_unit({"age": "<=", "value": high}, unit))
                    )
            else:
                nodes.append(_in_unit({"age": op, "value": parse_number(match.group("n"))}, unit))
            starts += [match.start()] * (len(nodes) - len(starts))
            spans.append((match.start(), match.end()))
            residual = residual[: match.start()] + " " * (match.end() - match.start()) + residual[match.end() :]
    if not nodes or (any("unit" in n for n in nodes) and not _AGE_WORD.search(text)):
        return None  # "over 4 weeks" is no age unless the criterion says it is one
    leftover = words(residual)
    extra = [w for w in leftover if w not in g.AGE_FILLER and w not in g.SEX_WORDS and w not in g.SEX_FILLER]
    if extra and not _AGE_WORD.search(text):
        return None  # numbers in years, but nothing says they are the patient's age ("life expectancy < 2 years")
    read = "; ".join(_bound(n) for n in nodes)
    if extra:
        return review(f"read {read}, but not the words: {' '.join(extra[:8])}", "age partly read", "age")
    unread = re.findall(r"\d+(?:\.\d+)?", residual)
    if unread:  # every bound must be read: "Age < 20, 25 or > 35" with one number left over is not
        return review(f"read {read}, but not the numbers: {' '.join(unread[:4])}", "age partly read", "age")
    joined = _joined(words(text[min(spans)[0] : max(end for _, end in spans)]), nodes)
    if joined is None:
        return review(f"read {read}, but cannot tell how 'and' and 'or' group them", "age: ambiguous", "age")
    sexes = _sexes(leftover)
    if len(sexes) > 1 and len(nodes) > 1:
        return _per_sex(text, nodes, starts, joined)
    applies = {"sex": sexes} if len(sexes) == 1 else None
    when = nodes[0] if len(nodes) == 1 else {joined: nodes}
    how = " or " if joined == "any" else " and "
    note = f"read {text!r} as {how.join(_bound(n) for n in nodes)}" + (
        "" if any("unit" in n for n in nodes) else " (years)"
    )
    if applies is not None:
        note += f"; concerns {sexes[0]} patients only"
    return Compiled(when, note, "age", applies)


_SEX_WORD = re.compile(
    rf"\b(?:{'|'.join(sorted(map(re.escape, g.SEX_WORDS), key=len, reverse=True))})\b", re.IGNORECASE
)


def _per_sex(text: str, nodes: list[dict[str, Any]], starts: list[int], joined: str) -> Compiled:
    """Age bounds each stated for one sex ("Men ≥ 45 years and women ≥ 55 years", "Males aged 18-65 or females
    aged 18-55"): for each sex its own bounds, the patient's sex choosing which apply; review when a bound has no
    sex named before it."""
    marks = [(m.start(), g.SEX_WORDS[m.group().lower()]) for m in _SEX_WORD.finditer(text)]
    by_sex: dict[str, list[dict[str, Any]]] = {}
    for node, start in sorted(zip(nodes, starts, strict=True), key=lambda pair: pair[1]):
        before = [sex for at, sex in marks if at < start]
        if not before:
            read = "; ".join(_bound(n) for n in nodes)
            return review(f"read {read}, but not which sex each bound is for", "age per sex: not read", "age")
        by_sex.setdefault(before[-1], []).append(node)
    if len(by_sex) < 2:
        read = "; ".join(_bound(n) for n in nodes)
        return review(f"read {read} for one sex only, but the criterion names both", "age per sex: not read", "age")
    within = "any" if joined == "any" and any(len(group) > 1 for group in by_sex.values()) else "all"
    branches = [
        {"all": [{"sex": [sex]}, group[0] if len(group) == 1 else {within: group}]} for sex, group in by_sex.items()
    ]
    shown = "; ".join(f"{sex}: {' and '.join(_bound(n) for n in group)}" for sex, group in by_sex.items())
    return Compiled(
        {"any": branches},
        f"read {text!r} as age bounds for each sex ({shown}): the patient's sex decides which apply",
        "age",
    )


def _bound(node: dict[str, Any]) -> str:
    return f"age {node['age']} {node['value']}" + (f" {node['unit']}" if "unit" in node else "")


#: One unit of age in years, to order bounds stated in different units.
_IN_YEARS = {"years": 1.0, "months": 1 / 12, "weeks": 7 / 365.25, "days": 1 / 365.25}


def _unit(written: str | None) -> str:
    """The age unit a criterion writes ("yrs", "months", "wk"); years when none is written."""
    if not written:
        return "years"
    return g.TIME_UNITS.get(written.lower(), "years")


def _in_unit(node: dict[str, Any], unit: str) -> dict[str, Any]:
    """The age test with its unit, stated only when not years (the rules' default)."""
    return node if unit == "years" else {**node, "unit": unit}


def _years(node: dict[str, Any]) -> float:
    value = node["value"]
    return float(value if not isinstance(value, list) else value[0]) * _IN_YEARS[node.get("unit", "years")]


def _joined(leftover: list[str], nodes: list[dict[str, Any]]) -> str | None:
    """How several age bounds combine, from the words between them: ``any`` for "< 20 or > 35", ``all`` for
    "> 18 and < 65"; None when "or" joins bounds that could all hold, or bounds that cannot all hold lack one."""
    if len(nodes) < 2:
        return "all"
    lows = [_years(n) for n in nodes if n["age"] in (">", ">=")]
    highs = [_years(n) for n in nodes if n["age"] in ("<", "<=")]
    disjoint = bool(lows and highs and max(lows) >= min(highs))
    ors, ands = "or" in leftover, "and" in leftover
    if ors and not ands:
        return "any" if disjoint or not (lows and highs) else None
    if disjoint:
        return None
    return "all"


_NEGATIVE_TEST = re.compile(
    r"^(?:(?:women|females?)\s+(?:of\s+child-?\s?bearing\s+potential\s+)?(?:must\s+)?(?:have\s+)?(?:a\s+)?)?"
    r"negative\s+(?:serum\s+|urine\s+|(?:serum|urine)\s*(?:or|/)\s*(?:serum|urine)\s+|beta[- ]?hcg\s+)?"
    r"(?:pregnancy\s+test|beta[- ]?hcg|hcg)(?:\s+(?:result|results))?(?:\s+at\s+screening)?"
    r"(?:\s+(?:for|in)\s+(?:(?:female|women|woman|females)\s*(?:subjects|patients|participants)?|wocbp)"
    r"(?:\s+of\s+child-?\s?bearing\s+(?:potential|age))?)?$",
    re.IGNORECASE,
)
_STATES = re.compile(r"pregnan\w*|lactat\w*|nursing|breast[- ]?feed\w*|breast[- ]?feeding", re.IGNORECASE)
_FEMALE = {"sex": ["female"]}
#: A closing clause about a plan to conceive ("or plan to become pregnant during the study").
_PLAN = re.compile(
    r"[\s,]*(?:\bor\b|\band/or\b)\s+(?:who\s+)?(?:are\s+|is\s+)?"
    r"(?:plan|plans|planning|planned|intend|intends|intending|intention|wish|wishing|desire|trying|attempting)\b.*$",
    re.IGNORECASE,
)
#: A criterion whose subject is female: "Women of childbearing potential …", "Pregnant women", "WOCBP".
_FEMALE_SUBJECT = re.compile(r"\b(?:wom[ae]n|females?|girls?|mothers?|wocbp)\b|child-?\s?bearing", re.IGNORECASE)
_CONTRACEPTION = re.compile(r"contracept|birth\s+control", re.IGNORECASE)


def read_reproductive(text: str, concepts: ConceptSet) -> Compiled | None:
    """Pregnancy, lactation and contraception. Such a criterion concerns female patients only (``applies_to``)
    when the whole of it is about them: its states are all it says, or its subject is female. "Male or
    non-pregnant females" is met by a man; a criterion naming pregnancy among other things concerns everyone."""
    lowered = text.lower()
    if not any(cue in lowered for cue in g.REPRODUCTIVE):
        return None
    male = re.search(r"\b(?:men|male|males|man|boys)\b", lowered) is not None
    if _NEGATIVE_TEST.match(text):
        return Compiled(
            {"observation": "pregnancy_test", "flag": False},
            f"read {text!r}: negative pregnancy test; concerns female patients only",
            "pregnancy",
            _FEMALE,
        )
    either = re.match(r"^(?:males?|men)\s+or\s+", text, re.IGNORECASE)
    body = text[either.end() :] if either else text
    states = [m.group() for m in _STATES.finditer(body)]
    negated = re.search(r"\b(?:not|non|no)\b", body.lower()) is not None
    plan = _PLAN.search(body) if not negated and not either else None
    plan_words = [w for w in words(_STATES.sub(" ", plan.group())) if w not in g.PREGNANCY_FILLER] if plan else []
    if plan is not None and all(w in g.PREGNANCY_CONTEXT for w in plan_words):
        body = body[: plan.start()]  # "pregnant or planning a pregnancy": the plan is the patient's to tell
    else:
        plan = None
    states = [m.group() for m in _STATES.finditer(body)]
    rest = [w for w in words(_STATES.sub(" ", body)) if w.strip("-") not in g.PREGNANCY_FILLER]
    female_subject = not male and _FEMALE_SUBJECT.search(text) is not None
    pregnancy_only = bool(states) and all(w in g.PREGNANCY_CONTEXT for w in rest) and not _CONTRACEPTION.search(body)
    applies = _FEMALE if not male and (female_subject or pregnancy_only) else None
    if states and not rest:
        links = [link_phrase(state, ("condition",), concepts) for state in dict.fromkeys(s.lower() for s in states)]
        if all(links):
            names = list(dict.fromkeys(link.concept for link in links if link is not None))
            notes = "; ".join(dict.fromkeys(link.note() for link in links if link is not None))
            tests: list[dict[str, Any]] = [{"condition": name} for name in names]
            present: dict[str, Any] = tests[0] if len(tests) == 1 else {"any": tests}
            when: dict[str, Any] = {"not": present} if negated else present
            if plan is not None:  # present decides; absent leaves the plan to ask about
                when = {
                    "any": [when, {"needs_review": f"whether the patient plans a pregnancy ({plan.group().strip()})"}]
                }
                notes += "; a plan to conceive is asked, not read"
            if either:  # a man meets it; a woman by her own test
                return Compiled(
                    {"any": [{"sex": ["male"]}, when]},
                    f"read {text!r}: male, or {'not ' if negated else ''}{' or '.join(names)}; {notes}",
                    "pregnancy",
                )
            return Compiled(
                when,
                f"read {text!r}: {'not ' if negated else ''}{' or '.join(names)}; {notes}; concerns female patients "
                "only",
                "pregnancy",
                applies,
            )
    what = "contraception" if _CONTRACEPTION.search(lowered) else "pregnancy or lactation"
    if applies is None and not male:
        return review(
            f"names {what} among other things: not read (a person decides); concerns every patient",
            f"mentions {what}",
            "unread",
        )
    scope = "; concerns female patients only" if applies else ""
    return review(
        f"a {what} criterion the compiler does not read (a person decides){scope}",
        f"{what}{scope}",
        "pregnancy",
        applies,
    )
