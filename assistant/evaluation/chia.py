"""How well the rule compiler reads thresholds, measured on the Chia development set.

Run: ``protocol-assistant eval --set chia`` (or ``.venv/bin/python eval/chia_compiler.py [CHIA_DIR]``).

Scope: the criteria (one per line of ``NCTxxxxxxxx_inc.txt`` / ``_exc.txt``) whose brat annotations
carry a ``Measurement`` linked by ``Has_value`` to a ``Value``. Each such pair is a gold threshold:
the measurement is the annotated span; comparator, value and unit come from the annotated Value
text, read by the small reference reader below (``gold_threshold``), which is separate from the
compiler's reader. Pairs whose Value text holds no number ("abnormal", "elevated") state no
threshold and are left out (counted in the report).

The compiler (``assistant.rules.extract.extract_thresholds``) reads the whole criterion line. An
extracted threshold is correct when its measurement span overlaps the gold Measurement span and
its comparator, value and unit equal the gold ones (units compared after conversion with pint;
an absent comparator in the gold text accepts any). Each gold pair is matched at most once.
Extractions that match a Value linked to something other than a Measurement (e.g. a Person's
age) are neither right nor wrong and are left out of precision.

precision = correct / extracted, recall = correct / gold thresholds.

Executable rules (``exec_*``): each criterion line with a gold threshold is compiled whole
(``assistant.rules.compile.compile_rule``). Every ``observation`` test with a value or ``uln`` in an
executable rule is a produced threshold; it is correct when it matches an unmatched gold threshold of
that line by comparator, value and unit (no spans: a rule does not keep them). Where the annotated
Value states no unit, the rule's unit is the one the compiler assumed and its note shows, so the value
alone is compared; a score written as a percentage ("Karnofsky ≥ 70%") matches the score; two one-sided
bounds on one measurement that span an annotated range ("BMI >18 and <35 kg/m2", one Value) count as one
threshold. exec_precision = correct / produced, exec_recall = correct / gold thresholds.

Line ends: a third of the Chia files end lines with ``\r\n``. Brat offsets count the ``\r``, so the
text is split on ``\n`` with offsets kept, and each line is passed on without its ``\r``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.patient.concepts import load_concepts
from assistant.patient.units import normalize_unit, ureg
from assistant.rules.compile import compile_rule, protocol_abbreviations
from assistant.rules.extract import Threshold, extract_thresholds
from assistant.types import Criterion

# Reference reading of an annotated Value text (independent of the compiler's patterns).
_GOLD_OPS: tuple[tuple[str, str], ...] = (
    (
        r"≥|>\s*_|>\s*/\s*=|>\s*=|=\s*>|>\s*or\s*=|at least|greater than or equal|more than or equal"
        r"|equal to or (?:greater|more)|at\s*(?:/|or)\s*above"
        r"|or more|or greater|or higher|or older|or above|or over|and over|and above|and older|no less than"
        r"|not less than|minimum|\+\s*$|≧",
        ">=",
    ),
    (
        r"≤|<\s*_|<\s*/\s*=|<\s*=|=\s*<|<\s*or\s*=|at most|less than or equal|equal to or less|or less|or lower"
        r"|at\s*(?:/|or)\s*below"
        r"|or fewer|or younger"
        r"|or below|no more than|not more than|no greater than|not exceed|maximum|up to|≦",
        "<=",
    ),
    (r">|greater than|more than|higher than|above|over|exceed|〉", ">"),
    (r"<|less than|lower than|below|under|fewer than", "<"),
)
# A decimal comma before a unit ("> 2,5 mg/dl") is a decimal point; a number after a slash belongs to the
# unit ("60 ml/min/1.73m2").
_NUMBER = re.compile(
    r"(?<![A-Za-z^\d.,/])(?:\d{1,3},\d{1,2}(?![\d,])(?=\s*[A-Za-zµμ%/])"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\s\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+)"
)


@dataclass(frozen=True)
class Gold:
    """One annotated threshold."""

    measurement: tuple[int, int]
    value_span: tuple[int, int]
    op: str | None
    value: float | tuple[float, float]
    unit: str | None
    text: str


def gold_threshold(text: str) -> tuple[str | None, float | tuple[float, float], str | None] | None:
    """(comparator, value, unit) of an annotated Value text, or None when it holds no number. A bracket at the
    end that restates the limit in other units is not the limit (">50 kg (110 lbs)")."""
    text = re.sub(r"(?<=\S)\s*[(\[][^()\[\]]*\d[^()\[\]]*[)\]]\s*$", "", text) or text
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return None
    tail = text[numbers[-1].end() :]
    unit_text = re.sub(r"^\s*(?:x|×|\*)\s*10\s*(?:\^|\*)?\s*(\d+)", r"10^\1", tail).strip()
    unit_text = re.sub(
        r"\b(?:or|and)\s+(?:more|greater|higher|less|lower|older|younger|above|below|over|under)\b.*$",
        "",
        unit_text,
        flags=re.I,
    ).strip(" .,;:()")
    unit_text = re.sub(r"\s+(?:of age|old|inclusive)$", "", unit_text, flags=re.I).strip()
    unit_text = re.sub(r"(?<=\w)(?:or|and)\s+(?:more|greater|higher|less|lower|above|below)\b.*$", "", unit_text)
    unit_text = re.sub(r"^g(?:ms?|m)(?=/)", "g", unit_text, flags=re.I)  # "Gms/dL", "gm/dl"
    unit_text = re.sub(r"^per\s+cent$", "%", unit_text, flags=re.I)
    unit_text = re.sub(r"^%\s*(?:of\s+)?(?:the\s+)?predicted(?:\s+(?:normal\s+)?values?)?$", "%", unit_text, flags=re.I)
    if re.search(r"upper limit|\bULN\b|\bUNL\b|\bULRR\b", text, re.I):
        unit: str | None = "×ULN"
    else:
        unit = unit_text or None

    def number(match: re.Match[str]) -> float:
        raw = match.group()
        if re.fullmatch(r"\d{1,3}\.\d{3}", raw) and unit and re.search(r"/\s*(?:µ|μ|u|mc)?(?:l|mm)", unit, re.I):
            return float(raw.replace(".", ""))
        if re.fullmatch(r"\d{1,3},\d{1,2}", raw):
            return float(raw.replace(",", "."))
        return float(raw.replace(",", "").replace(" ", ""))

    op = None
    ints = [m.group() for m in numbers]
    if len(ints) >= 2 and all(n.isdigit() for n in ints) and re.fullmatch(r"[\d\s,]*(?:or|and|&)\s*\d+", text.strip()):
        values = [int(n) for n in ints]
        if values == list(range(values[0], values[0] + len(values))):
            return "between", (float(values[0]), float(values[-1])), None
    if len(numbers) >= 2 and re.search(r"-|–|\bto\b|\band\b", text[numbers[0].end() : numbers[1].start()]):
        return "between", (number(numbers[0]), number(numbers[1])), unit
    for pattern, candidate in _GOLD_OPS:
        if re.search(pattern, text, re.I):
            op = candidate
            break
    if op is None and re.match(r"^\s*=", text):
        op = "=="
    return op, number(numbers[-1]), unit


def _spans(field: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in field.split(";"))]


def read_ann(path: Path) -> tuple[dict[str, tuple[str, list[tuple[int, int]], str]], list[tuple[str, str, str]]]:
    """Entities (id → type, spans, text) and relations (type, arg1, arg2) of a brat file."""
    entities: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    relations: list[tuple[str, str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 3:
            kind, _, spans = parts[1].partition(" ")
            entities[parts[0]] = (kind, _spans(spans), parts[2])
        elif parts[0].startswith("R") and len(parts) >= 2:
            kind, arg1, arg2 = parts[1].split()[:3]
            relations.append((kind, arg1.split(":")[1], arg2.split(":")[1]))
    return entities, relations


def _unit_equal(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    if "ULN" in (a, b):
        return False
    try:
        qa, qb = ureg.parse_expression(normalize_unit(a)), ureg.parse_expression(normalize_unit(b))
        return abs(float((qa / qb).to("dimensionless").magnitude) - 1) < 1e-6
    except Exception:  # noqa: BLE001 - an unreadable unit simply does not match
        return normalize_unit(a).lower() == normalize_unit(b).lower()


def _value_equal(a: float | tuple[float, float], b: float | tuple[float, float]) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        pairs = list(zip(a, b, strict=True))
    elif not isinstance(a, tuple) and not isinstance(b, tuple):
        pairs = [(a, b)]
    else:
        return False
    return all(abs(x - y) <= 1e-9 * max(1.0, abs(x)) for x, y in pairs)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _matches(t: Threshold, g: Gold, offset: int) -> bool:
    if t.m_start < 0 or not _overlap((t.m_start + offset, t.m_end + offset), g.measurement):
        return False
    if g.op is not None and t.op != g.op:
        return False
    return _value_equal(t.value, g.value) and _unit_equal(t.unit, g.unit)


def _observations(node: object) -> list[dict[str, object]]:
    """The observation tests with a value or uln in a rule tree."""
    if isinstance(node, list):
        return [leaf for item in node for leaf in _observations(item)]
    if not isinstance(node, dict):
        return []
    if "observation" in node:
        return [node] if "value" in node or "uln" in node else []
    return [leaf for value in node.values() for leaf in _observations(value)]


def _leaf_matches(leaf: dict[str, object], g: Gold, scores: frozenset[str] = frozenset()) -> bool:
    if g.op is not None and leaf["op"] != g.op:
        return False
    raw = leaf.get("value", leaf.get("uln"))
    value = tuple(float(v) for v in raw) if isinstance(raw, list) else float(raw)  # type: ignore[arg-type]
    unit = "×ULN" if "uln" in leaf else leaf.get("unit")
    gold_unit = g.unit
    if isinstance(unit, str) and unit.startswith("{"):
        unit = None  # a unitless quantity ({INR}): the rule names the concept's unit the text leaves out
    if gold_unit is None and "uln" not in leaf:
        unit = None  # the text states no unit: the rule's is the one its note says the compiler assumed
    if unit is None and leaf["observation"] in scores and gold_unit in _SCORE_UNITS:
        gold_unit = None  # "Karnofsky ≥ 70%": a score's points written as a percentage
    return _value_equal(value, g.value) and _unit_equal(unit, gold_unit)  # type: ignore[arg-type]


_SCORE_UNITS = frozenset(("%", "percent", "per cent", "point", "points"))


def _ranges(leaves: list[dict[str, object]], golds: list[Gold]) -> list[dict[str, object]]:
    """``leaves`` with each pair of one-sided bounds on one measurement that spans a gold range ("BMI >18
    and <35 kg/m2", annotated as one Value) merged into one ``between`` test: one threshold, not two."""
    spans = {g.value for g in golds if g.op == "between"}
    out = list(leaves)
    for low in leaves:
        for high in leaves:
            if low not in out or high not in out or low is high or low["observation"] != high["observation"]:
                continue
            if low["op"] in (">", ">=") and high["op"] in ("<", "<=") and "value" in low and "value" in high:
                bounds = (float(low["value"]), float(high["value"]))  # type: ignore[arg-type]
                if bounds in spans:
                    out[out.index(low)] = {**low, "op": "between", "value": list(bounds)}
                    out.remove(high)
    return out


def evaluate(chia_dir: Path) -> dict[str, float]:
    """Precision and recall of threshold extraction on the Chia files in ``chia_dir``."""
    concepts = load_concepts()
    scores = frozenset(n for n in concepts.names("observation") if concepts.concepts[n].value == "score")
    gold_total = extracted = correct = ignored = no_number = criteria = 0
    produced = exec_correct = 0
    for ann in sorted(chia_dir.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            continue
        text = txt.read_bytes().decode("utf-8")  # keep \r: brat offsets count every character
        entities, relations = read_ann(ann)
        golds: list[Gold] = []
        others: list[tuple[int, int]] = []
        for kind, arg1, arg2 in relations:
            if kind != "Has_value" or arg1 not in entities or arg2 not in entities or entities[arg2][0] != "Value":
                continue
            value_spans = entities[arg2][1]
            value_span = (value_spans[0][0], value_spans[-1][1])
            if entities[arg1][0] != "Measurement":
                others.append(value_span)
                continue
            reading = gold_threshold(entities[arg2][2])
            if reading is None:
                no_number += 1
                continue
            m_spans = entities[arg1][1]
            golds.append(Gold((m_spans[0][0], m_spans[-1][1]), value_span, *reading, entities[arg2][2]))
        abbreviations = protocol_abbreviations(text)
        offset = 0
        for line in text.split("\n"):
            start, end = offset, offset + len(line)
            offset = end + 1
            line = line.removesuffix("\r")
            line_golds = [g for g in golds if start <= g.value_span[0] < end + 1]
            if not line_golds:
                continue
            criteria += 1
            gold_total += len(line_golds)
            unmatched = list(line_golds)
            for t in extract_thresholds(line, concepts):
                hit = next((g for g in unmatched if _matches(t, g, start)), None)
                if hit is not None:
                    unmatched.remove(hit)
                    correct += 1
                    extracted += 1
                elif any(_overlap((t.start + start, t.end + start), span) for span in others):
                    ignored += 1
                else:
                    extracted += 1
            compiled = compile_rule(Criterion("chia:I1", "inclusion", line, 0, len(line)), concepts, abbreviations)
            if compiled.executable:
                remaining = list(line_golds)
                for leaf in _ranges(_observations(compiled.when), line_golds):
                    produced += 1
                    hit = next((g for g in remaining if _leaf_matches(leaf, g, scores)), None)
                    if hit is not None:
                        remaining.remove(hit)
                        exec_correct += 1
    return {
        "criteria": float(criteria),
        "gold_thresholds": float(gold_total),
        "gold_without_number": float(no_number),
        "extracted": float(extracted),
        "extracted_not_scored": float(ignored),
        "correct": float(correct),
        "precision": correct / extracted if extracted else 0.0,
        "recall": correct / gold_total if gold_total else 0.0,
        "exec_produced": float(produced),
        "exec_correct": float(exec_correct),
        "exec_precision": exec_correct / produced if produced else 0.0,
        "exec_recall": exec_correct / gold_total if gold_total else 0.0,
    }
