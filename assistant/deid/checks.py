"""Checks a rule's match must pass, by the lexicon's word lists: initials that are no word, places that are no word.

A cue before two or three capitals ("pt JS") marks initials only when the letters are no word or
abbreviation the English list or the vocabulary knows ("pt CR", "pt AF" are a response and a
rhythm); a capitalised word before a state code is a city only when it is no common or clinical
word ("Eugene, OR"; not "Diabetes, OR hypertension").
"""

from __future__ import annotations

import regex

from assistant.deid.lexicon import get_lexicon

_UPPER_RUN = regex.compile(r"\p{Lu}{2,}")
_WORDS = regex.compile(r"\p{L}+(?:['’-]\p{L}+)*")
_TITLES = frozenset("mr mrs ms miss mx dr prof professor doctor sister nurse rev".split())


def initials_not_words(text: str) -> bool:
    """Every run of capitals in ``text`` is unknown to the word lists (initials, not an abbreviation)."""
    lexicon = get_lexicon()
    runs = _UPPER_RUN.findall(text)
    return bool(runs) and all(lexicon.is_unknown(r) and r.lower() not in lexicon.calendar for r in runs)


def place_not_words(text: str) -> bool:
    """The words before the first comma of ``text`` are not all common, clinical or calendar words."""
    lexicon = get_lexicon()
    place = text.split(",", 1)[0]
    words = _WORDS.findall(place)
    return bool(words) and not all(lexicon.all_words(w) for w in words)


def name_not_words(text: str) -> bool:
    """Some word of ``text`` (titles aside) is no common, clinical or calendar word: a name, not "Surgeon General"."""
    lexicon = get_lexicon()
    words = [w for w in _WORDS.findall(text) if w.lower() not in _TITLES]
    return any(not lexicon.all_words(w) for w in words if len(w) > 1)
