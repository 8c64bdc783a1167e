"""Numbers written as words, shared by every reader of counts in text ("within three months", "two weeks ago")."""

from __future__ import annotations

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "twenty-four": 24,
    "thirty": 30,
}
"""Small numbers as words, and the few larger ones criteria write in windows ("twenty-four hours")."""
