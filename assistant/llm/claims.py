"""What a sentence claims, in a form that can be compared with quoted protocol text.

A sentence is reduced to three kinds of claim:

* **quantities** — every number with its unit (mg, weeks, months, years, days, /mm3, ×ULN, %, cm,
  /HPF …), the comparator in front of it (``>``, ``at least`` …) and, for a duration, what it is
  counted from ("3 weeks *after surgery*"); number words are read as numbers ("two to four weeks",
  "one and a half years", "class III-IV");
* **frequencies** — "once daily", "twice daily", "weekly" …;
* **content words** with their polarity — a word inside the scope of a negation ("No known brain
  metastases", "patients with brain metastases are not eligible") is negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}

# unit pattern -> canonical unit; longest and most specific first
_UNITS: tuple[tuple[str, str], ...] = (
    (r"(?:x|times)\s*(?:the\s+)?(?:uln\b|upper\s+limits?\s+of\s+(?:the\s+)?normal(?:\s*\(uln\))?)", "xULN"),
    (r"(?:/|per\s+)(?:cu\.?\s*)?(?:mm3|mm\^3|ul|mcl)\b", "/mm3"),
    (r"(?:/|per\s+)(?:\d+\s*)?hpfs?\b", "/hpf"),
    (r"mg/m2\b|mg\s+per\s+m2\b", "mg/m2"),
    (r"mg/dl\b", "mg/dL"),
    (r"g/dl\b", "g/dL"),
    (r"(?:umol|µmol)/l\b", "umol/L"),
    (r"x\s*10\^?9\s*/\s*l\b", "10^9/L"),
    (r"(?:mcg|ug|µg|micrograms?)\b", "microgram"),
    (r"(?:mg|milligrams?)\b", "milligram"),
    (r"(?:g|grams?)\b", "gram"),
    (r"(?:kg|kilograms?)\b", "kilogram"),
    (r"(?:ml|millilitres?|milliliters?)\b", "milliliter"),
    (r"(?:cm|centimet(?:re|er)s?)\b", "centimeter"),
    (r"(?:mm|millimet(?:re|er)s?)\b", "millimeter"),
    (r"(?:%|percent\b|per\s+cent\b)", "%"),
    (r"(?:hours?|hrs?|h)\b", "hour"),
    (r"days?\b", "day"),
    (r"(?:weeks?|wks?)\b", "week"),
    (r"(?:months?|mos?)\b", "month"),
    (r"(?:years?|yrs?)\b", "year"),
)
_UNIT_RE = re.compile(r"\s*(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(_UNITS)) + ")")
_UNIT_WORD = r"(?:weeks?|months?|years?|days?|hours?|mg|times|percent|cm)"

_NUM = r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w.]?\d)"
_NUM_RE = re.compile(_NUM)
_RANGE_NEXT = re.compile(r"\s*(?:-|to|or|and)\s*(?=\d)")

_COMPARATORS: tuple[tuple[str, str], ...] = (
    (r"(?:>=|at\s+least|no\s+(?:less|fewer)\s+than|not\s+(?:less|fewer)\s+than|minimum\s+(?:of\s+)?)", ">="),
    (r"(?:<=|at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|maximum\s+(?:of\s+)?)", "<="),
    (r"(?:>|more\s+than|greater\s+than|over|above|exceeding|exceeds?)", ">"),
    (r"(?:<|less\s+than|fewer\s+than|below|under)", "<"),
)
_COMP_BEFORE = [(re.compile(rf"(?:^|[^\w<>=])(?:{p})\s*(?:of\s+)?$"), c) for p, c in _COMPARATORS]
_COMP_AFTER = re.compile(r"^\s*(?:and|or)\s+(?:over|older|more|above|greater)\b")
_COMP_AFTER_MAX = re.compile(r"^\s*(?:and|or)\s+(?:under|younger|less|fewer|below)\b")
_RELATION = re.compile(
    r"^\s*(?:(?:of|of\s+the)\s+\w+\s+)?(?P<rel>after|before|since|following|prior\s+to|from)\s+"
    r"(?:(?:the|of|a|an|their|his|her|prior|previous|last|any)\s+)*(?P<anchor>[a-z]+)"
)
_REL_CANON = {"following": "after", "prior to": "before", "since": "after", "from": "after"}

_FREQUENCIES: tuple[tuple[str, str], ...] = (
    (r"(?:twice|two\s+times|2\s+times)\s+(?:a\s+day|daily|per\s+day)|\bbid\b|\bb\.i\.d\.", "twice daily"),
    (r"(?:three|3)\s+times\s+(?:a\s+day|daily|per\s+day)|\btid\b", "three times daily"),
    (r"(?:once|one\s+time|1\s+time)\s+(?:a\s+day|daily|per\s+day)|\bqd\b|\bq\.d\.", "once daily"),
    (r"every\s+other\s+day", "every other day"),
    (r"(?:once\s+)?(?:weekly|a\s+week|per\s+week|every\s+week)", "weekly"),
    (r"(?:once\s+)?(?:monthly|every\s+month)", "monthly"),
    (r"\bdaily\b|\ba\s+day\b|\bper\s+day\b|/day\b|\bevery\s+day\b", "daily"),
)

# negation: prefix cues scope forward to the clause end; clause cues negate the whole clause
_PREFIX_NEG = re.compile(r"\b(?:no|not|without|never|none|absence\s+of|absent|free\s+of|non|unless)\b")
_CLAUSE_NEG = re.compile(
    r"\b(?:(?:are|is|be|was|were)\s+)?(?:not\s+(?:be\s+)?(?:eligible|allowed|permitted|included|accepted|enrolled)|"
    r"(?:may|can|must|should|will)\s*not\s+(?:be\s+\w+|\w+)|cannot\s+\w+|can't\s+\w+|ineligible|excluded|"
    r"prohibited|disallowed|forbidden|not\s+(?:enrol+|participate|take\s+part|join))\b"
)
_CLAUSE_END = re.compile(r"[,;:()]|\bbut\b|\bexcept\b|\bwhile\b|\bwhereas\b")

_STOP_TEXT = """
a an and are as at be been being but by can could did do does each either for from had has have he her his how
i if in into is it its may might must no nor not of on or our per shall she should so such than that the their
them then there these they this those through to under up was we were what when where which while who whom why
will with within would you your also only any all both other same very after before during until patient
patients participant participants subject subjects study trial protocol protocols people person receive
receives received receiving given give taken take takes undergo undergoes allowed eligible enrol enroll
enrolled enrolling enrollment participate permitted required requires require need needs needed about
approximately around least most more less than over above below yes answer according states stated says said
quote quotes quoted without never none absence absent free non unless older younger
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
"""Words that carry no claim of their own (and the negation cues, which are read as polarity)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number a text states, with what qualifies it."""

    value: float
    """The number."""
    unit: str | None
    """Canonical unit (``week``, ``milligram``, ``/mm3``, ``xULN`` …), or None for a bare number."""
    comparator: str | None = None
    """``>``, ``>=``, ``<``, ``<=`` when the text bounds the number, else None."""
    relation: str | None = None
    """``after`` / ``before`` when a duration is counted from something."""
    anchor: str | None = None
    """Stem of what the duration is counted from (``surge`` for "after surgery")."""

    def text(self) -> str:
        """The quantity as a person reads it."""
        value = f"{self.value:g}"
        parts = [self.comparator or "", value, self.unit or ""]
        if self.relation:
            parts += [self.relation, f"{self.anchor}…"]
        return " ".join(p for p in parts if p)


def stem(word: str) -> str:
    """A crude stem: the first five letters of a word (metastases/metastasis, recurrence/recurrent)."""
    return word[:5]


def normalise(text: str) -> str:
    """Lower case, plain dashes and comparators, digits for number words and roman class numerals."""
    out = text.lower()
    for old, new in {
        "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u3009": ">", "\u232a": ">",
        "\u2265": ">=", "\u2264": "<=", "\u00d7": "x", "\u00a0": " ", "\u00b3": "3", "\u00b5": "u", "\u03bc": "u",
        "\u2019": "'", "\u201c": '"', "\u201d": '"',
    }.items():  # fmt: skip
        out = out.replace(old, new)
    out = re.sub(r"\*\*|__|`", "", out)
    words = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    # "one and a half years", "a year and a half", "half a year"
    out = re.sub(rf"\b({words})\s+and\s+a\s+half\b", lambda m: f"{_NUMBER_WORDS[m.group(1)] + 0.5:g}", out)
    out = re.sub(r"\b(\d+)\s+and\s+a\s+half\b", lambda m: f"{int(m.group(1)) + 0.5:g}", out)
    out = re.sub(rf"\ba\s+{_UNIT_WORD}\s+and\s+a\s+half\b", lambda m: f"1.5 {m.group(0).split()[1]}", out)
    out = re.sub(r"\bhalf\s+an?\s+(\w+)", r"0.5 \1", out)
    out = re.sub(rf"\b({words})-({words})\b", lambda m: str(_NUMBER_WORDS[m.group(1)] + _NUMBER_WORDS[m.group(2)]), out)

    def word_number(match: re.Match[str]) -> str:
        word = match.group(1)
        unit_follows = re.match(rf"\s*(?:-|to|or)?\s*(?:\w+\s+)?{_UNIT_WORD}\b", out[match.end() :])
        bound_before = re.search(r"\b(?:at\s+least|at\s+most|more\s+than|less\s+than)\s+$", out[: match.start()])
        if word == "one" and not (unit_follows or bound_before):
            return word  # "one of", "no one": not a quantity
        return str(_NUMBER_WORDS[word])

    out = re.sub(rf"\b({words})\b", word_number, out)
    roman = "|".join(sorted(_ROMAN, key=len, reverse=True))
    out = re.sub(
        rf"\b(class|grade|stage)\s+({roman})(?:\s*(?:-|to|or)\s*({roman}))?\b",
        lambda m: f"{m.group(1)} {_ROMAN[m.group(2)]}" + (f"-{_ROMAN[m.group(3)]}" if m.group(3) else ""),
        out,
    )
    return out


def _unit_at(text: str) -> tuple[str | None, int]:
    match = _UNIT_RE.match(text)
    if not match or match.lastgroup is None:
        return None, 0
    return _UNITS[int(match.lastgroup[1:])][1], match.end()


def quantities(text: str) -> list[Quantity]:
    """Every quantity a (normalised) text states, a range giving one quantity per end."""
    found: list[Quantity] = []
    matches = list(_NUM_RE.finditer(text))
    pending: list[tuple[float, str | None]] = []  # range starts waiting for their end's unit
    for index, match in enumerate(matches):
        value = float(match.group(0).replace(",", ""))
        rest = text[match.end() :]
        before = text[: match.start()]
        comparator = next((c for pattern, c in _COMP_BEFORE if pattern.search(before[-40:])), None)
        nxt = _RANGE_NEXT.match(rest)
        if nxt and index + 1 < len(matches) and matches[index + 1].start() == match.end() + nxt.end():
            pending.append((value, comparator))
            continue
        unit, unit_end = _unit_at(rest)
        after = rest[unit_end:]
        if comparator is None and _COMP_AFTER.match(after):
            comparator = ">="
        elif comparator is None and _COMP_AFTER_MAX.match(after):
            comparator = "<="
        relation = anchor = None
        if unit in {"day", "week", "month", "year", "hour"} and (rel := _RELATION.match(after)):
            relation = _REL_CANON.get(re.sub(r"\s+", " ", rel.group("rel")), rel.group("rel"))
            anchor = stem(rel.group("anchor"))
        for start_value, start_comparator in pending:
            found.append(Quantity(start_value, unit, start_comparator, relation, anchor))
        pending = []
        found.append(Quantity(value, unit, comparator, relation, anchor))
    return found


def frequencies(text: str) -> set[str]:
    """Dosing frequencies a (normalised) text states."""
    found: set[str] = set()
    rest = text
    for pattern, name in _FREQUENCIES:
        if re.search(pattern, rest):
            found.add(name)
            rest = re.sub(pattern, " ", rest)
    return found


@dataclass(frozen=True, slots=True)
class Word:
    """A content word of a text."""

    word: str
    """The word as written (lower case)."""
    stem: str
    """Its stem, see ``stem``."""
    negated: bool
    """True when the word lies in the scope of a negation."""


def content_words(text: str) -> list[Word]:
    """Content words of a (normalised) text, in order, each with its polarity."""
    result: list[Word] = []
    pieces = [p for p in re.split(r"(?<=[.!?])\s+", text) if p]
    for piece in pieces:
        clauses = _CLAUSE_END.split(piece)
        for clause in clauses:
            whole = len(_CLAUSE_NEG.findall(clause)) % 2 == 1
            stripped = _CLAUSE_NEG.sub(lambda m: " " * len(m.group(0)), clause)
            cue_ends = [m.end() for m in _PREFIX_NEG.finditer(stripped)]
            for word in re.finditer(r"[a-z][a-z'-]+", stripped):
                token = word.group(0).strip("'-")
                if len(token) < 3 or token in STOPWORDS:
                    continue
                flips = sum(1 for end in cue_ends if end <= word.start())
                result.append(Word(token, stem(token), whole != (flips % 2 == 1)))
    return result
