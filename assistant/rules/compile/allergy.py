"""An allergy to a drug in a criterion: "allergy / hypersensitivity / allergic reactions to X" where X names a
medication is a drug allergy, whatever the drug (the records seldom say to which drug)."""

from __future__ import annotations

import dataclasses
import re

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile import grammar as g
from assistant.rules.compile.linking import Linked
from assistant.rules.compile.lists import link_all, link_one, link_some
from assistant.rules.compile.text import alternation

_ALLERGY_TO = re.compile(rf"^(?:{alternation(g.ALLERGY_WORDS)})\s+(?:to|against)\s+(?P<what>\S.*)$", re.IGNORECASE)
_DRUG_WORDS = re.compile(rf"\b(?:{alternation(g.DRUG_WORDS)})\b", re.IGNORECASE)


def drug_allergy(phrase: str, concepts: ConceptSet) -> tuple[Linked, str] | None:
    """The drug allergy concept and the words saying to what, for "allergy / hypersensitivity to X" where X
    names a medication (a drug or class the vocabulary knows, "any component of the study drug", "excipients");
    None otherwise. The rule then tests a drug allergy: none recorded decides, one recorded is left for review,
    as the records seldom say to which drug."""
    match = _ALLERGY_TO.match(phrase)
    if match is None:
        return None
    what = match.group("what")
    named = link_all(what, concepts, ("medication",))
    some = None if not isinstance(named, str) else link_some(what, concepts, ("medication",))
    if isinstance(named, str) and some is None and _DRUG_WORDS.search(what) is None:
        return None
    linked = link_one("drug allergy", concepts, ("condition",))
    return None if linked is None else (dataclasses.replace(linked, matched=phrase), f"to {what}")
