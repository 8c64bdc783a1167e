"""Word lists the name recogniser reads, all from packages: names, common English words, clinical words.

Given and family names are those of Faker's person providers, every locale written in Latin letters
(weighted lists drawn from national statistics); common
English words are those ``pyspellchecker``'s English frequency list counts at least
``COMMON_WORD_COUNT`` times in lower case (so "will", "mark", "hope" are words, "john" is not);
clinical words are the words of the vocabulary's terms (curated names and synonyms, drug brands,
ICD-10-CM and HPO names) except eponyms, the words ICD-10-CM and HPO write capitalised inside a name
and never in lower case (Hodgkin, Crohn, Marcus in "Marcus Gunn"): those are kept apart, as a given
name may be one; month and day names
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

PARTICLES = (
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "dos", "das", "ter", "ten",
    "ni", "nic", "bin", "ibn", "al", "el",
)  # fmt: skip
"""Particles inside a family name ("de la Cruz", "van der Berg", "Ní Bhriain")."""

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
    eponyms: frozenset[str]
    calendar: frozenset[str]
    """Month, day and country names."""

    def is_word(self, word: str) -> bool:
        """True for a common English word, a clinical word or a month or day name (any part of a hyphenated one)."""
        return any(self._word(p) for p in _parts(word)) or not _parts(word)

    def all_words(self, word: str) -> bool:
        """True when every part of a hyphenated word is a common, clinical or calendar word ("Thornton-Wise" is not)."""
        return all(self._word(p) for p in _parts(word))

    def is_eponym(self, word: str) -> bool:
        """A word the terminologies write only capitalised inside a name (Hodgkin, Gilbert)."""
        return any(p in self.eponyms for p in _parts(word))

    def is_listed(self, word: str) -> bool:
        """In the given or the family names, whatever else it is."""
        return _base(word) in self.given or _base(word) in self.family

    def _word(self, part: str) -> bool:
        return part in self.common or part in self.clinical or part in self.calendar

    def is_given(self, word: str, clinical: bool = True) -> bool:
        """A given name that is no common, calendar or (with ``clinical``) clinical word."""
        if _base(word) not in self.given:
            return False
        parts = _parts(word)
        return not any(p in self.common or p in self.calendar or (clinical and p in self.clinical) for p in parts)

    def is_unknown(self, word: str) -> bool:
        """Neither an English word of any frequency nor a clinical word (a rare family name, "o'sullivan")."""
        return all(p not in self.known and p not in self.clinical for p in _parts(word))

    def is_family(self, word: str) -> bool:
        """A family name that is no common, clinical or calendar word."""
        return _base(word) in self.family and not self.is_word(_base(word))


def _parts(word: str) -> list[str]:
    """The letter runs of ``word`` in lower case, without an elided particle ("o'sullivan" → ["sullivan"])."""
    parts = _LETTERS.findall(_base(word))
    long = [p for p in parts if len(p) > 1]
    return long if len(long) < len(parts) and long else parts


def _base(word: str) -> str:
    """``word`` in lower case without a possessive ``'s``."""
    lower = word.lower()
    return lower[:-2] if lower.endswith(("'s", "’s")) else lower


def _faker_names() -> tuple[set[str], set[str]]:
    """Given names (listed as given by as many locales as list them as family, or more) and family names (listed as
    such anywhere)."""
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
    return {n for n, seen in given.items() if seen >= family[n]}, set(family)


def _single_names(values: Iterable[object]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and len(value) >= 2 and _LATIN_NAME.fullmatch(value):
            yield value.lower()


def _english_words(count: int) -> tuple[set[str], set[str]]:
    """The words seen at least ``count`` times, and all the words, of pyspellchecker's English list."""
    from spellchecker import SpellChecker

    frequencies = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return {word for word, seen in frequencies.items() if seen >= count}, set(frequencies)


def _clinical_words() -> tuple[set[str], set[str]]:
    """The clinical words and the eponyms (see the module's docstring)."""
    from assistant.vocab import terms
    from assistant.vocab.terminology import terminology

    lower: set[str] = set()
    capitalised: set[str] = set()
    for prefix in ("icd10", "hpo"):
        for term in terminology(prefix).terms.values():
            for name in (term.label, *term.synonyms):
                for word in _LETTERS.findall(name)[1:]:
                    (capitalised if word[0].isupper() and word[1:].islower() else lower).add(word.lower())
    eponyms = capitalised - lower
    words = {word for term, _ in terms() for word in _LETTERS.findall(term) if len(word) > 1}
    return words - eponyms, eponyms


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
    clinical, eponyms = _clinical_words()
    return Lexicon(
        given=frozenset(given),
        family=frozenset(family),
        common=frozenset(common),
        known=frozenset(known),
        clinical=frozenset(clinical),
        eponyms=frozenset(eponyms),
        calendar=frozenset(_calendar_words()),
    )
