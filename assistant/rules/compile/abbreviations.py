"""Abbreviations a protocol defines, read where its criteria use them bare.

A record spells an abbreviation out once ("Diagnosis of obstructive sleep apnea (OSA)", often in its
description) and later writes only the short form ("Regular use of CPAP", "Diagnosis of AS or any other
Inflammatory Arthritis"). The definitions are found by the Schwartz–Hearst algorithm (the ``abbreviations``
package); each is kept only when its letters also spell the long form the way the compiler's own bracket
reader asks (``text.abbreviates``), so a loose pairing ("Phase I" → a sentence) is dropped. A criterion's
bare short forms are then read as their long forms, and the rule's note says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from assistant.rules.compile.text import abbreviates

_SHORT = re.compile(r"[A-Za-z][A-Za-z0-9\-]{1,9}")
_ROMAN = re.compile(r"[IVX]+")
"""Roman numerals ("IV" defined as intravenously) are kept as they are: "stage IV" is no route."""
_LONG_WORDS = 8
"""Longest definition kept, in words: a longer one is a sentence the algorithm mistook for a name."""


def protocol_abbreviations(text: str) -> dict[str, str]:
    """Short form → long form for each abbreviation ``text`` defines: ``{"OSA": "Obstructive sleep apnea"}``."""
    from abbreviations import schwartz_hearst

    logging.getLogger("abbreviations").setLevel(logging.ERROR)
    try:
        pairs = schwartz_hearst.extract_abbreviation_definition_pairs(doc_text=text, most_common_definition=True)
    except (ValueError, IndexError):  # a malformed bracket the algorithm trips on: no definitions from it
        return {}
    kept: dict[str, str] = {}
    for short, long in pairs.items():
        short, long = short.strip(), " ".join(long.split())
        if not _SHORT.fullmatch(short) or _ROMAN.fullmatch(short) or not long or len(long.split()) > _LONG_WORDS:
            continue
        if any(c in long for c in "()[];:") or not abbreviates(short, long):
            continue
        kept[short] = long
    return kept


def expand(text: str, abbreviations: Mapping[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with each bare short form of ``abbreviations`` read as its long form (a plural "TKIs" too),
    and the pairs used: ("Regular use of Continuous Positive Airway Pressure", (("CPAP", "Continuous
    Positive Airway Pressure"),)). A short form inside a longer token ("anti-PD-1", "HIV-1") or at a bracket
    ("obstructive sleep apnea (OSA)": the definition itself) is left alone."""
    present = [short for short in abbreviations if short in text]
    letters = [c for c in text if c.isalpha()]
    if not present or sum(c.isupper() for c in letters) > len(letters) / 2:  # a criterion in capitals: "ALL" is all
        return text, ()
    shorts = "|".join(re.escape(short) for short in sorted(present, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w\-(\[])({shorts})(s?)(?![\w\-)\]])")
    used: dict[str, str] = {}

    def _long(match: re.Match[str]) -> str:
        short, plural = match.group(1), match.group(2)
        long = abbreviations[short]
        used[short] = long
        return long + ("s" if plural and not long.endswith("s") else "")

    expanded = pattern.sub(_long, text)
    return expanded, tuple(used.items())


def expansion_note(pairs: tuple[tuple[str, str], ...]) -> str:
    """The note's words for the short forms read: "'OSA' read as 'Obstructive sleep apnea' (defined in the
    protocol)"."""
    read = ", ".join(f"'{short}' as '{long}'" for short, long in pairs)
    return f"read {read}, as the protocol defines {'it' if len(pairs) == 1 else 'them'}"
