"""A negative test result a criterion asks for ("Negative HIV test at screening", "Negative hepatitis B surface
antigen and hepatitis C antibody"): each test named must be one of the vocabulary's positive/negative tests."""

from __future__ import annotations

import re

from assistant.patient.concepts import ConceptSet
from assistant.rules.compile import grammar as g
from assistant.rules.compile.linking import Linked
from assistant.rules.compile.lists import is_flag, link_one
from assistant.rules.compile.result import Compiled, review
from assistant.rules.compile.text import strip_prefixes, unabbreviated

_NEGATIVE = re.compile(g.NEGATIVE_RESULT, re.IGNORECASE)
_TEST_WORDS = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(g.TEST_WORDS, key=len, reverse=True))
_TEST = re.compile(rf"\s+(?:{_TEST_WORDS})$", re.IGNORECASE)
_NOW_ANCHOR = re.compile(g.NOW_ANCHORS, re.IGNORECASE)


def _link_test(phrase: str, concepts: ConceptSet) -> Linked | None:
    """The positive/negative test a phrase names: "hepatitis B surface antigen test" → HBsAg."""
    for form in dict.fromkeys((phrase, _TEST.sub("", phrase))):
        found = link_one(form, concepts, ("observation",))
        if found is not None and is_flag(found, concepts):
            return found
    return None


def read_negative_test(text: str, concepts: ConceptSet) -> Compiled | None:
    """ "Negative HIV test at screening": the test's result is negative; every item of a list must be."""
    body, _ = strip_prefixes(unabbreviated(text), g.SUBJECTS)
    match = _NEGATIVE.match(body)
    if match is None:
        return None
    phrase = _NOW_ANCHOR.sub("", body[match.end() :]).strip(" ,")
    items = [phrase]
    whole = _link_test(phrase, concepts)
    links: list[Linked | None] = [whole] if whole is not None else []
    if whole is None:
        items = [_NEGATIVE.sub("", i).strip() for i in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", phrase) if i.strip()]
        links = [_link_test(_NOW_ANCHOR.sub("", i), concepts) for i in items]
    if not phrase or any(link is None for link in links):
        missing = next((i for i, link in zip(items, links, strict=True) if link is None), phrase)
        return review(
            f"no pattern of the rule compiler reads this criterion: a negative test of {missing!r}, which is not "
            "linked to a positive/negative test",
            "negative test not linked",
            "observation",
        )
    found = [link for link in links if link is not None]
    tests = [{"observation": link.concept, "flag": False} for link in found]
    notes = "; ".join(link.note() for link in found)
    return Compiled(
        tests[0] if len(tests) == 1 else {"all": tests},
        f"read {text!r}: a negative result of {', '.join(link.label for link in found)}; {notes}",
        "observation",
    )
