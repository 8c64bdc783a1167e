"""Age, sex and obstetric history from the patient's own description, never from a relative's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from assistant.patient.note.spans import text_of
from assistant.patient.note.values import looks_like_unit

_AGE = re.compile(
    r"\b(?P<a>\d{1,3})\s*(?:-\s*|\s)?(?:years?|yrs?|y)\s*-?\s*old\b"
    r"|\b(?P<b>\d{1,3})\s*(?:yo|y/o|y\.o\.|yr old|yoa)(?![a-z])"
    r"|\baged\s+(?P<c>\d{1,3})\b"
    r"|\bage[:\s]+(?P<d>\d{1,3})\b(?!\s*(?:years?\s+)?(?:ago|earlier))"
    r"|\b(?P<g>\d{1,3})\s*(?:years?|yrs?)\s+of\s+age\b"
    r"|\b(?:patient|pt|she|he|woman|man|lady|gentleman)(?:\s+(?:is|was)|['’]s)\s+(?P<e>\d{1,3})\b(?!\s*(?:[.,]\d|[%/×*<>=-]|(?:years?|yrs?|y|yo)\b))"
    r"|(?<![\w.,/-])(?P<f>\d{2,3})(?-i:[MF])\b",
    re.IGNORECASE,
)
_AT_AGE = re.compile(r"\b(?:at|by|until|since)\s+(?:the\s+)?age\b", re.IGNORECASE)
_AT_BEFORE = re.compile(r"\b(?:at|by|until|since|from|before|after)\s+$", re.IGNORECASE)
_BOUND_BEFORE = re.compile(
    r"\b(?:minimum|maximum|min|max|limit|cut-?off|over|under|above|below|least|most|than|between)\s+$", re.IGNORECASE
)
"""Words that make an age a bound, not the patient's ("the minimum age 18", "over 65 years old")."""
_AGE_SEX = re.compile(r"\d{2,3}[MF]")
_SEX_LETTER = {"f": "female", "m": "male"}
_GRAVIDA = re.compile(r"\bG\s?(?P<g>\d{1,2})\s?P\s?(?P<p>\d{1,2})(?:[\s\-,]?\d{1,2}){0,3}\b")
_FEMALE = frozenset(
    {"she", "her", "hers", "herself", "woman", "female", "lady", "girl", "mrs", "mrs.", "ms", "ms.", "f"}
)
_MALE = frozenset({"he", "him", "his", "himself", "man", "male", "gentleman", "boy", "mr", "mr.", "m"})
_TITLES = frozenset({"mrs", "mrs.", "ms", "ms.", "mr", "mr."})
_NOUNS = frozenset(
    {"woman", "female", "lady", "girl", "mrs", "mrs.", "ms", "ms.", "man", "male", "gentleman", "boy", "mr", "mr."}
)


@dataclass(frozen=True, slots=True)
class Found:
    """A demographic statement and where it is in the note."""

    start: int
    """Offset of the words in the note."""
    end: int
    """Offset just past them."""
    value: str
    """The value read: an age in years, 'female' or 'male', or a G/P summary."""


def _family_tokens(doc: Doc) -> set[int]:
    """Token indices about a relative or about people in general: a FAMILY or GENERIC trigger and its ConText
    scope, or the family history section."""
    cached = doc.user_data.get("note_family_tokens")
    if isinstance(cached, set):
        return cached
    out: set[int] = set()
    doc.user_data["note_family_tokens"] = out
    for modifier in doc._.context_graph.modifiers:
        if modifier.category in ("FAMILY", "GENERIC"):  # a relative, or people in general ("can a woman …")
            out.update(range(*modifier.modifier_span))
            out.update(range(*modifier.scope_span))
    out.update(t.i for t in doc if t._.section_category == "family_history" and in_title_paragraph(doc, t.i))
    return out


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def in_title_paragraph(doc: Doc, i: int) -> bool:
    """True when token ``i`` is in the same paragraph as the title of its section.

    A section title ("Family history:") that the Sectionizer knows runs until the next title it knows;
    a blank line ends it too, so a family history paragraph does not lend its context to the
    examination or laboratory paragraphs after it when their titles are ones the rules lack."""
    for section in doc._.sections:
        if section.body_start <= i < section.body_end or section.title_start <= i < section.title_end:
            start = doc[section.title_start].idx if section.title_start < len(doc) else 0
            return not _PARAGRAPH_BREAK.search(text_of(doc), start, doc[i].idx)
    return True


def ages(doc: Doc) -> list[Found]:
    """Ages stated for the patient ("62-year-old", "62 yo", "aged 62", "she is 62", "62M"), skipping
    sentences about relatives."""
    family = _family_tokens(doc)
    out: list[Found] = []
    for m in _AGE.finditer(text_of(doc)):
        if _AT_AGE.search(text_of(doc)[max(0, m.start() - 12) : m.start() + 4]) or _AT_BEFORE.search(
            text_of(doc), max(0, m.start() - 8), m.start()
        ):
            continue  # "at age 26", "at 45 years of age": when something happened, not the age now
        if _BOUND_BEFORE.search(text_of(doc), max(0, m.start() - 12), m.start()):
            continue
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and any(t.i in family for t in span):
            continue
        if m.group("e") is not None and _unit_follows(text_of(doc), m.end()):
            continue  # "he is 50 kg", "she is 5 months post-op": a measurement, not an age
        years = next(g for g in m.groups() if g is not None)
        if 0 < int(years) < 130:
            out.append(Found(m.start(), m.end(), years))
    return out


_NEXT_WORD = re.compile(r"\s*([A-Za-zµμ/%][\w/%]*)")


def _unit_follows(text: str, pos: int) -> bool:
    """True when the word after ``pos`` is a unit of measurement (pint reads it as one)."""
    word = _NEXT_WORD.match(text, pos)
    return word is not None and word.group(1).lower() not in STOP_WORDS and looks_like_unit(word.group(1))


def sexes(doc: Doc) -> list[Found]:
    """Sex words for the patient: nouns ("woman", "Mr") first; pronouns only when no noun says it.

    Words in a sentence about a relative, or naming one ("her mother"), are not the patient's."""
    family = _family_tokens(doc)
    nouns: list[Found] = []
    pronouns: list[Found] = []
    for token in doc:
        word = token.lower_
        if _AGE_SEX.fullmatch(token.text) and token.i not in family:  # "72F": one token, age and sex
            word = token.text[-1].lower()
            nouns.append(Found(token.idx + len(token.text) - 1, token.idx + len(token.text), _SEX_LETTER[word]))
            continue
        if word not in _FEMALE and word not in _MALE or token.i in family:
            continue
        if word in _TITLES and token.text.isupper():
            continue  # "MS" (multiple sclerosis), "MR" (magnetic resonance), not "Ms", "Mr"
        if word in ("f", "m") and not _after_age(token):
            continue
        before = token.nbor(-1) if token.i > 0 else None
        if before is not None and before.like_num and (word in ("ms", "ms.") or "." in before.text):
            continue  # "402 ms", "1.80 m": a unit after a number, not a title or "62 M"
        found = Found(token.idx, token.idx + len(token.text), "female" if word in _FEMALE else "male")
        (nouns if word in _NOUNS or word in ("f", "m") else pronouns).append(found)
    return nouns or pronouns


def _after_age(token: object) -> bool:
    from spacy.tokens import Token

    assert isinstance(token, Token)
    return token.i > 0 and token.nbor(-1).like_num or (token.i > 1 and token.nbor(-1).lower_ in ("yo", "old"))


def obstetric(doc: Doc) -> list[Found]:
    """Gravida/para summaries ("G2P2", "G3P1-0-2-1"): obstetric history, never a current pregnancy."""
    return [Found(m.start(), m.end(), m.group(0)) for m in _GRAVIDA.finditer(text_of(doc))]
