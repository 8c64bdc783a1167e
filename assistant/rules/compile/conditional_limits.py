"""A limit that changes when a condition holds, stated in brackets after the limit: "AST and ALT ≤ 2.5 × ULN
(≤ 5 × ULN if liver metastases are present)", "Total bilirubin ≤ 1.5 × ULN (< 3 × ULN in patients with Gilbert's
syndrome)".

The criterion holds where the limit that applies holds: the other limit when the condition holds, the first
one when it does not. Read as any of (both limits hold), (the condition and the other limit hold), (the condition
is absent and the first limit holds), so a value within both limits decides without the condition, a value
beyond both decides against, and only a value between them waits for the condition to be known.
"""

from __future__ import annotations

import re

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile.occurrence import read_occurrence
from assistant.rules.compile.result import Compiled
from assistant.rules.compile.thresholds import read_thresholds

_LIMIT = r"(?:[<>≤≥]=?|=)\s*\d+(?:\.\d+)?\s*(?:x|×|X|times)\s*(?:the\s+)?(?:ULN|upper\s+limit\s+of\s+normal)"
_IF = re.compile(
    rf"\s*\(\s*(?P<limit>{_LIMIT})\s+(?:if|when|for\s+patients\s+with|in\s+patients\s+with|for\s+subjects\s+with|"
    r"in\s+subjects\s+with|in\s+the\s+presence\s+of|in\s+case\s+of|with)\s+(?P<condition>[^()]+?)"
    r"(?:\s+(?:is|are)\s+(?:present|documented|known))?\s*\)",
    re.IGNORECASE,
)
_A_LIMIT = re.compile(_LIMIT, re.IGNORECASE)


def read_conditional_limit(text: str, concepts: ConceptSet, criterion_type: str) -> Compiled | None:
    """The criterion with one bracketed limit for patients with a condition, or None when it has none or a part
    of it does not read (then the other readers say what they make of it)."""
    found = list(_IF.finditer(text))
    if len(found) != 1:
        return None
    match = found[0]
    first = text[: match.start()] + text[match.end() :]
    limits = list(_A_LIMIT.finditer(first))
    if not limits or limits[-1].end() > match.start():
        return None
    last = limits[-1]  # the limit the bracket follows: "bilirubin < 1.5 × ULN; AST, ALT < 2.5 × ULN (< 5 × ULN if …)"
    other = first[: last.start()] + match.group("limit") + first[last.end() :]
    base, wider = read_thresholds(first, concepts, criterion_type), read_thresholds(other, concepts, criterion_type)
    condition = read_occurrence(match.group("condition").strip(), concepts)
    if not all(c is not None and c.executable for c in (base, wider, condition)):
        return None
    assert base is not None and wider is not None and condition is not None
    when = {
        "any": [
            {"all": [base.when, wider.when]},
            {"all": [condition.when, wider.when]},
            {"all": [{"not": condition.when}, base.when]},
        ]
    }
    note = (
        f"read {text!r}: {base.note} | {match.group('limit')!r} instead when {match.group('condition')!r}: "
        f"{condition.note}; the limit that applies decides, a value within both decides without the condition"
    )
    return Compiled(when, note, "combined")
