"""The pattern rules for record numbers, SSNs, phone numbers, postal addresses, spelled-out e-mails and dates.

Record numbers follow a label ("MRN", "hospital no.", "NHS") or come before one in brackets; short
in-house numbers follow a pager or extension cue ("bleep 4471", "x2231"), or a pager word within
Presidio's context window ("page Dr Halloran at 4-7721"); addresses are a house number and a street
suffix (USPS Publication 28 and Royal Mail forms), a PO box, a state, province or territory
(``pycountry``) with its ZIP or postcode, a UK or Canadian postcode, or a city before a state code.
"""

from __future__ import annotations

from assistant.deid.checks import place_not_words
from assistant.deid.cues import (
    DEVICE_LABELS,
    NOT_PERSONAL_NUMBERS,
    PAGER_CUES,
    RECORD_AFTER,
    SAMPLE_LABELS,
    alternation,
)
from assistant.deid.patterns import (
    _AU_STATES,
    _CA_POSTCODE,
    _CA_PROVINCES,
    _LOWER_STREET,
    _MONTHS,
    _ORDINAL_DAY,
    _PHONE_CONTEXT,
    _PLACE,
    _PO_BOX,
    _POSTCODE,
    _PREFIX_STREET,
    _RECORD_LABELS,
    _RECORD_VALUE,
    _RESIDENCE,
    _STATES,
    _STREET,
    _STREET_THEN_NUMBER,
    _TITLES,
    _UNIT,
    _WORD,
)
from assistant.deid.regions import region_names
from assistant.deid.rules import Rule

_PAGER = alternation(tuple(c for c in PAGER_CUES if c not in ("page", "x")))
_CODE = r"(?=(?:[A-Z-]*\d){5})[A-Z]{0,4}-?\d[\dA-Z]*(?:-[\dA-Z]+){0,3}\b"
"""A code of five digits or more, capitals and hyphens between them ("SP-25-018834", "PJN612734H")."""
_NOT_A_QUANTITY = r"(?![.,/^]\d|[ \t]*(?i:mg|mcg|g\b|kg|ml|units?|iu|cells|mm|/|%|x\b))"

CONTACT_RULES: tuple[Rule, ...] = (
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
                rf"(?<={_RECORD_LABELS}(?:[ \t]*(?i:is|[:#=|-]|\.{{2,}}))*(?:[ \t]*\n)?[ \t]*)"
                rf"(?:[A-Z]{{1,4}}[ ](?=\d{{2}}))?(?i:{_RECORD_VALUE})\b",
                0.9,
            ),
            (
                "specimen or serial number after its label",
                rf"(?<=(?:\b(?:{alternation(SAMPLE_LABELS)})[ \t]*[:#]|(?<![\w/]){alternation(DEVICE_LABELS)}\.?)"
                rf"[ \t]*(?i:is|[:#=])?[ \t]*){_CODE}",
                0.85,
            ),
            (
                "code with letters after the word number",
                rf"(?<!\b{alternation(NOT_PERSONAL_NUMBERS)}[ \t-]+(?i:number|no\.?|nr)[ \t]*[:#]?[ \t]*)"
                rf"(?<=\b(?i:number|no\.?|nr)[ \t]*[:#]?[ \t]*)(?!NCT\d)[A-Z]{{1,4}}-?\d{{5,}}[A-Z]?\b",
                0.85,
            ),
            (
                "record number before its label in brackets",
                rf"(?<![\w-])(?=(?:[A-Z-]*\d){{5}})[A-Z]{{0,4}}-?\d[\dA-Z]*(?:-[\dA-Z]+){{0,3}}\b"
                rf"(?=[ \t]*[(\[][ \t]*{alternation(RECORD_AFTER)}\.?[ \t]*[)\]])",
                0.85,
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
                r"(?<=\b(?i:at|on|call|ring|phone|ph|tel|cell|mobile|mob|landline|whatsapp|text|txt|pager|page|bleep|fax|"
                r"ext)[ \t:.]*)\d{3}[-.]\d{4}\b"
                r"(?![.,/]\d|[ \t]*(?i:mg|mcg|g|kg|ml|units?|iu|cells|mm|/))",
                0.5,
            ),
        ),
        context=tuple(_PHONE_CONTEXT),
    ),
    Rule(
        "PHONE_EXTENSION",
        (
            (
                "in-house number after a pager or extension cue",
                rf"\b{_PAGER}[ \t]*[.:#]?[ \t]*(?:(?i:no|number)\.?[ \t]*)?"
                rf"\K(?:\d{{3}}[-.]\d{{4}}|\d{{1,2}}-\d{{3,4}}|\d{{3,5}})\b{_NOT_A_QUANTITY}",
                0.6,
            ),
            ("extension after an x", rf"(?<![\w.])(?i:x)\d{{4,5}}\b{_NOT_A_QUANTITY}", 0.5),
            (
                "in-house number after at or on, a pager word before it",
                rf"(?<=\b(?i:at|on)[ \t]+)\d{{1,2}}-\d{{4}}\b{_NOT_A_QUANTITY}",
                0.1,
            ),
        ),
        context=tuple(_PHONE_CONTEXT),
    ),
    Rule(
        "ADDRESS",
        (
            ("street address", _STREET, 0.85),
            ("city, state ZIP", rf"\b{_PLACE},?[ \t]*(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b", 0.85),
            ("UK postcode", rf"(?:\b(?!{_TITLES}\b|(?i:post[ \t]*code|postal|zip)\b){_PLACE}[ \t]+)?{_POSTCODE}", 0.7),
            ("Canadian postcode", rf"(?:\b{_PLACE},?[ \t]+(?:{_CA_PROVINCES})[ \t]+)?{_CA_POSTCODE}", 0.7),
            ("city, state", rf"\b{_PLACE},[ \t]*(?:{region_names()})\b", 0.7),
            ("Australian suburb, state, postcode", rf"\b{_PLACE},?[ \t]+(?:{_AU_STATES})[ \t]+\d{{4}}\b", 0.85),
            ("place, region name, postcode", rf"\b{_PLACE},?[ \t]+(?:{region_names()})[ \t]+\d{{4,5}}\b", 0.85),
            ("PO box", _PO_BOX, 0.85),
            ("street name after its number word", _PREFIX_STREET, 0.85),
            ("street name before its number", _STREET_THEN_NUMBER, 0.85),
            (
                "place of residence",
                rf"(?<={_RESIDENCE})(?!{_TITLES}\b){_PLACE}(?:,[ \t]*{_WORD}(?=[ \t]*(?:[.,;)]|$)))?"
                rf"(?:,?[ \t]+(?:{_STATES}|{_CA_PROVINCES}|{_AU_STATES})\b(?![\w'’-]))?",
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
                rf"{_LOWER_STREET}(?:,?[ \t]+(?:apt|apartment|unit|suite|ste|#)\.?[ \t]*#?\w+)?"
                rf"(?:,?[ \t]+[a-z]+){{0,3}},?[ \t]+(?:{_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?\b",
                0.7,
            ),
        ),
        cased=False,
    ),
    Rule(
        "ADDRESS",
        (
            (
                "city, state code",
                rf"\b{_PLACE},[ \t]*(?:{_STATES}|{_CA_PROVINCES}|{_AU_STATES})\b(?![ \t]*\d|['’-])"
                r"(?=[ \t]*(?:[,.;:)\n]|$|[ \t]+\p{Ll}))",
                0.7,
            ),
        ),
        check=place_not_words,
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
                "day-month-year or year-month-day in two-digit parts, hyphenated",
                r"(?<![\w.,/-])(?:(?:0[1-9]|[12]\d|3[01])-(?:0[1-9]|1[0-2])-\d\d"
                r"|\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\w.,/-]?\d|[ \t]*(?i:mg|ml|%|x\b))",
                0.6,
            ),
            (
                "date of birth or death after its label, spaced",
                r"(?<=\b(?:dob|d\.o\.b\.?|dod|date[ \t]+of[ \t]+(?:birth|death)|born|died)[ \t]*[:=-]?[ \t]*)"
                r"(?:0?[1-9]|[12]\d|3[01])[ ](?:0?[1-9]|[12]\d|3[01])[ ](?:19|20)?\d\d\b",
                0.85,
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
"""Record numbers, SSNs, phone numbers, addresses, e-mails spelled out and dates."""
