"""The pattern rules for people, as data: names (by titles, cues, credentials, sign-offs) and ages over 89.

A ``Rule`` is one Presidio pattern recogniser: the entity it finds, its patterns with their scores,
the context words Presidio's context enhancer raises a score with, and an optional ``check`` that a
match must pass (``assistant.deid.checks``: a cue's initials must be no word, a city before a state
code no common word). The cue words come from the tables of ``assistant.deid.cues``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.deid.checks import given_names, initials_not_words, name_not_words
from assistant.deid.cues import AUXILIARIES, DEPARTMENTS, PATIENT, PERSON_NOUNS, RELATIVES, ROLES, alternation
from assistant.deid.patterns import (
    _AGE_AFTER,
    _AGE_OVER_89,
    _CREDENTIAL,
    _CUES,
    _HEADER,
    _INITIALS,
    _INITIALS_CUES,
    _NAME_WORD,
    _NOT_A_UNIT,
    _SIGN_OFFS,
    _SIGNED,
    _TEAM_CUES,
    _TITLES,
    NAME,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern recogniser as data: the entity it finds, its patterns, and the words that raise its score."""

    entity: str
    patterns: tuple[tuple[str, str, float], ...]
    context: tuple[str, ...] = ()
    cased: bool = True
    check: Callable[[str], bool] | None = None
    """A match is dropped unless ``check(match)`` is true."""


_CUE = rf"\b{_CUES}(?!\p{{L}})\.?(?:[ \t]*(?i:is|:|-|=))?[ \t]*[,(]?[ \t]*"
_TEAM_CUE = rf"\b{_TEAM_CUES}(?!\p{{L}})\.?(?:[ \t]*(?i::|-|=))?[ \t]*,?[ \t]*"
_INITIALS_CUE = rf"\b{_INITIALS_CUES}(?!\p{{L}})\.?(?:[ \t]*(?i:is|:|-|=))?[ \t]*[,(]?[ \t]*"
_SIGNATURE_END = rf"(?=[ \t]*(?:[,(]|$|{_CREDENTIAL}(?![\w-])))"
_PERSON = alternation(PERSON_NOUNS)
_PEOPLE = alternation(PATIENT, RELATIVES, ROLES)
_NOT_A_DURATION = r"(?![ \t]*(?i:days?|weeks?|wks?|months?|mos?|hours?|hrs?|min|minutes|%|/|-|–|to\b|x\b))"

NAME_RULES: tuple[Rule, ...] = (
    Rule(
        "NAME",
        (
            ("titled name", rf"(?<=\b{_TITLES}(?:\.?[ \t]+|\.)){NAME}", 0.85),
            ("initial after a title", rf"(?<=\b{_TITLES}\.?[ \t]+)\p{{Lu}}\.(?=[ \t]*(?:[,;:)]|$))", 0.85),
            ("name after a cue word", rf"{_CUE}\K{NAME}", 0.85),
            ("name after a header label", rf"{_HEADER}[ \t]*\K{NAME}", 0.85),
            (
                "given name, nickname in quotes, family name",
                rf"\b{_NAME_WORD}[ \t]+[\"“'(]{_NAME_WORD}[\"”')][ \t]+{_NAME_WORD}",
                0.85,
            ),
            ("mention", rf"(?<=(?:^|[ \t(])@)\p{{L}}[\p{{L}}'’-]+(?:[ \t]+{_NAME_WORD})?", 0.85),
            (
                "upper-case name after an upper-case title",
                r"(?<=\b(?i:mr|mrs|ms|miss|dr|prof)\.?[ \t]+)\p{Lu}{2,}(?:['’-]\p{Lu}+)*(?:,?[ \t]+\p{Lu}{2,}){0,2}\b",
                0.85,
            ),
            (
                "family, given",
                rf"(?<=\b(?i:re|name|patient|pt|subject)[ \t]*:[ \t]*){_NAME_WORD},[ \t]*{_NAME_WORD}"
                rf"(?:[ \t]+{_NAME_WORD})?",
                0.85,
            ),
            (
                "given and family name of who signed",
                rf"(?<=\b{_SIGNED}\b[^.\n]{{0,30}}?\b(?i:by)[ \t]+){_NAME_WORD}[ \t]+{_NAME_WORD}",
                0.85,
            ),
            ("name before an age", rf"\b{NAME}{_AGE_AFTER}", 0.85),
            (
                "signature after a dash",
                rf"(?<=(?:^|[ \t])(?:—|–|--)[ \t]*(?:{_TITLES}\.?[ \t]+)?){NAME}{_SIGNATURE_END}",
                0.85,
            ),
            (
                "signature after a hyphen, ending its line",
                rf"(?<=(?:^|[ \t])-[ \t]*(?:{_TITLES}\.?[ \t]+)?){NAME}(?=[ \t]*(?:$|{_CREDENTIAL}[ \t]*$))",
                0.85,
            ),
            (
                "initials after a cue",
                rf"(?<=\b(?i:patient|pt|subject|initials|mr|mrs|ms|dr)\.?[ \t]*:?[ \t]*){_INITIALS}",
                0.85,
            ),
            (
                "initials after the word initials",
                r"(?<=\b(?i:initials)[ \t]*(?i:are|:)?[ \t]*)\p{Lu}{1,3}(?:\.?-?\p{Lu}){0,3}\b\.?",
                0.85,
            ),
            ("initials before an age", rf"\b{_INITIALS}{_AGE_AFTER}", 0.85),
            ("initials before an age and sex", rf"\b{_INITIALS}(?=[ \t]*\(?\d{{1,3}}[ \t]?/?[ \t]?[MF]\b)", 0.85),
        ),
    ),
    Rule(
        "NAME",
        (
            (
                "undotted initials after a cue",
                rf"(?:{_INITIALS_CUE}|\b{_TITLES}\.?[ \t]+)\K\p{{Lu}}{{2,3}}\b(?![-/.'’]?\w)",
                0.85,
            ),
            ("undotted initials before an age", rf"\b\p{{Lu}}{{2,3}}{_AGE_AFTER}", 0.85),
            ("undotted initials before an age and sex", r"\b\p{Lu}{2,3}(?=[ \t]*\(?\d{1,3}[ \t]?/?[ \t]?[MF]\b)", 0.85),
        ),
        check=initials_not_words,
    ),
    Rule(
        "NAME",
        (
            ("name after a role or a verb of talking", rf"{_TEAM_CUE}\K{NAME}", 0.85),
            ("name before a credential", rf"\b{_NAME_WORD}[ \t]+{NAME}(?={_CREDENTIAL}(?![\w-]))", 0.85),
            (
                "name before a person in brackets or in apposition",
                rf"\b{NAME}(?=[ \t]*(?:\([ \t]*|,[ \t]*(?i:her|his|their|the|my|our|pt's|patient's)[ \t]+)"
                rf"{_PEOPLE}[ \t]*[),])",
                0.85,
            ),
            (
                "signature after a sign-off",
                rf"\b{_SIGN_OFFS}(?!\p{{L}})[ \t]*,?[ \t]*\n?[ \t]*\K{NAME}(?=[ \t]*\.|{_SIGNATURE_END})",
                0.85,
            ),
        ),
        check=name_not_words,
    ),
    Rule(
        "NAME",
        (
            (
                "given name before from and a department",
                rf"\b{_NAME_WORD}(?=[ \t]+(?i:from|in|at)[ \t]+{alternation(DEPARTMENTS)}\b)",
                0.85,
            ),
            (
                "given name after an auxiliary verb, a verb after it",
                rf"(?<=\b{alternation(AUXILIARIES)}[ \t]+){_NAME_WORD}(?=[ \t]+\p{{Ll}}+\b(?![ \t]*[(/]))",
                0.85,
            ),
            (
                "given name before a person in brackets or its possessive before a person",
                rf"\b{_NAME_WORD}(?=[ \t]*\([ \t]*{_PEOPLE}[ \t]*\)|['’]s[ \t]+{_PEOPLE}\b)",
                0.85,
            ),
            (
                "given name joined by and to a cued or titled name",
                rf"(?:{_CUE}|\b{_TITLES}\.?[ \t]+){NAME}[ \t]+(?:and|&)[ \t]+\K{_NAME_WORD}",
                0.85,
            ),
        ),
        check=given_names,
    ),
)
"""Names: after a title, a cue, a header label or a sign-off, before an age or a credential, and initials."""

AGE_RULES: tuple[Rule, ...] = (
    Rule(
        "AGE",
        (
            (
                "age over 89 with a unit",
                rf"(?<![-–][ \t]*|\bto[ \t]+)\b{_AGE_OVER_89}"
                r"(?=[ \t]*-?[ \t]*(?:y/o|y\.o\.?|yo|yrs?|years?|year-old|yr-old|y)(?:\b|(?=[MF]\b)))",
                0.85,
            ),
            (
                "age over 89 after a cue",
                rf"(?<=\b(?:aged|age|turned|turns|she's|he's|she[ \t]+is|he[ \t]+is|is[ \t]+now|pt|patient)[ \t]*[:=]?"
                rf"[ \t]*){_AGE_OVER_89}\b{_NOT_A_UNIT}",
                0.85,
            ),
            (
                "age over 89 after a person",
                rf"(?<=\b{_PERSON}[ \t]*[,(:]?[ \t]*){_AGE_OVER_89}\b{_NOT_A_UNIT}{_NOT_A_DURATION}",
                0.85,
            ),
        ),
        cased=False,
    ),
    Rule(
        "AGE",
        (
            ("age over 89 and sex", rf"\b{_AGE_OVER_89}(?=[ \t]?/?[ \t]?[MF]\b)", 0.85),
            (
                "age over 89 after a name",
                rf"(?<=\b(?:{_NAME_WORD}|\p{{Lu}}{{2,}})[ \t]*[,—–][ \t]*){_AGE_OVER_89}(?=[ \t]*(?:[,—–(]|$))",
                0.85,
            ),
            ("age over 89 in brackets after a name", rf"(?<=\b{_NAME_WORD}[ \t]*\(){_AGE_OVER_89}(?=\))", 0.85),
        ),
    ),
)
"""Ages over 89 (HIPAA's limit): with a unit, after a cue, a person, a name, or before a sex."""
