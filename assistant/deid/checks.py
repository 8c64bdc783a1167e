"""Checks a rule's match must pass, by the lexicon's word lists: initials that are no word, places that are no word.

A cue before two or three capitals ("pt JS") marks initials only when the letters are no word or
abbreviation the English list or the vocabulary knows ("pt CR", "pt AF" are a response and a
rhythm); a capitalised word before a state code is a city only when it is no common or clinical
word ("Eugene, OR"; not "Diabetes, OR hypertension"); a name cued only by the words around it ("can
Grace sign?", "Will from pharmacy") must be a listed given name that is no clinical or calendar word.
"""

from __future__ import annotations

import regex

from assistant.deid.lexicon import get_lexicon
from assistant.deid.patterns import TITLE_WORDS

_UPPER_RUN = regex.compile(r"\p{Lu}{2,}")
_WORDS = regex.compile(r"\p{L}+(?:['’-]\p{L}+)*")


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
    words = [w for w in _WORDS.findall(text) if w.lower() not in TITLE_WORDS]
    return any(not lexicon.all_words(w) for w in words if len(w) > 1)


def given_names(text: str) -> bool:
    """Every word of ``text`` (titles aside) is a listed given name and no clinical or calendar word or eponym:
    a name even when it is a common word ("Grace", "Will"), never a drug or a month."""
    lexicon = get_lexicon()
    words = [w for w in _WORDS.findall(text) if w.lower() not in TITLE_WORDS]
    return bool(words) and all(
        w.lower() in lexicon.given
        and not lexicon.is_eponym(w)
        and not any(p in lexicon.clinical or p in lexicon.calendar for p in w.lower().split("-"))
        for w in words
    )
