"""List answers: every criterion of the kind, category or measurement a question asks for, grouped and
each cited ("What are the exclusion criteria?", "What are the hepatic requirements?", "What lab values
are required?", "What blood counts are required?").

Which criteria state a laboratory value or a blood count is read from the concept vocabulary
(``assistant.patient.concepts``): a criterion names an observation concept with a threshold, and the
concept's canonical unit says what it measures (a concentration or activity per volume for a lab value,
a count per volume for a blood count).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from assistant.patient.concepts import Concept, load_concepts, normalize_text
from assistant.retrieve import stem, tokens
from assistant.types import Answer, Criterion, Protocol, Statement

LISTING = re.compile(r"\b(inclusion|exclusion|eligibility|entry)\s+criteri(a|on)\b", re.IGNORECASE)
LIST_CUE = re.compile(
    r"\b(?:requirements|criteria|values|levels|tests|function|counts|labs|limits|parameters|thresholds)\b"
    r"|\bwhat\s+are\b|\bwhich\s+are\b|\blist\b|\ball\s+the\b",
    re.IGNORECASE,
)
LAB_CUE = re.compile(r"\blab(?:oratory)?s?\b|\bblood\s+tests?\b|\bbloods\b|\bbiochemistry\b", re.IGNORECASE)
COUNT_CUE = re.compile(r"\bblood\s+counts?\b|\bcell\s+counts?\b|\bcbc\b|\bhaem\w*|\bhem(?:atolog|atopoie)\w*", re.I)
NUMERIC_CUE = re.compile(r"\blab(?:oratory)?s?\b|\bfunction\b|\bvalues?\b|\blevels?\b|\btests?\b|\blimits?\b", re.I)
THRESHOLD = re.compile(
    r"(?:[<>≤≥〉〈=]|\b(?:less|more|greater|fewer|at\s+least|at\s+most|above|below|times)\b)\s*\S*\d"
)
# Words that say what is listed without naming a category.
_GENERIC = frozenset(
    stem(w)
    for w in (
        "what which are is the list all requirement requirements required criteria criterion value values level "
        "levels test tests function limit limits parameter parameters threshold thresholds needed need eligibility "
        "inclusion exclusion entry for to be enrol enroll enrolment enrollment lab labs laboratory blood count counts "
        "study trial patient patients must have should allowed show about"
    ).split()
)
PER_VOLUME = re.compile(r"/(?:[mdnpu]?L)$|^\{INR\}$")
COUNT_PER_VOLUME = re.compile(r"^10\*\d+/L$|^/uL$")


@lru_cache(maxsize=4)
def _observation_patterns(which: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Word patterns of the observation concepts measured per volume (``lab``) or counted (``count``)."""
    test: Callable[[Concept], bool] = (
        (lambda c: bool(c.unit and COUNT_PER_VOLUME.search(c.unit)))
        if which == "count"
        else (lambda c: bool(c.unit and PER_VOLUME.search(c.unit)))
    )
    out: list[tuple[re.Pattern[str], str]] = []
    for concept in load_concepts().concepts.values():
        if concept.kind != "observation" or not test(concept):
            continue
        for synonym in {concept.name.replace("_", " "), concept.label.lower(), *concept.synonyms}:
            if len(synonym) >= 2:
                out.append(
                    (re.compile(r"(?<![\w-])" + re.escape(normalize_text(synonym)) + r"(?![\w-])"), concept.name)
                )
    return tuple(out)


def _measures(criterion: Criterion, which: str) -> bool:
    """Whether the criterion sets a threshold on an observation of the given sort."""
    if not THRESHOLD.search(criterion.text.replace(",", "")):
        return False
    text = normalize_text(criterion.text)
    return any(pattern.search(text) for pattern, _ in _observation_patterns(which))


def _category_terms(question: str) -> set[str]:
    return {t for t in tokens(question) if t not in _GENERIC and len(t) > 2}


def _by_category(question: str, protocol: Protocol) -> tuple[str, list[Criterion]] | None:
    wanted = _category_terms(question)
    if not wanted:
        return None
    names = {c.category for c in protocol.criteria if c.category}
    matched = [name for name in names if wanted & set(tokens(name))]
    if not matched:
        return None
    chosen = [c for c in protocol.criteria if c.category in matched]
    if NUMERIC_CUE.search(question):
        stated = [c for c in chosen if THRESHOLD.search(c.text.replace(",", ""))]
        chosen = stated or chosen
    return ", ".join(sorted(matched)).lower() + " criteria", chosen


def _kind_listing(question: str, protocol: Protocol) -> tuple[str, list[Criterion], str | None] | None:
    match = LISTING.search(question)
    if not match or _category_terms(question) - {"about", "show"}:
        return None
    kind = match.group(1).lower()
    kind = "inclusion" if kind == "entry" else kind
    chosen = [c for c in protocol.criteria if kind == "eligibility" or c.type == kind]
    lead = None
    if not chosen and kind == "exclusion":
        # No separate exclusion list (the registry's older format): the exclusions are the "No …" requirements.
        chosen = [c for c in protocol.criteria if re.match(r"^\s*(no|not|without)\b", c.text, re.IGNORECASE)]
        lead = (
            f"{protocol.id} has no separate exclusion list: all its criteria are requirements, and "
            f"{len(chosen)} of them exclude a condition or treatment."
        )
    return f"{kind} criteria", chosen, lead


def list_answer(question: str, protocol: Protocol) -> Answer | None:
    """All criteria of the asked kind, category or measurement, each quoted; None when the question
    asks for no list or the protocol states none of the kind."""
    found: tuple[str, list[Criterion], str | None] | None = _kind_listing(question, protocol)
    if found is None and LIST_CUE.search(question):
        category = _by_category(question, protocol)
        if category is not None:
            found = (category[0], category[1], None)
        elif COUNT_CUE.search(question):
            found = ("blood count criteria", [c for c in protocol.criteria if _measures(c, "count")], None)
        elif LAB_CUE.search(question):
            found = ("laboratory criteria", [c for c in protocol.criteria if _measures(c, "lab")], None)
    if found is None or not found[1]:
        return None
    name, chosen, lead = found
    return _grouped(question, protocol, name, chosen, lead)


def _grouped(question: str, protocol: Protocol, name: str, chosen: list[Criterion], lead: str | None) -> Answer:
    """The chosen criteria under their headings (inclusion / exclusion, then the record's category)."""
    everything = tuple(protocol.criterion_citation(c.id) for c in chosen)
    statements = [Statement(lead or f"{protocol.id} lists {len(chosen)} {name}.", everything)]
    heading: tuple[str, str | None] | None = None
    for criterion in chosen:
        group = (criterion.type, criterion.category)
        if group != heading:
            heading = group
            title = criterion.type.capitalize() + (f" — {criterion.category}" if criterion.category else "")
            members = tuple(protocol.criterion_citation(c.id) for c in chosen if (c.type, c.category) == group)
            statements.append(Statement(f"{title}:", members))
        citation = protocol.criterion_citation(criterion.id)
        statements.append(Statement(f"{criterion.id.split(':')[1]}: “{' '.join(criterion.text.split())}”", (citation,)))
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=protocol.id)
