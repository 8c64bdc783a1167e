"""The analyzer and the redaction: find identifiers in free text, replace each with a typed placeholder."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

from assistant.deid.extend import grow_address, grow_name
from assistant.deid.lexicon import PARTICLES, get_lexicon
from assistant.deid.patterns import _NAME_WORD, _ORDINAL_DAY, _PLACE, TITLE_WORDS
from assistant.deid.recognizers import ENTITY_TYPES, build_recognizers

_LANGUAGE = "en"
_GAP = regex.compile(rf"[ \t]*,?[ \t]*(?:{_PLACE}[ \t]*,[ \t]*)?")
_MONTH = regex.compile(r"(?i)(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?![a-z])")
_NUMBER = regex.compile(r"\d+")
_ORDINAL = regex.compile(_ORDINAL_DAY)
_COMPACT_DATE = regex.compile(r"(?:19|20)\d{6}")
_WORD = regex.compile(_NAME_WORD)
_SHORT = frozenset({"PHONE_EXTENSION"})
"""Recognisers whose matches need no plausibility check (an in-house number has fewer than seven digits)."""
_TOKEN = regex.compile(r"\p{L}+(?:['’]\p{L}+)*(?:-\p{L}+(?:['’]\p{L}+)*)*")


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier found in a text: its type (``NAME``, ``PHONE`` …) and where it is."""

    type: str
    start: int
    end: int
    text: str
    score: float = 1.0
    """The recogniser's confidence; of two spans alike, the surer one's type is kept."""

    @property
    def placeholder(self) -> str:
        """What replaces it in the log, e.g. ``[NAME]``."""
        return f"[{self.type}]"


class BlankSpacyNlpEngine(SpacyNlpEngine):  # type: ignore[misc]
    """Presidio's spaCy engine on a blank English pipeline: tokens only, no model to download, no NER.

    A blank pipeline has no lemmatizer, so the lower-cased token stands in for the lemma that
    Presidio's context enhancer compares with a recogniser's context words.
    """

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": _LANGUAGE, "model_name": "blank"}])

    def load(self) -> None:
        self.nlp = {_LANGUAGE: spacy.blank(_LANGUAGE)}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Any, language: str) -> NlpArtifacts:
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=[],
        )


class Deidentifier:
    """Finds identifiers with a Presidio analyzer (built once) and replaces them with typed placeholders."""

    def __init__(self, score_threshold: float = 0.4) -> None:
        registry = RecognizerRegistry(supported_languages=[_LANGUAGE])
        for recognizer in build_recognizers():
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=BlankSpacyNlpEngine(), supported_languages=[_LANGUAGE]
        )
        self.score_threshold = score_threshold
        self._lock = threading.Lock()

    def find(self, text: str, names: Iterable[str] = ()) -> list[Identifier]:
        """The identifiers in ``text``, in order and not overlapping; ``names`` are words known to be names."""
        if not text.strip():
            return []
        with self._lock:
            results = self.analyzer.analyze(text=text, language=_LANGUAGE, score_threshold=self.score_threshold)
        found = [
            Identifier(ENTITY_TYPES[r.entity_type], r.start, r.end, text[r.start : r.end], r.score)
            for r in results
            if r.entity_type in ENTITY_TYPES
            and (r.entity_type in _SHORT or _plausible_type(r.entity_type, text[r.start : r.end]))
        ]
        words = {w for f in found if f.type == "NAME" for w in _name_words(f.text)} | set(names)
        found += _occurrences(text, words)
        return _merge(text, [_grown(text, f) for f in _merge(text, found)])

    def redact(self, text: str, names: Iterable[str] = ()) -> str:
        """``text`` with every identifier replaced by its placeholder."""
        return replace(text, self.find(text, names))

    def redact_all(self, texts: Sequence[str]) -> list[str]:
        """``texts`` redacted together: a name found in one is replaced wherever it appears in any."""
        names: set[str] = set()
        for text in texts:
            names |= {w for f in self.find(text) if f.type == "NAME" for w in _name_words(f.text)}
        return [self.redact(text, names) for text in texts]


def replace(text: str, identifiers: Sequence[Identifier]) -> str:
    """``text`` with ``identifiers`` (ordered, not overlapping) replaced by their placeholders."""
    parts: list[str] = []
    at = 0
    for found in identifiers:
        parts += [text[at : found.start], found.placeholder]
        at = found.end
    parts.append(text[at:])
    return "".join(parts)


def _plausible_type(entity: str, text: str) -> bool:
    """Dates must be full dates; phone numbers need seven digits and no slash (``140-159/90-99`` is a range); a
    name needs a word that is listed as a name or is no common or clinical word ("Patient Spanish-speaking")."""
    kind = ENTITY_TYPES[entity]
    if kind == "NAME":
        lexicon = get_lexicon()
        words = [w for w in _TOKEN.findall(text) if w.lower() not in TITLE_WORDS]
        return any(w.isupper() or lexicon.is_listed(w) or not lexicon.all_words(w) for w in words)
    if kind == "DATE":
        return _is_full_date(text) or _COMPACT_DATE.fullmatch(text) is not None
    if kind == "PHONE":
        return "/" not in text and sum(c.isdigit() for c in text) >= 7
    return True


def _grown(text: str, found: Identifier) -> Identifier:
    """A name with its initials and suffix, an address with its other lines (``assistant.deid.extend``)."""
    grow = {"NAME": grow_name, "ADDRESS": grow_address}.get(found.type)
    if grow is None:
        return found
    start, end = grow(text, found.start, found.end)
    return Identifier(found.type, start, end, text[start:end], found.score)


def _is_full_date(text: str) -> bool:
    """A date naming day, month and year (``03/14/1961``, ``12 March 1949``); not ``March 2024`` or ``2015``."""
    numbers = _NUMBER.findall(text)
    month = _MONTH.search(text) is not None
    return len(numbers) >= 3 or (len(numbers) == 2 and month) or (month and _ORDINAL.search(text) is not None)


def _name_words(name: str) -> set[str]:
    return {
        w for w in _WORD.findall(name) if len(w) > 2 and w.lower() not in TITLE_WORDS and w.lower() not in PARTICLES
    }


def _occurrences(text: str, words: set[str]) -> list[Identifier]:
    if not words:
        return []
    pattern = regex.compile(
        r"(?<!\w)(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)"
    )
    return [Identifier("NAME", m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def _merge(text: str, found: list[Identifier]) -> list[Identifier]:
    """Overlapping spans joined (the longer one's type wins); address parts a comma apart joined too."""
    merged: list[Identifier] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end, -f.score)):
        if merged:
            last = merged[-1]
            touching = item.start <= last.end or (
                item.type == last.type == "ADDRESS" and _GAP.fullmatch(text[last.end : item.start]) is not None
            )
            if touching:
                if item.end > last.end:
                    kind = last.type if last.end - last.start >= item.end - item.start else item.type
                    merged[-1] = Identifier(kind, last.start, item.end, text[last.start : item.end], last.score)
                continue
        merged.append(item)
    return merged


@lru_cache(maxsize=1)
def get_deidentifier() -> Deidentifier:
    """The process-wide de-identifier, built on first use."""
    return Deidentifier()
