"""Look-ups on a read document done once per document: its text, its sentences and each sentence's terms.
spaCy's ``doc.text``, ``doc.ents``, ``span.sent`` and ``sent.ents`` rebuild their answer on every call, which
made a long note with many terms quadratic."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Span


def sentence(span: Span) -> Span:
    """The sentence ``span`` begins in."""
    doc = span.doc
    cached = doc.user_data.get("note_sentences")
    if cached is None:
        sents = list(doc.sents)
        cached = doc.user_data["note_sentences"] = (sents, [s.start for s in sents])
    sents, starts = cached
    return sents[bisect_right(starts, span.start) - 1]


def sentence_ents(span: Span) -> tuple[Span, ...]:
    """The terms of the sentence ``span`` begins in, found once per sentence."""
    sent = sentence(span)
    doc = span.doc
    by_sentence = doc.user_data.setdefault("note_sentence_ents", {})
    ents = by_sentence.get(sent.start)
    if ents is None:
        every, starts = _ents(doc)
        first = bisect_left(starts, sent.start)
        ents = by_sentence[sent.start] = tuple(
            e for e in every[first : bisect_left(starts, sent.end)] if e.end <= sent.end
        )
    return ents


def _ents(doc: Doc) -> tuple[tuple[Span, ...], list[int]]:
    """The document's terms in order and where each begins, built once (``doc.ents`` makes new spans each call)."""
    cached = doc.user_data.get("note_ents")
    if cached is None:
        every = tuple(doc.ents)
        cached = doc.user_data["note_ents"] = (every, [e.start for e in every])
    return cached  # type: ignore[no-any-return]


def text_of(doc: Doc) -> str:
    """The document's text."""
    text = doc.user_data.get("note_text")
    if text is None:
        text = doc.user_data["note_text"] = doc.text
    return str(text)
