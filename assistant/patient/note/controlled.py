"""A condition stated controlled ("diabetes well controlled", "well-controlled type 2 diabetes") denies its
uncontrolled form, when the vocabulary names one ("uncontrolled diabetes"): the patient has the condition,
and not the uncontrolled condition a criterion excludes."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from assistant.patient.facts import Condition
from assistant.patient.note.reading import Reading, add_mention
from assistant.patient.note.spans import sentence, text_of
from assistant.patient.note.types import NoteContext
from assistant.patient.note.vocabulary import Term, vocabulary_terms

_CONTROLLED = re.compile(
    r"(?<![\w-])(?P<not>(?:poorly|not(?:\s+well)?|sub-?optimally|badly|inadequately)[- ]|un)?"
    r"(?:(?:well|adequately|optimally|fully|good|tightly)[- ])?controlled\b",
    re.IGNORECASE,
)
_BREAK = re.compile(r"[;:.()\n]")


@lru_cache(maxsize=1)
def _uncontrolled_terms() -> dict[str, Term]:
    """The vocabulary's "uncontrolled <name>" conditions, by the name they qualify."""
    out: dict[str, Term] = {}
    for term in vocabulary_terms():
        if term.kind == "condition" and term.text.startswith("uncontrolled "):
            out.setdefault(term.text.removeprefix("uncontrolled "), term)
    return out


def _controlled_beside(ent: Span) -> tuple[int, int, bool] | None:
    """The span of "controlled" or "uncontrolled" written just before or after ``ent`` in its clause, and
    whether it says uncontrolled ("poorly controlled", "not controlled"), or None."""
    text = text_of(ent.doc)
    lo, hi = max(sentence(ent).start_char, ent.start_char - 24), min(sentence(ent).end_char, ent.end_char + 24)
    for match in _CONTROLLED.finditer(text, lo, hi):
        gap = (
            text[ent.end_char : match.start()] if match.start() >= ent.end_char else text[match.end() : ent.start_char]
        )
        if match.start() < ent.end_char and match.end() > ent.start_char:
            continue
        before = match.start() < ent.start_char  # "well-controlled diabetes"; not "HTN well controlled, diabetes"
        if _BREAK.search(gap) or (before and "," in gap) or len(gap.replace(",", " ").split()) > 2:
            continue
        return match.start(), match.end(), match.group("not") is not None
    return None


def read_controlled(ent: Span, term: Term, reading: Reading, ctx: NoteContext) -> None:
    """Add "uncontrolled <condition>" (absent or present) when the note says the condition it read is
    controlled or uncontrolled."""
    if ctx.negated or ctx.hypothetical or ctx.family:
        return
    names = (ent.text.lower(), term.label.lower(), term.text, ent[-1].lower_)  # "type 2 diabetes" → "diabetes"
    uncontrolled = next((_uncontrolled_terms()[n] for n in names if n in _uncontrolled_terms()), None)
    span = _controlled_beside(ent) if uncontrolled is not None else None
    if uncontrolled is None or span is None:
        return
    present = span[2]
    # controlled now says nothing of the past: it settles no "history of uncontrolled …" criterion
    fact = Condition(concept=uncontrolled.concept, present=present, covers_past=present, source=reading.source)
    base = {
        "kind": "condition",
        "concept": uncontrolled.concept,
        "context": NoteContext(negated=not present),
        "code": uncontrolled.code,
        "system": uncontrolled.system,
    }
    start, end = min(ent.start_char, span[0]), max(ent.end_char, span[1])
    words = reading.text[start:end]
    label = uncontrolled.label or uncontrolled.concept.replace("_", " ")
    state = "present (stated uncontrolled)" if present else "absent now (stated controlled; the history not stated)"
    add_mention(reading, base, start, end, f"{label}: {state} (from '{words}')", fact)
