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

from assistant.patient.concepts import ConceptSet
from assistant.rules.naming import AGE_WORDS, head_name, joined_name, longer_name, measured_concept, scale_name

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
    r"|[°º]\s?[CF]\b|degrees?\s+(?:celsius|centigrade|fahrenheit|C|F)\b"
    r"|(?:m[lL]|L|mg|g|ng|µg|mcg|[µμu]mol|mmol|nmol|pmol|mEq|m?IU|U)\s+per\s+"
    r"(?:minute|min|hour|day|dL|dl|deciliter|decilitre|L|liter|litre|kg)\b"
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
        r"|(?:greater|more|higher)\s+(?:than\s+)?or\s+equal(?:\s+to)?|at\s*(?:/|or)\s*above"
        r"|at\s+least|not\s+less\s+than|no\s+less\s+than|minimum(?:\s+of)?|≥|>\s*/?\s*=|=\s*/?\s*>|>\s*or\s*=|>_|≧|⩾",
        ">=",
    ),
    (
        r"less\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+less\s+than|at\s+most"
        r"|(?:less|lower|fewer)\s+(?:than\s+)?or\s+equal(?:\s+to)?|at\s*(?:/|or)\s*below|not\s+more\s+than|no\s+more\s+than"
        r"|no\s+greater\s+than|not\s+greater\s+than|not\s+exceeding|not\s+to\s+exceed|maximum(?:\s+of)?|up\s+to"
        r"|≤|<\s*/?\s*=|=\s*/?\s*<|<\s*or\s*=|<_|≦|⩽",
        "<=",
    ),
    (r"greater\s+than|more\s+than|higher\s+than|above|over|exceeding|in\s+excess\s+of|>|〉", ">"),
    (r"less\s+than|lower\s+than|below|under|fewer\s+than|<|〈", "<"),
    (r"equal\s+to|=", "=="),
)
_POSTFIX_OPS: tuple[tuple[str, str], ...] = (
    (r"or\s+(?:more|greater|higher|above|older|over)(?!\s+than)|and\s+(?:over|above|older)|\+", ">="),
    (r"or\s+(?:less|fewer|lower|below|younger|under)(?!\s+than)|and\s+(?:under|below|younger)", "<="),
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
_STOPWORDS = re.compile(
    r"(?:\s*\b(?:with|must|have|has|had|be|is|are|a|an|the|of|patients?|subjects?)\b)+\s*", re.IGNORECASE
)
_AFTER = re.compile(
    r"\s*(?:of\s+)?(?P<m>[A-Za-z][A-Za-z\-]*(?:\s+[A-Za-z][A-Za-z\-]*){0,3}?)(?=\s*(?:[,;:()]|\bon\b|\bin\b|\bat\b|\bfor\b|\bwithin\b|$|\.))",
    re.IGNORECASE,
)
_REMARK_BEFORE = re.compile(
    r"(?P<remark>\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])\s*(?:(?:of|is|was|are|were|at|level|value)\s+)*[:=]?\s*$",
    re.IGNORECASE,
)
"""A bracketed remark between a measurement and its limit: "granulocyte count (i.e., segmented neutrophils +
bands) of ≥ 1,500/mm3", "Body Mass Index (BMI, weight in kg divided by …) of 18.0 to 30.0 kg/m2"."""
_PERSON_END = re.compile(r"\b(?:patients?|subjects?|participants?)\s*$", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:years?|yrs?)\b", re.IGNORECASE)
_PREDICTED = re.compile(
    r"\s*(?:of\s+)?(?:the\s+)?(?:predicted|pred\b\.?)(?:\s+(?:normal\s+)?values?|\s+normal)?", re.IGNORECASE
)
"""A percentage "of predicted" after a limit: the test is the measurement's percent-predicted form."""
_CONNECTOR = re.compile(r"\s*(?:,|and|or|but|to)?\s*", re.IGNORECASE)
_DURATION_NAMES = re.compile(r"expectancy|gestation|survival", re.IGNORECASE)
_TIME_UNITS = re.compile(r"^(?:years?|yrs?|months?|weeks?|days?|hours?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Threshold:
    """One comparison read from criterion text."""

    measurement: str
    """What is compared, as written (e.g. ``Platelet count``)."""
    m_start: int
    """Offset of the measurement in the text (-1 when none was found); a bare "score" named by the scale after
    its limit spans both ("score of > 10 on the Epworth sleepiness scale")."""
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
    return value, (re.sub(r"\s+", "", re.sub(r"\s+per\s+", "/", unit)) if unit else None)


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
            concept = measured_concept(measurement, text[start:end], unit, concepts)
            if concept is None and m_start > 0:
                measurement, m_start, m_end, concept = longer_name(text, m_start, m_end, measurement, concepts)
            if concept is None and m_start >= 0:
                measurement, m_start, m_end, concept = head_name(text, m_start, m_end, measurement, unit, concepts)
            if concept is None:
                measurement, m_start, m_end, concept = scale_name(text, m_start, m_end, end, measurement, concepts)
        if unit and _TIME_UNITS.match(unit) and concept != "age" and not _DURATION_NAMES.search(measurement):
            continue  # a time window ("within 28 days"), not a threshold
        predicted = _PREDICTED.match(text, end) if unit == "%" and concept not in (None, "age") else None
        if predicted is not None:  # "FEV1 < 40% of predicted value": the test is the FEV1 as a share of predicted
            concept, end = measured_concept(f"{measurement} % predicted", "", unit, concepts), predicted.end()
        thresholds.append(Threshold(measurement, m_start, m_end, concept, op, value, unit, start, end))
    return _share_measurements(text, thresholds, concepts)


def _measurement(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The words naming what is compared: back from the comparison to the previous boundary, over a
    bracketed remark that stands between the name and its limit."""
    found = _named_before(text, start, end)
    if found[1] < 0:
        remark = _REMARK_BEFORE.search(text, 0, start)
        if remark is not None and remark.start() > 0:
            named = _named_before(text, remark.start(), remark.start())
            if named[1] >= 0:
                return named
    return found


def _named_before(text: str, start: int, end: int) -> tuple[str, int, int]:
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
        age = AGE_WORDS.search(text, start, min(len(text), end + 20))
        if age:
            return age.group(), age.start(), age.end()
        person = _PERSON_END.search(text, cut, start)
        if person and _YEARS.search(text, start, end):  # "Patient over 18 years weighing …": the patient's age
            return person.group(), person.start(), person.end()
        after = _AFTER.match(text, end)
        if after and after.group("m"):
            return after.group("m"), after.start("m"), after.end("m")
        return "", -1, -1
    m_start = cut + offset + (len(words) - len(words.lstrip()))
    return stripped, m_start, m_start + len(stripped)


def _share_measurements(text: str, thresholds: list[Threshold], concepts: ConceptSet | None) -> list[Threshold]:
    """``AST and ALT < 2.5 x ULN``: a bare measurement joined by and/or/slash shares the comparison."""
    shared: list[Threshold] = []
    for t in thresholds:
        if t.m_start > 0:
            before = text[: t.m_start]
            join = re.search(r"([A-Za-z][\w\- ()]{0,40}?)\s*(?:\band/or\b|\band\b|\bor\b|/|,)\s*$", before)
            if join and not re.search(r"\d", join.group(1)):
                words, word_start, concept = joined_name(text, join.start(1), join.end(1), t.unit, concepts)
                if concept is not None and concept != t.concept:
                    shared.append(
                        Threshold(
                            words, word_start, word_start + len(words), concept, t.op, t.value, t.unit, t.start, t.end
                        )
                    )
        shared.append(t)
    return shared
