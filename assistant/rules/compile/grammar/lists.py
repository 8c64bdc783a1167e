"""Words of a lead-in that introduces the items listed under it ("… by meeting one of the following criteria:")."""

from __future__ import annotations

#: How many of the items a lead-in asks for, before "of the following" ("one or both", "any 2", "at least one").
COUNT_OF: tuple[str, ...] = (
    "one or more",
    "one or both",
    "at least",
    "any",
    "either",
)
#: Words saying the items are exceptions to the lead-in ("History of other malignancy, except:").
EXCEPT: tuple[str, ...] = ("except", "excluding", "other than", "with the exception of", "unless", "apart from")
#: Words saying the items are examples of the lead-in ("Systemic autoimmune disease, including:").
EXAMPLES: tuple[str, ...] = ("including", "includes", "include", "such as", "e.g.", "for example", "for instance")
#: Words saying the items define a word of the lead-in under a condition ("… not considered of childbearing
#: potential if one of the following is documented:"): the items are no requirement of their own.
DEFINING_IF: tuple[str, ...] = ("if", "when", "provided")
#: Words saying every item is required ("as defined by", "all of the following").
ALL_OF: tuple[str, ...] = (
    "all of the following",
    "both of the following",
    "each of the following",
    "the following",
    "defined as",
    "defined by",
    "as follows",
    "according to",
)
