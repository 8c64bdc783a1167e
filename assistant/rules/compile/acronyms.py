"""Brackets that only spell out or abbreviate the words beside them ("Eastern Cooperative Oncology Group
(ECOG)", "WHO (World Health Organization)"): the threshold reader sets them aside."""

from __future__ import annotations

import re


def blank_acronyms(text: str) -> str:
    """``text`` with each bracketed acronym that only repeats the words before it replaced by spaces (offsets kept)."""
    for start, end in expansions(text):
        opening = text.index("(", start, end)
        text = text[:opening] + " " * (end - opening) + text[end:]
    return text


_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]{1,7})\s*\)")


_LINKS = frozenset(("and", "of", "the", "for", "in", "&"))


def expansions(text: str) -> list[tuple[int, int]]:
    """Spans of "Eastern Cooperative Oncology Group (ECOG)": words whose initials spell the bracketed
    abbreviation that follows them only name what the abbreviation names; so does a bracket of words whose
    initials spell an abbreviation the criterion uses ("WHO (World Health Organization)")."""
    spans = _spelled_out(text)
    for match in _ACRONYM.finditer(text):
        letters = [c for c in match.group(1) if c.isupper()]
        named = [w for w in re.finditer(r"[A-Za-z][\w\-']*", text[: match.start()]) if w.group().lower() not in _LINKS]
        before = named[-len(letters) :]
        if len(before) == len(letters) and all(w.group()[0].upper() == c for w, c in zip(before, letters, strict=True)):
            spans.append((before[0].start(), match.end()))
    return spans


_WORDS_BRACKET = re.compile(r"\(\s*([A-Za-z][A-Za-z\-' ]{4,80}?)\s*\)")


def _spelled_out(text: str) -> list[tuple[int, int]]:
    """Spans of bracketed words whose initials spell an abbreviation written elsewhere in ``text``."""
    abbreviations = set(re.findall(r"\b[A-Z]{2,6}\b", text))
    spans = []
    for match in _WORDS_BRACKET.finditer(text):
        named = [w for w in re.findall(r"[A-Za-z][\w\-']*", match.group(1)) if w.lower() not in _LINKS]
        if len(named) >= 2 and "".join(w[0].upper() for w in named) in abbreviations:
            spans.append(match.span())
    return spans
