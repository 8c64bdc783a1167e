"""Word lists the name recogniser reads, all from packages: names, common English words, clinical words.

Given and family names are those of Faker's person providers, every locale written in Latin letters
(weighted lists drawn from national statistics); common
English words are those ``pyspellchecker``'s English frequency list counts at least
``COMMON_WORD_COUNT`` times in lower case (so "will", "mark", "hope" are words, "john" is not);
clinical words are every word of the vocabulary's terms (curated names and synonyms, drug brands,
ICD-10-CM and HPO names, which hold the eponyms: Hodgkin, Crohn, Down, Graves); month and day names
come from ``calendar``, country names from ``phonenumbers``' region names ("China" is a given name too).
"""

from __future__ import annotations

import calendar
import importlib
import pkgutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

COMMON_WORD_COUNT = 10_000
"""Lower-case occurrences in pyspellchecker's English list from which a word is a common word."""

_LATIN_NAME = regex.compile(r"\p{Latin}[\p{Latin}'’]*(?:-\p{Latin}[\p{Latin}'’]*)?")
_LETTERS = regex.compile(r"\p{L}+")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Lower-case word sets: given names, family names, common English words, clinical and calendar words."""

    given: frozenset[str]
    family: frozenset[str]
    common: frozenset[str]
    known: frozenset[str]
    """Every word of the English frequency list, however rare."""
    clinical: frozenset[str]
    calendar: frozenset[str]
    """Month, day and country names."""

    def is_word(self, word: str) -> bool:
        """True for a common English word, a clinical word or a month or day name (any part of a hyphenated one)."""
        parts = [p for p in _LETTERS.findall(word.lower()) if p]
        return any(p in self.common or p in self.clinical or p in self.calendar for p in parts) or not parts

    def is_given(self, word: str) -> bool:
        """A given name that is no common, clinical or calendar word."""
        return _base(word) in self.given and not self.is_word(_base(word))

    def is_unknown(self, word: str) -> bool:
        """Neither an English word of any frequency nor a clinical word (a rare family name, "o'sullivan")."""
        parts = _LETTERS.findall(_base(word))
        return all(p not in self.known and p not in self.clinical for p in parts)

    def is_family(self, word: str) -> bool:
        """A family name that is no common, clinical or calendar word."""
        return _base(word) in self.family and not self.is_word(_base(word))


def _base(word: str) -> str:
    """``word`` in lower case without a possessive ``'s``."""
    lower = word.lower()
    return lower[:-2] if lower.endswith(("'s", "’s")) else lower


def _faker_names() -> tuple[set[str], set[str]]:
    """Given names (listed as given by more locales than as family) and family names (listed as such anywhere)."""
    import faker.providers.person as person

    given: Counter[str] = Counter()
    family: Counter[str] = Counter()
    for module in pkgutil.iter_modules(person.__path__):
        provider = getattr(importlib.import_module(f"{person.__name__}.{module.name}"), "Provider", None)
        listed: dict[bool, set[str]] = {True: set(), False: set()}
        for attribute in dir(provider):
            value = getattr(provider, attribute, None)
            if attribute.startswith(("first_names", "last_names")) and isinstance(value, (tuple, list, dict)):
                listed[attribute.startswith("first_names")] |= set(_single_names(value))
        given.update(listed[True])
        family.update(listed[False])
    return {n for n, seen in given.items() if seen > family[n]}, set(family)


def _single_names(values: Iterable[object]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and len(value) >= 2 and _LATIN_NAME.fullmatch(value):
            yield value.lower()


def _english_words(count: int) -> tuple[set[str], set[str]]:
    """The words seen at least ``count`` times, and all the words, of pyspellchecker's English list."""
    from spellchecker import SpellChecker

    frequencies = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return {word for word, seen in frequencies.items() if seen >= count}, set(frequencies)


def _clinical_words() -> set[str]:
    from assistant.vocab import terms

    return {word for term, _ in terms() for word in _LETTERS.findall(term) if len(word) > 1}


def _calendar_words() -> set[str]:
    names = [*calendar.month_name, *calendar.month_abbr, *calendar.day_name, *calendar.day_abbr]
    return {name.lower() for name in names if name} | {"sept"} | _country_words()


def _country_words() -> set[str]:
    """The words of every region's English name in ``phonenumbers``' locale data."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    words: set[str] = set()
    for names in LOCALE_DATA.values():
        name = names.get("en", "")
        while name.startswith("*"):
            name = names.get(name[1:], "")
        words |= {w.lower() for w in _LETTERS.findall(name) if len(w) > 3}
    return words


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The process-wide lexicon, built on first use (about two seconds)."""
    given, family = _faker_names()
    common, known = _english_words(COMMON_WORD_COUNT)
    return Lexicon(
        given=frozenset(given),
        family=frozenset(family),
        common=frozenset(common),
        known=frozenset(known),
        clinical=frozenset(_clinical_words()),
        calendar=frozenset(_calendar_words()),
    )
