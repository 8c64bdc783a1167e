"""The recognisers the de-identifier runs, defined as data: Presidio's own, plus pattern recognisers.

Presidio ships recognisers for e-mail addresses, URLs, IP addresses, US social security numbers,
dates and (through ``phonenumbers``) phone numbers; its NHS-number one is left out, as its checksum
passes one in ten 10-digit phone numbers and would type them as record numbers (a labelled NHS number
is a record number here, an unlabelled one a phone number: replaced either way). Names, record
numbers and postal addresses have no offline recogniser there (its name recogniser needs a trained spaCy model), so
they are found here by context: a title or a cue word before a capitalised name, an age after it,
a sign-off or dash before a signature; a label before a record number; a house number and a street
suffix (USPS Publication 28 and Royal Mail forms), a US state code and ZIP, a UK postcode.
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

ENTITY_TYPES = {
    "NAME": "NAME",
    "PERSON": "NAME",
    "DATE": "DATE",
    "DATE_TIME": "DATE",
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

_CASED = regex.DOTALL | regex.MULTILINE  # names and postcodes depend on capitals: no IGNORECASE

# One capitalised name word: "Jane", "O'Reilly", "McDonald", "Fitzgerald-Brown", "Sørensen" (not "Okafor's").
_WORD = r"(?:\p{Lu}(?:\p{Ll}+|['’]\p{Lu}\p{Ll}+)(?:\p{Lu}\p{Ll}+)?(?:[-'’](?!s\b)\p{Lu}?\p{Ll}+)*)"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Doctor|Sister|Nurse|Sr|Rev)"
_NAME_WORD = rf"(?!{_TITLES}\b){_WORD}"
NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
"""A given name and up to two more name words, on one line."""

_CUES = (
    r"(?i:patient|pt|name|named|called|husband|wife|son|daughter|mother|father|brother|sister|partner|spouse|"
    r"caregiver|carer|guardian|nurse|contact|colleague|this\s+is|i\s+am|i'm|my\s+name\s+is|signed\s+by|"
    r"referred\s+by|seen\s+by|reviewed\s+by|consented\s+by|attention|attn|dear|hi|hello)"
)
_SIGNED = r"(?i:signed|countersigned|consented|witnessed|seen|referred|reviewed|approved|obtained|taken|completed)"
_SIGN_OFFS = r"(?i:thanks|thank\s+you|many\s+thanks|regards|kind\s+regards|best\s+regards|best|cheers|sincerely)"
_AGE_AFTER = (
    r"(?=,[ \t]+(?i:(?:a|an|aged)[ \t]+)?\d{1,3}(?:[ \t]*-?[ \t]*(?i:years?|yrs?|yo|y/o|y\.o\.)|[MF]\b|,|[ \t]*\())"
)

_MONTHS = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
    "OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_STREET_SUFFIXES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Close|Crescent|"
    "Cres|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Trl|Row|Mews|Grove|Gardens|Gdns|Hill|Walk|Parade|"
    "Park|Green|Rise|View|Alley|Plaza|Pike|Loop|Run|Path|Wharf|Quay"
)
_STREET = (
    rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:{_WORD}[ \t]+){{1,3}}(?:{_STREET_SUFFIXES})\b\.?"
    r"(?:,?[ \t]+(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|#)\.?[ \t]*#?[\w-]+)?"
)
_POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?\d[ABD-HJLNP-UW-Z]{2}\b"
_RECORD_LABELS = (
    r"(?i:\b(?:mrn|medical[ \t]+record(?:[ \t]+(?:number|no\.?|#))?|hospital[ \t]+(?:number|no\.?|id|#)|"
    r"nhs[ \t]+(?:number|no\.?|#)|chi[ \t]+(?:number|no\.?)|patient[ \t]+(?:id|number|no\.?|#)|pt[ \t]+(?:id|no\.?|#)|"
    r"(?:record|chart|case|account|acct)[ \t]+(?:number|no\.?|#)))"
)
_PHONE_CONTEXT = [
    "phone", "telephone", "tel", "call", "ring", "fax", "mobile", "cell", "pager", "page", "bleep", "ext",
    "extension", "reach", "reached", "contact",
]  # fmt: skip


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
            ("name after a cue word", rf"(?<=\b{_CUES}(?:[ \t]*(?i:is|:|-|=))?[ \t]*,?[ \t]*){NAME}", 0.85),
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
        ),
    ),
    Rule(
        "MRN",
        (
            (
                "labelled record number",
                rf"(?<={_RECORD_LABELS}[ \t]*(?i:is|[:#=-])?[ \t]*#?[ \t]*)"
                r"(?:[A-Z]{1,3}-?)?\d+(?:[ -]\d{3,4}){0,2}\b",
                0.9,
            ),
        ),
    ),
    Rule(
        "SSN",
        (
            ("social security number", r"\b\d{3}-\d{2}-\d{4}\b", 0.6),
            (
                "labelled SSN",
                r"(?<=(?i:\bssn|social[ \t]+security(?:[ \t]+(?:number|no\.?))?)[ \t]*(?i:is|[:#=])?[ \t]*)\d{9}\b",
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
        ),
        context=tuple(_PHONE_CONTEXT),
    ),
    Rule(
        "ADDRESS",
        (
            ("street address", _STREET, 0.85),
            (
                "city, state ZIP",
                rf"\b{_WORD}(?:[ \t]+{_WORD}){{0,2}},[ \t]*(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
                0.85,
            ),
            ("UK postcode", rf"(?:\b{_WORD}[ \t]+)?{_POSTCODE}", 0.7),
        ),
    ),
    Rule(
        "DATE",
        (
            (
                "day month year",
                rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTHS}\.?,?[ \t]+\d{{4}}\b",
                0.8,
            ),
            (
                "month day, year",
                rf"\b{_MONTHS}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}\b",
                0.8,
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
