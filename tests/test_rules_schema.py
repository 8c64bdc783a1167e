"""The rules-file validator and loader: unknown keys, operators, concepts and units are rejected
with the valid choices listed; the seed's reviewed file covers every criterion exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import RulesError
from assistant.parse import parse_protocol
from assistant.patient.concepts import load_concepts
from assistant.rules import load_rules
from assistant.rules.engine import compile_node
from assistant.rules.load import compile_document, read_rules_document
from assistant.rules.schema import parse_document, parse_node

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
RULES_FILE = ROOT / "corpus" / "NCT01267695.rules.yaml"
CONCEPTS = load_concepts()


def compile_raw(raw: object) -> None:
    compile_node(parse_node(raw, "when"), CONCEPTS, "when")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"observation": "platelets", "op": ">", "valu": 1, "unit": "/mm3"},
            "unknown key 'valu' for a 'observation' test; valid keys: observation, op, value, unit, uln, flag",
            id="unknown-key",
        ),
        pytest.param(
            {"observation": "platelets", "op": "=>", "value": 1, "unit": "/mm3"},
            "'<', '<=', '>', '>=', '==' or 'between'",
            id="unknown-operator",
        ),
        pytest.param(
            {"observation": "platelet", "op": ">", "value": 1, "unit": "/mm3"},
            "unknown observation concept 'platelet' (closest: platelets); valid: afp, albumin",
            id="unknown-concept",
        ),
        pytest.param(
            {"observation": "platelets", "op": ">", "value": 1, "unit": "furlongs"},
            "unit 'furlongs' does not convert to 10*9/L for platelets; expected a count per volume",
            id="unconvertible-unit",
        ),
        pytest.param(
            {"observation": "platelets", "op": ">", "value": 1, "unit": "blorps"},
            "unknown unit 'blorps' for platelets; expected a count per volume",
            id="unknown-unit",
        ),
        pytest.param(
            {"observation": "platelets", "op": ">", "value": 1}, "unit: required for platelets", id="missing-unit"
        ),
        pytest.param(
            {"observation": "platelets", "op": ">", "value": 1, "uln": 2},
            "give exactly one of value (with op), uln (with op) or flag",
            id="value-and-uln",
        ),
        pytest.param(
            {"observation": "ecog", "op": "between", "value": 3}, "takes a [low, high] pair", id="between-needs-pair"
        ),
        pytest.param({"observation": "cd117", "op": ">", "value": 1}, "cd117 is a flag", id="flag-compared"),
        pytest.param(
            {"condition": "cirrhosis", "within": {"moths": 6}},
            "unknown key 'moths'; valid keys: days, weeks, months, years",
            id="unknown-duration-key",
        ),
        pytest.param(
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL", "within": {"dayz": 90}},
            "when.within.dayz: unknown key 'dayz'; valid keys: days, weeks, months, years",
            id="unknown-observation-window-key",
        ),
        pytest.param(
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL", "within": {"days": 9, "weeks": 1}},
            "give exactly one of days, weeks, months, years",
            id="observation-window-two-units",
        ),
        pytest.param(
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL", "within": {"days": -1}},
            "greater than or equal to 0",
            id="observation-window-negative",
        ),
        pytest.param({"condition": "warfarin"}, "unknown condition concept 'warfarin'", id="concept-of-wrong-kind"),
        pytest.param({"since": "radiotherapy", "op": "<", "days": 28}, "invalid value '<'", id="since-operator"),
        pytest.param({"any": []}, "expected a non-empty list of tests", id="empty-any"),
        pytest.param(
            {"maybe": 1}, "a test needs exactly one of the keys all, any, not, observation", id="unknown-head"
        ),
        pytest.param(
            {"medication": "warfarin", "dose": {"op": ">", "value": 1, "unit": "litres"}},
            "unknown dose unit 'litres'",
            id="bad-dose-unit",
        ),
    ],
)
def test_invalid_rule_is_rejected_with_valid_choices(raw: object, message: str) -> None:
    with pytest.raises(RulesError) as info:
        compile_raw(raw)
    assert message in str(info.value)
    assert str(info.value).startswith("when")


def test_unknown_document_key_lists_valid_keys() -> None:
    with pytest.raises(RulesError, match="unknown key 'rulez'; valid keys: protocol, status, reviewed_by"):
        parse_document({"protocol": "NCT1", "status": "reviewed", "rulez": []}, "f.yaml")
    with pytest.raises(RulesError, match=r"rules\[0\]: unknown key 'whenn'; valid keys: criterion, text, type"):
        parse_document({"protocol": "NCT1", "status": "reviewed", "rules": [{"criterion": "a", "whenn": {}}]}, "f")


def test_seed_rules_cover_every_criterion_exactly_once() -> None:
    rules = load_rules(PROTOCOL, ROOT / "corpus")
    assert rules.source == "reviewed"
    document = read_rules_document(RULES_FILE)
    ids = [r.criterion for r in document.rules]
    assert sorted(ids) == sorted(c.id for c in PROTOCOL.criteria)
    assert len(ids) == len(set(ids))
    for entry in document.rules:
        assert entry.text == PROTOCOL.criterion(entry.criterion).text
    for entry in document.rules:
        if "needs_review" in entry.when:
            assert len(entry.when["needs_review"]) > 20, f"{entry.criterion} needs a reason"
    assert [r.criterion_id for r in rules.rules] == [c.id for c in PROTOCOL.criteria]


def test_seed_rules_needs_review_only_where_no_data_decides() -> None:
    document = read_rules_document(RULES_FILE)
    review = {r.criterion.split(":")[1] for r in document.rules if set(r.when) == {"needs_review"}}
    assert review == {"I3", "I25", "I26"}


def _edited(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    edit(data)
    (tmp_path / "NCT01267695.rules.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(lambda d: d["rules"].pop(8), "no rule for criteria NCT01267695:I9", id="criterion-without-rule"),
        pytest.param(
            lambda d: d["rules"].append(dict(d["rules"][0])), "a second rule for NCT01267695:I1", id="two-rules"
        ),
        pytest.param(
            lambda d: d["rules"][8].update(text="Platelets > 100,000"), "is not the criterion's text", id="stale-text"
        ),
        pytest.param(
            lambda d: d["rules"][8].update(criterion="NCT01267695:I99"),
            "rules for criteria the protocol does not have: NCT01267695:I99",
            id="unknown-criterion",
        ),
        pytest.param(lambda d: d.update(status="draft"), "only a reviewed file is used", id="draft-not-used"),
        pytest.param(lambda d: d["rules"][8]["when"].update(op="≥"), "invalid value '≥'", id="bad-operator"),
    ],
)
def test_broken_rules_file_is_rejected(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    corpus = _edited(tmp_path, edit)
    with pytest.raises(RulesError) as info:
        load_rules(PROTOCOL, corpus)
    assert message in str(info.value)


def test_protocol_without_reviewed_file_uses_compiled_rules(tmp_path: Path) -> None:
    rules = load_rules(PROTOCOL, tmp_path)
    assert rules.source == "compiled"
    assert [r.criterion_id for r in rules.rules] == [c.id for c in PROTOCOL.criteria]


def test_compile_document_rejects_other_protocol() -> None:
    document = read_rules_document(RULES_FILE).model_copy(update={"protocol": "NCT00000000"})
    with pytest.raises(RulesError, match="does not match"):
        compile_document(document, PROTOCOL, "reviewed")
