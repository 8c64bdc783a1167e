"""The regular-expression parts the recognisers are built of: name words, titles and cues, ages, addresses, labels."""

from __future__ import annotations

import regex

from assistant.deid.cues import (
    ADDRESSING,
    CAPITALISED_TITLES,
    COURTESY_TITLES,
    CREDENTIALS,
    HEADER_LABELS,
    HEALTH_CARDS,
    PATIENT,
    RELATIVES,
    ROLES,
    SIGN_OFFS,
    TALKING,
    TITLES,
    alternation,
)
from assistant.deid.lexicon import PARTICLES
from assistant.deid.regions import region_codes

_CASED = regex.DOTALL | regex.MULTILINE  # names and postcodes depend on capitals: no IGNORECASE

# One capitalised name word: "Jane", "O'Reilly", "McDonald", "Fitzgerald-Brown", "Sørensen" (not "Okafor's"), a
# particle joined to it by a hyphen or an apostrophe ("al-Amin", "el-Sayed", "d'Souza").
_JOINED_PARTICLE = rf"(?:(?:{'|'.join(PARTICLES)}|abu|bint|ben)-|[dl]['’])"
_WORD = (
    rf"(?:{_JOINED_PARTICLE}?"
    r"\p{Lu}(?:\p{Ll}+|['’]\p{Lu}\p{Ll}+)(?:\p{Lu}\p{Ll}+)?(?:[-'’](?!s\b)\p{Lu}?\p{Ll}+)*)"
)
_TITLE_FORMS = sorted(
    {*CAPITALISED_TITLES, *(f for t in (*TITLES, *COURTESY_TITLES) for f in (t, t.lower()))}, key=lambda t: (-len(t), t)
)
_TITLES = "(?:" + "|".join(regex.escape(t) for t in _TITLE_FORMS) + ")"
"""Every title as written capitalised or in lower case (a few abbreviations capitalised only)."""
TITLE_WORDS = frozenset(t.lower() for t in (*TITLES, *COURTESY_TITLES, *CAPITALISED_TITLES))
_NAME_WORD = rf"(?!{_TITLES}\b){_WORD}"
_PARTICLE = rf"(?:{'|'.join(PARTICLES)})[ \t]+"
NAME = (
    rf"(?:\p{{Lu}}(?:\.[ \t]*|[ \t]+(?=\p{{Lu}}))){{0,2}}(?:{_PARTICLE}){{0,2}}{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLE}){{0,2}}{_NAME_WORD}){{0,2}}"
)
"""Initials (dotted or not), a given name and up to two more name words (particles between them), on one line."""
_ORDINAL_DAY = (
    r"(?i:(?:twenty|thirty)[ \t-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    r"seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
_INITIALS = r"(?:\p{Lu}\.){2,3}"
_AGE_OVER_89 = (
    r"(?:9\d|1[01]\d|(?i:ninety|one[ \t-]hundred(?:[ \t-]and)?)(?:[ \t-](?i:one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?|(?i:a|one)[ \t]+hundred)"
)
_NOT_A_UNIT = r"(?![.,]\d|[ \t]*(?i:%|mg|mcg|kg|g\b|g/|mmol|ml|mm|cm|bpm|ms\b|u/|iu|x\b))"

_CUES = alternation(PATIENT, RELATIVES, tuple(a for a in ADDRESSING if a not in HEADER_LABELS))
"""Words after which a capitalised word listed as a name is a name, even a common word ("wife June")."""
_TEAM_CUES = alternation(ROLES, TALKING)
"""Roles and verbs of talking after which a name needs a word that is no common word ("Surgeon General")."""
_INITIALS_CUES = alternation(PATIENT, RELATIVES, TALKING, ("cc", "initials", "dear", "hi", "hello", "thanks"))
"""Words after which two or three capitals are initials ("pt JS"; not "PI SZ", a phenotype)."""
_HEADER = rf"(?:^|(?<=[\n|;(]))[ \t]*{alternation(HEADER_LABELS)}[ \t]*:"
_CREDENTIAL = rf"(?:,?[ \t]+{alternation(CREDENTIALS, cased=True)}\b)"
_SIGNED = r"(?i:signed|countersigned|consented|witnessed|seen|referred|reviewed|approved|obtained|taken|completed)"
_SIGN_OFFS = alternation(SIGN_OFFS)
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
    r"calle|avenida|rua|carrer|heol|ffordd|stryd)[ \t]+(?:\p{Ll}+[ \t]+){0,3}\p{Lu}\p{L}+(?:-\p{L}+)*"
    r"(?:[ \t]+\p{Lu}\p{L}+(?:-\p{L}+)*)?"
    r"(?:,[ \t]*\d{4,5}[ \t]+\p{Lu}\p{Ll}+)?"
)
_STREET_THEN_NUMBER = (
    r"\b(?:\p{Lu}\p{Ll}+(?:straße|strasse|str\.|weg|gasse|platz|allee|ufer|straat|laan|plein|gracht|kade|singel|"
    r"gatan|gata|vägen|veien|vej|gade|katu)|(?:Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Rua|Carrer)[ \t]+"
    r"(?:\p{Ll}+[ \t]+){0,3}\p{Lu}\p{L}+(?:[ \t]+\p{Lu}\p{L}+)?,?)[ \t]+\d{1,4}[a-z]?\b"
    r"(?![.,]\d|[ \t]*(?i:mg|ml|%|x\b))"
)
"""A street written before its number (German, Dutch, Nordic compounds; Italian, Spanish, Portuguese prefixes):
"Hauptstraße 12", "Via Roma 8"."""
_LOWER_STREET = (
    r"\b\d{1,6}[a-z]?(?:[ \t]+[a-z0-9]+\.?){1,3}[ \t]+(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|"
    r"court|terrace|parkway|pkwy|highway|hwy)\b\.?"
)
_RESIDENCE = (
    r"\b(?i:lives|living|resides|residing|resident|relocated|relocating)[ \t]+(?i:in|at|of|on|near|outside|to)[ \t]+"
    r"(?:(?i:the)[ \t]+)?"
)
_NUMBER_WORD = r"(?:number|num|no\.?|nr|id|#)"
_STREET = (
    rf"(?:{_UNIT}|\b\d{{1,4}}[A-Za-z]?/(?=\d))?\b\d{{1,6}}[A-Za-z]?[ \t]+"
    rf"(?:(?:{_WORD}|[NSEW]\.?|\d+(?:st|nd|rd|th))[ \t]+){{1,3}}"
    rf"(?:{_STREET_SUFFIXES})\b\.?(?:[ \t]+(?:NE|NW|SE|SW|N|S|E|W)\b)?"
    r"(?:,?[ \t]+(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|#)\.?[ \t]*#?[\w-]+)?"
)
_RECORD_LABELS = (
    r"(?i:\b(?:mrn|m\.r\.n\.?|e?mpi|medical[ \t]+record|med[ \t]+rec(?:ord)?|accession|acct|account|fin|csn|nhs|"
    r"chi|urn?|encounter|enc|mbi|medicare|medicaid|" + alternation(HEALTH_CARDS) + r")(?:[ \t]+" + _NUMBER_WORD + r")?|"
    r"\b(?:hospital|hosp|patient|pt|record|chart|case|visit|claim|specimen|sample|lab[ \t]+req(?:uisition)?|unit|"
    r"epic|ehr|emr|person|requisition|"
    r"member(?:ship)?|subscriber|policy|insurance|health[ \t]+card|health[ \t]+insurance|passport|"
    r"(?:driver'?s[ \t]+)?licen[cs]e)\.?[ \t]+" + _NUMBER_WORD + r"|\b(?:policy|insurance|member|subscriber|passport|"
    r"licen[cs]e|record|chart|health[ \t]+card|(?:driver'?s[ \t]+)?licen[cs]e)(?=[ \t]*[:#|]|[ \t]+[A-Z]*\d)|"
    r"\bid(?=[ \t]*[:#]))"
)
_RECORD_VALUE = (
    r"(?=(?:[A-Z \-]*\d){2})(?:\d(?:[ ]\d){5,}\b|(?:[A-Z]{1,4}-?)?\d[\dA-Z]*(?:-[\dA-Z]+){0,3}(?:[ ]\d{3,4}){0,3}"
    r"(?:(?<=\d{3})(?-i:[ ][A-Z]{2})\b)?)"
)
_PHONE_CONTEXT = [
    "phone", "telephone", "tel", "call", "ring", "fax", "mobile", "cell", "pager", "page", "bleep", "ext",
    "extension", "reach", "reached", "contact",
]  # fmt: skip
