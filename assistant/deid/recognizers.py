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

from assistant.deid.lexicon import PARTICLES
from assistant.deid.names import NameListRecognizer
from assistant.deid.regions import region_codes, region_names

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

_CASED = regex.DOTALL | regex.MULTILINE  # names and postcodes depend on capitals: no IGNORECASE

# One capitalised name word: "Jane", "O'Reilly", "McDonald", "Fitzgerald-Brown", "Sørensen" (not "Okafor's").
_WORD = r"(?:\p{Lu}(?:\p{Ll}+|['’]\p{Lu}\p{Ll}+)(?:\p{Lu}\p{Ll}+)?(?:[-'’](?!s\b)\p{Lu}?\p{Ll}+)*)"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Doctor|Sister|Nurse|Sr|Rev)"
_NAME_WORD = rf"(?!{_TITLES}\b){_WORD}"
_PARTICLE = rf"(?:{'|'.join(PARTICLES)})[ \t]+"
NAME = (
    rf"(?:\p{{Lu}}\.[ \t]*){{0,2}}(?:{_PARTICLE}){{0,2}}{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLE}){{0,2}}{_NAME_WORD}){{0,2}}"
)
"""Initials, a given name and up to two more name words (particles between them), on one line."""
_INITIALS = r"(?:\p{Lu}\.){2,3}"
_AGE_OVER_89 = r"(?:9\d|1[01]\d)"
_NOT_A_UNIT = r"(?![.,]\d|[ \t]*(?i:%|mg|mcg|kg|g\b|g/|mmol|ml|mm|cm|bpm|ms\b|u/|iu|x\b))"

_CUES = (
    r"(?i:patient|pt|name|named|called|husband|wife|son|daughter|mother|father|brother|sister|partner|spouse|"
    r"caregiver|carer|guardian|nurse|contact|colleague|niece|nephew|grandson|granddaughter|aunt|auntie|uncle|cousin|"
    r"friend|neighbou?r|son-in-law|daughter-in-law|this\s+is|i\s+am|i'm|my\s+name\s+is|signed\s+by|"
    r"referred\s+by|seen\s+by|reviewed\s+by|consented\s+by|attention|attn|dear|hi|hello)"
)
_SIGNED = r"(?i:signed|countersigned|consented|witnessed|seen|referred|reviewed|approved|obtained|taken|completed)"
_SIGN_OFFS = r"(?i:thanks|thank\s+you|many\s+thanks|regards|kind\s+regards|best\s+regards|best|cheers|sincerely)"
_AGE_AFTER = (
    r"(?=,[ \t]+(?:(?i:(?:a|an|aged)[ \t]+)?\d{1,3}(?:[ \t]*-?[ \t]*(?i:years?|yrs?|yo|y/o|y\.o\.)|[MF]\b|,|[ \t]*\()"
    r"|(?i:female|male|woman|man)\b))"
)

_MONTHS = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_STATES = region_codes("US")
_STREET_SUFFIXES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Close|Crescent|"
    "Cres|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Trl|Row|Mews|Grove|Gardens|Gdns|Hill|Walk|Parade|"
    "Park|Green|Rise|View|Alley|Plaza|Pike|Loop|Run|Path|Wharf|Quay"
)
_POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \t]?\d[ABD-HJLNP-UW-Z]{2}\b"
_CA_POSTCODE = r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d\b"
_CA_PROVINCES = region_codes("CA")
_AU_STATES = region_codes("AU")
_UNIT = r"(?i:apt|apartment|unit|flat|suite|ste)\.?[ \t]*#?[\w-]+(?:/|,?[ \t]+)"
_PLACE = rf"{_WORD}(?:[ \t]+{_WORD}){{0,2}}"
_PO_BOX = (
    r"\b(?i:p\.?[ \t]?o\.?[ \t]*box|post[ \t]+office[ \t]+box|(?:rr|rural[ \t]+route|hc|psc)[ \t]*\d+[ \t]+box)"
    r"[ \t]*#?\d+(?:-\d+)?\b"
)
_PREFIX_STREET = (
    r"\b\d{1,5}(?:[ \t]?(?i:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|bd|chemin|allée|impasse|place|quai|via|viale|"
    r"calle|avenida|rua|carrer)[ \t]+(?:\p{Ll}+[ \t]+){0,3}\p{Lu}\p{L}+(?:[ \t]+\p{Lu}\p{L}+)?"
    r"(?:,[ \t]*\d{4,5}[ \t]+\p{Lu}\p{Ll}+)?"
)
_LOWER_STREET = (
    r"\b\d{1,6}[a-z]?(?:[ \t]+[a-z0-9]+\.?){1,3}[ \t]+(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|"
    r"court|terrace|parkway|pkwy|highway|hwy)\b\.?"
)
_RESIDENCE = (
    r"\b(?i:lives|living|resides|residing|resident|relocated|relocating)[ \t]+(?i:in|at|of|near|outside|to)[ \t]+"
    r"(?:(?i:the)[ \t]+)?"
)
_NUMBER_WORD = r"(?:number|num|no\.?|nr|id|#)"
_STREET = (
    rf"(?:{_UNIT})?\b\d{{1,6}}[A-Za-z]?[ \t]+(?:(?:{_WORD}|[NSEW]\.?|\d+(?:st|nd|rd|th))[ \t]+){{1,3}}"
    rf"(?:{_STREET_SUFFIXES})\b\.?"
    r"(?:,?[ \t]+(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|#)\.?[ \t]*#?[\w-]+)?"
)
_RECORD_LABELS = (
    r"(?i:\b(?:mrn|medical[ \t]+record|med[ \t]+rec(?:ord)?|accession|acct|account|fin|csn|nhs|chi|urn?|"
    r"encounter|enc|mbi|medicare|medicaid)(?:[ \t]+" + _NUMBER_WORD + r")?|"
    r"\b(?:hospital|hosp|patient|pt|record|chart|case|visit|specimen|sample|lab[ \t]+req(?:uisition)?|requisition|"
    r"member(?:ship)?|subscriber|policy|insurance|health[ \t]+card|health[ \t]+insurance|passport|"
    r"(?:driver'?s[ \t]+)?licen[cs]e)[ \t]+" + _NUMBER_WORD + r"|\b(?:policy|insurance|member|subscriber|passport|"
    r"licen[cs]e|record|chart|health[ \t]+card|(?:driver'?s[ \t]+)?licen[cs]e)(?=[ \t]*[:#|]|[ \t]+[A-Z]*\d))"
)
_RECORD_VALUE = (
    r"(?=(?:[A-Z \-]*\d){4})(?:(?:[A-Z]{1,4}-?)?\d[\dA-Z]*(?:-[\dA-Z]+){0,3}(?:[ ]\d{3,4}){0,3}"
    r"(?:(?<=\d{3})[ ][A-Z]{2}\b)?)"
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
            ("name after a cue word", rf"(?<=\b{_CUES}\.?(?:[ \t]*(?i:is|:|-|=))?[ \t]*[,(]?[ \t]*){NAME}", 0.85),
            ("mention", rf"(?<=(?:^|[ \t(])@)\p{{L}}[\p{{L}}'’-]+(?:[ \t]+{_NAME_WORD})?", 0.85),
            (
                "upper-case name after an upper-case title",
                r"(?<=\b(?:MR|MRS|MS|MISS|DR|PROF)\.?[ \t]+)\p{Lu}{2,}(?:['’-]\p{Lu}+)*(?:,?[ \t]+\p{Lu}{2,}){0,2}\b",
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
            ("age over 89 and sex", rf"\b{_AGE_OVER_89}(?=[ \t]?[MF]\b)", 0.85),
            (
                "age over 89 after a name",
                rf"(?<=\b(?:{_NAME_WORD}|\p{{Lu}}{{2,}})[ \t]*[,—–][ \t]*){_AGE_OVER_89}(?=[ \t]*(?:[,—–(]|$))",
                0.85,
            ),
        ),
    ),
    Rule(
        "MRN",
        (
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
                rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t./-]*{_MONTHS}\.?,?[ \t./-]*(?:\d{{4}}|'?\d{{2}})\b",
                0.8,
            ),
            (
                "month day, year",
                rf"\b{_MONTHS}\.?[ \t/-]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t/-]+(?:\d{{4}}|'\d{{2}})\b",
                0.8,
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
