"""Find thresholds in criterion text: measurement, comparator, value (or range) and unit.

``extract_thresholds("Platelets ≥ 100,000/mm3 and ANC > 1.5 x 10^9/L")`` yields one
``Threshold`` per comparison, with character spans, so a drafted rule can quote what it read and
the compiler can tell whether anything in the criterion was left unread.
Forms read: prefix comparators in symbols or words (``≥``, ``>or=``, ``at least``, ``no more than``),
postfix ones (``18 years or older``, ``18 and over``), ranges (``0-2``, ``between 18 and 65``),
multiples of the upper limit of normal (``2.5 x ULN``, ``1.5 times the institutional upper limit of
normal``), scientific counts (``1.5 x 10^9/L``) and thousands separators (``100,000``, ``100 000``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.patient.concepts import ConceptSet, normalize_text

# A decimal comma ("creatinine > 2,5 mg/dl") only before a unit: "ECOG 0,1 or 2" is a list.
_NUM = (
    r"(?:\d{1,3},\d{1,2}(?![\d,])(?=\s*(?!or\b|and\b)[a-zA-Zµμ%/])"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\s\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+)"
)
_SCI = r"(?:\s*(?:x|×|\*)\s*10\s*(?:\^|\*|\(|E)?\s*(?P<exp>\d{1,2})\)?)"
_ULN = (
    r"(?P<uln>(?:x|×|times|-?fold)\s*(?:the\s+)?(?:institutional\s+|laboratory\s+)?normal\b(?!\s+(?:renal|kidney|liver|hepatic))"
    r"|(?:x|×|times|-?fold)?\s*(?:the\s+)?(?:institutional\s+|site\s+|laboratory\s+|local\s+)?"
    r"(?:upper\s+limits?\s+of\s+(?:the\s+)?(?:institutional\s+|laboratory\s+)?normal(?:\s+range)?(?:\s*\(\s*ULN\s*\))?"
    r"|upper\s+normal\s+limit(?:\s*\(\s*(?:ULN|UNL)\s*\))?"
    r"|ULN|UNL|ULRR|N\b))"
)
_UNIT_WORDS = (
    r"years?|yrs?|months?|weeks?|days?|hours?|mmHg|mm\s?Hg|kg/m\^?2|kg/m²|kg|g|mg|cm|mm|%|per\s?cent|percent|points?"
    r"|seconds?|secs?|milliseconds?|msecs?|ms|cc|lbs?|kgs|bpm|beats\s+per\s+minute|breaths\s+per\s+minute"
    r"|(?:m[lL]|L|mg|g|ng|µg|mcg)\s+per\s+(?:minute|min|hour|day|dL|dl|L|kg)"
)
_UNIT = (
    r"(?P<unit>(?:/|per)\s*(?:\d+\s*)?(?:HPF|high[- ]power\s+fields?)|(?:cells?\s*)?/\s*(?:µ|μ|u|mc)?[lL]"
    r"|(?:cells?\s*)?(?:/|per)\s*(?:cu\.?\s*)?mm(?:3|³|\^3)?"
    r"|(?:cells?\s*)?/\s*(?:µ|μ|u|mc|micro)?(?:l|L|liter|litre)\b"
    r"|(?!and/|or/)(?:[a-zA-Zµμ]{1,9}\s*[/⁄]\s*(?:\d+(?:\.\d+)?\s*)?[a-zA-Zµμ]{1,9}(?:\^?[23]|[²³])?"
    r"(?:\s*/\s*\d+(?:\.\d+)?\s*m(?:\^?2|²))?)"
    r"|/\s*[a-zA-Z]{1,6}\b"
    rf"|(?:{_UNIT_WORDS})(?![a-zA-Z]))"
)
_QTY = rf"(?P<num>{_NUM}){_SCI}?(?:\s*(?:{_ULN}|{_UNIT}))?"

_PREFIX_OPS: tuple[tuple[str, str], ...] = (
    (
        r"greater\s+than\s+or\s+equal\s+to|more\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+(?:greater|more)\s+than"
        r"|at\s+least|not\s+less\s+than|no\s+less\s+than|minimum(?:\s+of)?|≥|>\s*/?\s*=|=\s*/?\s*>|>\s*or\s*=|>_|≧|⩾",
        ">=",
    ),
    (
        r"less\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+less\s+than|at\s+most|not\s+more\s+than|no\s+more\s+than"
        r"|no\s+greater\s+than|not\s+greater\s+than|not\s+exceeding|not\s+to\s+exceed|maximum(?:\s+of)?|up\s+to"
        r"|≤|<\s*/?\s*=|=\s*/?\s*<|<\s*or\s*=|<_|≦|⩽",
        "<=",
    ),
    (r"greater\s+than|more\s+than|higher\s+than|above|over|exceeding|in\s+excess\s+of|>|〉", ">"),
    (r"less\s+than|lower\s+than|below|under|fewer\s+than|<|〈", "<"),
    (r"equal\s+to|=", "=="),
)
_POSTFIX_OPS: tuple[tuple[str, str], ...] = (
    (r"or\s+(?:more|greater|higher|above|older|over)|and\s+(?:over|above|older)|\+", ">="),
    (r"or\s+(?:less|fewer|lower|below|younger|under)|and\s+(?:under|below|younger)", "<="),
)
_OP_OF = {}
_prefix_parts = []
for _i, (_pattern, _op) in enumerate(_PREFIX_OPS):
    _prefix_parts.append(f"(?P<p{_i}>{_pattern})")
    _OP_OF[f"p{_i}"] = _op
_postfix_parts = []
for _i, (_pattern, _op) in enumerate(_POSTFIX_OPS):
    _postfix_parts.append(f"(?P<q{_i}>{_pattern})")
    _OP_OF[f"q{_i}"] = _op

_PREFIX_RE = re.compile(
    rf"(?:(?<![\w])|(?=[<>=≤≥≦≧⩽⩾〈〉]))(?:{'|'.join(_prefix_parts)})\s*(?:to\s+|of\s+)?{_QTY}", re.IGNORECASE
)
_POSTFIX_RE = re.compile(rf"(?<![\w.,]){_QTY}\s*(?:of\s+age\s+|old\s+)?(?:{'|'.join(_postfix_parts)})", re.IGNORECASE)
_RANGE_RE = re.compile(
    rf"(?<![\w.,])(?P<between>between\s+|from\s+)?(?P<low>{_NUM})\s*(?:{_UNIT.replace('?P<unit>', '?:')})?\s*"
    rf"(?P<sep>-|–|to|and)\s*{_QTY}",
    re.IGNORECASE,
)
_LIST_RE = re.compile(r"(?<![\w.,/-])\d(?:\s*,\s*\d)*\s*,?\s*(?:or|and|&)\s*\d(?![\w,/%-]|\.\d)", re.IGNORECASE)
# "who" opens a clause; "WHO" in capitals is the World Health Organization ("WHO performance status").
_BOUNDARY = re.compile(r"[,;:()\[\]]|\b(?:and|or|with|if|which|that|but)\b|\b(?-i:[Ww]ho)\b|\.\s", re.IGNORECASE)
_TRIM_END = re.compile(
    r"(?:\s+(?:is|are|be|must|should|of|was|were|level|levels|value|values|result|"
    r"results|measured|at|as|defined|by|has|have|having|to|a|an|the|within|on))+\s*$",
    re.IGNORECASE,
)
_TRIM_START = re.compile(
    r"^(?:\s*(?:a|an|the|have|has|having|with|patients?|subjects?|known|documented|adequate|"
    r"serum|plasma|blood|\d+[.)]|[-•*]))+\s+",
    re.IGNORECASE,
)
_FILLER = frozenset(
    (
        "serum",
        "plasma",
        "blood",
        "total",
        "absolute",
        "level",
        "levels",
        "count",
        "value",
        "values",
        "performance",
        "status",
        "score",
        "scale",
        "the",
        "a",
        "an",
        "of",
        "in",
        "known",
        "documented",
        "baseline",
        "screening",
        "pretreatment",
        "pre-treatment",
        "adequate",
        "current",
        "whole",
        "venous",
        "fasting",
        "measured",
    )
)
_STOPWORDS = re.compile(
    r"(?:\s*\b(?:with|must|have|has|had|be|is|are|a|an|the|of|patients?|subjects?)\b)+\s*", re.IGNORECASE
)
_AFTER = re.compile(
    r"\s*(?:of\s+)?(?P<m>[A-Za-z][A-Za-z\-]*(?:\s+[A-Za-z][A-Za-z\-]*){0,3}?)(?=\s*(?:[,;:()]|\bon\b|\bin\b|\bat\b|\bfor\b|\bwithin\b|$|\.))",
    re.IGNORECASE,
)
_AGE_FILLER = frozenset(
    (
        "age",
        "aged",
        "years",
        "year",
        "yrs",
        "old",
        "older",
        "younger",
        "at",
        "time",
        "of",
        "entry",
        "enrollment",
        "enrolment",
        "study",
        "screening",
        "inclusion",
        "consent",
        "signing",
        "patient",
        "patients",
        "subject",
        "subjects",
        "participants",
        "participant",
        "be",
        "must",
        "is",
        "are",
    )
)
_CONNECTOR = re.compile(r"\s*(?:,|and|or|but|to)?\s*", re.IGNORECASE)
_DURATION_NAMES = re.compile(r"expectancy|gestation|survival", re.IGNORECASE)
_TIME_UNITS = re.compile(r"^(?:years?|yrs?|months?|weeks?|days?|hours?)$", re.IGNORECASE)
_AGE_WORDS = re.compile(r"\b(?:age|aged|old|older|younger)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Threshold:
    """One comparison read from criterion text."""

    measurement: str
    """What is compared, as written (e.g. ``Platelet count``)."""
    m_start: int
    """Offset of the measurement in the text (-1 when none was found)."""
    m_end: int
    """Offset one past its end."""
    concept: str | None
    """Vocabulary concept (or ``age``) the measurement names, when recognised."""
    op: str
    """Comparator: <, <=, >, >=, == or between."""
    value: float | tuple[float, float]
    """Threshold, or (low, high) for between; thousands and 10^n multipliers applied."""
    unit: str | None
    """Unit as written (``/mm3``, ``mg/dL``, ``years``), ``×ULN`` for a multiple of ULN, or None."""
    start: int
    """Offset of the comparison (comparator, value and unit) in the text."""
    end: int
    """Offset one past its end."""

    @property
    def uln(self) -> bool:
        """True when the value is a multiple of the upper limit of normal."""
        return self.unit == "×ULN"


def parse_number(text: str, unit: str | None = None) -> float:
    """A number as written: ``100,000`` and ``100 000`` are thousands; ``100.000`` is too before a count unit."""
    if re.fullmatch(r"\d{1,3},\d{1,2}", text):
        return float(text.replace(",", "."))
    cleaned = text.replace(",", "").replace(" ", "")
    if unit and re.fullmatch(r"\d{1,3}\.\d{3}", text) and re.search(r"(/|per)\s*(?:µ|μ|u|mc)?(?:l|mm)", unit, re.I):
        cleaned = text.replace(".", "")
    return float(cleaned)


def _quantity(match: re.Match[str]) -> tuple[float, str | None]:
    unit = match.group("unit")
    value = parse_number(match.group("num"), unit)
    if match.group("uln"):
        return value, "×ULN"
    exp = match.group("exp")
    if exp:
        unit = f"10^{exp}{(unit or '').strip()}"
    return value, (re.sub(r"\s+", "", unit) if unit else None)


def extract_thresholds(text: str, concepts: ConceptSet | None = None) -> list[Threshold]:
    """Every comparison in ``text``, in text order, with its measurement."""
    found: list[tuple[int, int, str, float | tuple[float, float], str | None]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _RANGE_RE.finditer(text):
        if match.group("sep").lower() == "and" and not match.group("between"):
            continue
        if match.group("uln") is None and match.group("exp") is None:
            high, unit = _quantity(match)
            low = parse_number(match.group("low"), unit)
            if low < high and free(match.start(), match.end()):
                found.append((match.start(), match.end(), "between", (low, high), unit))
                taken.append((match.start(), match.end()))
    for match in _LIST_RE.finditer(text):
        numbers = [int(n) for n in re.findall(r"\d+", match.group())]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and free(match.start(), match.end()):
            found.append((match.start(), match.end(), "between", (float(numbers[0]), float(numbers[-1])), None))
            taken.append((match.start(), match.end()))
    for match in _POSTFIX_RE.finditer(text):
        if free(match.start(), match.end()):
            op = next(_OP_OF[k] for k, v in match.groupdict().items() if k.startswith("q") and v)
            number, unit = _quantity(match)
            found.append((match.start(), match.end(), op, number, unit))
            taken.append((match.start(), match.end()))
    for match in _PREFIX_RE.finditer(text):
        if free(match.start(), match.end()):
            op = next(_OP_OF[k] for k, v in match.groupdict().items() if k.startswith("p") and v)
            number, unit = _quantity(match)
            found.append((match.start(), match.end(), op, number, unit))
            taken.append((match.start(), match.end()))
    found.sort()
    thresholds: list[Threshold] = []
    for start, end, op, value, unit in found:
        previous = thresholds[-1] if thresholds else None
        if previous is not None and _CONNECTOR.fullmatch(text[previous.end : start]):
            # "Age ≥ 18 and ≤ 65": a bare second comparison is about the same measurement
            measurement, m_start, m_end = previous.measurement, previous.m_start, previous.m_end
            concept = previous.concept
        else:
            measurement, m_start, m_end = _measurement(text, start, end)
            concept = _concept(measurement, text[start:end], unit, concepts)
            if concept is None and m_start > 0:
                measurement, m_start, m_end, concept = _longer_name(text, m_start, m_end, measurement, concepts)
            if concept is None and m_start >= 0:
                measurement, m_start, m_end, concept = _head_name(text, m_start, m_end, measurement, unit, concepts)
        if unit and _TIME_UNITS.match(unit) and concept != "age" and not _DURATION_NAMES.search(measurement):
            continue  # a time window ("within 28 days"), not a threshold
        thresholds.append(Threshold(measurement, m_start, m_end, concept, op, value, unit, start, end))
    return _share_measurements(text, thresholds, concepts)


def _measurement(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The words naming what is compared: back from the comparison to the previous boundary."""
    left = text[:start]
    cut = 0
    for boundary in _BOUNDARY.finditer(left):
        segment = left[boundary.end() :]
        if re.search(r"[A-Za-z]{2,}", segment):
            cut = boundary.end()
        elif boundary.group() == ":":
            break
    segment = left[cut:].rstrip(" :-)=")
    if not re.search(r"[A-Za-z]{2,}", segment):
        colon = left.rstrip().rstrip(":")
        segment_start = max((m.end() for m in _BOUNDARY.finditer(colon)), default=0)
        cut, segment = segment_start, colon[segment_start:]
    trimmed = _TRIM_END.sub("", segment)
    lead = _TRIM_START.match(trimmed)
    offset = lead.end() if lead else 0
    words = trimmed[offset:]
    stripped = words.strip()
    if not stripped or _STOPWORDS.fullmatch(stripped):
        age = _AGE_WORDS.search(text, start, min(len(text), end + 20))
        if age:
            return age.group(), age.start(), age.end()
        after = _AFTER.match(text, end)
        if after and after.group("m"):
            return after.group("m"), after.start("m"), after.end("m")
        return "", -1, -1
    m_start = cut + offset + (len(words) - len(words.lstrip()))
    return stripped, m_start, m_start + len(stripped)


_JOINED_NAME = re.compile(
    r"([A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*){0,5})\s+(?:and|of|for|&)\s+$", re.IGNORECASE
)


def _longer_name(
    text: str, m_start: int, m_end: int, measurement: str, concepts: ConceptSet | None
) -> tuple[str, int, int, str | None]:
    """A measurement whose name holds a joining word the boundary cut it at ("Eczema Area and Severity
    Index"): the longest run of words before it that, with it, names a concept; else the measurement as cut."""
    join = _JOINED_NAME.search(text[:m_start])
    if join is None or concepts is None:
        return measurement, m_start, m_end, None
    words = list(re.finditer(r"[A-Za-z][A-Za-z'\-]*", join.group(1)))
    for first in words:
        start = join.start(1) + first.start()
        concept = _concept(text[start:m_end], "", None, concepts)
        if concept is not None and concept != "age":
            return text[start:m_end], start, m_end, concept
    return measurement, m_start, m_end, None


def _head_name(
    text: str, m_start: int, m_end: int, measurement: str, unit: str | None, concepts: ConceptSet | None
) -> tuple[str, int, int, str | None]:
    """A measurement named at the end of longer words ("adequate renal function as documented by a calculated
    creatinine clearance"): the longest run of last words that names a concept, the span narrowed to it so the
    words before it stay in the criterion for the compiler to account for; else the measurement as cut."""
    found = _naming_tail(text, m_start, m_end, unit, concepts, whole=False, age=False)
    if found is None:
        return measurement, m_start, m_end, None
    start, concept = found
    return text[start:m_end], start, m_end, concept


_WORD = re.compile(r"(?<![\w'\-])[A-Za-z][\w'\-]*")


def _naming_tail(
    text: str, start: int, end: int, unit: str | None, concepts: ConceptSet | None, *, whole: bool, age: bool
) -> tuple[int, str] | None:
    """Offset and concept of the longest run of last words of ``text[start:end]`` that names a measurement
    (all the words too, with ``whole``; the patient's age too, with ``age``), or None."""
    for word in _WORD.finditer(text[start:end]):
        if not whole and word.start() == 0:
            continue
        first = start + word.start()
        concept = _concept(text[first:end].strip(), "", unit, concepts)
        if concept is not None and (age or concept != "age"):
            return first, concept
    return None


def _concept(measurement: str, comparison: str, unit: str | None, concepts: ConceptSet | None) -> str | None:
    norm = normalize_text(measurement)
    if re.search(r"\b(age|aged)\b", norm) or (
        unit and re.match(r"y(ea)?rs?$", unit, re.I) and _AGE_WORDS.search(measurement + " " + comparison)
    ):
        # "men age ≥ 55": a qualifier other than filler makes it something else than the patient's age
        rest = [w for w in re.sub(r"[()]", " ", norm).split() if w not in _AGE_FILLER and w not in _FILLER]
        return "age" if not rest else None
    if concepts is None or not norm:
        return None
    found = _concept_of(norm, concepts)
    if found is None and re.search(r"[a-z]{3}s$", norm) and not norm.endswith("ss"):
        found = _concept_of(norm[:-1], concepts)  # "platelet counts" names the platelet count
    return found


def _concept_of(norm: str, concepts: ConceptSet) -> str | None:
    """The observation whose longest name or synonym the normalised ``norm`` holds, all else filler."""
    best: tuple[int, str] | None = None
    for syn, match, concept in concepts.mentions(norm, "observation"):
        rest = (norm[: match.start()] + " " + norm[match.end() :]).replace("(", " ").replace(")", " ").split()
        if all(word in _FILLER or word == syn for word in rest) and (
            best is None or (-len(syn), concept.name) < (-best[0], best[1])
        ):
            best = (len(syn), concept.name)
    return best[1] if best else None


def _share_measurements(text: str, thresholds: list[Threshold], concepts: ConceptSet | None) -> list[Threshold]:
    """``AST and ALT < 2.5 x ULN``: a bare measurement joined by and/or/slash shares the comparison."""
    shared: list[Threshold] = []
    for t in thresholds:
        if t.m_start > 0:
            before = text[: t.m_start]
            join = re.search(r"([A-Za-z][\w\- ()]{0,40}?)\s*(?:\band/or\b|\band\b|\bor\b|/|,)\s*$", before)
            if join and not re.search(r"\d", join.group(1)):
                words, word_start, concept = _joined_name(text, join.start(1), join.end(1), t.unit, concepts)
                if concept is not None and concept != t.concept:
                    shared.append(
                        Threshold(
                            words, word_start, word_start + len(words), concept, t.op, t.value, t.unit, t.start, t.end
                        )
                    )
        shared.append(t)
    return shared


def _joined_name(
    text: str, start: int, end: int, unit: str | None, concepts: ConceptSet | None
) -> tuple[str, int, str | None]:
    """The words in ``text[start:end]`` before a joining and/or/slash that name a measurement: all of them,
    else the longest run of last words that does ("x ULN and AST/ALT": AST)."""
    found = _naming_tail(text, start, end, unit, concepts, whole=True, age=True)
    if found is None:
        return text[start:end].strip(), start, None
    return text[found[0] : end].strip(), found[0], found[1]
