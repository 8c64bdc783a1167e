"""Drafts of the groups a protocol states (``schema.Group``): the items listed under a lead-in, read by its words
("… by meeting one of the following criteria:", "… any 2 of the following:", "… except:", "… including:"), and
alternatives side by side: consecutive inclusion criteria that each open with a sex and an age, one sex at two
ages ("men age ≥55 years", "men age ≥45 years with …", "women age ≥65 years", …), which cannot all be meant as
requirements.

A lead-in whose words say nothing of how its items combine gives no group: its items stay criteria of their
own, as before.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from assistant.rules.compile import grammar as g
from assistant.rules.compile.text import alternation
from assistant.types import Criterion, CriterionType, Protocol

_NUMBER = rf"(?:\d{{1,2}}|{alternation([w for w, n in g.NUMBER_WORDS.items() if n <= 10])})"
_COUNT = re.compile(
    rf"\b(?:(?P<word>{alternation(g.COUNT_OF)})\s+)?(?P<n>{_NUMBER})?(?:\s*\(\d+\))?(?:\s+or\s+(?:more|both))?"
    r"\s*\bof\s+the\s+following\b",
    re.IGNORECASE,
)
_EXCEPT = re.compile(
    rf"\b(?:{alternation(g.EXCEPT)})\b(?:\s+(?:for|of|the|following|those|patients|subjects|with|in)\b)*\s*:?\s*$",
    re.IGNORECASE,
)
_EXAMPLES = re.compile(rf"\b(?:{alternation(g.EXAMPLES)})\s*:?\s*$", re.IGNORECASE)
_ALL = re.compile(rf"\b(?:{alternation(g.ALL_OF)})\b", re.IGNORECASE)
_IF = re.compile(rf"\b(?:{alternation(g.DEFINING_IF)})\b", re.IGNORECASE)
_OR = re.compile(r"\bor\b", re.IGNORECASE)
_OR_OFFERS = re.compile(r"\bor\b(?:\s+[\w-]+){0,3}\s*$", re.IGNORECASE)
"""An 'or' just before the count ("excluded by a nephrologist or any 2 of the following"): the items are one way
to meet the lead-in, the words before the 'or' another; an 'or' further back joins words of the lead-in ("avoid
pregnancy or fathering children based on 1 of the following")."""
_DEFINED = re.compile(r"\bdefined\s+(?:as|by)\s*$", re.IGNORECASE)
_OR_END = re.compile(r"\bor\s*[,;]?\s*$", re.IGNORECASE)
"""An item that ends with 'or' ("… L861Q) OR"): the items are alternatives."""
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
_POPULATION = re.compile(
    rf"^\s*(?P<sex>{alternation(list(g.SEX_WORDS))})\s+(?:(?:aged?|ages)\s+)?"
    r"(?:[≥>]=?|over|older\s+than|at\s+least)?\s*(?P<n>\d{1,3})\b",
    re.IGNORECASE,
)

Drafted = dict[str, Any]


def draft_groups(protocol: Protocol) -> list[Drafted]:
    """The groups of ``protocol`` its words state, as entries of a rules file's ``groups``."""
    items: dict[str, list[Criterion]] = defaultdict(list)
    for criterion in protocol.criteria:
        if criterion.parent is not None:
            items[criterion.parent].append(criterion)
    by_id = {c.id: c for c in protocol.criteria}
    groups: list[Drafted] = []
    for lead_id, members in items.items():
        if lead_id not in by_id or len(members) < 2:
            continue  # a protocol made of some criteria only, or a lone item
        alternatives = all(_OR_END.search(m.text) for m in members[:-1])
        read = _lead_in(by_id[lead_id].text, by_id[lead_id].type, alternatives)
        if read is None:
            continue
        join, count, why = read
        if count > len(members):
            continue
        group: Drafted = {"lead": lead_id, "members": [m.id for m in members], "join": join}
        if count != 1:
            group["at_least"] = count
        group["note"] = why
        groups.append(group)
    taken = {m for group in groups for m in group["members"]}
    return groups + _populations(protocol, taken)


def _lead_in(text: str, kind: CriterionType, alternatives: bool = False) -> tuple[str, int, str] | None:
    """(join, how many, why) the last sentence of a lead-in states of the items listed under it, or None;
    ``alternatives`` when every item but the last ends with 'or' ("… L861Q) OR")."""
    tail = " ".join(_SENTENCE.split(text)[-1].split())
    shown = tail if len(tail) <= 80 else "…" + tail[-79:]
    if _EXCEPT.search(tail):
        return "except", 1, f"{shown!r}: the items are exceptions to it"
    count = _COUNT.search(tail)
    if count is not None and (count.group("word") or count.group("n")):
        number = count.group("n")
        how_many = 1 if number is None else int(number) if number.isdigit() else g.NUMBER_WORDS[number.lower()]
        before = tail[: count.start()]
        if _IF.search(before):
            return "definition", 1, f"{shown!r}: the items define a word of it, under a condition"
        if _OR_OFFERS.search(before) or (_OR.search(before) and _DEFINED.search(before)):
            return "examples", how_many, f"{shown!r}: the items are one way to meet it ('or' offers others)"
        if kind == "exclusion" and how_many == 1:
            return "any", 1, f"{shown!r}: any item excludes"
        return "any", how_many, f"{shown!r}: {how_many} of the items {'is' if how_many == 1 else 'are'} required"
    if _EXAMPLES.search(tail):
        return "examples", 1, f"{shown!r}: the items are examples of it"
    if _ALL.search(tail) and tail.endswith((":", "by", "as")):
        if kind == "exclusion":
            return "any", 1, f"{shown!r}: a list in an exclusion, any item excludes"
        if alternatives:
            return "any", 1, f"{shown!r}: its items end with 'or', so one of them is required"
        return "all", 1, f"{shown!r}: every item is required"
    return None


def _populations(protocol: Protocol, taken: set[str]) -> list[Drafted]:
    """Runs of consecutive inclusion criteria, each opening with a sex and an age, one sex at two ages."""
    groups: list[Drafted] = []
    run: list[tuple[Criterion, str, str]] = []

    def close() -> None:
        sexes = Counter(sex for _, sex, _ in run)
        ages = {(sex, age) for _, sex, age in run}
        if len(run) >= 2 and any(sexes[sex] > 1 for sex in sexes) and len(ages) == len(run):
            words = "; ".join(repr(c.text.split(" with ")[0].strip()) for c, _, _ in run)
            groups.append(
                {
                    "members": [c.id for c, _, _ in run],
                    "join": "any",
                    "note": f"alternatives side by side ({words}): one sex at two ages cannot be required twice",
                }
            )
        run.clear()

    for criterion in protocol.criteria:
        found = _POPULATION.match(criterion.text)
        if criterion.type != "inclusion" or criterion.parent is not None or criterion.id in taken or found is None:
            close()
            continue
        run.append((criterion, g.SEX_WORDS[found.group("sex").lower()], found.group("n")))
    close()
    return groups
