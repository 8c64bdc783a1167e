"""Conditions, medications, procedures and yes/no results a message states, present or absent.

Each phrase of ``named.fact_phrases()`` (the lexicon's, and diagnoses the vocabulary names) in the
message is a fact unless hedged or about patients in general (``scope``). A negation makes it
absent; a stated polarity ("HIV negative", "CD117+") sets it; a yes/no result with no polarity is
not a fact. Dates in the same clause ("3 months ago", "on 3 March") give onsets, procedure dates
and medication start/end; a dose ("5 mg daily") is read for medications.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from assistant.chat import lexicon as lx
from assistant.chat.model import Fact, Mention, format_number
from assistant.chat.named import fact_phrases
from assistant.chat.scope import Scopes, any_of, clause_bounds, rx
from assistant.chat.timing import TimeExpr
from assistant.patient.facts import Condition, Medication, Observation, Procedure

SOURCE = "message"
_EDGE = r"(?<![\w])(?:{})(?![\w])"
_CONJUNCTION_ONLY = rx(r"^\s*(?:and|or|&|/|\+|plus|,)?\s*$")


@dataclass(frozen=True, slots=True)
class Phrase:
    """A phrase of the lexicon found in the message."""

    concept: str
    kind: lx.FactKind
    start: int
    end: int
    mode: str = "plain"
    """``plain``; ``only_negated`` (counts only when negated); ``controlled`` (states the concept absent)."""


def _find(message: str) -> list[Phrase]:
    found: list[Phrase] = []
    for concept, kind, pattern in fact_phrases():
        found += [Phrase(concept, kind, m.start(), m.end()) for m in rx(_EDGE.format(pattern)).finditer(message)]
    sites = any_of(list(lx.MET_SITES))
    coordinated = rx(
        r"(?<![\w])(?P<sites>"
        + sites
        + r"(?:\s*(?:,|/|or|and|nor|&)\s*"
        + sites
        + r")+)\s+"
        + lx.MET_WORDS
        + r"(?![\w])"
    )
    for match in coordinated.finditer(message):
        words = [w.lower() for w in re.findall(r"\w+", match.group("sites"))]
        concepts = {lx.MET_SITES[w] for w in words if w in lx.MET_SITES}
        found += [Phrase(c, "condition", match.start(), match.end()) for c in sorted(concepts)]
    for concept, pattern in lx.ONLY_NEGATED:
        found += [
            Phrase(concept, "condition", m.start(), m.end(), "only_negated")
            for m in rx(_EDGE.format(pattern)).finditer(message)
        ]
    for concept, pattern in lx.CONTROLLED:
        found += [
            Phrase(concept, "condition", m.start(), m.end(), "controlled")
            for m in rx(_EDGE.format(pattern)).finditer(message)
        ]
    kept: list[Phrase] = []
    for phrase in sorted(found, key=lambda p: (-(p.end - p.start), p.start)):
        inside = any(
            k.start <= phrase.start and phrase.end <= k.end and (k.end - k.start) > (phrase.end - phrase.start)
            for k in kept
        )
        same = any((k.start, k.end, k.concept) == (phrase.start, phrase.end, phrase.concept) for k in kept)
        if not inside and not same:
            kept.append(phrase)
    return sorted(kept, key=lambda p: (p.start, p.concept))


def _polarity(message: str, phrase: Phrase) -> tuple[bool | None, int, int]:
    """A polarity written right after or right before the phrase, and the widened span."""
    sign = rx(lx.SIGN_AFTER).match(message, phrase.end)
    if sign:
        symbol = sign.group("a") or sign.group("b")
        return symbol == "+", phrase.start, sign.end()
    after = rx(lx.POLARITY_AFTER).match(message, phrase.end)
    if after:
        return not rx(lx.NEGATIVE).fullmatch(after.group("pol")), phrase.start, after.end()
    before = rx(lx.POLARITY_BEFORE).search(message, max(0, phrase.start - 20), phrase.start)
    if before:
        return before.group("pol").lower().startswith("positive"), before.start(), phrase.end
    return None, phrase.start, phrase.end


def _time_for(message: str, phrase: Phrase, phrases: list[Phrase], times: list[TimeExpr]) -> TimeExpr | None:
    """The date or span that belongs to the phrase: the next one in its clause (a phrase joined by
    "and"/"or" shares it: "chemo and radiotherapy 3 weeks ago"), else the one just before it."""
    left, right = clause_bounds(message, phrase.start, phrase.end)
    following = [p for p in phrases if phrase.end <= p.start < right and p.concept != phrase.concept]
    limit = right
    if following and not _CONJUNCTION_ONLY.match(message[phrase.end : following[0].start]):
        limit = following[0].start
    for time in times:
        if phrase.end <= time.start and time.end <= limit:
            return time
    floor = max((p.end for p in phrases if left < p.end <= phrase.start), default=left)
    before = [t for t in times if floor <= t.start and t.end <= phrase.start]
    return before[-1] if before else None


def _medication(
    message: str, phrase: Phrase, present: bool, time: TimeExpr | None, right: int, today: dt.date
) -> tuple[Medication, str, int]:
    """The medication fact, its rendering, and where its stated details end."""
    left, _ = clause_bounds(message, phrase.start, phrase.end)
    before = message[max(left, phrase.start - 40) : phrase.start]
    after_end = time.end if time and time.start > phrase.end else phrase.end
    window = before + " " + message[phrase.end : max(after_end, phrase.end)]
    day = time.date if time else None
    if not present:
        return Medication(concept=phrase.concept, present=False, active=False, source=SOURCE), "not taken", phrase.end
    fields: dict[str, object] = {}
    details: list[str] = []
    end = phrase.end
    dose = rx(r"\s*(?:at\s+|of\s+)?" + lx.DOSE).match(message, phrase.end)
    dose = dose or rx(lx.DOSE + r"\s*(?:of\s+)?$").search(message, max(left, phrase.start - 16), phrase.start)
    if dose:
        fields["dose"], fields["dose_unit"] = float(dose.group("dose")), dose.group("dose_unit").lower()
        tail = message[dose.end() : right]
        daily = rx(r"^\s*" + lx.DAILY).match(tail)
        not_daily = rx(r"^\s*" + lx.NOT_DAILY).match(tail)
        fields["per_day"] = not_daily is None
        frequency = daily or not_daily
        end = max(end, dose.end() + (frequency.end() if frequency else 0)) if dose.start() >= phrase.end else end
        details.append(
            f"{format_number(float(dose.group('dose')))} {dose.group('dose_unit')}"
            + (" daily" if daily else f" {not_daily.group(0).strip()}" if not_daily else " (frequency not stated)")
        )
    if rx(lx.STARTED).search(window) and not rx(lx.ENDED).search(window):
        fields["start"], fields["active"] = day, True
        details.append(f"started {day.isoformat()}" if day else "started")
    elif rx(lx.ENDED).search(window) or rx(lx.PAST).search(window) or (day is not None and day <= today):
        fields["end"], fields["active"] = day, False
        details.append(f"last given {day.isoformat()}" if day else "in the past")
    elif rx(lx.CURRENT).search(window):
        fields["active"] = True
        details.insert(0, "currently taken")
    else:
        details.insert(0, "taken (current or past not stated)")
    return Medication(concept=phrase.concept, source=SOURCE, **fields), ", ".join(details), end  # type: ignore[arg-type]


def read_phrases(
    message: str, scopes: Scopes, times: list[TimeExpr], today: dt.date
) -> tuple[list[Mention], list[str], set[int]]:
    """Mentions of conditions, medications, procedures and yes/no results, notes, and the indices of
    *bare* mentions: named with nothing that states them (no negation, polarity, date, dose or verb)."""
    phrases = _find(message)
    mentions: list[Mention] = []
    notes: list[str] = []
    bare: set[int] = set()
    for phrase in phrases:
        text = message[phrase.start : phrase.end]
        polarity, start, end = _polarity(message, phrase)
        reading = scopes.reading(phrase.start, phrase.end)
        if (
            reading == "stated"
            and end > phrase.end
            and (scopes.is_uncertain(phrase.start, end) or scopes.is_generic(phrase.start, end))
        ):
            reading = "uncertain"
        if reading == "generic":
            notes.append(f"'{text}': about patients in general, not used as a fact")
            continue
        if reading == "uncertain":
            notes.append(f"'{text}': uncertain, asked about, or pending; not used as a fact")
            continue
        negation = scopes.negation(phrase.start, end)
        if phrase.mode == "only_negated" and negation is None:
            continue
        present = True if polarity is None else polarity
        if phrase.mode == "controlled":
            present = False
        if negation is not None:
            present = not present
            start, end = min(start, negation[0]), max(end, negation[1])
        if phrase.kind == "flag" and polarity is None and negation is None:
            notes.append(f"'{text}': no result stated, not used as a fact")
            continue
        time = _time_for(message, phrase, phrases, times) if present else None
        if time is not None and time.precision != "day":
            notes.append(f"'{time.text}': not a precise day, so not used as a date of {phrase.concept}")
            time = None
        fact, shown, end = _fact(message, phrase, present, time, end, today)
        left, right = clause_bounds(message, phrase.start, phrase.end)
        if time is not None:
            start, end = min(start, time.start), max(end, time.end)
        if phrase.kind in ("medication", "procedure") and start == phrase.start:
            verb = rx(r"(?:" + "|".join((lx.CURRENT, lx.PAST, lx.STARTED, lx.ENDED)) + r")\s+$").search(
                message, max(left, start - 16), start
            )
            start = verb.start() if verb else start
        source = message[start:end]
        label = phrase.concept.replace("_", " ")
        window = message[max(left, phrase.start - 30) : min(right, end + 10)]
        if (
            polarity is None
            and negation is None
            and time is None
            and phrase.mode == "plain"
            and (start, end) == (phrase.start, phrase.end)
            and not rx(lx.STATING_CUES).search(window)
        ):
            bare.add(len(mentions))
        mentions.append(
            Mention(
                phrase.concept,
                "observation" if phrase.kind == "flag" else phrase.kind,
                start,
                end,
                source,
                f"{label}: {shown} (from '{source}')",
                fact,
            )
        )
    return mentions, notes, bare


def _fact(
    message: str, phrase: Phrase, present: bool, time: TimeExpr | None, end: int, today: dt.date
) -> tuple[Fact, str, int]:
    day = time.date if time else None
    when = f", {day.isoformat()}" if day else ""
    if phrase.kind == "flag":
        return (
            Observation(concept=phrase.concept, flag=present, source=SOURCE),
            ("positive" if present else "negative"),
            end,
        )
    if phrase.kind == "condition":
        return (
            Condition(concept=phrase.concept, present=present, onset=day, source=SOURCE),
            (("present" + (f", onset {day.isoformat()}" if day else "")) if present else "absent"),
            end,
        )
    if phrase.kind == "procedure":
        return (
            Procedure(concept=phrase.concept, present=present, date=day, source=SOURCE),
            (("done" + when) if present else "never done"),
            end,
        )
    _, right = clause_bounds(message, phrase.start, phrase.end)
    medication, shown, med_end = _medication(message, phrase, present, time, right, today)
    return medication, shown, max(end, med_end)
