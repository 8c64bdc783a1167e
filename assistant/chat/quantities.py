"""Measured values in a message: labs with their units, scores, tumour size and mitotic count.

A value is read only when a known analyte name is followed by a number (through connector words
such as "of", "is", "now"), or, for cell counts, tumour size and mitoses, preceded by one. The
number keeps the unit stated; ``90k`` of a cell count is 90,000 /mm3. A number with a comparator
("platelets > 100k", "minimum ECOG 2"), a range ("ECOG 1-2") or a decimal comma ("1,2") is not a
value and is noted instead. Unknown units are kept as written for the checker to reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.chat import lexicon as lx
from assistant.chat.model import Mention, format_number
from assistant.chat.named import tumour_words
from assistant.chat.scope import Scopes, any_of, rx
from assistant.patient.facts import Observation

SOURCE = "message"
_NAME_EDGE = r"(?<![\w/-])(?:{})(?![\w])"
_NUM = rx(lx.NUMBER)
_K = rx(lx.THOUSANDS)
_RANGE = rx(r"\s*(?:-|–|to|or|/)\s*\d")
_DECIMAL_COMMA = rx(r",\d{1,2}(?!\d)")
_CONNECTORS = rx(lx.LAB_CONNECTORS)
_COMPARATOR = rx(r"\s*" + lx.COMPARATORS)
_REFERENCE = rx(lx.REFERENCE)
_UNKNOWN = rx(r"\s?" + lx.UNKNOWN_UNIT)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value read from the message, before overlaps are resolved."""

    mention: Mention
    observation: Observation
    priority: int


def _number(text: str) -> float:
    return float(re.sub(r"[,\s\u00a0\u202f]", "", text))


def _unit_at(message: str, pos: int, table: tuple[tuple[str, str], ...]) -> tuple[str, int] | None:
    """The canonical unit written at ``pos`` (after optional spaces) and where it ends."""
    for pattern, canonical in table:
        match = rx(r"\s*(?:" + pattern + ")").match(message, pos)
        if match:
            return canonical, match.end()
    return None


def _render(concept: str, value: float, unit: str | None, source: str, extra: str = "") -> str:
    unit_text = f" {unit}" if unit else "" if concept in lx.SCORES else " (no unit stated)"
    shown = f"{concept.replace('_', ' ')} {format_number(value)}{unit_text}{extra}"
    return f"{shown} (from '{source}')"


class _Reader:
    """Reads the values of one message; ``notes`` says what was not used and why."""

    def __init__(self, message: str, scopes: Scopes) -> None:
        self.message = message
        self.scopes = scopes
        self.found: list[Candidate] = []
        self.notes: list[str] = []

    def add(
        self,
        concepts: tuple[str, ...],
        start: int,
        end: int,
        value: float,
        unit: str | None,
        priority: int,
        extra: str = "",
        **fields: object,
    ) -> None:
        text = self.message[start:end]
        if self.scopes.is_generic(start, end):
            self.notes.append(f"'{text}': about patients in general, not used as a fact")
            return
        for concept in concepts:
            observation = Observation(concept=concept, value=value, unit=unit, source=SOURCE, **fields)  # type: ignore[arg-type]
            mention = Mention(
                concept, "observation", start, end, text, _render(concept, value, unit, text, extra), observation
            )
            self.found.append(Candidate(mention, observation, priority))

    def value_after(self, pos: int, name_text: str) -> tuple[re.Match[str], int] | None:
        """The number that follows a name (through connectors); None, with a note, for bounds."""
        gap = _CONNECTORS.match(self.message, pos)
        at = gap.end() if gap else pos
        comparator = _COMPARATOR.match(self.message, at)
        if comparator:
            following = _NUM.search(self.message, comparator.end(), comparator.end() + 16)
            if following:
                self.notes.append(
                    f"'{self.message[pos - len(name_text) : following.end()]}': a bound or a requirement, not a value"
                )
            return None
        number = _NUM.match(self.message, at)
        if not number:
            return None
        if _DECIMAL_COMMA.match(self.message, number.end()):
            self.notes.append(f"'{self.message[at : number.end() + 3]}': decimal comma or list, not read as a number")
            return None
        return number, number.end()

    def labs(self) -> None:
        group_spans: list[tuple[int, int]] = []
        for pattern, concepts in lx.LAB_GROUPS:
            for match in rx(_NAME_EDGE.format(pattern)).finditer(self.message):
                group_spans.append((match.start(), match.end()))
                self.lab_at(match, concepts)
        for concept, names in lx.LAB_NAMES.items():
            for match in rx(_NAME_EDGE.format(any_of(names))).finditer(self.message):
                if any(s <= match.start() < e for s, e in group_spans):
                    continue
                self.lab_at(match, (concept,))
                if concept in lx.COUNT_ANALYTES:
                    self.count_before(match, concept)

    def lab_at(self, name: re.Match[str], concepts: tuple[str, ...]) -> None:
        found = self.value_after(name.end(), name.group(0))
        if found is None:
            return
        number, pos = found
        if _RANGE.match(self.message, pos) and not rx(r"\s*/\s*[a-zµμ]").match(self.message, pos):
            self.notes.append(f"'{self.message[name.start() : pos + 6].strip()}': a range, not one value")
            return
        value = _number(number.group("num"))
        count_unit = lx.COUNT_ANALYTES.get(concepts[0])
        k = _K.match(self.message, pos)
        extra = ""
        if k and not rx(r"\s?k\s*/").match(self.message, pos):
            if count_unit is None:
                return
            value, pos = value * 1000, k.end()
        unit = _unit_at(self.message, pos, lx.LAB_UNITS)
        unit_name: str | None = None
        if unit:
            unit_name, pos = unit
        else:
            unknown = _UNKNOWN.match(self.message, pos)
            if unknown:
                unit_name, pos = unknown.group("unknown"), unknown.end()
            elif count_unit and (k or value >= lx.COUNT_IMPLIED_MIN):
                unit_name = count_unit
                if not k:
                    extra = " (unit implied by the size of the count)"
        fields: dict[str, object] = {}
        reference = _REFERENCE.match(self.message, pos)
        if reference and unit_name != "ULN":
            ref_number = _NUM.match(self.message, reference.end())
            if ref_number:
                ref_unit = _unit_at(self.message, ref_number.end(), lx.LAB_UNITS)
                end = ref_unit[1] if ref_unit else ref_number.end()
                closing = rx(r"\s*\)").match(self.message, end)
                pos = closing.end() if closing and "(" in self.message[pos : reference.end()] else end
                fields = {
                    "reference_high": _number(ref_number.group("num")),
                    "reference_high_unit": ref_unit[0] if ref_unit else unit_name,
                }
                extra += f", upper limit of normal {format_number(float(fields['reference_high']))}"  # type: ignore[arg-type]
                extra += f" {fields['reference_high_unit']}" if fields["reference_high_unit"] else ""
        self.add(concepts, name.start(), pos, value, unit_name, 0, extra, **fields)

    def count_before(self, name: re.Match[str], concept: str) -> None:
        """``90k platelets``, ``1,800 neutrophils``: a count written before its name."""
        units = any_of([p for p, _ in lx.LAB_UNITS])
        pattern = lx.NUMBER + lx.THOUSANDS + r"?\s*(?P<unit>" + units + r")?\s*(?:of\s+)?$"
        match = rx(pattern).search(self.message, max(0, name.start() - 40), name.start())
        if not match:
            return
        value = _number(match.group("num"))
        unit = _unit_at(self.message, match.end("num") if not match.group("k") else match.end("k"), lx.LAB_UNITS)
        if match.group("k") and not rx(r"\s?k\s*/").match(self.message, match.end("num")):
            value *= 1000
            unit_name: str | None = unit[0] if unit else lx.COUNT_ANALYTES[concept]
        elif unit:
            unit_name = unit[0]
        else:
            return
        self.add((concept,), match.start(), name.end(), value, unit_name, 1)

    def scores(self) -> None:
        for concept, (names, low, high) in lx.SCORES.items():
            for name in rx(_NAME_EDGE.format(any_of(names))).finditer(self.message):
                start = name.end()
                if concept == "nyha_class":
                    roman = r"\s*(?:class\s+)?(?P<roman>iv|iii|ii|i)\b(?!\s*[-–/]\s*[iv\d])"
                    klass = rx(roman).match(self.message, start)
                    if klass:
                        value = float(lx.ROMAN[klass.group("roman").lower()])
                        self.add((concept,), name.start(), klass.end(), value, None, 0)
                        continue
                found = self.value_after(start, name.group(0))
                if found is None:
                    continue
                number, pos = found
                if _RANGE.match(self.message, pos) or rx(r"\.\d").match(self.message, pos):
                    self.notes.append(f"'{self.message[name.start() : pos + 4].strip()}': a range, not one value")
                    continue
                value = _number(number.group("num"))
                percent = rx(r"\s?%").match(self.message, pos)
                pos = percent.end() if percent and concept == "karnofsky" else pos
                if value != int(value) or not low <= value <= high:
                    self.notes.append(f"'{self.message[name.start() : pos]}': outside the {concept} scale {low}-{high}")
                    continue
                self.add((concept,), name.start(), pos, value, None, 0)

    def sizes(self) -> None:
        dims = lx.NUMBER + r"(?P<more>(?:\s*[x×*]\s*\d+(?:\.\d+)?){0,2})\s*-?\s*"
        unit_rx = any_of([p for p, _ in lx.SIZE_UNITS])
        forward = rx(r"(?<![\w])" + tumour_words() + r"(?![\w])" + lx.SIZE_GAP + dims + r"(?P<unit>" + unit_rx + ")")
        stop = r"(?:from|to|of|the|away|below|above|near|beyond|margins?|into|in|on|at|off|and|or)\b"
        gap_word = r"(?:[\s-]+(?!" + stop + r")[a-z]+)"
        backward = rx(dims + r"(?P<unit>" + unit_rx + r")" + gap_word + r"{0,2}?\s+" + tumour_words() + r"(?![\w])")
        not_after = rx(lx.TUMOUR_NOT_AFTER)
        for priority, pattern in ((0, forward), (1, backward)):
            for match in pattern.finditer(self.message):
                noun = rx(tumour_words() + r"(?![\w])").search(self.message, match.start(), match.end())
                if noun and not_after.search(self.message, max(0, noun.start() - 20), noun.start()):
                    continue
                numbers = [_number(match.group("num"))] + [
                    float(n) for n in re.findall(r"\d+(?:\.\d+)?", match.group("more"))
                ]
                unit = _unit_at(self.message, match.start("unit"), lx.SIZE_UNITS)[0]  # type: ignore[index]
                extra = " (largest of the dimensions stated)" if len(numbers) > 1 else ""
                self.add(("tumour_size",), match.start(), match.end(), max(numbers), unit, priority, extra)

    def mitoses(self) -> None:
        units = any_of([p for p, _ in lx.MITOTIC_UNITS])
        forward = rx(
            r"(?<![\w])"
            + lx.MITOTIC_NAMES
            + r"(?:\s*(?:[:=]|\bof\b|\bis\b|\bwas\b|\bat\b|\babout\b))*\s*"
            + lx.NUMBER
            + r"(?P<unit>\s*"
            + units
            + r")?"
        )
        backward = rx(lx.NUMBER + r"\s*(?:mitoses|mitotic\s+figures)(?P<unit>\s*" + units + r")?")
        for priority, pattern in ((0, forward), (1, backward)):
            for match in pattern.finditer(self.message):
                end = match.end()
                unit = None
                if match.group("unit"):
                    unit = _unit_at(self.message, match.start("unit"), lx.MITOTIC_UNITS)[0]  # type: ignore[index]
                else:
                    unknown = _UNKNOWN.match(self.message, end)
                    if unknown:
                        unit, end = unknown.group("unknown"), unknown.end()
                value = _number(match.group("num"))
                self.add(("mitotic_count",), match.start(), end, value, unit, priority)


def orphan_values(message: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, float, str]]:
    """Numbers with a lab unit that no analyte name claims: (start, end, value, canonical unit)."""
    found: list[tuple[int, int, float, str]] = []
    for number in _NUM.finditer(message):
        start = number.start()
        if any(s <= start < e for s, e in taken):
            continue
        pos = number.end()
        value = _number(number.group("num"))
        k = _K.match(message, pos)
        if k and not rx(r"\s?k\s*/").match(message, pos):
            value, pos = value * 1000, k.end()
        unit = _unit_at(message, pos, lx.LAB_UNITS)
        if unit is not None and unit[0] != "ULN":
            found.append((start, unit[1], value, unit[0]))
    return found


def find_quantities(message: str, scopes: Scopes) -> tuple[list[Candidate], list[str]]:
    """The measured values stated in ``message`` (overlaps not yet resolved), and notes."""
    reader = _Reader(message, scopes)
    reader.labs()
    reader.scores()
    reader.sizes()
    reader.mitoses()
    return reader.found, reader.notes
