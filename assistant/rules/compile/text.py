"""Text helpers of the compiler: cleaning a criterion, reading time windows, checking leftover words,
setting aside the brackets that only abbreviate the words before them."""

from __future__ import annotations

import re

from assistant.rules.compile import grammar as g


def clean(text: str) -> str:
    """The criterion without bullets, registry escapes (``\\>``), a "regardless of …" clause that ends its
    sentence, trailing punctuation and runs of spaces."""
    text = re.sub(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s*", "", text)
    text = text.replace("\\>", ">").replace("\\<", "<").replace("\\=", "=")
    text = _WHATEVER.sub("", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".;,:… ").strip()


_WHATEVER = re.compile(r",?\s*\b(?:regardless|irrespective)\s+of\b[^;(),]*?(?=[.;](?!\d)|$)", re.IGNORECASE)
"""A "regardless of …" clause that runs to the end of its sentence: it says what does not matter, so it neither
narrows nor widens ("…, regardless of whether hemodialysis is required", "cirrhosis irrespective of liver enzyme
levels"); a decimal point ("ANC < 1.5") ends no sentence."""


def alternation(phrases: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of ``phrases``, longest first, any run of spaces matching a space."""
    return _alternation(phrases)


def _alternation(phrases: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


_NUMBER = rf"(?:\d+|{_alternation(list(g.NUMBER_WORDS))})"
_UNIT = _alternation([*g.TIME_UNITS, *g.HOUR_UNITS])
#: A window at the end of a phrase: "within the past 6 months (prior to screening)", "within 4 months of
#: baseline visit".
WINDOW = re.compile(
    rf"\s*,?\s*(?:{_alternation(g.WINDOW_OPENERS)})\s+(?:\(\s*)?(?P<n>{_NUMBER})\s*\)?\s*(?P<unit>{_UNIT})\b"
    rf"(?:\s+(?:{_alternation(g.ANCHOR_LINKS)})\s+(?:the\s+)?(?:(?:{_alternation(g.ANCHOR_MOMENTS)})\s+(?:the\s+)?)?"
    rf"(?:{_alternation(g.ANCHORS)})(?:\s+visit)?)?\s*$",
    re.IGNORECASE,
)
#: A window before its phrase: "in the last 6 months, a myocardial infarction" is rare; not read.


def duration(n: str, unit: str) -> dict[str, int]:
    """``{"months": 3}`` for ("3" | "three", "months")."""
    count = int(n) if n.isdigit() else g.NUMBER_WORDS[n.lower()]
    return {g.TIME_UNITS[unit.lower()]: count}


def window_duration(n: str, unit: str) -> dict[str, int] | None:
    """``duration`` of a window, hours included as whole days ("24 hours" → ``{"days": 1}``): records are
    dated by the day, so a number of hours that is not a number of days ("within 6 hours") is None."""
    if unit.lower() not in g.HOUR_UNITS:
        return duration(n, unit)
    hours = int(n) if n.isdigit() else g.NUMBER_WORDS[n.lower()]
    return {"days": hours // 24} if hours % 24 == 0 and hours > 0 else None


def split_window(text: str) -> tuple[str, dict[str, int] | None, str]:
    """(phrase, window, window text): the trailing window cut off, when there is one."""
    match = WINDOW.search(text)
    window = window_duration(match.group("n"), match.group("unit")) if match is not None else None
    if match is None or window is None:
        return text, None, ""
    phrase = _NOW_OR.sub("", text[: match.start()]).strip(" ,")  # "X, currently or within 6 months": now is inside
    return phrase, window, match.group().strip()


_NOW_OR = re.compile(r"[\s,;]*(?:either\s+)?(?:currently|current|now|at\s+present)\s+(?:or|and/or)\s*$", re.IGNORECASE)


def strip_prefixes(text: str, phrases: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """``text`` with leading ``phrases`` removed (repeatedly), and the phrases removed, in order."""
    pattern = re.compile(rf"^(?:{_alternation(phrases)})\b\s*", re.IGNORECASE)
    removed: list[str] = []
    while True:
        match = pattern.match(text)
        if match is None or not match.group().strip():
            return text, removed
        removed.append(re.sub(r"\s+", " ", match.group().strip().lower()))
        text = text[match.end() :]


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters, hyphens, slashes)."""
    return re.findall(r"[a-z][a-z\-/]*", text.lower())


_BRACKET = re.compile(
    r"\s*(?:\(\s*(?P<round>[A-Za-z][A-Za-z0-9\-]{0,9})\s*\)|\[\s*(?P<square>[A-Za-z][A-Za-z0-9\-]{0,9})\s*\])"
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-']*")


def unabbreviated(text: str) -> str:
    """``text`` without each bracket that only abbreviates the words just before it ("central nervous
    system (CNS) metastases", "axial SpondyloArthritis (axSpA)", "Tuberculosis (TB)", "[HIV]"); a bracket
    that says more ("(creatinine > 2 mg/dL)", "(e.g. …)", "(within 3 months)", "(lifetime)") stays."""
    kept: list[str] = []
    end = 0
    for match in _BRACKET.finditer(text):
        short = match.group("round") or match.group("square")
        if abbreviates(short, text[end : match.start()]):
            glued = text[match.end() : match.end() + 1].isalnum()  # "disease(CKD)stage 5"
            kept.append(text[end : match.start()] + (" " if glued else ""))
            end = match.end()
    return "".join([*kept, text[end:]]) if kept else text


def abbreviates(short: str, before: str) -> bool:
    """True when ``short`` abbreviates the last words of ``before``: it has two letters or more, a capital
    among them, and its letters and digits occur in those words in order, case aside, the first opening
    the first word (or a part of it after a hyphen), each word but a linking one ("of", "and") giving one
    at least, and the words no more than its letters ("NYHA" ← New York Heart Association, "TB" ←
    Tuberculosis, "axSpA" ← axial SpondyloArthritis, "TKI" ← tyrosine-kinase inhibitors)."""
    chars = [c.lower() for c in short if c.isalnum()]
    if sum(c.isalpha() for c in short) < 2 or not any(c.isupper() for c in short):
        return False
    found = [w.group().lower() for w in _WORD.finditer(before)]
    named = 0
    for start in range(len(found) - 1, -1, -1):
        if found[start] in g.ABBREVIATION_LINKS:
            continue
        named += 1
        if named > len(chars):
            return False
        if _spelled(chars, found[start:]):
            return True
    return False


def _spelled(chars: list[str], found: list[str], first: bool = True) -> bool:
    """True when ``chars`` spell the words ``found`` in order: each word gives the next chars, the first
    word's first one opening it (or a part of it after a hyphen); a linking word may give none."""
    if not found:
        return not chars
    word, rest = found[0], found[1:]
    if word in g.ABBREVIATION_LINKS and not first and _spelled(chars, rest, False):
        return True
    if not chars:
        return False
    starts = (0, *(i + 1 for i, c in enumerate(word) if c == "-")) if first else range(len(word))
    for start in starts:
        if word[start : start + 1] != chars[0]:
            continue
        position, taken = start + 1, 1
        while True:
            if _spelled(chars[taken:], rest, False):
                return True
            if taken == len(chars):
                break
            position = word.find(chars[taken], position) + 1
            if position == 0:
                break
            taken += 1
        if not first:
            break  # the earliest place in a later word leaves the most letters for the words after it
    return False
