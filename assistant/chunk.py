"""Chunk stage: a Protocol → section-aware chunks that never split a criterion.

In the eligibility section every criterion is a chunk of its own (the unit a clinician asks about and
the unit a citation names); other text is cut at paragraph, then sentence, boundaries into chunks of
at most ``chunk_max_chars`` characters (a single longer sentence stays whole). Chunk ids derive from
protocol id, section and a hash of the text, so unchanged text keeps its id across ingests.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from assistant.parse.criteria import strip_span
from assistant.types import Chunk, Protocol, Section

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n")


def _pieces(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Non-blank spans of text[start:end] between matches of ``pattern``."""
    spans = []
    pos = start
    for match in pattern.finditer(text, start, end):
        spans.append(strip_span(text, pos, match.start()))
        pos = match.end()
    spans.append(strip_span(text, pos, end))
    return [(s, e) for s, e in spans if e > s]


def _pack(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Merge neighbouring spans while the merged span stays within ``max_chars``."""
    packed: list[tuple[int, int]] = []
    for start, end in spans:
        if packed and end - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def _has_words(text: str, start: int, end: int) -> bool:
    """False for bullet marks and lone headings ("Hepatic") left between criteria."""
    return len(re.findall(r"\w{2,}", text[start:end])) >= 2


def _text_spans(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _pieces(text, start, end, _PARAGRAPH):
        if not _has_words(text, p_start, p_end):
            continue
        if p_end - p_start <= max_chars:
            spans.append((p_start, p_end))
        else:
            spans.extend(_pack(_pieces(text, p_start, p_end, _SENTENCE_END), max_chars))
    return _pack(spans, max_chars)


def chunk_id(protocol_id: str, section: str, text: str, occurrence: int = 0) -> str:
    """Stable id of a chunk: protocol, section and content hash (and occurrence, for repeated text)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    suffix = f"-{occurrence}" if occurrence else ""
    return f"{protocol_id}:{section}:{digest}{suffix}"


def _section_spans(protocol: Protocol, section: Section, max_chars: int) -> list[tuple[int, int, tuple[str, ...]]]:
    text = protocol.text
    if section.name != "eligibility":
        return [(s, e, ()) for s, e in _text_spans(text, section.start, section.end, max_chars)]
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    pos = section.start
    for criterion in (c for c in protocol.criteria if section.start <= c.start < section.end):
        spans.extend((s, e, ()) for s, e in _text_spans(text, pos, criterion.start, max_chars))
        spans.append((criterion.start, criterion.end, (criterion.id,)))
        pos = criterion.end
    spans.extend((s, e, ()) for s, e in _text_spans(text, pos, section.end, max_chars))
    return spans


def chunk_protocol(protocol: Protocol, max_chars: int = 900) -> list[Chunk]:
    """The protocol's chunks in text order; each is a verbatim span of ``protocol.text``."""
    chunks: list[Chunk] = []
    seen: Counter[str] = Counter()
    for section in protocol.sections:
        for start, end, criterion_ids in _section_spans(protocol, section, max_chars):
            body = protocol.text[start:end]
            base = chunk_id(protocol.id, section.name, body)
            chunks.append(
                Chunk(
                    id=chunk_id(protocol.id, section.name, body, seen[base]),
                    protocol_id=protocol.id,
                    section=section.name,
                    text=body,
                    start=start,
                    end=end,
                    criterion_ids=criterion_ids,
                )
            )
            seen[base] += 1
    return chunks
