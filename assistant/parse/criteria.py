"""Split eligibility text into individual criteria, as a clinician reads it.

Works on a span of the canonical text and yields criteria whose text is a verbatim substring of it,
so every criterion can be quoted exactly. Handles:

- ``Inclusion Criteria:`` / ``Exclusion Criteria:`` headings (and their absence: then every item is
  a requirement the patient must satisfy, i.e. an inclusion criterion);
- bullets (``•``, ``-``, ``*``, ``1.``, ``1)``, ``a.``) with indented sub-items and wrapped lines;
- category headings of the registry's older format glued to the end of the previous bullet
  ("Absolute neutrophil count > 1,500/mm3 Hepatic");
- several ``Label: value`` facts on one line ("Age:18 and over Performance status:ECOG 0-3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Criterion, CriterionType

# Category headings of the registry's older (PDQ) eligibility format. When one of them ends a bullet,
# it is the heading of the bullets that follow, lost in the page's copy-paste.
GLUED_HEADINGS = (
    "Hematopoietic",
    "Hepatic",
    "Renal",
    "Cardiovascular",
    "Pulmonary",
    "Immunology",
    "Gastrointestinal",
    "Neurologic",
    "Biologic therapy",
    "Chemotherapy",
    "Endocrine therapy",
    "Radiotherapy",
    "Surgery",
    "Other",
)
# Labels that open a one-line fact ("Age:18 and over").
INLINE_LABELS = ("Age", "Performance status", "Life expectancy", "Sex", "Menopausal status")
# Values of an inline fact that state no requirement at all.
NO_REQUIREMENT = re.compile(r"^\s*(not specified|unspecified|n/?a|none)\s*$", re.IGNORECASE)
# Sentences that close a criteria list without being criteria.
BOILERPLATE = re.compile(r"^(the information listed above|for more information)", re.IGNORECASE)

_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?P<mark>[•·▪◦])[ \t]*|(?P<mark2>[\-*]|\d{1,3}[.)]|[a-zA-Z][.)]"
    r"|\((?:\d{1,3}|[a-zA-Z]|[ivx]{1,4}|[IVX]{1,4})\))[ \t]+)"
)
"""A bullet: a mark, "1." / "1)", "a." / "a)", or "(1)", "(a)", "(iv)"; not a bracketed abbreviation that opens a
wrapped line ("(RET) rearrangement, …")."""
# A heading that switches the type: "Inclusion Criteria:", "Key Exclusion Criteria", "Transplant Exclusion:".
_TYPE_HEADING = re.compile(
    r"^\s*(?:[\w/-]+\s+){0,3}(?P<kind>inclusion|exclusion)(?:\s+criteria)?\b[^.;]{0,40}$", re.IGNORECASE
)
# A bare sub-heading line such as "Group 1" or "Cohort B".
_GROUP_HEADING = re.compile(r"^\s*(group|cohort|part|arm|stage|phase)\s+[\w-]{1,4}\s*:?\s*$", re.IGNORECASE)
# A heading glued to the end of a bullet. The look-behind starts the white-space run only at its first
# character, so a long run of spaces is scanned once, not once per position.
_GLUED = re.compile(r"(?<!\s)\s++(" + "|".join(re.escape(h) for h in GLUED_HEADINGS) + r")\s*+$")
_INLINE = re.compile(r"(?P<label>" + "|".join(re.escape(label) for label in INLINE_LABELS) + r")\s*:")
_HEADING = re.compile(r"^\s*(?P<head>[A-Za-z][^:]{0,80}):\s*$")


@dataclass
class _Item:
    start: int
    end: int
    indent: int
    type: CriterionType
    category: str | None
    group: int = 0
    parent_index: int | None = None


def _has_content(text: str) -> bool:
    """False for a line of punctuation only (a stray ":" or "-"), which states no criterion."""
    return any(ch.isalnum() for ch in text)


def _indent(line: str) -> int:
    """Width of a line's leading white space, tabs counted as four."""
    return len(line) - len(line.lstrip(" \t")) + 3 * line[: len(line) - len(line.lstrip(" \t"))].count("\t")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], without the newline."""
    spans = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        spans.append((pos, line_end))
        pos = line_end + 1
    return spans


def split_criteria(protocol_id: str, text: str, start: int, end: int) -> tuple[Criterion, ...]:
    """The criteria stated in ``text[start:end]``, with ids, types, categories and exact spans."""
    items: list[_Item] = []
    ctype: CriterionType = "inclusion"
    category: str | None = None
    current: _Item | None = None
    group = 0
    glued_category = False

    def close() -> None:
        nonlocal current
        if current is not None:
            s, e = strip_span(text, current.start, current.end)
            current.start, current.end = s, e
            if e > s and _has_content(text[s:e]) and not BOILERPLATE.match(text[s:e]):
                items.append(current)
        current = None

    for line_start, line_end in _lines(text, start, end):
        line = text[line_start:line_end]
        if not line.strip():
            close()
            if glued_category:
                category = None  # a gap ends the reach of a heading lost in copy-paste
            continue
        if not _has_content(line):
            close()  # a stray ":" or "-" line states nothing and does not continue the item above
            continue
        type_heading = _TYPE_HEADING.match(line)
        if type_heading:
            close()
            ctype = "exclusion" if type_heading.group("kind").lower() == "exclusion" else "inclusion"
            group += 1
            category = None
            continue
        if _GROUP_HEADING.match(line):
            close()
            category, glued_category = line.strip().rstrip(":"), False
            group += 1
            continue
        inline = list(_INLINE.finditer(line))
        if inline and inline[0].start() == len(line) - len(line.lstrip()):
            close()
            for i, match in enumerate(inline):
                seg_end = inline[i + 1].start() if i + 1 < len(inline) else len(line)
                value = line[match.end() : seg_end]
                if NO_REQUIREMENT.match(value):
                    continue
                s, e = strip_span(text, line_start + match.start(), line_start + seg_end)
                items.append(_Item(s, e, 0, ctype, match.group("label"), group))
            group += 1
            continue
        bullet = _BULLET.match(line)
        heading = _HEADING.match(line)
        if heading and current is not None and _indent(line) > current.indent:
            heading = None  # a wrapped line of the item above that ends with ':' ("… one of the following:")
        if bullet:
            close()
            indent = len(bullet.group("indent").expandtabs(4))
            current = _Item(line_start + bullet.end(), line_end, indent, ctype, category, group)
        elif heading and not bullet:
            close()
            category, glued_category = heading.group("head").strip(), False
            group += 1
            continue
        elif current is not None:
            current.end = line_end  # a wrapped line continues the item
        else:
            close()
            current = _Item(line_start, line_end, len(line) - len(line.lstrip()), ctype, category, group)
        glued = _GLUED.search(text, current.start, current.end)
        if glued and glued.end() == current.end and glued.start() > current.start:
            current.end = glued.start()
            close()
            category, glued_category = glued.group(1), True
    close()
    return _number(protocol_id, items, text)


def _number(protocol_id: str, items: list[_Item], text: str) -> tuple[Criterion, ...]:
    """Give items their ids (I1…, E1…) and parents (by indentation within a run of bullets)."""
    counters = {"inclusion": 0, "exclusion": 0}
    ids: list[str] = []
    stack: list[int] = []
    for index, item in enumerate(items):
        while stack and (items[stack[-1]].indent >= item.indent or items[stack[-1]].group != item.group):
            stack.pop()
        if stack and items[stack[-1]].type == item.type:
            item.parent_index = stack[-1]
        stack.append(index)
        counters[item.type] += 1
        ids.append(f"{protocol_id}:{'I' if item.type == 'inclusion' else 'E'}{counters[item.type]}")
    return tuple(
        Criterion(
            id=ids[i],
            type=item.type,
            text=text[item.start : item.end],
            start=item.start,
            end=item.end,
            category=item.category,
            parent=ids[item.parent_index] if item.parent_index is not None else None,
        )
        for i, item in enumerate(items)
    )
