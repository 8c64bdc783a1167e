"""What in a message looks like a patient fact but was not read: the clinical terms the note reader finds,
and the scopes of ConText's modifiers ("history of …", "denies …", "status post …") where no term was read.

The chat's read-back lists these as "not understood" so that nothing a clinician stated is dropped without
a word. Used spans are the character spans some reader did use.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable, Sequence

from assistant.errors import AssistantError
from assistant.patient.note.pipeline import note_pipeline
from assistant.patient.note.reader import read_note

_FACT_KINDS = ("condition", "medication", "procedure", "observation")
# A modifier's scope is cut at the first clause boundary: the words it governs, not the rest of the sentence.
_CLAUSE_END = re.compile(r"[,;:.?!()]|\s[-–—]\s|\b(?:and|but|with|can|could|is|are|was|were)\b", re.IGNORECASE)
_MAX_WORDS = 6


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _scope_phrases(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each ConText modifier with its scope cut at the first clause boundary."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W036\]")
        doc = note_pipeline()(text)
    out: list[tuple[int, int, str]] = []
    for modifier in doc._.context_graph.modifiers:
        if modifier.category == "TERMINATE":
            continue
        lo, hi = modifier.scope_span
        if hi <= lo:
            continue
        start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
        m_start, m_end = modifier.modifier_span
        if m_end <= lo:  # forward: the scope follows the trigger
            words = text[start:end]
            cut = _CLAUSE_END.search(words)
            words = words[: cut.start()] if cut else words
            words = " ".join(words.split()[:_MAX_WORDS])
            if words:
                trigger = doc[m_start].idx
                stop = text.find(words, start) + len(words)
                out.append((trigger, stop, text[trigger:stop]))
        else:  # backward ("… years ago"): the clause before the trigger
            before = text[start : doc[m_start].idx]
            cuts = list(_CLAUSE_END.finditer(before))
            words = before[cuts[-1].end() :] if cuts else before
            words = " ".join(words.split()[-_MAX_WORDS:])
            if words:
                trigger_end = doc[m_end - 1].idx + len(doc[m_end - 1])
                begin = text.rfind(words, 0, doc[m_start].idx)
                out.append((begin, trigger_end, text[begin:trigger_end]))
    return out


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined into one, in text order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def unread_spans(
    text: str, used: Iterable[tuple[int, int]], today: dt.date, read: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Spans of ``text`` that look like patient facts (a clinical term the note reader finds, a ConText
    trigger with the clause it governs) and overlap no ``used`` span. ``read``: the spans of the terms a
    reading of ``text`` already found (the note is then not read again)."""
    spans = list(used)
    if read is None:
        try:
            reading = read_note(text, today, source="message")
        except AssistantError:
            return []
        read = [(m.start, m.end) for m in reading.mentions if m.kind in _FACT_KINDS]
    candidates = list(read)
    candidates += [(start, end) for start, end, words in _scope_phrases(text) if words.strip()]
    return [(start, end) for start, end in candidates if not _overlaps(start, end, spans)]
