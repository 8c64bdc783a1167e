"""The clinical context of a matched term: ConText's and the Sectionizer's flags, how far a section lends
its context, and what a negation says (over, absent now, absent through the history)."""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Span

from assistant.patient.note.demographics import in_title_paragraph
from assistant.patient.note.infections import denied_with_a_list
from assistant.patient.note.spans import sentence, sentence_ents, text_of
from assistant.patient.note.types import NoteContext

_RESOLVED_TRIGGERS = frozenset({"resolved", "now resolved", "no longer present"})
"""ConText negation triggers that state a condition is over, not that it never was ("resolved hepatitis C",
"hepatitis C, now resolved")."""
_PAST_WORDS = re.compile(r"\b(?:history|hx|h/o|prior|previous|previously|past|ever|never)\b", re.IGNORECASE)
"""Words of a negation (or of a history trigger beside it) that make it cover the past: "no history of"."""
_PERFECT = re.compile(
    r"\b(?:has|have|had)\s+(?:never\s+|not\s+)?(?:taken|had|received|used|been\s+(?:on|given|treated))\b",
    re.IGNORECASE,
)
"""A negation in the perfect ("has taken no analgesics", "has never had") speaks of the past too."""
_PAST_SECTIONS = frozenset({"past_medical_history", "past_surgical_history", "problem_list"})
"""Sections whose negatives ("PMH: no diabetes") speak of the whole history; so does an allergy list's
("Allergies: none"), which records every allergy known to date, within its title's paragraph."""
_ALLERGY_SECTIONS = frozenset({"allergy", "allergies"})
"""Sections listing what the patient reacts to: a drug named there is not one taken."""
_NO_KNOWN = re.compile(r"\b(?:no|not|nor)\s+(?:other\s+|previously\s+)?known\b[^,;]*$", re.IGNORECASE)
"""A denial of anything known ("no known drug allergies", "no known liver disease"): none was ever diagnosed."""
_HISTORY_AFTER = re.compile(r"[ \t]*(?:history|hx)\b", re.IGNORECASE)
_NOW = re.compile(r"\b(?:active|current|currently|acute|now|at present|presently|today|ongoing)\b", re.IGNORECASE)


_NONE = re.compile(r"[\s:]*(?:none|nil|nka|no\s+known\s+allergies)(?:\s+known)?\s*(?:[.;,\n]|$)", re.IGNORECASE)
"""An allergy list that is empty and says nothing more ("none", "nil", "none known", "NKA"; not "none to drugs",
nor "NKDA", which denies drug allergies only)."""
_NO_DRUG_ALLERGY = re.compile(r"[\s:]*(?:nkda|no\s+known\s+drug\s+allergies)\s*(?:[.;,\n]|$)", re.IGNORECASE)
"""An allergy list that denies drug allergies only ("NKDA", "no known drug allergies")."""
_LISTED = re.compile(r"[\s:]*(?!(?:none|nil|nkda|nka|no|not|nor|denies|unknown|see|n/?a)\b)[A-Za-z]", re.IGNORECASE)
"""An allergy list that names something ("penicillin (rash)", "iodinated contrast - hives")."""


_OVER_WORDS = (
    r"(?:(?:now|since|has|have|had|was|is|been|fully|completely|clinically)\s+)*(?:resolved|cured|healed|recovered)"
    r"|in\s+(?:(?:complete|full|sustained|durable|clinical|ha?ematologic(?:al)?|molecular)\s+)*remission"
    r"|disease[\s-]*free|no\s+evidence\s+of\s+(?:disease|recurrence)(?!\s+progression)|no\s+recurrence"
)
_OVER = re.compile(rf"\b(?:{_OVER_WORDS})\b", re.IGNORECASE)
_OVER_ALONE = re.compile(
    rf"\s*(?:{_OVER_WORDS})(?:\s+(?:since(?:\s+then)?|now|for\s+\w+\s+\w+|after\s+[\w\s-]+))?\s*[.]?\s*$",
    re.IGNORECASE,
)
_NOT_OVER = re.compile(
    r"\b(?:not|never|without|yet|failed|fails|awaiting|pending|partial|partially|incomplete|nor)\b|\bno\s+(?!evidence|recurrence)",
    re.IGNORECASE,
)
"""Words stating that a condition is over ("pneumonia, resolved", "AML in complete remission", "breast cancer,
disease-free since"), and words that deny it ("not in complete remission", "in partial remission", "not yet
resolved")."""


def stated_over(ent: Span) -> bool:
    """True when words of its own item state ``ent`` over: after it in its item ("AML in complete remission
    after induction"), or as the whole next item ("hypertension, pneumonia last year, resolved": the pneumonia
    only), or just before it ("resolved pneumonia"); never words another term's item holds ("AML, resolved
    neutropenic fever") or words that deny it ("not in complete remission", "failed to achieve remission")."""
    text = text_of(ent.doc)
    sent = sentence(ent)
    others = [e for e in sentence_ents(ent) if e.start != ent.start]

    def alone(start: int, stop: int) -> bool:
        return not any(start <= e.start_char < stop for e in others)

    own_end = _item_end(text, ent.end_char, sent.end_char)
    own = text[ent.end_char : own_end]
    if alone(ent.end_char, own_end) and _OVER.search(own) and not _NOT_OVER.search(own):
        return True
    if own_end < sent.end_char and text[own_end] in ",;":
        next_end = _item_end(text, own_end + 1, sent.end_char)
        following = text[own_end + 1 : next_end]
        if alone(own_end + 1, next_end) and _OVER_ALONE.match(following) and not _NOT_OVER.search(following):
            return True
    before = max((e.end_char for e in others if e.end_char <= ent.start_char), default=sent.start_char)
    lead = re.split(r"[,;]", text[before : ent.start_char])[-1]
    return bool(re.search(r"\b(?:resolved|healed|cured)\s*$", lead)) and not _NOT_OVER.search(lead)


_ITEM_SEPARATOR = re.compile(r"[,;]")


def _item_end(text: str, start: int, limit: int) -> int:
    """Where the list item that begins at ``start`` ends: its comma or semicolon, else ``limit``."""
    found = _ITEM_SEPARATOR.search(text, start, limit)
    return found.start() if found is not None else limit


def allergy_list(ent: Span) -> str | None:
    """For the title of an allergy section (the matched "Allergies"): ``empty`` when its list is stated empty
    ("Allergies: none", "Allergies: NKA"), ``no drug`` when it denies drug allergies only ("Allergies: NKDA"),
    ``listed`` when it names something ("Allergies: penicillin"), else None."""
    title = ent._.section_title
    if ent._.section_category not in _ALLERGY_SECTIONS or title is None or not title.start <= ent.start < title.end:
        return None
    if _NONE.match(text_of(ent.doc), title.end_char):
        return "empty"
    if _NO_DRUG_ALLERGY.match(text_of(ent.doc), title.end_char):
        return "no drug"
    return "listed" if _LISTED.match(text_of(ent.doc), title.end_char) else None


def context_of(ent: Span) -> NoteContext:
    """ConText's and the Sectionizer's flags on a matched span.

    A family flag that only the section gives holds within the section title's paragraph, and so does the
    allergy section's hypothetical flag (the drug of "Allergies: penicillin" is not taken, but the next
    paragraph's are); the allergy title itself is an absence of allergy when the list is stated empty
    ("Allergies: none", "Allergies: NKA"; "Allergies: NKDA" is read by the caller as no drug allergy) and an
    allergy when the list names something ("Allergies: penicillin").
    A negation does not reach a stated value across a comma or semicolon ("no haemolysis, creatinine 0.8
    mg/dL")."""
    categories = {m.category for m in ent._.modifiers}
    family = bool(ent._.is_family) and ("FAMILY" in categories or in_title_paragraph(ent.doc, ent.start))
    family = family or _a_relative_has(ent)
    hypothetical = bool(ent._.is_hypothetical)
    negated = bool(ent._.is_negated)
    if hypothetical and "HYPOTHETICAL" not in categories and ent._.section_category in _ALLERGY_SECTIONS:
        lent = in_title_paragraph(ent.doc, ent.start)
        listing = allergy_list(ent)
        hypothetical = lent and listing is None
        negated = listing in ("empty", "no drug") or (negated and listing != "listed")
    denials = [m for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE"]
    if negated and denials and all(_in_another_item(ent, m) for m in denials):
        negated = False  # "Hypertension, diabetes, PE unlikely", "Pneumonia resolved, hypertension": another item's
    if not negated and ent.label_ == "CONDITION" and denied_with_a_list(ent):
        negated = True  # "HIV, HBsAg and anti-HCV negative": the result is each item's
    if negated and _allergy_to_a_named_drug(ent):  # "No penicillin allergy" denies one allergy, not all
        negated, hypothetical = False, True
    if _named_as_allergen(ent):  # "penicillin allergy": the drug is not taken, and its denial is not of the drug
        negated, hypothetical = False, True
    historical = bool(ent._.is_historical) and ("TAKING" not in categories or "HISTORICAL" in categories)
    past = [m for m in ent._.modifiers if m.category == "HISTORICAL"]
    if historical and past and ent._.section_category not in _HISTORY_SECTIONS:
        historical = not all(_stopped_across_a_list(ent, m) for m in past)
    if historical and "TAKING" in categories:  # "History of kidney transplant in 2018 on tacrolimus": taken now
        historical = any(not _of_another(ent, m) for m in past)
    return NoteContext(
        negated=negated,
        # a section of the history does not make a drug the note says the patient is on past ("PMH: AF on
        # apixaban"); a word of the past still does ("previously on warfarin")
        historical=historical,
        hypothetical=hypothetical,
        family=family,
        uncertain=bool(ent._.is_uncertain),
        generic="GENERIC" in categories,
    )


_ITEM_BOUND = frozenset({"unlikely", "free", "now resolved", "no longer present", "resolved"})
"""Denials that speak of their own list item only ("diabetes, PE unlikely", "seizure-free", "pneumonia
resolved, hypertension"), unlike a denial that closes a whole list ("hypertension, diabetes, CKD: none")."""


def _in_another_item(ent: Span, modifier: Any) -> bool:
    """True when an item-bound denial (``_ITEM_BOUND``) lies in another item of a list than ``ent``: after it,
    after words of its own ("diabetes, PE unlikely"; not "pneumonia, now resolved", whose item is the denial
    alone), or before it across a comma or semicolon ("Pneumonia resolved, hypertension")."""
    doc = ent.doc
    if modifier.rule.literal not in _ITEM_BOUND:
        return False
    start, end = modifier.modifier_span
    if start >= ent.end:
        items = re.split(r"[,;]", text_of(doc)[ent.end_char : doc[start].idx])
        return len(items) > 1 and bool(re.search(r"\w", items[-1]))
    return end <= ent.start and bool(re.search(r"[,;]", text_of(doc)[doc[end - 1].idx : ent.start_char]))


_ALLERGY_WORDS = frozenset({"allergy", "allergies", "hypersensitivity", "intolerance", "reaction", "reactions"})


def _allergy_to_a_named_drug(ent: Span) -> bool:
    """True for an allergy word right after a drug the note names ("penicillin allergy"): a statement about an
    allergy to that drug, whose denial says nothing of other allergies. Read from the tokens' entity marks, so
    each mention costs the same however long the note."""
    if ent.label_ != "CONDITION" or ent.text.lower() not in _ALLERGY_WORDS or ent.start == 0:
        return False
    return ent.doc[ent.start - 1].ent_type_ == "MEDICATION"


def _named_as_allergen(ent: Span) -> bool:
    """True for a drug right before an allergy word ("penicillin allergy", "no amoxicillin intolerance")."""
    doc = ent.doc
    if ent.label_ != "MEDICATION" or ent.end >= len(doc):
        return False
    after = doc[ent.end]
    alone = ent.end + 1 == len(doc) or doc[ent.end + 1].ent_iob_ != "I"
    return after.ent_iob_ == "B" and after.ent_type_ == "CONDITION" and after.lower_ in _ALLERGY_WORDS and alone


def named_allergen(ent: Span) -> bool:
    """True for a drug the note names as what the patient is allergic to, not denied: an item of an allergy
    list ("Allergies: penicillin (rash)"), before an allergy word ("penicillin allergy") or after "allergic to"
    ("allergic to sulfa drugs"). Such a drug is a drug allergy of the patient's ("No penicillin allergy",
    "not allergic to penicillin" are not, nor a drug taken or after a list stated empty: "Allergies: none
    known; he took X without problems")."""
    if ent.label_ != "MEDICATION" or ent._.is_negated:
        return False
    modifiers = ent._.modifiers
    if any(m.category == "TAKING" for m in modifiers):  # "tolerated amoxicillin", "took X without problems"
        return False
    if ent._.section_category in _ALLERGY_SECTIONS and in_title_paragraph(ent.doc, ent.start):
        title, text = ent._.section_title, text_of(ent.doc)
        if title is None:
            return True
        return not (_NONE.match(text, title.end_char) or _NO_DRUG_ALLERGY.match(text, title.end_char))
    allergic_to = any(m.category == "HYPOTHETICAL" and m.rule.literal.startswith("allergic to") for m in modifiers)
    return allergic_to or _named_as_allergen(ent)


_HAS = re.compile(r"\b(?P<who>[A-Za-z]+)(?:'s)?\s+(?:also\s+)?(?:has|have)\b", re.IGNORECASE)


def _a_relative_has(ent: Span) -> bool:
    """True when a relative is the subject of the "has" before ``ent`` in its clause ("Her sister has breast
    cancer"): "has" ends ConText's scopes ("No fever, has cough"), the family one too."""
    from assistant.patient.note.pipeline import relation_words

    text = text_of(ent.doc)
    clause = max(sentence(ent).start_char, text.rfind(";", 0, ent.start_char) + 1)
    subjects = [m["who"].lower() for m in _HAS.finditer(text, clause, ent.start_char)]
    return bool(subjects) and subjects[-1] in relation_words()  # the nearest: "… and he has X" is the patient's


_LIST_BOUND = frozenset(
    {"stopped", "discontinued", "previously", "formerly", "s/p", "status post", "ago", "years ago", "at age"}
)
"""History triggers that speak of the item they stand by: in "aspirin 81 mg daily, warfarin stopped" only the
warfarin was stopped, so their scope does not cross a comma or semicolon (as a negation's does: "denies
fever, chills")."""
_HISTORY_SECTIONS = frozenset({"past_medical_history", "sexual_and_social_history"})
"""Sections that make what they list historical themselves (medspaCy's section attributes)."""


def _of_another(ent: Span, modifier: Any) -> bool:
    """True when another condition, drug or procedure stands between a modifier before ``ent`` and ``ent``: the
    history it opens is of that one ("History of kidney transplant … on tacrolimus")."""

    start, end = modifier.modifier_span
    if start >= ent.start:
        return False
    return any(
        e.label_ != "OBSERVATION" and e.start_char != ent.start_char and end <= e.start and e.end <= ent.start
        for e in sentence_ents(ent)
    )


def _stopped_across_a_list(ent: Span, modifier: Any) -> bool:
    """True when ``modifier`` is a list-bound history trigger with a comma or semicolon between it and ``ent``."""
    doc = ent.doc
    start, end = modifier.modifier_span
    rule = getattr(modifier, "rule", None)
    literal = str(getattr(rule, "literal", "")).lower() or doc[start:end].text.lower()
    return literal in _LIST_BOUND and bool(re.search(r"[,;]", _between(ent, modifier)))


def _between(ent: Span, modifier: Any) -> str:
    """The text between a ConText modifier and the span it modifies, on whichever side it stands."""
    doc = ent.doc
    start, end = modifier.modifier_span
    return (
        text_of(doc)[doc[end - 1].idx : ent.start_char]
        if end <= ent.start
        else text_of(doc)[ent.end_char : doc[start].idx]
    )


def negation_reaches_value(ent: Span) -> bool:
    """True when a negation trigger of ``ent`` is in the same clause (no comma or semicolon between)."""
    return any(not re.search(r"[,;]", _between(ent, m)) for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE")


def negation_triggers(ent: Span) -> list[str]:
    """The ConText negation triggers of ``ent``, lower case."""
    doc = ent.doc
    return [
        doc[m.modifier_span[0] : m.modifier_span[1]].text.lower()
        for m in ent._.modifiers
        if m.category == "NEGATED_EXISTENCE"
    ]


def resolved_not_absent(ent: Span) -> bool:
    """True when every negation of ``ent`` is a word stating it is over ("resolved"), not that it never was."""
    triggers = negation_triggers(ent)
    return bool(triggers) and all(t in _RESOLVED_TRIGGERS for t in triggers)


def absence_covers_past(ent: Span) -> bool:
    """Whether a negated mention also speaks of the past: "no history of", "never", "no known", or a negative in a
    past-history section not limited to the present ("PMH: no diabetes" but not "PMH: no active hepatitis")."""

    doc = ent.doc
    triggers = [
        doc[m.modifier_span[0] : m.modifier_span[1]].text
        for m in ent._.modifiers
        if m.category in ("NEGATED_EXISTENCE", "HISTORICAL")
    ]
    before = text_of(doc)[sentence(ent).start_char : ent.start_char]
    if _NOW.search(before):
        return False
    if any(_PAST_WORDS.search(t) for t in triggers) or _PERFECT.search(before) or _NO_KNOWN.search(before):
        return True
    if _HISTORY_AFTER.match(text_of(doc), ent.end_char):  # "no cancer history"
        return True
    if ent._.section_category in _ALLERGY_SECTIONS:
        return in_title_paragraph(doc, ent.start)
    return ent._.section_category in _PAST_SECTIONS


_NEUTRAL = frozenset(
    "a an the any some such other of in on at to for with his her their its this that these those "
    "known evidence sign signs symptom symptoms feature features suggestion clinical clinically radiological "
    "radiographic personal history hx prior previous past current currently presently active further documented "
    "is was are were be been being has had have having on receiving received receives receive taking takes "
    "taken take took using uses used use given started starting reports reported experienced developed "
    "shows showed seen noted found part enrolled participated participating involved".split()
)
"""Words between a negation and its term that do not narrow what is denied ("no known", "no other", "not
receiving")."""


_SITUATION_AFTER = re.compile(
    r"[ \t]+(?:at\s+(?:rest|night)|on\s+(?:exertion|exercise|effort|walking|standing|lying|swallowing)"
    r"|with\s+(?:exertion|exercise|effort|activity|meals|eating|swallowing)|during\s+(?:exercise|exertion|the\s+day)"
    r"|after\s+(?:meals|eating|exercise|exertion)|when\s+(?:walking|lying|standing|eating|swallowing))\b",
    re.IGNORECASE,
)
"""A situation just after a term, which a denial is then limited to ("no pain at rest", "no dyspnoea on
exertion"): the term is not denied as a whole."""


def negation_narrowed(ent: Span) -> bool:
    """True when a word just before a negated term narrows it ("no back surgery", "no peripheral arthritis"),
    or a situation just after it ("no pain at rest"): the note denies a kind of the term, which says nothing
    of the term itself. Words of a list ("serious or
    recurrent infections"), of the negation or of another term stop the search."""
    doc = ent.doc
    triggers = [m.modifier_span for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE"]
    if _SITUATION_AFTER.match(text_of(doc), ent.end_char):
        return True  # "no pain at rest": a denial of the pain in one situation, not of all pain
    if not any(start < ent.start for start, _ in triggers):
        return False  # denied only by words after it ("treatment-naive"): nothing before it narrows a denial

    in_term = {i for other in sentence_ents(ent) if other != ent for i in range(other.start, other.end)}
    i, floor = ent.start - 1, sentence(ent).start
    while i >= floor:
        token = doc[i]
        if any(start <= i < end for start, end in triggers) or i in in_term or not token.is_alpha:
            return False
        if token.lower_ in ("or", "and", "nor"):
            return False
        if token.lower_ not in _NEUTRAL:
            return True
        i -= 1
    return False
