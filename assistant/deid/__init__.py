"""De-identification of free text: names, dates, record numbers, contact details, addresses → placeholders.

``deidentify(text) -> str`` replaces every identifier found with a typed placeholder (``[NAME]``,
``[DATE]``, ``[AGE]``, ``[MRN]``, ``[PHONE]``, ``[EMAIL]``, ``[ADDRESS]``, ``[SSN]``, ``[URL]``, ``[IP]``);
``deidentify_all(texts)`` does the same for texts that belong together, so a name found in one is
replaced in all; ``find_identifiers(text)`` returns the spans.

Detection is Microsoft Presidio's analyzer (``presidio-analyzer``): it is maintained, runs fully
offline, and lets recognisers be declared as data (regular expressions with scores, context
words). It runs here on a blank spaCy English pipeline — tokens for its context enhancer, no
trained model, nothing downloaded. ``scrubadub`` was the alternative; its name detection needs
a spaCy or Stanford NER model or TextBlob corpora fetched at run time, and it is no longer released.
Presidio's own recognisers find e-mail addresses, URLs, IP addresses, SSNs, dates and
phone numbers (through ``phonenumbers``); names, ages over 89, record numbers and postal addresses
are found by the context rules of ``assistant.deid.recognizers`` and, for names, by the word lists of
``assistant.deid.lexicon`` (given and family names from Faker's locales, common English words from
``pyspellchecker``, clinical words and eponyms from the vocabulary). Only full dates (day, month and
year) are replaced; a month and year, a study day or an age under 90 is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.deid.engine import Deidentifier, Identifier, get_deidentifier, replace

__all__ = [
    "Deidentifier",
    "Identifier",
    "deidentify",
    "deidentify_all",
    "find_identifiers",
    "get_deidentifier",
    "replace",
]


def find_identifiers(text: str) -> list[Identifier]:
    """The identifiers in ``text``, ordered and not overlapping."""
    return get_deidentifier().find(text)


def deidentify(text: str) -> str:
    """``text`` with every identifier replaced by a typed placeholder such as ``[NAME]``."""
    return get_deidentifier().redact(text)


def deidentify_all(texts: Sequence[str]) -> list[str]:
    """``texts`` de-identified together: a name found in any of them is replaced in all of them."""
    return get_deidentifier().redact_all(texts)
