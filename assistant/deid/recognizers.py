"""The recognisers the de-identifier runs, defined as data: Presidio's own, plus pattern recognisers.

Presidio ships recognisers for e-mail addresses, URLs, IP addresses, US social security numbers,
dates and (through ``phonenumbers``) phone numbers; its NHS-number one is left out, as its checksum
passes one in ten 10-digit phone numbers and would type them as record numbers (a labelled NHS number
is a record number here, an unlabelled one a phone number: replaced either way). Names, ages, record
numbers and postal addresses have no offline recogniser there (its name recogniser needs a trained
spaCy model), so they are found here by context: a title or a cue word before a name, an age after
it, a sign-off or dash before a signature, initials after a cue; a label before a record number; a
house number and a street suffix (USPS Publication 28 and Royal Mail forms), a PO box, a state or
province (``pycountry``) and ZIP, a UK or Canadian postcode; and by the name lists of
``assistant.deid.names``. The regular-expression parts are in ``assistant.deid.patterns``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex
import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    DateRecognizer,
    EmailRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from assistant.deid.names import NameListRecognizer
from assistant.deid.patterns import (
    _AGE_AFTER,
    _AGE_OVER_89,
    _AU_STATES,
    _CA_POSTCODE,
    _CA_PROVINCES,
    _CASED,
    _CUES,
    _INITIALS,
    _LOWER_STREET,
    _MONTHS,
    _NAME_WORD,
    _NOT_A_UNIT,
    _ORDINAL_DAY,
    _PHONE_CONTEXT,
    _PLACE,
    _PO_BOX,
    _POSTCODE,
    _PREFIX_STREET,
    _RECORD_LABELS,
    _RECORD_VALUE,
    _RESIDENCE,
    _SIGN_OFFS,
    _SIGNED,
    _STATES,
    _STREET,
    _TITLES,
    _UNIT,
    _WORD,
    NAME,
)
from assistant.deid.regions import region_names

ENTITY_TYPES = {
    "NAME": "NAME",
    "PERSON": "NAME",
    "DATE": "DATE",
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    "MRN": "MRN",
    "UK_NHS": "MRN",
    "PHONE": "PHONE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "ADDRESS": "ADDRESS",
    "SSN": "SSN",
    "US_SSN": "SSN",
    "URL": "URL",
    "IP_ADDRESS": "IP",
}
"""Presidio entity names mapped to the placeholder types written to the log."""

PHONE_REGIONS = ("US", "GB", "CA", "IE", "AU", "NZ")
"""Regions whose national phone formats ``phonenumbers`` looks for; a number written with ``+`` and its country
code is read whatever its region. Regions with short national numbers are left out: their formats match
ranges such as ``140-160``."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern recogniser as data: the entity it finds, its patterns, and the words that raise its score."""

    entity: str
    patterns: tuple[tuple[str, str, float], ...]
    context: tuple[str, ...] = ()
    cased: bool = True


RULES: tuple[Rule, ...] = (
    Rule(
        "NAME",
        (
            ("titled name", rf"(?<=\b{_TITLES}\.?[ \t]+){NAME}", 0.85),
            ("name after a cue word", rf"(?<=\b{_CUES}\.?(?:[ \t]*(?i:is|:|-|=))?[ \t]*[,(]?[ \t]*){NAME}", 0.85),
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
                rf"(?<=(?:^|[ \t])(?:—|–|--)[ \t]*(?:{_TITLES}\.?[ \t]+)?){NAME}(?=[ \t]*(?:,|$))",
                0.85,
            ),
            (
                "signature after a sign-off",
                rf"(?<=\b{_SIGN_OFFS}[ \t]*,?[ \t]*\n?[ \t]*){NAME}(?=[ \t]*(?:,|\.|$))",
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
        "AGE",
        (
            (
                "age over 89 with a unit",
                rf"(?<![-–][ \t]*|\bto[ \t]+)\b{_AGE_OVER_89}"
                r"(?=[ \t]*-?[ \t]*(?:y/o|y\.o\.|yo|yrs?|years?|year-old)\b)",
                0.85,
            ),
            (
                "age over 89 after a cue",
                rf"(?<=\b(?:aged|age|turned|turns|she's|he's|she[ \t]+is|he[ \t]+is|is[ \t]+now|pt|patient)[ \t]*[:=]?"
                rf"[ \t]*){_AGE_OVER_89}\b{_NOT_A_UNIT}",
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
    Rule(
        "MRN",
        (
            (
                "record number after a hash (letters first: not a drug's NSC number)",
                r"(?<=(?:^|[\s(\[])#[ \t]?)(?=(?:[A-Z-]*\d){5})[A-Z]{1,4}-?\d[\dA-Z]*(?:-[\dA-Z]+){0,3}\b",
                0.6,
            ),
            (
                "pathology number",
                r"(?<=\b(?i:(?:surgical[ \t]+)?path(?:ology)?|cytology)(?:[ \t]+(?i:no\.?|number|#))?[ \t:#]*)"
                r"(?=(?:[A-Z-]*\d){5})[A-Z]{1,4}-?\d[\dA-Z]*(?:-[\dA-Z]+){0,3}\b",
                0.85,
            ),
            (
                "labelled record number",
                rf"(?<={_RECORD_LABELS}(?:[ \t]*(?i:is|[:#=|-]|\.{{2,}}))*[ \t]*)(?i:{_RECORD_VALUE})\b",
                0.9,
            ),
        ),
    ),
    Rule(
        "SSN",
        (
            ("social security number", r"\b\d{3}-\d{2}-\d{4}\b", 0.6),
            ("spaced social security number", r"(?<![\d.])\b\d{3}[ ]\d{2}[ ]\d{4}\b(?![.,]?\d)", 0.5),
            (
                "labelled SSN",
                r"(?<=(?i:\bssn|\bss[ \t]*#|social[ \t]+security(?:[ \t]+(?:number|no\.?))?)[ \t]*(?i:is|[:#=])?[ \t]*)"
                r"\d{3}[ -]?\d{2}[ -]?\d{4}\b",
                0.9,
            ),
        ),
    ),
    Rule(
        "PHONE",
        (
            ("North American number", r"(?<![\d.])(?:\+?1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b(?![.,]\d)", 0.6),
            (
                "UK number",
                r"(?<![\d.])(?:\+44[ \t]?(?:\(0\)[ \t]?)?\d{2,4}|\b0\d{2,4})[ \t]?\d{3,4}[ \t]?\d{3,4}\b",
                0.5,
            ),
            ("international number", r"(?<![\w.])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}\b", 0.5),
            ("local number", r"(?<![\d.,/])\b\d{3}[-.]\d{4}\b(?![.,/]\d)", 0.1),
            (
                "local number after a cue",
                r"(?<=\b(?i:at|on|call|ring|phone|tel|cell|mobile|pager|page|bleep|fax|ext)[ \t:.]*)\d{3}[-.]\d{4}\b"
                r"(?![.,/]\d|[ \t]*(?i:mg|mcg|g|kg|ml|units?|iu|cells|mm|/))",
                0.5,
            ),
        ),
        context=tuple(_PHONE_CONTEXT),
    ),
    Rule(
        "ADDRESS",
        (
            ("street address", _STREET, 0.85),
            ("city, state ZIP", rf"\b{_PLACE},?[ \t]*(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b", 0.85),
            ("UK postcode", rf"(?:\b{_WORD}[ \t]+)?{_POSTCODE}", 0.7),
            ("Canadian postcode", rf"(?:\b{_PLACE},?[ \t]+(?:{_CA_PROVINCES})[ \t]+)?{_CA_POSTCODE}", 0.7),
            ("city, state", rf"\b{_PLACE},[ \t]*(?:{region_names()})\b", 0.7),
            ("Australian suburb, state, postcode", rf"\b{_PLACE},?[ \t]+(?:{_AU_STATES})[ \t]+\d{{4}}\b", 0.85),
            ("PO box", _PO_BOX, 0.85),
            ("street name after its number word", _PREFIX_STREET, 0.85),
            (
                "place of residence",
                rf"(?<={_RESIDENCE})(?!{_TITLES}\b){_PLACE}(?:,[ \t]*{_WORD}(?=[ \t]*(?:[.,;)]|$)))?",
                0.7,
            ),
            (
                "labelled ZIP or postcode",
                rf"(?<=\b(?i:zip|zip[ \t]*code|post[ \t]*code|postal[ \t]*code)(?:[ \t]+(?i:is))?[ \t]*[:#]?[ \t]*)"
                rf"(?:\d{{5}}(?:-\d{{4}})?\b|{_POSTCODE}|{_CA_POSTCODE})",
                0.85,
            ),
        ),
    ),
    Rule(
        "ADDRESS",
        (
            ("lower-case street with a unit", rf"{_UNIT}{_LOWER_STREET}", 0.7),
            (
                "city, state and ZIP after a house or box number",
                rf"(?<=\d\w*,[ \t]*)[a-z]+(?:[ \t]+[a-z]+){{0,2}},?[ \t]+(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
                0.7,
            ),
            (
                "lower-case street, state and ZIP",
                rf"{_LOWER_STREET}(?:,?[ \t]+[a-z]+){{0,3}},?[ \t]+(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
                0.7,
            ),
        ),
        cased=False,
    ),
    Rule(
        "EMAIL_ADDRESS",
        (
            (
                "e-mail address spelled out",
                r"\b[\w.+-]+(?:[ \t]+dot[ \t]+[\w-]+)*[ \t]*(?:\(at\)|\[at\]|[ \t]at[ \t])[ \t]*[\w-]+"
                r"(?:[ \t]*(?:\(dot\)|\[dot\]|[ \t]dot[ \t])[ \t]*[a-z]{2,})+\b",
                0.7,
            ),
        ),
        cased=False,
    ),
    Rule(
        "DATE",
        (
            (
                "day month year",
                rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_DAY})(?:[ \t]+of)?[ \t./-]*{_MONTHS}\.?,?[ \t./-]*"
                r"(?:\d{4}|'?\d{2})\b",
                0.8,
            ),
            (
                "month day, year",
                rf"\b{_MONTHS}\.?[ \t/-]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t/-]+(?:\d{{4}}|'\d{{2}})\b",
                0.8,
            ),
            (
                "year-month-day",
                r"(?<![\w.])(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\d.]|[-/]\d)",
                0.6,
            ),
            (
                "compact year month day",
                r"(?<![\w.])(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\w.])",
                0.6,
            ),
        ),
        cased=False,
    ),
)
"""The project's own recognisers."""


class OfflineEmailRecognizer(EmailRecognizer):  # type: ignore[misc]
    """Presidio's e-mail recogniser, checking domains against the suffix list bundled with ``tldextract``."""

    _extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def validate_result(self, pattern_text: str) -> bool:
        return bool(self._extract(pattern_text).fqdn)


def build_recognizers(rules: Sequence[Rule] = RULES) -> list[EntityRecognizer]:
    """Every recogniser the analyzer runs: Presidio's generic ones and ``rules``."""
    recognizers: list[EntityRecognizer] = [
        OfflineEmailRecognizer(),
        UrlRecognizer(),
        IpRecognizer(),
        UsSsnRecognizer(),
        DateRecognizer(),
        PhoneRecognizer(supported_regions=PHONE_REGIONS, leniency=1),
        NameListRecognizer(),
    ]
    for rule in rules:
        recognizers.append(
            PatternRecognizer(
                supported_entity=rule.entity,
                name=f"{rule.entity.title()}Rules",
                patterns=[Pattern(name, pattern, score) for name, pattern, score in rule.patterns],
                context=list(rule.context),
                global_regex_flags=_CASED if rule.cased else _CASED | regex.IGNORECASE,
            )
        )
    return recognizers
