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

from assistant.deid.contact_rules import CONTACT_RULES
from assistant.deid.names import NameListRecognizer
from assistant.deid.patterns import _CASED
from assistant.deid.rules import AGE_RULES, NAME_RULES, Rule

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
    "PHONE_EXTENSION": "PHONE",
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


RULES: tuple[Rule, ...] = (*NAME_RULES, *AGE_RULES, *CONTACT_RULES)
"""The project's own recognisers (``assistant.deid.rules`` and ``assistant.deid.contact_rules``)."""


class RulePatternRecognizer(PatternRecognizer):  # type: ignore[misc]
    """The pattern recogniser of one ``Rule``: its matches must pass the rule's check, if it has one."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(
            supported_entity=rule.entity,
            name=f"{rule.entity.title()}Rules",
            patterns=[Pattern(name, pattern, score) for name, pattern, score in rule.patterns],
            context=list(rule.context),
            global_regex_flags=_CASED if rule.cased else _CASED | regex.IGNORECASE,
        )
        self._check = rule.check

    def invalidate_result(self, pattern_text: str) -> bool:
        return self._check is not None and not self._check(pattern_text)


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
    return recognizers + [RulePatternRecognizer(rule) for rule in rules]
