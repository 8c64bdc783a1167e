"""Compiler readers on real criterion texts of the registry records and Chia: age, sex, pregnancy
(applies_to), conditions with windows and lists, washouts, administrative criteria, leftover words."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.check import check_patient, overall_of
from assistant.parse import parse_protocol
from assistant.patient.concepts import Kind
from assistant.patient.facts import PatientFacts
from assistant.rules.compile import compile_rule, draft_rules, dump_rules, linking, lists
from assistant.rules.compile.linking import Linked
from assistant.rules.load import compile_document
from assistant.rules.schema import parse_document
from assistant.types import Criterion

pytestmark = pytest.mark.usefixtures("exact_links")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@functools.cache
def _shared_text() -> str:
    """Criteria of every registry record (as parsed) and every Chia line, white space collapsed."""
    parts = []
    for path in (SHARED / "protocols").rglob("*"):
        if path.is_file():
            parts += [c.text for c in parse_protocol(path).criteria]
    parts += [p.read_text(encoding="utf-8") for p in (SHARED / "criteria" / "chia-dev").glob("*.txt")]
    return " ".join(" ".join(parts).split())


def real(text: str, kind: str = "inclusion") -> Criterion:
    """A criterion whose text occurs in /work/shared (registry records or Chia)."""
    assert " ".join(text.split()) in _shared_text(), f"not a real criterion text: {text!r}"
    return form(text, kind)


def form(text: str, kind: str = "inclusion") -> Criterion:
    """A criterion form named in the compiler's specification (not every one occurs in /work/shared)."""
    return Criterion(id="NCT0:I1", type=kind, text=text, start=0, end=len(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Patient over 18 years", {"age": ">", "value": 18.0}, id="over-n-years"),
        pytest.param("18 years or older,", {"age": ">=", "value": 18.0}, id="or-older"),
        pytest.param("Age of 18-65 years at screening;", {"age": "between", "value": [18.0, 65.0]}, id="range-at"),
        pytest.param(
            "Male and females aged between 18 and 65 years of age inclusive, at the time of signing the informed "
            "consent.",
            {"age": "between", "value": [18.0, 65.0]},
            id="chia-between-inclusive",
        ),
        pytest.param("Male or female aged 50 years or older", {"age": ">=", "value": 50.0}, id="sex-words-both"),
        pytest.param("Healthy adults under age 60", {"age": "<", "value": 60.0}, id="under-age-n"),
        pytest.param("Patient is over the age of 21", {"age": ">", "value": 21.0}, id="over-the-age-of"),
        pytest.param("age 18 to 50", {"age": "between", "value": [18.0, 50.0]}, id="n-to-m"),
        pytest.param("Adult participants above 18 years of age", {"age": ">", "value": 18.0}, id="adult-above"),
        pytest.param(
            "Men and women between 18 and 80 years of age", {"age": "between", "value": [18.0, 80.0]}, id="both-sexes"
        ),
        pytest.param(
            "Age < 20 or > 35 years.",
            {"any": [{"age": ">", "value": 35.0}, {"age": "<", "value": 20.0}]},
            id="or-bounds",
        ),
        pytest.param(
            "Age ≥ 18 and ≤ 65", {"all": [{"age": ">=", "value": 18.0}, {"age": "<=", "value": 65.0}]}, id="and-bounds"
        ),
    ],
)
def test_age_forms(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text))
    assert compiled.when == expected, compiled.note
    assert compiled.executable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Age≥ 40years old", {"age": ">=", "value": 40.0}, id="symbol-glued"),
        pytest.param("Ages 18-24 years (inclusive)", {"age": "between", "value": [18.0, 24.0]}, id="range-inclusive"),
        pytest.param("18 years and older", {"age": ">=", "value": 18.0}, id="and-older"),
        pytest.param("aged 18 to 75", {"age": "between", "value": [18.0, 75.0]}, id="aged-n-to-m"),
        pytest.param("≥ 18 yrs", {"age": ">=", "value": 18.0}, id="yrs"),
        pytest.param("between 2 and 17 years of age", {"age": "between", "value": [2.0, 17.0]}, id="between-of-age"),
        pytest.param("adults", {"age": ">=", "value": 18.0}, id="adults"),
        pytest.param("children", {"age": "<", "value": 18.0}, id="children"),
    ],
)
def test_age_specified_forms(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(form(text))
    assert compiled.when == expected, compiled.note


def test_age_in_months_is_not_read_as_years() -> None:
    compiled = compile_rule(real("Male and female subjects aged 9 to 17 months on the day of inclusion"))
    assert compiled.when == {"age": "between", "value": [9.0, 17.0], "unit": "months"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Male and female", {"permissive": "both sexes may take part"}, id="both"),
        pytest.param("Female sex", {"sex": ["female"]}, id="female-sex"),
        pytest.param("Women only", {"sex": ["female"]}, id="women-only"),
        pytest.param("Men", {"sex": ["male"]}, id="men"),
    ],
)
def test_sex(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(form(text))
    assert compiled.when == expected
    assert compiled.kind == "sex"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Pregnancy or breastfeeding;",
            "exclusion",
            {"any": [{"condition": "pregnant"}, {"condition": "nursing"}]},
            id="pregnancy-or-breastfeeding",
        ),
        pytest.param("Pregnant women", "exclusion", {"condition": "pregnant"}, id="pregnant-women"),
        pytest.param(
            "Breastfeeding or planning a pregnancy during the study", "exclusion", None, id="planning-pregnancy"
        ),
    ],
)
def test_pregnancy_applies_to_female_patients(text: str, kind: str, expected: dict[str, Any] | None) -> None:
    compiled = compile_rule(form(text, kind) if expected is None else real(text, kind))
    assert compiled.applies_to == {"sex": ["female"]}
    if expected is not None:
        assert compiled.when == expected, compiled.note
        assert "icd10:" in compiled.note


@functools.cache
def _record_check(nct: str, sex: str, age: float) -> dict[str, str]:
    """Statuses by criterion text of a registry record checked with compiled rules for a patient of ``sex``
    and ``age`` with no other facts."""
    protocol = parse_protocol(SHARED / "protocols" / "ctgov-legacy-xml" / f"{nct}.xml")
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    facts = PatientFacts.model_validate({"sex": sex, "age": age})
    check = check_patient(protocol, facts, dt.date(2025, 1, 1), rules)
    return {" ".join(v.text.split()): v.status for v in check.verdicts}


@pytest.mark.parametrize(
    ("nct", "start", "sex", "age", "status"),
    [
        pytest.param("NCT02699827", "Age < 20 or > 35 years", "female", 37, "violated", id="age-above-or-bound"),
        pytest.param("NCT02699827", "Age < 20 or > 35 years", "female", 19, "violated", id="age-below-or-bound"),
        pytest.param("NCT02699827", "Age < 20 or > 35 years", "female", 28, "satisfied", id="age-between-or-bounds"),
        pytest.param("NCT01174550", "men age ≥55 years", "female", 70, "not_applicable", id="men-age-for-a-woman"),
        pytest.param("NCT01174550", "men age ≥55 years", "male", 40, "violated", id="men-age-for-a-young-man"),
        # 50 is under 55, but "men age ≥45 years with increased probability of CAD …" may still admit him
        pytest.param("NCT01174550", "men age ≥55 years", "male", 50, "needs_review", id="men-age-alternative-open"),
        pytest.param("NCT01174550", "men age ≥45 years", "male", 40, "violated", id="men-age-with-words-too-young"),
        pytest.param("NCT01174550", "men age ≥45 years", "female", 60, "not_applicable", id="men-age-with-for-a-woman"),
        pytest.param("NCT01174550", "women age ≥65 years", "male", 70, "not_applicable", id="women-age-for-a-man"),
        pytest.param("NCT01174550", "women age ≥65 years", "female", 66, "satisfied", id="women-age-for-a-woman"),
        pytest.param("NCT01174550", "Contraindication to undergoing", "male", 60, "needs_review", id="cta-for-a-man"),
        pytest.param("NCT01841593", "Male or non-pregnant", "male", 40, "satisfied", id="male-or-non-pregnant-man"),
        pytest.param("NCT01841593", "Male or non-pregnant", "female", 40, "unknown", id="male-or-non-pregnant-woman"),
    ],
)
def test_sex_and_pregnancy_verdicts_on_records(nct: str, start: str, sex: str, age: float, status: str) -> None:
    """A sex-specific criterion does not apply to the other sex; one naming pregnancy among other things
    applies to everyone; "male or non-pregnant" is met by a man; every bound of an age list is read."""
    statuses = _record_check(nct, sex, age)
    found = [v for text, v in statuses.items() if text.startswith(start)]
    assert found == [status], statuses


def test_contraception_needs_review_but_only_for_female_patients() -> None:
    compiled = compile_rule(
        real("Females of childbearing potential without the use of effective non-hormonal birth", "exclusion")
    )
    assert not compiled.executable
    assert compiled.applies_to == {"sex": ["female"]}


@pytest.mark.parametrize(
    ("sex", "status"),
    [
        pytest.param("male", "not_applicable", id="male"),
        pytest.param("female", "unknown", id="female-no-data"),
        pytest.param(None, "unknown", id="sex-unknown"),
    ],
)
def test_pregnancy_criterion_for_a_male_patient_is_not_applicable(sex: str | None, status: str) -> None:
    protocol = parse_protocol(SHARED / "protocols" / "seed" / "NCT01267695.txt")
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    facts = PatientFacts.model_validate({"sex": sex} if sex else {})
    check = check_patient(protocol, facts, dt.date(2024, 6, 3), rules)
    pregnancy = [v for v in check.verdicts if "pregnan" in v.text.lower() and v.text.lower().startswith("not")]
    assert pregnancy, "the seed states a pregnancy criterion"
    assert {v.status for v in pregnancy} == {status}
    if sex == "male":
        assert all(v.criterion_id in check.to_json()["not_applicable"] for v in pregnancy)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        pytest.param(["satisfied", "not_applicable"], "eligible", id="na-counts-as-satisfied"),
        pytest.param(["not_applicable"], "eligible", id="only-na"),
        pytest.param(["violated", "not_applicable"], "ineligible", id="violated-wins"),
        pytest.param(["unknown", "not_applicable"], "undetermined", id="unknown-stays"),
    ],
)
def test_overall_of_not_applicable(statuses: list[str], overall: str) -> None:
    assert overall_of(statuses) == overall  # type: ignore[arg-type]


def _fake_link(table: dict[str, tuple[str, Kind]]) -> Any:
    def link(phrase: str, kinds: tuple[Kind, ...], concepts: object) -> Linked | None:
        found = table.get(phrase.lower().strip())
        if found is None or found[1] not in kinds:
            return None
        return Linked(found[0], found[1], found[0], phrase, phrase, "exact")

    return link


TERMS: dict[str, tuple[str, Kind]] = {
    "stroke": ("icd10:I63", "condition"),
    "tia": ("icd10:G45.9", "condition"),
    "mi": ("icd10:I21", "condition"),
    "myocardial infarction": ("icd10:I21", "condition"),
    "tuberculosis": ("icd10:A15", "condition"),
    "pancreatitis": ("icd10:K85", "condition"),
    "suicide attempt": ("icd10:T14.91", "condition"),
    "respiratory distress": ("hpo:HP:0002098", "condition"),
    "anticoagulants": ("anticoagulant", "medication"),
    "surgery": ("major_surgery", "procedure"),
}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Recent myocardial infarction within 3 months prior to screening",
            "exclusion",
            {"condition": "icd10:I21", "within": {"months": 3}},
            id="recent-with-window",
        ),
        pytest.param(
            "History of suicide attempt within the past 3 years",
            "exclusion",
            {"condition": "icd10:T14.91", "within": {"years": 3}},
            id="history-within",
        ),
        pytest.param("Active tuberculosis", "exclusion", {"condition": "icd10:A15"}, id="active"),
        pytest.param(
            "Has history of pancreatitis within the past 6 months",
            "exclusion",
            {"condition": "icd10:K85", "within": {"months": 6}},
            id="has-history-within",
        ),
        pytest.param("Respiratory distress", "exclusion", {"condition": "hpo:HP:0002098"}, id="bare"),
        pytest.param(
            "No history of stroke, TIA or MI",
            "inclusion",
            {
                "not": {
                    "any": [
                        {"condition": "icd10:I63", "ever": True},
                        {"condition": "icd10:G45.9", "ever": True},
                        {"condition": "icd10:I21", "ever": True},
                    ]
                }
            },
            id="list-none-of",
        ),
        pytest.param(
            "No anticoagulants within 2 weeks",
            "inclusion",
            {"since": "anticoagulant", "op": ">", "weeks": 2},
            id="washout",
        ),
        pytest.param(
            "prior surgery within 28 days",
            "exclusion",
            {"procedure": "major_surgery", "within": {"days": 28}},
            id="proc",
        ),
    ],
)
def test_condition_medication_procedure_grammar(
    text: str, kind: str, expected: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "link_phrase", _fake_link(TERMS))
    criterion = Criterion(id="NCT0:I1", type=kind, text=text, start=0, end=len(text))  # type: ignore[arg-type]
    compiled = compile_rule(criterion)
    assert compiled.when == expected, compiled.note
    assert "linked" in compiled.note


def test_recent_without_a_window_needs_review(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lists, "link_phrase", _fake_link(TERMS))
    compiled = compile_rule(Criterion(id="NCT0:E1", type="exclusion", text="Recent stroke", start=0, end=13))
    assert not compiled.executable
    assert "without a stated window" in compiled.when["needs_review"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "history of myocardial infarction,", {"condition": "myocardial_infarction", "ever": True}, id="mi"
        ),
        pytest.param("No chronic active hepatitis", {"not": {"condition": "chronic_active_hepatitis"}}, id="no-x"),
        pytest.param(
            "At least 28 days since prior investigational drugs",
            {"since": "investigational_drug", "op": ">=", "days": 28},
            id="since",
        ),
    ],
)
def test_curated_vocabulary_links(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text))
    assert compiled.when == expected, compiled.note
    assert "→" in compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Eastern Cooperative Oncology Group (ECOG) performance status of 0 - 2",
            {"observation": "ecog", "op": "between", "value": [0.0, 2.0]},
            id="acronym-expansion",
        ),
        pytest.param(
            "INR>1.5", {"observation": "inr", "op": ">", "value": 1.5, "unit": "{INR}"}, id="unitless-quantity"
        ),
        pytest.param(
            "Karnofskcy performance status (KPS) >_70%",
            {"observation": "karnofsky", "op": ">=", "value": 70.0},
            id="kps",
        ),
    ],
)
def test_thresholds_from_chia(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text))
    assert compiled.when == expected, compiled.note


def test_a_unitless_value_is_read_in_the_only_unit_it_is_plausible_in() -> None:
    """HbA1c 7.5 is plausible in % only (7.5 mmol/mol would be 2.7 %); the condition named before the
    bracket is what the threshold defines, and the note says both."""
    compiled = compile_rule(real("Uncontrolled Diabetes (Hemoglobin A1C > 7.5)"))
    assert compiled.when == {"observation": "hba1c", "op": ">", "value": 7.5, "unit": "%"}
    assert "read as %, the only unit the number is plausible in" in compiled.note
    assert "'Uncontrolled Diabetes' read as what its thresholds define" in compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Able and willing to comply with all requirements of the study", id="comply"),
        pytest.param("Written informed consent must be obtained before any assessment is performed", id="consent"),
        pytest.param("Unable to travel to Duke University for follow-up visits", id="travel"),
    ],
)
def test_administrative(text: str) -> None:
    compiled = compile_rule(real(text))
    assert compiled.category == "administrative"
    assert set(compiled.when) == {"needs_review"}


@pytest.mark.parametrize(
    ("text", "because"),
    [
        pytest.param(
            "Patients included between 18 and 75 years old, to limit the risk of care withdrawal",
            "not the words",
            id="age-leftover",
        ),
        pytest.param("History of severe chronic illness", "not linked", id="unlinked"),
    ],
)
def test_leftover_words_need_review(text: str, because: str) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert not compiled.executable
    assert because in compiled.when["needs_review"]


@pytest.mark.parametrize("record", ["NCT01267695.txt"], ids=["seed"])
def test_draft_round_trips_as_reviewed(record: str) -> None:
    protocol = parse_protocol(SHARED / "protocols" / "seed" / record)
    raw = yaml.safe_load(dump_rules(draft_rules(protocol)))
    raw["status"] = "reviewed"
    document = parse_document(raw, "draft")
    rules = compile_document(document, protocol, "reviewed")
    assert any(r.category == "administrative" for r in rules.rules)
    assert any(e.applies_to is not None for e in document.rules)
    assert len(rules.rules) == len(protocol.criteria)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("History of bipolar I disorder", "F31", id="icd10-history"),
        pytest.param("Fetal distress.", "HP:0025116", id="hpo"),
        pytest.param("stroke,", "I63", id="synonym"),
    ],
)
def test_terminology_links_are_named_with_their_code(text: str, code: str) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.executable, compiled.note
    assert code in compiled.note and "linked" in compiled.note


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        pytest.param("myocardial infarction", "icd10:I21,I22,I25.2", id="three-prefixes"),
        pytest.param("diabetes", "icd10:E08,E09,E10,E11,E13", id="five-prefixes"),
        pytest.param("heart disease", "icd10:I01,I05,I06,I07,I08 +29 more", id="many-prefixes-counted"),
    ],
)
def test_a_linked_code_shows_at_most_five_prefixes(phrase: str, code: str) -> None:
    from assistant.patient.concepts import load_concepts

    found = linking.link_phrase(phrase, ("condition",), load_concepts())
    assert found is not None and found.code == code


def test_curated_concepts_are_named_with_their_own_code() -> None:
    from assistant.patient.concepts import load_concepts

    found = linking.link_phrase("myocardial infarction", ("condition",), load_concepts())
    assert found is not None and found.concept == "myocardial_infarction" and found.code.startswith("icd10:")


@pytest.mark.parametrize(
    ("text", "kind", "expected", "is_real"),
    [
        pytest.param(
            "Type 2 diabetes mellitus", "inclusion", {"condition": "type_2_diabetes"}, True, id="digit-in-name"
        ),
        pytest.param(
            "Histologically or cytologically confirmed small cell lung cancer (SCLC)",
            "inclusion",
            {"condition": "small_cell_lung_cancer"},
            True,
            id="histologically-confirmed-acronym",
        ),
        pytest.param(
            "Current or recent (within 3 months) gastrointestinal disease",
            "exclusion",
            {"condition": "hpo:HP:0011024", "within": {"months": 3}},
            True,
            id="bracketed-window-before-name",
        ),
        pytest.param("Magnesium therapy", "exclusion", {"medication": "magnesium_therapy"}, True, id="x-therapy"),
        pytest.param(
            "History of analgesic use", "exclusion", {"medication": "analgesic", "ever": True}, True, id="x-use-history"
        ),
        pytest.param(
            "Systemic steroid use within the last 2 months",
            "exclusion",
            {"medication": "systemic_corticosteroid", "within": {"months": 2}},
            False,
            id="qualifier-is-part-of-name",
        ),
        pytest.param(
            "Positive blood screen for hepatitis B surface antigen",
            "exclusion",
            {"observation": "hbsag", "flag": True},
            False,
            id="positive-screen-for-flag-test",
        ),
        pytest.param(
            "Exposure to any investigational drug within 3 months",
            "exclusion",
            {"medication": "investigational_drug", "within": {"months": 3}},
            False,
            id="exposure-in-window",
        ),
    ],
)
def test_condition_and_medication_grammar(text: str, kind: str, expected: dict[str, Any], is_real: bool) -> None:
    """Qualifiers (histologically confirmed, positive screen for, exposure to), digits and acronyms in names,
    bracketed windows and "X therapy" / "X use" are read at the level of the grammar."""
    compiled = compile_rule(real(text, kind) if is_real else form(text, kind))
    assert compiled.when == expected, compiled.note
    assert "linked" in compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Systemic steroid use within the last 2 months (does not include local steroid", id="paren-left"),
        pytest.param("Positive blood screen for HTLV-1 and/or 2 antibodies", id="unlinked-item"),
        pytest.param(
            "Any confirmed or suspected immunosuppressive or immunodeficient condition", id="suspected-unlinked-name"
        ),
    ],
)
def test_leftover_words_stay_needs_review(text: str) -> None:
    compiled = compile_rule(form(text, "exclusion"))
    assert not compiled.executable, compiled.when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Body Mass Index (BMI) of 18 to 35 kg/m2, inclusive",
            {"observation": "bmi", "op": "between", "value": [18.0, 35.0], "unit": "kg/m2"},
            id="acronym-after-name",
        ),
        pytest.param(
            "Height < 150 or > 180 cm",
            {
                "any": [
                    {"observation": "body_height", "op": "<", "value": 150.0, "unit": "cm"},
                    {"observation": "body_height", "op": ">", "value": 180.0, "unit": "cm"},
                ]
            },
            id="unit-shared-by-or-bounds",
        ),
        pytest.param(
            "Eastern Cooperative Oncology Group (ECOG) performance status 0 or 1",
            {"observation": "ecog", "op": "between", "value": [0.0, 1.0]},
            id="acronym-names-the-score",
        ),
    ],
)
def test_vitals_and_scores(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "inclusion"))
    assert compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Use of immunotherapies or immunosuppressants, currently or within past 6 months;",
            "exclusion",
            {"medication": "immunosuppressant", "within": {"months": 6}},
            id="currently-or-within-past",
        ),
        pytest.param(
            "Subjects with known Tuberculosis (TB) infection",
            "exclusion",
            {"condition": "icd10:A15-A19"},
            id="infection-of-an-infectious-disease",
        ),
        pytest.param(
            "Uncontrolled hypertension",
            "exclusion",
            {"condition": "hypertension", "qualifier": "uncontrolled"},
            id="judgement-word",
        ),
        pytest.param(
            "early atherosclerosis;",
            "inclusion",
            {"condition": "icd10:I70", "qualifier": "early"},
            id="a-word-of-its-course",
        ),
        pytest.param(
            "persistent atrial fibrillation",
            "exclusion",
            {"condition": "icd10:I48.1"},
            id="a-coded-name-keeps-its-first-word",
        ),
        pytest.param(
            "Hepatic or renal impairment.", "exclusion", {"condition": "renal_impairment"}, id="shared-head-classes"
        ),
    ],
)
def test_condition_and_window_forms(text: str, kind: str, expected: dict[str, Any]) -> None:
    """A window that includes the present, "X infection" of an infectious disease, a judgement word, and the
    broad classes of the vocabulary (renal impairment) each compile; ``expected`` is one test of the tree."""
    compiled = compile_rule(real(text, kind))
    assert compiled.executable, compiled.when
    tests = compiled.when.get("any", [compiled.when])
    assert expected in tests, compiled.when
