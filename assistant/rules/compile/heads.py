"""The name a phrase is about once the words that modify it are set aside ("invasive candidiasis" →
candidiasis, "tumor-related pain" → pain): English puts modifiers before the name they narrow, so what the
phrase names is one case of what the rest names. The compiler reads such a phrase as it reads a judgement word:
the name's absence decides, its presence is left for review."""

from __future__ import annotations

import re

from assistant.rules.compile import grammar as g

_MAX_MODIFIERS = 2
"""Modifiers set aside at most: more leave too little of the phrase to be sure of its name."""
_WORD = re.compile(r"[A-Za-z][a-z]*(?:-[a-z]+)*")


def is_modifier(word: str) -> bool:
    """True for a word shaped as a modifier of a name ("invasive", "periocular", "tumor-related"), not one of
    those that say the named thing is over or other (``grammar.NOT_NARROWING``), nor a negative prefix
    ("non-melanoma", "anti-VEGF"), nor a qualifier that reaches into the past ("previous", "prior")."""
    lowered = word.lower()
    if _WORD.fullmatch(word) is None or lowered in g.NOT_NARROWING or g.QUALIFIERS.get(lowered, "now") != "now":
        return False
    if re.match(r"^(?:non|un|anti|pseudo|post|pre|ex)-", lowered):
        return False
    if "-" in lowered:
        return lowered.endswith(g.HYPHENATED_MODIFIER_ENDINGS)
    return len(lowered) > 4 and lowered.endswith(g.MODIFIER_ENDINGS)


def set_aside_modifiers(phrase: str) -> list[tuple[str, str]]:
    """Each reading of ``phrase`` with one, then two, leading modifiers set aside, as (rest, words set aside);
    none when the phrase does not open with a modifier or nothing of two words or more would be left."""
    words = phrase.split()
    readings = []
    for count in range(1, _MAX_MODIFIERS + 1):
        if len(words) <= count or not all(is_modifier(w.strip(",")) for w in words[:count]):
            break
        if any("," in w for w in words[:count]):
            break
        readings.append((" ".join(words[count:]), " ".join(words[:count])))
    return readings
