"""Modifiers joined before one name ("Severe or uncontrolled hypertension", "active, known or suspected
autoimmune disease", "active, serious or persistent infections"): the words are alternatives that all bear on
the name after the last of them, not items of a list of names.

A word of timing ("active", "known", "prior", "suspected") times the name as the qualifier alone would; a
judgement word ("severe", "uncontrolled", "persistent") leaves the name's presence for a clinician to judge,
its absence deciding. Joined by "or", the name counts when any alternative holds; the compiler reads the
widest timing of them, and when any alternative is a judgement it reads the whole as a judgement: a record of
the name then decides nothing, its absence decides the criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.rules.compile import grammar as g

_SUSPECTED = "suspected"
"""Suspicion joined to a diagnosis widens what counts (``grammar.occurrence.QUALIFIERS``): timed as now."""

_TIMING_WORDS: dict[str, str] = {
    **{word: word for word in g.QUALIFIERS if re.fullmatch(r"[a-z\-]+", word) and word not in ("a", "an", "any")},
    _SUSPECTED: "known",
}
"""One-word qualifiers of timing, each with the qualifier that times as it does."""
_JUDGEMENT_WORDS: tuple[str, ...] = tuple(word for word in g.SEVERITY if re.fullmatch(r"[a-z\-]+", word))

_WORD = "|".join(re.escape(w) for w in sorted({*_TIMING_WORDS, *_JUDGEMENT_WORDS}, key=len, reverse=True))
_JOIN = r"(?:\s*,\s*(?:or\s+|and/or\s+|and\s+)?|\s+(?:or|and/or|and)\s+)"
_COORDINATED = re.compile(rf"^(?P<words>(?:{_WORD})(?:{_JOIN}(?:{_WORD}))+)\s+(?=[A-Za-z(])", re.IGNORECASE)
_SPLIT = re.compile(_JOIN, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Coordinated:
    """Modifiers joined before one name, as the compiler reads them."""

    rest: str
    """The text after the last modifier: the name and what follows it."""
    qualifiers: list[str]
    """The timing qualifiers among the modifiers, as ``grammar.QUALIFIERS`` spells them."""
    judgement: str
    """The judgement words among them as written ("severe or uncontrolled"); empty when there are none."""


def coordinated_modifiers(body: str) -> Coordinated | None:
    """The modifiers joined at the start of ``body``, or None when it does not open with two or more of them.
    Timing words alone must be alternatives ("or", "and/or", commas): "prior and current" is no reading of
    one timing."""
    match = _COORDINATED.match(body)
    if match is None:
        return None
    written = match.group("words")
    words = [w.lower() for w in _SPLIT.split(written) if w.strip()]
    judged = [w for w in words if w not in _TIMING_WORDS]
    if not judged and re.search(r"\band\b(?!/)", written, re.IGNORECASE):
        return None
    qualifiers = [_TIMING_WORDS[w] for w in words if w in _TIMING_WORDS]
    judgement = " ".join(written.lower().split()) if judged else ""
    return Coordinated(body[match.end() :], qualifiers, judgement)
