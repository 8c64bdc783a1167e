"""Every criterion of the seed protocol at its boundaries, against the reviewed rules file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure
from assistant.patient.factsfile import read_facts_file
from assistant.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2024, 6, 3)
PROTOCOL = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
RULES = load_rules(PROTOCOL, ROOT / "corpus")
BASE = read_facts_file(ROOT / "eval" / "patients" / "gist-eligible.facts.yaml", today=AS_OF)
D = dt.date


def obs(concept: str, value: float | None = None, unit: str | None = None, **kw: object) -> Observation:
    return Observation(concept=concept, value=value, unit=unit, date=kw.pop("date", D(2024, 5, 28)), **kw)  # type: ignore[arg-type]


def cond(concept: str, **kw: object) -> Condition:
    return Condition(concept=concept, **kw)  # type: ignore[arg-type]


def med(concept: str, **kw: object) -> Medication:
    return Medication(concept=concept, **kw)  # type: ignore[arg-type]


def proc(concept: str, **kw: object) -> Procedure:
    return Procedure(concept=concept, **kw)  # type: ignore[arg-type]


def without(facts: PatientFacts, *concepts: str) -> PatientFacts:
    """The facts with every fact of the given concepts removed."""
    keep = lambda group: tuple(f for f in group if f.concept not in concepts)  # noqa: E731
    return facts.model_copy(
        update={
            "observations": keep(facts.observations),
            "conditions": keep(facts.conditions),
            "medications": keep(facts.medications),
            "procedures": keep(facts.procedures),
        }
    )


def patient(*facts: object, remove: tuple[str, ...] = (), **fields: object) -> PatientFacts:
    """The eligible base patient, with facts replaced by concept, some concepts removed, fields changed."""
    group = {Observation: "observations", Condition: "conditions", Medication: "medications", Procedure: "procedures"}
    update: dict[str, list[object]] = {name: [] for name in group.values()}
    for fact in facts:
        update[group[type(fact)]].append(fact)
    newer = PatientFacts(**{k: tuple(v) for k, v in update.items()})  # type: ignore[arg-type]
    merged = without(BASE, *remove).merged_with(newer)
    return merged.model_copy(update=fields) if fields else merged


def status(criterion: str, facts: PatientFacts) -> str:
    result = check_patient(PROTOCOL, facts, AS_OF, RULES)
    return next(v.status for v in result.verdicts if v.criterion_id == f"NCT01267695:{criterion}")


CASES = [
    # I1 GIST diagnosis
    pytest.param("I1", patient(), "satisfied", id="I1-gist-recorded"),
    pytest.param("I1", patient(cond("gist", present=False)), "violated", id="I1-gist-refuted"),
    pytest.param("I1", patient(remove=("gist",)), "unknown", id="I1-no-record"),
    # I2 locally advanced: size>5 and mitoses>5; size>10; mitoses>10
    pytest.param(
        "I2",
        patient(obs("tumour_size", 10, "cm"), obs("mitotic_count", 5, "/[HPF]")),
        "violated",
        id="I2-size10-mitoses5-at-boundaries",
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 5.1, "cm"), obs("mitotic_count", 5.1, "/[HPF]")),
        "satisfied",
        id="I2-first-alternative",
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 10.1, "cm"), obs("mitotic_count", 1, "/[HPF]")),
        "satisfied",
        id="I2-size-over-10",
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 100, "mm"), obs("mitotic_count", 5, "/[HPF]")),
        "violated",
        id="I2-100mm-is-10cm",
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 4, "cm"), obs("mitotic_count", 10, "/[HPF]")),
        "violated",
        id="I2-mitoses-exactly-10",
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 4, "cm"), obs("mitotic_count", 10.5, "/[HPF]")),
        "satisfied",
        id="I2-mitoses-over-10",
    ),
    pytest.param(
        "I2", patient(obs("tumour_size", 8, "cm"), remove=("mitotic_count",)), "unknown", id="I2-size-8-mitoses-missing"
    ),
    pytest.param(
        "I2",
        patient(obs("tumour_size", 110, "mm"), remove=("mitotic_count",)),
        "satisfied",
        id="I2-size-110mm-settles-alone",
    ),
    # I3, I25, I26 need review whatever the data
    pytest.param("I3", patient(), "needs_review", id="I3-review"),
    pytest.param("I25", patient(), "needs_review", id="I25-review"),
    pytest.param("I26", patient(), "needs_review", id="I26-review"),
    # I4 CD117
    pytest.param("I4", patient(obs("cd117", flag=False)), "violated", id="I4-cd117-negative"),
    pytest.param("I4", patient(remove=("cd117",)), "unknown", id="I4-cd117-missing"),
    # I5 measurable disease
    pytest.param("I5", patient(cond("measurable_disease", present=False)), "violated", id="I5-none"),
    # I6 brain metastases
    pytest.param("I6", patient(cond("brain_metastases", onset=D(2024, 5, 1))), "violated", id="I6-present"),
    pytest.param(
        "I6", patient(cond("brain_metastases", active=False, abatement=D(2023, 1, 1))), "satisfied", id="I6-resolved"
    ),
    pytest.param("I6", patient(remove=("brain_metastases",)), "unknown", id="I6-no-record"),
    # I7 age 18 and over
    pytest.param("I7", patient(birth_date=D(2006, 6, 3)), "satisfied", id="I7-18th-birthday"),
    pytest.param("I7", patient(birth_date=D(2006, 6, 4)), "violated", id="I7-day-before-18"),
    pytest.param("I7", patient(birth_date=None), "unknown", id="I7-no-birth-date"),
    # I8 ECOG 0-3
    pytest.param("I8", patient(obs("ecog", 0)), "satisfied", id="I8-ecog-0"),
    pytest.param("I8", patient(obs("ecog", 3)), "satisfied", id="I8-ecog-3"),
    pytest.param("I8", patient(obs("ecog", 4)), "violated", id="I8-ecog-4"),
    pytest.param("I8", patient(remove=("ecog",)), "unknown", id="I8-missing"),
    # I9 platelets > 100,000/mm3
    pytest.param("I9", patient(obs("platelets", 100000, "/mm3")), "violated", id="I9-exactly-100000-per-mm3"),
    pytest.param("I9", patient(obs("platelets", 100001, "/mm3")), "satisfied", id="I9-100001-per-mm3"),
    pytest.param("I9", patient(obs("platelets", 100, "10*9/L")), "violated", id="I9-100-10*9/L"),
    pytest.param("I9", patient(obs("platelets", 100.1, "10*3/uL")), "satisfied", id="I9-100.1-10*3/uL"),
    pytest.param("I9", patient(remove=("platelets",)), "unknown", id="I9-missing"),
    # I10 ANC > 1,500/mm3
    pytest.param("I10", patient(obs("anc", 1500, "/mm3")), "violated", id="I10-exactly-1500"),
    pytest.param("I10", patient(obs("anc", 1.5, "10*9/L")), "violated", id="I10-1.5-10*9/L"),
    pytest.param("I10", patient(obs("anc", 1.51, "10*9/L")), "satisfied", id="I10-1.51-10*9/L"),
    # I11 AST/ALT < 2.5 ULN, < 5 ULN with hepatic metastases
    pytest.param("I11", patient(obs("ast", 100, "U/L", reference_high=40)), "violated", id="I11-ast-exactly-2.5uln"),
    pytest.param("I11", patient(obs("ast", 99.9, "U/L", reference_high=40)), "satisfied", id="I11-ast-under-2.5uln"),
    pytest.param("I11", patient(obs("alt", 112.5, "U/L", reference_high=45)), "violated", id="I11-alt-exactly-2.5uln"),
    pytest.param(
        "I11",
        patient(obs("ast", 150, "U/L", reference_high=40), cond("hepatic_metastases")),
        "satisfied",
        id="I11-3.75uln-with-liver-mets",
    ),
    pytest.param(
        "I11",
        patient(obs("ast", 200, "U/L", reference_high=40), cond("hepatic_metastases")),
        "violated",
        id="I11-exactly-5uln-with-liver-mets",
    ),
    pytest.param(
        "I11",
        patient(obs("ast", 150, "U/L", reference_high=40), remove=("hepatic_metastases",)),
        "unknown",
        id="I11-3.75uln-mets-unknown",
    ),
    pytest.param("I11", patient(obs("ast", 30, "U/L")), "unknown", id="I11-no-reference-range"),
    pytest.param("I11", patient(obs("ast", 2, "ULN")), "satisfied", id="I11-stated-as-multiple-of-uln"),
    # I12 bilirubin < 1.5 ULN, in either unit
    pytest.param(
        "I12", patient(obs("bilirubin", 31.5, "umol/L", reference_high=21)), "violated", id="I12-exactly-1.5uln-umol"
    ),
    pytest.param(
        "I12", patient(obs("bilirubin", 31.4, "umol/L", reference_high=21)), "satisfied", id="I12-under-1.5uln-umol"
    ),
    pytest.param(
        "I12", patient(obs("bilirubin", 1.8, "mg/dL", reference_high=1.2)), "violated", id="I12-exactly-1.5uln-mg"
    ),
    pytest.param(
        "I12",
        patient(obs("bilirubin", 1.0, "mg/dL", reference_high=21, reference_high_unit="umol/L")),
        "satisfied",
        id="I12-mixed-units",
    ),
    # I16 creatinine < 1.5 ULN
    pytest.param(
        "I16", patient(obs("creatinine", 1.65, "mg/dL", reference_high=1.1)), "violated", id="I16-exactly-1.5uln"
    ),
    pytest.param(
        "I16",
        patient(obs("creatinine", 132, "umol/L", reference_high=1.1, reference_high_unit="mg/dL")),
        "satisfied",
        id="I16-umol-against-mg-uln",
    ),
    pytest.param(
        "I16",
        patient(obs("creatinine", 150, "umol/L", reference_high=1.1, reference_high_unit="mg/dL")),
        "violated",
        id="I16-150umol-is-1.54uln",
    ),
    # I18 NYHA III-IV
    pytest.param("I18", patient(obs("nyha_class", 2)), "satisfied", id="I18-nyha-2"),
    pytest.param("I18", patient(obs("nyha_class", 3)), "violated", id="I18-nyha-3"),
    pytest.param("I18", patient(obs("nyha_class", 4)), "violated", id="I18-nyha-4"),
    pytest.param("I18", patient(remove=("nyha_class",)), "unknown", id="I18-missing"),
    # I20 MI within 6 months
    pytest.param(
        "I20", patient(cond("myocardial_infarction", onset=D(2023, 12, 3))), "violated", id="I20-first-day-of-window"
    ),
    pytest.param(
        "I20", patient(cond("myocardial_infarction", onset=D(2023, 12, 2))), "satisfied", id="I20-day-before-window"
    ),
    pytest.param("I20", patient(cond("myocardial_infarction")), "unknown", id="I20-undated"),
    # I23 / I24 pregnancy
    pytest.param("I23", patient(cond("pregnant")), "violated", id="I23-pregnant"),
    pytest.param("I23", patient(cond("nursing")), "violated", id="I23-nursing"),
    pytest.param("I23", patient(remove=("pregnant",)), "unknown", id="I23-pregnancy-unknown"),
    pytest.param("I23", patient(remove=("pregnant", "nursing"), sex="male"), "satisfied", id="I23-male"),
    pytest.param("I24", patient(obs("pregnancy_test", flag=True)), "violated", id="I24-positive"),
    pytest.param("I24", patient(remove=("pregnancy_test",)), "unknown", id="I24-no-test"),
    pytest.param("I24", patient(remove=("pregnancy_test",), sex="male"), "satisfied", id="I24-male"),
    # I27 other malignancy within 5 years (with a judgement exception)
    pytest.param(
        "I27",
        patient(cond("other_malignancy", active=False, abatement=D(2019, 6, 2))),
        "satisfied",
        id="I27-resolved-before-window",
    ),
    pytest.param(
        "I27",
        patient(cond("other_malignancy", active=False, abatement=D(2019, 6, 3))),
        "needs_review",
        id="I27-resolved-on-window-start",
    ),
    pytest.param("I27", patient(remove=("other_malignancy",)), "unknown", id="I27-no-record"),
    # I28 obstruction or major bleeding
    pytest.param("I28", patient(cond("gi_obstruction")), "violated", id="I28-obstruction"),
    pytest.param("I28", patient(cond("major_bleeding", onset=D(2024, 5, 30))), "violated", id="I28-bleeding"),
    # I32 / I34 concurrent anticancer drugs
    pytest.param("I32", patient(med("anticancer_biologic", start=D(2024, 5, 1))), "violated", id="I32-current"),
    pytest.param(
        "I32", patient(med("anticancer_biologic", end=D(2024, 1, 1), active=False)), "satisfied", id="I32-stopped"
    ),
    pytest.param("I34", patient(med("chemotherapy", start=D(2024, 5, 1))), "violated", id="I34-current"),
    # I33 4 weeks since chemotherapy, 6 for nitrosourea/mitomycin, unless rapidly progressing
    pytest.param(
        "I33", patient(med("chemotherapy", end=D(2024, 5, 6), active=False)), "violated", id="I33-exactly-4-weeks"
    ),
    pytest.param(
        "I33", patient(med("chemotherapy", end=D(2024, 5, 5), active=False)), "unknown", id="I33-29-days-agent-unknown"
    ),
    pytest.param(
        "I33",
        patient(
            med("chemotherapy", end=D(2024, 5, 5), active=False),
            med("nitrosourea", present=False),
            med("mitomycin", present=False),
        ),
        "satisfied",
        id="I33-29-days-not-nitrosourea-or-mitomycin",
    ),
    pytest.param(
        "I33",
        patient(med("chemotherapy", end=D(2024, 4, 21), active=False)),
        "satisfied",
        id="I33-over-6-weeks-any-agent",
    ),
    pytest.param(
        "I33",
        patient(med("mitomycin", end=D(2024, 4, 23), active=False), remove=("chemotherapy",)),
        "violated",
        id="I33-mitomycin-41-days",
    ),
    pytest.param(
        "I33",
        patient(
            med("mitomycin", end=D(2024, 4, 23), active=False),
            cond("rapidly_progressing_disease"),
            remove=("chemotherapy",),
        ),
        "satisfied",
        id="I33-mitomycin-but-rapid-progression",
    ),
    # I35 at least 28 days since radiotherapy
    pytest.param("I35", patient(proc("radiotherapy", date=D(2024, 5, 6))), "satisfied", id="I35-exactly-28-days"),
    pytest.param("I35", patient(proc("radiotherapy", date=D(2024, 5, 7))), "violated", id="I35-27-days"),
    pytest.param("I35", patient(proc("radiotherapy")), "unknown", id="I35-undated"),
    pytest.param("I35", patient(remove=("radiotherapy",)), "unknown", id="I35-no-record"),
    # I36 more than 2 weeks since major surgery; biopsy does not count
    pytest.param("I36", patient(proc("major_surgery", date=D(2024, 5, 20))), "violated", id="I36-exactly-14-days"),
    pytest.param("I36", patient(proc("major_surgery", date=D(2024, 5, 19))), "satisfied", id="I36-15-days"),
    pytest.param("I36", patient(proc("tumor_biopsy", date=D(2024, 6, 1))), "satisfied", id="I36-recent-biopsy"),
    # I37 / I38 28 days since investigational drugs / imatinib
    pytest.param(
        "I37",
        patient(med("investigational_drug", end=D(2024, 5, 6), active=False)),
        "satisfied",
        id="I37-exactly-28-days",
    ),
    pytest.param(
        "I37", patient(med("investigational_drug", end=D(2024, 5, 7), active=False)), "violated", id="I37-27-days"
    ),
    pytest.param("I38", patient(med("imatinib", end=D(2024, 5, 7), active=False)), "violated", id="I38-27-days"),
    pytest.param("I38", patient(med("imatinib", start=D(2024, 5, 1))), "violated", id="I38-ongoing"),
    # I39 therapeutic warfarin; I40 permissive
    pytest.param("I39", patient(med("warfarin", dose=5, dose_unit="mg")), "violated", id="I39-5mg-daily"),
    pytest.param("I39", patient(med("warfarin", dose=1, dose_unit="mg")), "satisfied", id="I39-1mg-mini-dose"),
    pytest.param("I39", patient(med("warfarin", dose=1000, dose_unit="ug")), "satisfied", id="I39-1000ug"),
    pytest.param("I39", patient(med("warfarin")), "unknown", id="I39-dose-unknown"),
    pytest.param(
        "I39",
        patient(med("warfarin", dose=5, dose_unit="mg", end=D(2024, 1, 1), active=False)),
        "satisfied",
        id="I39-stopped",
    ),
    pytest.param("I40", patient(med("lmwh", dose=40, dose_unit="mg")), "satisfied", id="I40-permissive"),
]
_NO_X = [
    "chronic_active_hepatitis:I13",
    "cirrhosis:I14",
    "chronic_liver_disease:I15",
    "chronic_renal_disease:I17",
    "congestive_heart_failure:I19",
    "active_infection:I21",
    "hiv:I22",
    "diabetes_uncontrolled:I29",
    "severe_uncontrolled_disease:I30",
    "noncompliance:I31",
]
for _item in _NO_X:
    _concept, _cid = _item.split(":")
    CASES += [
        pytest.param(_cid, patient(cond(_concept)), "violated", id=f"{_cid}-{_concept}-present"),
        pytest.param(_cid, patient(), "satisfied", id=f"{_cid}-{_concept}-stated-absent"),
        pytest.param(_cid, patient(remove=(_concept,)), "unknown", id=f"{_cid}-{_concept}-no-record"),
    ]


@pytest.mark.parametrize(("criterion", "facts", "expected"), CASES)
def test_seed_criterion(criterion: str, facts: PatientFacts, expected: str) -> None:
    assert status(criterion, facts) == expected


def test_every_seed_criterion_has_a_boundary_case() -> None:
    tested = {p.values[0] for p in CASES}
    assert tested == {c.id.split(":")[1] for c in PROTOCOL.criteria}


def test_base_patient_passes_everything_data_can_decide() -> None:
    result = check_patient(PROTOCOL, BASE, AS_OF, RULES)
    statuses = {v.criterion_id.split(":")[1]: v.status for v in result.verdicts}
    assert {k for k, v in statuses.items() if v != "satisfied"} == {"I3", "I25", "I26"}
    assert result.overall == "undetermined"


@pytest.mark.parametrize(
    ("facts", "criterion", "missing"),
    [
        pytest.param(
            patient(obs("bilirubin", 12, "umol/L")),
            "I12",
            "total bilirubin with its reference range (upper limit of normal)",
            id="bilirubin-uln",
        ),
        pytest.param(
            patient(remove=("brain_metastases",)),
            "I6",
            "brain metastases status (present or absent)",
            id="brain-metastases",
        ),
        pytest.param(patient(remove=("platelets",)), "I9", "platelet count", id="platelets"),
        pytest.param(
            patient(remove=("radiotherapy",)),
            "I35",
            "date of last radiotherapy, or a statement that the patient never had it",
            id="radiotherapy",
        ),
    ],
)
def test_unknown_lists_what_would_settle_it(facts: PatientFacts, criterion: str, missing: str) -> None:
    result = check_patient(PROTOCOL, facts, AS_OF, RULES)
    verdict = next(v for v in result.verdicts if v.criterion_id.endswith(f":{criterion}"))
    assert verdict.status == "unknown"
    assert missing in verdict.missing
    assert result.missing()[verdict.criterion_id] == verdict.missing


def test_facts_after_as_of_are_not_known_yet() -> None:
    later = patient(obs("platelets", 245, "10*9/L"), obs("platelets", 50, "10*9/L", date=D(2024, 6, 10)))
    assert status("I9", later) == "satisfied"  # the base count of 2024-05-28 is the latest known on 2024-06-03
    assert check_patient(PROTOCOL, later, D(2024, 6, 10), RULES).verdicts[8].status == "violated"


def test_most_recent_value_counts() -> None:
    facts = patient(
        obs("platelets", 80, "10*9/L", date=D(2024, 5, 1)), obs("platelets", 150, "10*9/L", date=D(2024, 5, 30))
    )
    assert status("I9", facts) == "satisfied"
    facts = patient(
        obs("platelets", 150, "10*9/L", date=D(2024, 5, 30)), obs("platelets", 80, "10*9/L", date=D(2024, 5, 1))
    )
    assert status("I9", facts) == "satisfied"
