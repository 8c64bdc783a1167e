"""Reader for care planned ahead: "Planned major surgery during the study", "Planned living kidney transplant
within 6 months", "Abdominoplasty surgery planned", "Scheduled to undergo a total knee arthroplasty". The rule
is a ``planned`` test of the procedure or medication: a plan on record decides, a statement that none is planned
decides, nothing on record leaves it unknown. A window counts forward from the check ("within 6 months");
"during the study" counts every plan. Words that narrow the name ("elective surgery") leave a plan found for
review, while "none planned" still decides."""

from __future__ import annotations

import re
from typing import Any

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile import grammar as g
from assistant.rules.compile.heads import set_aside_modifiers
from assistant.rules.compile.lists import link_one
from assistant.rules.compile.result import Compiled
from assistant.rules.compile.text import alternation, strip_prefixes, window_duration

_LEAD = re.compile(
    r"^(?:(?:anticipated|planned|expected)\s+need\s+for"
    r"|(?:plans?|planning|scheduled|expected|due)\s+to\s+(?:undergo|have|receive)"
    r"|(?:an?\s+)?(?:planned|anticipated|scheduled|expected|foreseen)"
    r"(?:\s+(?:or|and/or)\s+(?:planned|anticipated|scheduled|expected))?)\s+(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)
"""Words before the name that say it is planned; the longer forms first ("anticipated need for")."""
_TRAIL = re.compile(r"\s+(?:is\s+|are\s+)?(?:planned|scheduled|anticipated|foreseen)\s*$", re.IGNORECASE)
_STUDY = re.compile(
    r"\s+(?:during|throughout|over)\s+(?:the\s+)?(?:course\s+of\s+the\s+|length\s+of\s+the\s+)?"
    r"(?:study|trial|study\s+period|treatment\s+period|study\s+participation)(?:\s+period)?\s*$"
    r"|\s+(?:while|when)\s+on\s+(?:the\s+)?study\s*$",
    re.IGNORECASE,
)
_AHEAD = re.compile(
    rf"\s+(?:within|in)\s+(?:the\s+next\s+)?(?P<n>\d+|{alternation(list(g.NUMBER_WORDS))})\s*"
    rf"(?P<unit>{alternation([*g.TIME_UNITS, *g.HOUR_UNITS])})\b(?:\s+(?:of|after|from|following)\s+[^,;()]+)?\s*$",
    re.IGNORECASE,
)


def read_planned(text: str, concepts: ConceptSet) -> Compiled | None:
    """A criterion on a planned procedure or treatment, or None when it names no plan."""
    body, _ = strip_prefixes(text.strip(" .;"), g.SUBJECTS)
    lead = _LEAD.match(body)
    if lead is not None:
        phrase = body[lead.end() :]
    else:  # "Surgery planned during the study": the plan word before the study's words
        core = _STUDY.sub("", body)
        trail = _TRAIL.search(core)
        if trail is None:
            return None
        phrase = core[: trail.start()] + body[len(core) :]
    window: dict[str, int] | None = None
    said = "any plan on record"
    study = _STUDY.search(phrase)
    if study is not None:
        phrase, said = phrase[: study.start()], "planned during the study: any plan on record"
    ahead = _AHEAD.search(phrase)
    if ahead is not None:
        window = window_duration(ahead.group("n"), ahead.group("unit"))
        if window is None:
            return None
        phrase, said = phrase[: ahead.start()], f"planned {ahead.group().strip()}: a plan for a day inside the window"
    phrase = phrase.strip(" ,")
    narrowing = ""
    link = link_one(phrase, concepts, ("procedure", "medication"))
    if link is None:
        for rest, modifiers in set_aside_modifiers(phrase):  # "elective surgery": a case of surgery
            link = link_one(rest, concepts, ("procedure", "medication"))
            if link is not None:
                narrowing = modifiers
                break
    if link is None or link.kind not in ("procedure", "medication"):
        return None
    test: dict[str, Any] = {"planned": link.concept, **({"within": window} if window else {})}
    when = test
    note = f"read {text!r}: {link.label} {said}; {link.note()}"
    if narrowing:
        review = {"needs_review": f"whether the {link.label} planned falls within the criterion's words {narrowing!r}"}
        when = {"all": [test, review]}
        note += f"; {narrowing!r} is not read: none planned decides, a plan found is left for review"
    return Compiled(when, note, "procedure" if link.kind == "procedure" else "medication")
