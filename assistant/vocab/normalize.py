"""Normalisation of phrases and vocabulary names for exact look-up.

Case, accents ("Sjögren" → "sjogren", by Unicode decomposition), punctuation, possessives, a hyphen after
"anti" ("anti-viral" = "antiviral"), British/American spelling of the common medical word parts
(tumour/tumor, haem-/hem-, -aemia/-emia, oedema/edema, oesophag-/esophag-, …), roman numerals after
type/grade/stage/class, and plural/singular are folded, so both sides of a look-up meet in one form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_SPELLING: dict[str, str] = {
    "tumour": "tumor",
    "haem": "hem",
    "aemi": "emi",
    "oedem": "edem",
    "oesophag": "esophag",
    "oestr": "estr",
    "paediat": "pediat",
    "foet": "fet",
    "diarrhoe": "diarrhe",
    "anaesth": "anesth",
    "coeliac": "celiac",
    "colour": "color",
    "behaviour": "behavior",
    "fibre": "fiber",
    "litre": "liter",
    "centre": "center",
    "sulph": "sulf",
}
"""British spelling → American, of word parts (ischaemia, anaemia and leukaemia follow from "aemi")."""
_BRITISH = re.compile("|".join(sorted(_SPELLING, key=len, reverse=True)))
_ISE = re.compile(r"([a-z])is(e|ed|ation)\b")
_PUNCT = re.compile(r"[^\w+]+")
_ANTI = re.compile(r"\banti-(?=[a-z]{3})")
_ROMAN = re.compile(r"\b(type|grade|stage|class|phase|category)\s+(iv|iii|ii|i|v)\b")
_ROMAN_VALUE = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_KEEP_S = ("ss", "us", "is", "ous", "ys", "as")


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """A crude singular of one lower-case word, the same on both sides of a look-up."""
    if len(word) <= 3 or not word.isalpha() or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("ases") and not word.endswith("eases"):  # metastases → metastasis
        return word[:-4] + "asis"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def fold_accents(text: str) -> str:
    """``text`` without its combining marks: ``"Sjögren"`` → ``"Sjogren"``, ``"Ménière"`` → ``"Meniere"``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=262144)
def normalize(text: str) -> str:
    """The look-up form of a phrase: ``"Haemoglobins,"`` → ``"hemoglobin"``, ``"Sjögren's"`` → ``"sjogren"``."""
    text = fold_accents(text).lower().replace("’", "'").replace("'s ", " ").replace("'s", "")
    if "ae" in text or "oe" in text or "our" in text or "re" in text or "ph" in text:
        text = _BRITISH.sub(lambda m: _SPELLING[m.group(0)], text)
    if "is" in text:
        text = _ISE.sub(r"\1iz\2", text)
    if "anti-" in text:  # "anti-viral", "anti-coagulant": one word, as "antiviral" is written
        text = _ANTI.sub("anti", text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    if " i" in text or " v" in text:
        text = _ROMAN.sub(lambda m: f"{m.group(1)} {_ROMAN_VALUE[m.group(2)]}", text)
    return " ".join(singular(w) for w in text.split())


_PARENS = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
_CODES = re.compile(r"\s*\([A-Z]\d\w(\.\w+)?-[A-Z]\d\w(\.\w+)?\)\s*$")
NOS = re.compile(r",?\s+\bNOS\b\s*$", re.IGNORECASE)
"""The ICD-10-CM mark of a term "not otherwise specified"."""
_MELLITUS = re.compile(r"\bdiabetes\s+mellitus\b", re.IGNORECASE)
_STATUS = re.compile(r"^(?:presence of (?P<present>.+)|(?P<status>.+\S) status)$", re.IGNORECASE)


def variants(name: str) -> Iterator[str]:
    """The surface forms of a terminology name: as written, without a trailing code range
    ("Ischemic heart diseases (I20-I25)"), without "NOS", without and with its parenthesised words, and with
    "diabetes" for "diabetes mellitus", as clinicians write it ("gestational diabetes", "type 1 diabetes")."""
    name = _CODES.sub("", name).strip()
    yield name
    bare = NOS.sub("", name).strip()
    if bare != name:
        yield bare
    if "(" in bare or "[" in bare:  # "Systemic sclerosis [scleroderma]": the bracketed words too
        yield re.sub(r"\s+", " ", _PARENS.sub("", bare)).strip()
        yield re.sub(r"\s+", " ", re.sub(r"[()\[\]]", " ", bare)).strip()
    short = _MELLITUS.sub("diabetes", bare)
    if short != bare and "(" not in bare and "[" not in bare:  # "Gestational diabetes mellitus": "gestational diabetes"
        yield short


def status_name(name: str) -> str | None:
    """What an ICD-10-CM status code is the status of: ``"Kidney transplant status"`` (Z94.0) → ``"Kidney
    transplant"``, ``"Presence of aortocoronary bypass graft"`` (Z95.1) → ``"aortocoronary bypass graft"``; a
    criterion names the procedure or device ("history of kidney transplant"), the code names having had it."""
    match = _STATUS.match(NOS.sub("", name).strip())
    if match is None:
        return None
    found = (match.group("present") or match.group("status")).strip(" ,")
    return found if re.search(r"[a-z]{3}", found, re.IGNORECASE) else None
