"""The criterion grammar the compiler reads, as data, one module per concern: time (``timing``), the
words around what occurs (``occurrence``) and those that change what a name names (``modifiers``), sex,
age and reproduction (``people``) and logistics (``logistics``). Names of conditions, drugs, procedures
and measurements are never listed here; they come from the concept vocabulary through the linker."""

from __future__ import annotations

from assistant.numbers import NUMBER_WORDS
from assistant.rules.compile.grammar.lists import ALL_OF, COUNT_OF, DEFINING_IF, EXAMPLES, EXCEPT
from assistant.rules.compile.grammar.logistics import ADMINISTRATIVE, JUDGEMENT
from assistant.rules.compile.grammar.modifiers import (
    ALLERGY_WORDS,
    COVERING_PAIRS,
    DRUG_WORDS,
    HYPHENATED_MODIFIER_ENDINGS,
    MODIFIER_ENDINGS,
    NOT_NARROWING,
)
from assistant.rules.compile.grammar.occurrence import (
    ABBREVIATION_LINKS,
    MEDICATION_USE,
    NAMING_QUALIFIERS,
    NARROWING,
    NEGATIONS,
    NEGATIVE_RESULT,
    OTHER_ITEM,
    POSITIVE_RESULT,
    QUALIFIERS,
    SEVERITY,
    SEX_LEAD_LINKS,
    SUBJECTS,
    TEST_WORDS,
    UNLINKED_ITEM_STOPS,
)
from assistant.rules.compile.grammar.people import (
    AGE_FILLER,
    AGE_GROUPS,
    PREGNANCY_CONTEXT,
    PREGNANCY_FILLER,
    REPRODUCTIVE,
    SEX_FILLER,
    SEX_WORDS,
)
from assistant.rules.compile.grammar.shown import STANDARD_LINKS
from assistant.rules.compile.grammar.timing import (
    ANCHOR_LINKS,
    ANCHOR_MOMENTS,
    ANCHORS,
    HOUR_UNITS,
    NOW_ANCHORS,
    TIME_UNITS,
    WINDOW_OPENERS,
)

__all__ = [
    "ALL_OF",
    "COUNT_OF",
    "DEFINING_IF",
    "EXAMPLES",
    "EXCEPT",
    "HOUR_UNITS",
    "JUDGEMENT",
    "ABBREVIATION_LINKS",
    "ALLERGY_WORDS",
    "COVERING_PAIRS",
    "DRUG_WORDS",
    "HYPHENATED_MODIFIER_ENDINGS",
    "MODIFIER_ENDINGS",
    "NOT_NARROWING",
    "ADMINISTRATIVE",
    "AGE_FILLER",
    "AGE_GROUPS",
    "ANCHORS",
    "ANCHOR_LINKS",
    "ANCHOR_MOMENTS",
    "MEDICATION_USE",
    "NAMING_QUALIFIERS",
    "OTHER_ITEM",
    "NARROWING",
    "NEGATIONS",
    "NEGATIVE_RESULT",
    "NOW_ANCHORS",
    "NUMBER_WORDS",
    "POSITIVE_RESULT",
    "PREGNANCY_CONTEXT",
    "PREGNANCY_FILLER",
    "QUALIFIERS",
    "REPRODUCTIVE",
    "SEVERITY",
    "STANDARD_LINKS",
    "SEX_LEAD_LINKS",
    "SEX_FILLER",
    "SEX_WORDS",
    "SUBJECTS",
    "TEST_WORDS",
    "UNLINKED_ITEM_STOPS",
    "TIME_UNITS",
    "WINDOW_OPENERS",
]
