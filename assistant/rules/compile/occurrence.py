"""Readers for conditions, medications and procedures: present, absent, history, time windows, lists
("No history of stroke, TIA or MI"), washouts ("At least 4 weeks since the last dose of …")."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from assistant.patient.concepts import ConceptSet, Kind
from assistant.rules.compile import grammar as g
from assistant.rules.compile.allergy import drug_allergy
from assistant.rules.compile.coordination import coordinated_modifiers
from assistant.rules.compile.heads import set_aside_modifiers
from assistant.rules.compile.linking import Linked, link_phrase
from assistant.rules.compile.lists import BRACKETED, KINDS, link_all, link_one, link_some, masked
from assistant.rules.compile.result import Compiled, RuleKind, review
from assistant.rules.compile.text import alternation, duration, split_window, strip_prefixes, unabbreviated

_PERIOD = r"(?P<n>\d+|" + "|".join(g.NUMBER_WORDS) + r")\s*(?P<unit>" + "|".join(g.TIME_UNITS) + r")\b"
_SINCE = re.compile(
    rf"^(?P<op>at\s+least|more\s+than|over|greater\s+than|≥|>=|>|〉)\s*{_PERIOD}\s+"
    r"(?:(?:must\s+)?(?:have\s+)?(?:passed|elapsed)\s+)?(?:since|from|after)\s+(?:the\s+)?"
    r"(?:completion\s+of\s+|end\s+of\s+|last\s+dose\s+of\s+|last\s+administration\s+of\s+)?(?:any\s+)?"
    r"(?:prior|previous|last)?\s*(?P<what>.+?)$",
    re.IGNORECASE,
)
_POSITIVE = re.compile(g.POSITIVE_RESULT, re.IGNORECASE)
_NOW_ANCHOR = re.compile(g.NOW_ANCHORS, re.IGNORECASE)
_TRAILING_REMARK = re.compile(r"\s*\([^()]*\)\s*$")
_OR_NEXT = re.compile(r"^(?:or|and/or)\s+", re.IGNORECASE)
_JOINED_ON = re.compile(r"^(?:,|(?:or|and/or|and)\s)", re.IGNORECASE)
_COVERING = re.compile(
    r"^(?:(?:either|any)\s+)?(?:"
    + "|".join(
        rf"{a}\s*(?:,\s*|\s+)(?:or|and/or)\s+{b}|{b}\s*(?:,\s*|\s+)(?:or|and/or)\s+{a}" for a, b in g.COVERING_PAIRS
    )
    + r")\s+(?=\w)",
    re.IGNORECASE,
)
_STANDARD = re.compile(
    rf"\s*,?\s+(?:{alternation(g.STANDARD_LINKS)})\s+(?:the\s+)?(?P<standard>[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:[-\s]?\d+)?"
    r"|[A-Z][a-z]+\s+(?:I{1,3}|IV|V|\d))(?:\s+(?:version\s+|v\s*)?\d+(?:\.\d+)*)?(?:\s+criteria)?\s*$"
)
"""A named standard ending the criterion ("per RECIST version 1.1", "according to Rome III criteria", "per DSM-5"):
an acronym, or a name and its number."""
_PAREN_WINDOW = re.compile(r"\s*\((?P<window>\s*(?:within|in\s+the\s+(?:past|last))\b[^()]*)\)\s*", re.IGNORECASE)


_NARROWING = re.compile(rf"\s+(?:{alternation(g.NARROWING)})\b", re.IGNORECASE)
_WIDENING = re.compile(r"\s*(?:or|and|and/or|plus|as\s+well\s+as|including|incl|also)\b", re.IGNORECASE)
_LIST_WORDS = re.compile(r",|;|\bor\b|\band\b|\band/or\b", re.IGNORECASE)


Links = tuple[list[tuple[Linked, str | None]], bool]
"""The concepts a phrase names, each with its own timing, and whether they are joined by 'and'."""


def _narrows(named: Links, bare: Links | str, concepts: ConceptSet) -> bool:
    """True when the name with its qualifier is a narrower concept than the name alone ("systemic steroid"
    under "steroid"): the qualifier then belongs to the name."""
    if isinstance(bare, str) or len(bare[0]) != 1 or len(named[0]) != 1:
        return False
    wide, narrow = bare[0][0][0].concept, named[0][0][0].concept
    return narrow != wide and narrow in concepts.descendants(wide)


def _narrowed(phrase: str, concepts: ConceptSet) -> tuple[tuple[list[tuple[Linked, str | None]], bool], str] | None:
    """The concepts a phrase names once a narrowing clause or a bracketed remark is set aside
    ("ascites requiring recurrent drainage", "psoriasis (Group D)", "major surgery (excluding placement of
    vascular access)"), with the words set aside; None unless the words set aside hold no list and add
    nothing ("(or X)", "(including X)" may widen the name). A clause narrows conditions only; a bracketed
    remark may narrow a medication or procedure too."""
    found_remarks = [m.group().strip() for m in BRACKETED.finditer(phrase)]
    if any(_WIDENING.match(remark[1:]) for remark in found_remarks):
        return None
    remarks = " ".join(found_remarks)
    bare = " ".join(BRACKETED.sub(" ", phrase).split())
    candidates: list[tuple[str, str, tuple[Kind, ...]]] = [(bare, remarks, KINDS)] if remarks and bare else []
    hidden = masked(phrase)  # a bracket inside the clause stays in it: "confirmed by sleep study (PSG, EEG)"
    cut = _NARROWING.search(hidden)
    if cut is not None and cut.start() > 0 and _LIST_WORDS.search(hidden[cut.start() :]) is None:
        head = phrase[: cut.start()]
        set_aside = [m.group().strip() for m in BRACKETED.finditer(head)]
        dropped = " ".join([*set_aside, phrase[cut.start() :].strip()])
        candidates.append((" ".join(BRACKETED.sub(" ", head).split()).strip(" ,"), dropped, ("condition",)))
    for head, dropped, kinds in candidates:
        found = link_all(head, concepts, kinds)
        if not isinstance(found, str) and all(link.kind in kinds for link, _ in found[0]):
            return found, dropped
    for head, dropped, _ in [(phrase, "", KINDS), *candidates]:  # "invasive candidiasis": a case of candidiasis
        lowered = head.lower()
        if _LIST_WORDS.search(masked(head)) or BRACKETED.search(head) or any(c in lowered for c in g.REPRODUCTIVE):
            continue
        for rest, modifiers in set_aside_modifiers(head):
            link = link_one(rest, concepts, ("condition",))
            if link is not None and link.kind == "condition":
                return ([(link, None)], False), " ".join(filter(None, (modifiers, dropped)))
    return None


def _node(link: Linked, timing: str, window: dict[str, int] | None, concepts: ConceptSet) -> dict[str, Any]:
    """The test of one linked concept (the 'is present' side; negation is applied by the caller). A therapy
    that goes on (a procedure without ``event``: dialysis, CPAP) named without a time is its current use,
    which no record of it shows: its absence decides, a record leaves it for review."""
    if link.kind == "condition":
        node: dict[str, Any] = {"condition": link.concept}
        if window is not None:
            node["within"] = window
        elif timing == "ever":
            node["ever"] = True
        return node
    if link.kind == "medication":
        node = {"medication": link.concept}
        if window is not None:
            node["within"] = window
        elif timing == "ever":
            node["ever"] = True
        return node
    node = {"procedure": link.concept}
    if window is not None:
        node["within"] = window
    elif timing != "ever" and not concepts.get(link.concept, ("procedure",)).event:
        return {"all": [node, {"needs_review": f"whether the {link.label} recorded goes on now"}]}
    return node


def _one_sided(test: dict[str, Any], link: Linked, judged: str) -> dict[str, Any]:
    """The test of a concept the criterion narrows or judges: the concept's absence decides; its presence
    leaves the test unknown (a condition's ``qualifier``; beside a medication or procedure, a review)."""
    if link.kind == "condition":
        return dict(test, qualifier=judged)
    return {
        "all": [test, {"needs_review": f"whether the {link.label} found falls within the criterion's words {judged}"}]
    }


def _kind_of(links: list[Linked]) -> RuleKind:
    kinds = {link.kind for link in links}
    if len(kinds) > 1:
        return "combined"
    kind = kinds.pop()
    if kind == "observation":
        return "observation"
    return "condition" if kind == "condition" else "medication" if kind == "medication" else "procedure"


def timing_of(qualifiers: list[str]) -> str:
    """ "ever", "recent" or "now", as the qualifiers read time the criterion."""
    timings = {g.QUALIFIERS[q] for q in qualifiers if q in g.QUALIFIERS}
    return "ever" if "ever" in timings else "recent" if "recent" in timings else "now"


def read_since(text: str, concepts: ConceptSet) -> Compiled | None:
    """ "At least 4 weeks since prior chemotherapy": time since the last exposure; of each item of a list
    ("At least 4 weeks since last surgery or radiation therapy": since the last of either, so each washout)."""
    match = _SINCE.match(unabbreviated(text))
    if match is None:
        return None
    what = match.group("what").strip(" .;,")
    link = link_phrase(what, ("medication", "procedure"), concepts)
    found = link_all(what, concepts, ("medication", "procedure")) if link is None else ([(link, None)], False)
    if isinstance(found, str) or any(item.kind not in ("medication", "procedure") for item, _ in found[0]):
        return review(
            f"no pattern of the rule compiler reads this criterion: a washout of {match.group('what')!r}, which is not "
            "linked to a concept",
            "washout not linked",
            "medication",
        )
    links = [item for item, _ in found[0]]
    op = ">=" if match.group("op").lower().replace("  ", " ") in ("at least", "≥", ">=") else ">"
    window = duration(match.group("n"), match.group("unit"))
    tests = [{"since": item.concept, "op": op, **window} for item in links]
    labels = " and the last ".join(item.label for item in links)
    return Compiled(
        tests[0] if len(tests) == 1 else {"all": tests},
        f"read {text!r}: time since the last {labels} {op} {next(iter(window.values()))} "
        f"{next(iter(window))}; {'; '.join(item.note() for item in links)}",
        _kind_of(links),
    )


_SEX_LEAD = re.compile(
    rf"^(?P<sex>{alternation(list(g.SEX_WORDS))})(?:\s+(?:patients|subjects|participants))?"
    rf"\s+(?:{alternation(g.SEX_LEAD_LINKS)})\s+",
    re.IGNORECASE,
)


def read_occurrence(text: str, concepts: ConceptSet) -> Compiled | None:
    """Condition, medication or procedure present / absent / in a window / at any time, alone or in a list;
    a positive test ("Positive blood screen for HIV") of a positive/negative observation. Stated for one
    sex ("Women with systemic lupus erythematosus"), the rule concerns patients of that sex only. Read as
    written, then, if that reads nothing, without the brackets that only abbreviate the words before them
    ("known Tuberculosis (TB) infection, …, or latent Tuberculosis (LTB)")."""
    first = _read_for_sex(text, text, concepts)
    bare = unabbreviated(text)
    if (first is not None and first.executable) or bare == text:
        return first
    second = _read_for_sex(text, bare, concepts)
    return second if second is not None and (second.executable or first is None) else first


def _read_for_sex(text: str, body: str, concepts: ConceptSet) -> Compiled | None:
    sex = _SEX_LEAD.match(body)
    found = _read_occurrence(text, body[sex.end() :] if sex else body, concepts)
    if sex is None or found is None or not found.executable:
        return found
    which = g.SEX_WORDS[sex.group("sex").lower()]
    return dataclasses.replace(
        found, applies_to={"sex": [which]}, note=f"{found.note}; stated for {which} patients only"
    )


def _read_occurrence(text: str, body: str, concepts: ConceptSet) -> Compiled | None:
    """The criterion read as it stands; when that leaves it for review, read once more without a pair of words
    that together cover every case of the name ("total or partial gastrectomy"): the terminology's bare name may
    mean one of the pair ("pancreatitis" is acute pancreatitis in ICD-10-CM), so the pair is dropped only when
    the criterion does not read with it; then once more with modifiers joined before the name read as bearing
    on it ("severe or uncontrolled hypertension", ``coordination``), not as items of a list of names."""
    found = _read_once(text, body, concepts, "as written")
    if found is not None and found.executable:
        return found
    for mode, said in (("covering", "a pair of words covering every case set aside"), ("joined", "")):
        again = _read_once(text, body, concepts, mode)
        if again is not None and again.executable:
            return dataclasses.replace(again, note=f"{again.note}; {said}") if said else again
    return found


def _read_once(text: str, body: str, concepts: ConceptSet, mode: str) -> Compiled | None:
    body, subjects = strip_prefixes(body, g.SUBJECTS)
    body, negations = strip_prefixes(body, g.NEGATIONS)
    body, qualifiers = strip_prefixes(body, list(g.QUALIFIERS))
    joined = _OR_NEXT.match(body) if qualifiers else None
    if joined is not None:  # "history of or current X": either timing, the widest read
        rest, more = strip_prefixes(body[joined.end() :], list(g.QUALIFIERS))
        body, qualifiers = (rest, [*qualifiers, *more]) if more else (body, qualifiers)
    if not negations:
        body, negations = strip_prefixes(body, g.NEGATIONS)
    pair = _COVERING.match(body) if mode == "covering" else None
    if pair is not None:  # "total or partial gastrectomy": the pair covers every gastrectomy
        body = body[pair.end() :]
    elif mode == "covering":
        return None
    if mode == "joined" and qualifiers and _JOINED_ON.match(body):  # "active, serious or persistent infections"
        body, qualifiers = f"{qualifiers[-1]}{'' if body.startswith(',') else ' '}{body}", qualifiers[:-1]
    joined_words = coordinated_modifiers(body) if mode == "joined" else None
    if joined_words is not None:  # "severe or uncontrolled hypertension": both words bear on the hypertension
        body, qualifiers = joined_words.rest, [*qualifiers, *joined_words.qualifiers]
    elif mode == "joined":
        return None
    unjudged = body
    body, severity = strip_prefixes(body, g.SEVERITY)
    if severity and _OR_NEXT.match(body):  # "chronic or recurrent infections": the word is an item of a list
        body, severity = unjudged, []
    if joined_words is not None and joined_words.judgement:
        severity = [joined_words.judgement, *severity]
    if severity:
        body, more = strip_prefixes(body, list(g.QUALIFIERS))
        qualifiers = [*qualifiers, *more]
    positive = _POSITIVE.match(body)
    if positive is not None:
        body, qualifiers = body[positive.end() :], [*qualifiers, "positive"]
    # a qualifier that may begin a name ("systemic sclerosis"), unless it is one of the joined alternatives
    naming = bool(qualifiers) and qualifiers[-1] in g.NAMING_QUALIFIERS and joined_words is None
    standard = _STANDARD.search(body)
    if standard is not None and standard.start() > 0:  # "measurable disease per RECIST 1.1": what defines the name
        body = body[: standard.start()]
    windows = list(_PAREN_WINDOW.finditer(body))
    if len(windows) == 1:  # "recent surgery (within 3 months prior to screening)": the window moves to the end
        match = windows[0]
        body = f"{body[: match.start()]} {body[match.end() :]} {match.group('window')}".strip()
    phrase, window, window_text = split_window(body)
    remark = _TRAILING_REMARK.search(body) if window is None else None
    if remark is not None and remark.start() > 0:  # "X within 2 months (does not include Y)": the remark is X's
        phrase, window, window_text = split_window(body[: remark.start()])
        phrase = f"{phrase} {remark.group().strip()}" if window is not None else body
    phrase = _NOW_ANCHOR.sub("", phrase) if window is None and timing_of(qualifiers) != "ever" else phrase
    if not phrase or re.search(r"[<>=≤≥〉]|\d\s*%", phrase):
        return None  # a comparator left in the phrase is a threshold, not a name
    timings = {g.QUALIFIERS[q] for q in qualifiers if q in g.QUALIFIERS}
    timing = "ever" if "ever" in timings else "recent" if "recent" in timings else "now"
    kinds: tuple[Kind, ...] = ("observation", *KINDS) if positive is not None else KINDS
    found = link_all(phrase, concepts, kinds)
    allergy = drug_allergy(phrase, concepts)
    if allergy is not None:  # "allergy to mannitol": a drug allergy, the drug left for review
        found, severity = ([(allergy[0], None)], False), [*severity, allergy[1]]
    if naming:  # "Systemic lupus erythematosus" is one coded name
        named = link_one(f"{qualifiers[-1]} {phrase}", concepts, kinds)
        coded = named is not None and not named.code.startswith("vocabulary:")
        if named is not None and (coded or _narrows(([(named, None)], False), found, concepts)):
            found = ([(named, None)], False)
    if severity and joined_words is None:  # a name that begins with the word ("severe combined immunodeficiency")
        whole = link_one(split_window(unjudged)[0], concepts, kinds)
        if whole is not None:
            found, severity = ([(whole, None)], False), []
    if isinstance(found, str) and naming:
        retry = link_all(f"{qualifiers[-1]} {phrase}", concepts, kinds)  # "systemic steroids" is one name
        found = found if isinstance(retry, str) else retry
    narrowed = None
    if isinstance(found, str) and positive is None:
        if severity:  # "major surgery (excluding …)": the name begins with the judgement word
            narrowed = _narrowed(split_window(unjudged)[0] if window is None else f"{severity[-1]} {phrase}", concepts)
            severity = [] if narrowed is not None else severity
        narrowed = narrowed or _narrowed(phrase, concepts)
        if naming:
            qualified = _narrowed(f"{qualifiers[-1]} {phrase}", concepts)
            if qualified is not None and (narrowed is None or _narrows(qualified[0], narrowed[0], concepts)):
                narrowed = qualified
    if narrowed is not None:
        found, severity = narrowed[0], [*severity, narrowed[1]]
    read = " ".join([*negations, *qualifiers]) or "present"
    unlinked: list[str] = []
    if isinstance(found, str) and narrowed is None and positive is None and not severity:
        some = link_some(phrase, concepts, kinds)  # judgement words before a list may qualify its unlinked items
        if some is not None:
            found, unlinked = (some[0], False), some[1]
    if isinstance(found, str):
        return review(
            f"no pattern of the rule compiler reads this criterion: {found!r} is not linked to a concept "
            f"(read: {read}{', ' + window_text if window_text else ''})",
            "not linked",
        )
    items, joined_by_and = found
    links = [link for link, _ in items]
    negated = bool(negations)
    notes = "; ".join(link.note() for link in links)
    judged = " ".join(severity)
    if judged and any(link.kind != "condition" for link in links) and (narrowed is None or len(severity) > 1):
        message = f"'{judged}' on a medication, procedure or test is not read: {notes}"
        return review(message, "judgement", _kind_of(links))
    if timing == "recent" and window is None:
        return review(f"'recent' without a stated window: {notes}", "recent: no window stated", _kind_of(links))
    if joined_by_and and not negated:
        return review(
            f"a list joined by 'and' may mean all or any of: {', '.join(link.label for link in links)}; {notes}",
            "'and' list",
            _kind_of(links),
        )
    if any(link.kind == "observation" for link in links) and (window is not None or timing == "ever"):
        return review(f"a positive test in a window or at any time is not read: {notes}", "test: timing", "observation")
    if (
        negated
        and window is not None
        and len(links) == 1
        and links[0].kind in ("medication", "procedure")
        and not judged
        and not unlinked
    ):
        # "No X within 4 weeks": X on the first day of the window still counts, so more than 4 weeks are needed.
        link = links[0]
        unit, n = next(iter(window.items()))
        return Compiled(
            {"since": link.concept, "op": ">", **window},
            f"read {text!r}: no {link.label} within {n} {unit}; {notes}",
            _kind_of(links),
        )
    tests = [
        {"observation": link.concept, "flag": True}
        if link.kind == "observation"
        else _node(link, own or timing, window, concepts)
        for link, own in items
    ]
    if judged:
        tests = [_one_sided(test, link, judged) for test, (link, _) in zip(tests, items, strict=True)]
    tests += [{"needs_review": f"{item!r} is not linked to a concept"} for item in unlinked]
    present: dict[str, Any] = tests[0] if len(tests) == 1 else {"any": tests}
    when = {"not": present} if negated else present
    timing_text = window_text if window else "at any time (history)" if timing == "ever" else "now"
    if any(own is not None and own != timing for _, own in items):
        timing_text += ", each as its own words time it"
    note = (
        f"read {text!r}: {'none of' if negated else 'any of'} {', '.join(link.label for link in links)} {timing_text}"
    )
    if positive is not None:
        note += "; a positive test result"
    if standard is not None and standard.start() > 0:
        note += f"; {standard.group().strip(' ,')!r} names the standard that defines it"
    if timing == "recent":
        note += f"; 'recent' read as the stated window {window_text}"
    if judged:
        note += f"; '{judged}' is not read (a judgement or a narrowing): absence decides, presence is left unknown"
    if unlinked:
        note += (
            f"; partly executable: {', '.join(repr(i) for i in unlinked)} not linked to a concept, so only the "
            "linked items can settle the criterion"
        )
    return Compiled(when, f"{note}; {notes}", _kind_of(links), narrowed=narrowed is not None)
