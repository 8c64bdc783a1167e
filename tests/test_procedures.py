"""Procedures of the vocabulary (corpus/vocabulary/procedures.yaml): what criteria and notes name links to a
procedure, a class counts the facts of its members, an ICD-10-CM status condition counts as having had the
procedure (dated by its onset), a therapy that goes on is decided by its stated absence only, and the note
reader reads procedures with their years. Criteria are quoted verbatim from records of the shared protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Condition, PatientFacts, Procedure
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import RuleSet, compile_document
from assistant.rules.schema import RuleEntry, RulesDocument
from assistant.types import Criterion, Protocol
from assistant.vocab import link
from tests.conftest import one_criterion

TODAY = dt.date(2025, 7, 8)
REVASCULARIZATION = ("ctgov-legacy-xml/NCT01534533.xml", "NCT01534533:E3")  # 'revascularization,'
BYPASS = ("ctgov-legacy-xml/NCT01534533.xml", "NCT01534533:E4")  # 'coronary by-pass operation,'
NEUROMODULATION = ("ctgov-legacy-xml/NCT02586688.xml", "NCT02586688:E1")
# 'Prior TMS, vagus nerve stimulation (VNS), or electroconvulsive therapy (ECT)'
CPAP = ("ctgov-legacy-xml/NCT02438137.xml", "NCT02438137:E1")  # 'Regular use of CPAP within the last 2 months'


def _rules(protocol: Protocol, when: dict[str, Any] | None = None) -> RuleSet:
    """``protocol``'s one criterion with the compiler's rule, or with ``when`` as a reviewer writes it."""
    if when is None:
        return compile_document(draft_rules(protocol), protocol, "compiled")
    criterion = protocol.criteria[0]
    entry = RuleEntry(criterion=criterion.id, text=criterion.text, type=criterion.type, when=when)
    document = RulesDocument(protocol=protocol.id, status="reviewed", reviewed_by="test", rules=(entry,))
    return compile_document(document, protocol, "reviewed")


def _status(record: tuple[str, str], facts: PatientFacts, when: dict[str, Any] | None = None) -> str:
    protocol = one_criterion(*record)
    return check_patient(protocol, facts, TODAY, _rules(protocol, when)).verdicts[0].status


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        pytest.param("CABG", "cabg", id="cabg"),
        pytest.param("coronary by-pass operation", "cabg", id="by-pass"),
        pytest.param("PCI", "pci", id="pci"),
        pytest.param("PTCA", "coronary_angioplasty", id="ptca"),
        pytest.param("invasive coronary angiography", "coronary_angiography", id="angiography"),
        pytest.param("CPAP", "cpap", id="cpap"),
        pytest.param("continuous positive airway pressure", "cpap", id="cpap-spelt-out"),
        pytest.param("BiPAP", "bipap", id="bipap"),
        pytest.param("renal transplantation", "kidney_transplant", id="renal-transplant"),
        pytest.param("allo-HSCT", "allogeneic_hsct", id="allo-hsct"),
        pytest.param("BMT", "hsct_procedure", id="bmt"),
        pytest.param("XRT", "radiotherapy", id="xrt"),
        pytest.param("haemodialysis", "haemodialysis", id="british-spelling"),
        pytest.param("TMS", "transcranial_magnetic_stimulation", id="tms"),
        pytest.param("selective dorsal rhizotomy", "selective_dorsal_rhizotomy", id="rhizotomy"),
    ],
)
def test_procedure_names_link(phrase: str, concept: str) -> None:
    found = link(phrase, ("condition", "medication", "procedure", "observation"), embedding=False)
    assert found is not None and (found.concept, found.kind) == (concept, "procedure")


@pytest.mark.parametrize(
    ("broader", "narrower", "counted"),
    [
        pytest.param("revascularization", "coronary_stenting", True, id="stent-is-revascularization"),
        pytest.param("coronary_revascularization", "cabg", True, id="cabg-is-coronary-revascularization"),
        pytest.param("coronary_revascularization", "arterial_stenting", False, id="a-stent-of-no-stated-artery"),
        pytest.param("cardiac_catheterization", "coronary_angiography", True, id="angiography-by-catheter"),
        pytest.param("coronary_angiography", "ct_coronary_angiography", False, id="ct-is-not-invasive"),
        pytest.param("major_surgery", "kidney_transplant", True, id="transplant-is-major-surgery"),
        pytest.param("surgery", "knee_replacement", True, id="joint-replacement-is-surgery"),
        pytest.param("surgery", "pci", False, id="pci-is-not-surgery"),
        pytest.param("blood_transfusion", "platelet_transfusion", False, id="platelets-apart"),
        pytest.param("radiotherapy", "chemoradiotherapy", True, id="chemoradiation-is-radiotherapy"),
        pytest.param("chemoradiotherapy", "radiotherapy", False, id="radiotherapy-is-not-chemoradiation"),
        pytest.param("cabg", "icd10:Z95.1", True, id="status-of-a-bypass-graft"),
        pytest.param("allogeneic_hsct", "icd10:Z94.84", False, id="status-does-not-say-allogeneic"),
        pytest.param("dialysis", "icd10:Z99.2", True, id="dialysis-dependence"),
    ],
)
def test_a_class_counts_its_members(broader: str, narrower: str, counted: bool) -> None:
    concepts = load_concepts()
    assert concepts.concepts[broader].kind == "procedure"
    assert (narrower in concepts.descendants(broader)) is counted


def test_a_class_never_mixes_moments_and_therapies_that_go_on() -> None:
    """A status condition under a procedure is dated by its onset when the procedure is done at a moment, and
    counts up to its end when the therapy goes on: each class and every coded member agree on which."""
    concepts = load_concepts()
    for name in concepts.names("procedure"):
        coded = {n for n in concepts.curated_descendants(name) if concepts.concepts[n].icd10}
        assert {concepts.concepts[n].event for n in coded | {name}} == {concepts.concepts[name].event}, name


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(REVASCULARIZATION, {"procedure": "revascularization"}, id="NCT01534533:E3"),
        pytest.param(BYPASS, {"procedure": "cabg"}, id="NCT01534533:E4"),
        pytest.param(
            NEUROMODULATION,
            {
                "any": [
                    {"procedure": "transcranial_magnetic_stimulation"},
                    {"procedure": "vagus_nerve_stimulation"},
                    {"procedure": "electroconvulsive_therapy"},
                ]
            },
            id="NCT02586688:E1",
        ),
        pytest.param(
            ("ctgov-legacy-xml/NCT03191552.xml", "NCT03191552:E8"),  # 'having undergone selective dorsal rhizotomy'
            {"procedure": "selective_dorsal_rhizotomy"},
            id="NCT03191552:E8",
        ),
    ],
)
def test_procedure_criteria_compile(record: tuple[str, str], expected: dict[str, Any]) -> None:
    compiled = compile_rule(one_criterion(*record).criteria[0])
    assert compiled.executable and compiled.when == expected


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(CPAP, id="regular-use-is-a-judgement"),
        pytest.param(
            (
                "ctgov-legacy-xml/NCT02567188.xml",
                "NCT02567188:E4",
            ),  # 'Planned living kidney transplant within 6 months.'
            id="planned-is-not-done",
        ),
        pytest.param(
            (
                "ctgov-legacy-xml/NCT03840122.xml",
                "NCT03840122:E3",
            ),  # 'Patient is scheduled to undergo a bilateral TKA surgery'
            id="scheduled-is-not-done",
        ),
    ],
)
def test_planned_or_judged_procedures_stay_for_review(record: tuple[str, str]) -> None:
    assert not compile_rule(one_criterion(*record).criteria[0]).executable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "At least 4 weeks since last surgery or radiation therapy.",  # Chia
            {"all": [{"since": "surgery", "op": ">=", "weeks": 4}, {"since": "radiotherapy", "op": ">=", "weeks": 4}]},
            id="washout-of-each-item",
        ),
        pytest.param(
            "Current dialysis treatment.",  # Chia
            {
                "all": [
                    {"procedure": "dialysis"},
                    {"needs_review": "whether the dialysis (renal replacement therapy) recorded goes on now"},
                ]
            },
            id="current-therapy-one-sided",
        ),
    ],
)
def test_chia_procedure_lines(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(Criterion(id="X1", type="inclusion", text=text, start=0, end=len(text)))
    assert compiled.executable and compiled.when == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("PMH: s/p CABG in 2019.", "violated", id="cabg-is-revascularization"),
        pytest.param("He underwent PCI with two stents in 2021.", "violated", id="pci-is-revascularization"),
        pytest.param("Stable angina treated with a drug-eluting stent to the LAD in 2019.", "violated", id="a-stent"),
        pytest.param("Never had coronary angioplasty or any other revascularization.", "satisfied", id="none"),
        pytest.param("CT coronary angiography 2023 showed no stenosis.", "unknown", id="ct-is-not-revascularization"),
        pytest.param("Awaiting kidney transplant; referred for coronary angiography.", "unknown", id="planned"),
    ],
)
def test_a_note_procedure_meets_the_class(note: str, expected: str) -> None:
    assert _status(REVASCULARIZATION, read_note(note, TODAY).facts) == expected


def _bypass_graft(onset: dt.date | None) -> PatientFacts:
    return PatientFacts(conditions=(Condition(concept="icd10:Z95.1", active=True, onset=onset, source="fhir"),))


@pytest.mark.parametrize(
    ("facts", "when", "expected"),
    [
        pytest.param(_bypass_graft(dt.date(2019, 3, 1)), None, "violated", id="status-shows-it-was-done"),
        pytest.param(
            _bypass_graft(dt.date(2019, 3, 1)), {"procedure": "cabg", "within": {"months": 6}}, "satisfied", id="onset"
        ),
        pytest.param(_bypass_graft(None), {"procedure": "cabg", "within": {"months": 6}}, "unknown", id="no-onset"),
        pytest.param(
            PatientFacts(procedures=(Procedure(concept="cabg", date=dt.date(2025, 5, 2), source="fhir"),)),
            {"procedure": "cabg", "within": {"months": 6}},
            "violated",
            id="procedure-in-window",
        ),
        pytest.param(
            read_note("He has had no bypass surgery.", TODAY).facts, None, "satisfied", id="no-bypass-of-any-artery"
        ),
    ],
)
def test_a_status_condition_counts_as_the_procedure(
    facts: PatientFacts, when: dict[str, Any] | None, expected: str
) -> None:
    assert _status(BYPASS, facts, when) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("On CPAP nightly for obstructive sleep apnea.", "unknown", id="a-record-is-not-regular-use"),
        pytest.param("Has never used CPAP.", "satisfied", id="never-used"),
        pytest.param("CPAP since 2019.", "unknown", id="since-is-not-the-last-day"),
    ],
)
def test_a_therapy_that_goes_on_is_decided_by_its_absence(note: str, expected: str) -> None:
    """'Regular use' is a judgement: read one-sided, a CPAP record within the window leaves it for review."""
    when = {"all": [{"procedure": "cpap", "within": {"months": 2}}, {"needs_review": "whether the use is regular"}]}
    assert _status(CPAP, read_note(note, TODAY).facts, when) == expected


@pytest.mark.parametrize(
    ("note", "concept", "present", "date"),
    [
        pytest.param("PMH: s/p CABG in 2019.", "cabg", True, dt.date(2019, 7, 1), id="s/p"),
        pytest.param("Kidney transplant 2015.", "kidney_transplant", True, dt.date(2015, 7, 1), id="bare-year"),
        pytest.param("Right TKA 2018.", "knee_replacement", True, dt.date(2018, 7, 1), id="abbreviation"),
        pytest.param("No prior radiotherapy.", "radiotherapy", False, None, id="negated"),
        pytest.param("On CPAP nightly.", "cpap", True, None, id="undated-use"),
        pytest.param("On hemodialysis since 2019.", "haemodialysis", True, None, id="since-a-start"),
        pytest.param(
            "Pacemaker implantation since 2018.", "pacemaker_implantation", True, dt.date(2018, 7, 1), id="moment"
        ),
    ],
)
def test_the_note_reader_reads_procedures(note: str, concept: str, present: bool, date: dt.date | None) -> None:
    found = {p.concept: p for p in read_note(note, TODAY).facts.procedures}
    assert concept in found, found
    assert (found[concept].present, found[concept].date) == (present, date)


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Awaiting kidney transplant.", id="awaiting"),
        pytest.param("Candidate for CABG.", id="candidate"),
        pytest.param("Metformin 2000 mg daily.", id="a-dose-is-no-year"),
    ],
)
def test_planned_procedures_and_doses_are_no_procedure_facts(note: str) -> None:
    assert not [p for p in read_note(note, TODAY).facts.procedures if p.present]
