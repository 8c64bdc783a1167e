"""Test results that define a condition (a negative HIV antibody test rules out HIV infection, a reactive
hepatitis C antibody does not show a current infection), everyday cancer names that are ICD-10-CM codes
("prostate cancer" is C61, under malignancy), a record of no transplant at all, lead-ins whose 'or' joins
their own words, and a name an "(ie, …)" bracket defines.
Criteria are quoted from records of the shared protocols."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.definition import Definition
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.compile.groups import draft_groups
from assistant.rules.load import compile_document
from assistant.types import Criterion, Verdict
from assistant.vocab import link
from tests.conftest import SHARED_PROTOCOLS, note_verdict, one_criterion

RUXOLITINIB = "ctgov-legacy-xml/NCT03147742.xml"
SADBE = "ctgov-legacy-xml/NCT03521479.xml"
HIV = (RUXOLITINIB, "NCT03147742:E13")  # 'Known HIV infection.'
TRANSPLANT = (SADBE, "NCT03521479:E5")  # 'History of organ transplantation.'
TODAY = dt.date(2025, 11, 3)


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("Serology: HIV antibody negative.", "satisfied", id="negative-test"),
        pytest.param("Serology: HIV antibody positive.", "violated", id="reactive-test"),
        pytest.param("HIV test negative in 2019.", "unknown", id="an-old-test-says-nothing-of-now"),
        pytest.param("Hepatitis serology pending.", "unknown", id="no-result"),
    ],
)
def test_a_test_result_shows_the_condition_it_defines(note: str, status: str) -> None:
    assert note_verdict(*HIV, note, TODAY).status == status


@pytest.mark.parametrize(
    ("text", "note", "status"),
    [
        pytest.param("Chronic hepatitis C", "Anti-HCV negative.", "satisfied", id="hcv-antibody-negative"),
        pytest.param(
            "Chronic hepatitis C", "Anti-HCV positive, HCV RNA pending.", "unknown", id="hcv-antibody-positive"
        ),
        pytest.param("Active hepatitis B", "HBsAg positive.", "violated", id="hbsag-positive"),
    ],
)
def test_hepatitis_results(text: str, note: str, status: str) -> None:
    verdict = _verdict(text, note)
    assert verdict.status == status, verdict.reason


def _verdict(text: str, note: str) -> Verdict:
    """The verdict on ``text`` as an exclusion criterion of a real record, for a patient given as a note."""
    protocol = one_criterion(*HIV)
    one = dataclasses.replace(protocol, criteria=(Criterion(protocol.criteria[0].id, "exclusion", text, 0, len(text)),))
    rules = compile_document(draft_rules(one), one, "compiled")
    return check_patient(one, read_note(note, TODAY).facts, TODAY, rules).verdicts[0]


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"observation": "hiv_test", "flag": True, "op": "<", "source": "x"}, id="flag-with-op"),
        pytest.param({"observation": "platelets", "op": "<", "value": 150, "source": "x"}, id="threshold-without-unit"),
        pytest.param(
            {
                "observation": "platelets",
                "op": "<",
                "value": 1,
                "unit": "10*9/L",
                "positive_decides": False,
                "source": "x",
            },
            id="positive-decides-without-flag",
        ),
    ],
)
def test_a_definition_is_a_threshold_or_a_result(spec: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Definition.model_validate(spec)


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        pytest.param("prostate cancer", "C61", id="prostate"),
        pytest.param("breast cancer", "C50", id="breast"),
        pytest.param("cancer of the colon", "C18", id="cancer-of-the"),
        pytest.param("lung cancer", "C34", id="one-organ-of-two"),
    ],
)
def test_everyday_cancer_names_are_malignant_neoplasm_codes(phrase: str, code: str) -> None:
    found = link(phrase, ("condition",), embedding=False)
    assert found is not None and found.code == code


def test_a_site_with_an_of_gives_no_name() -> None:
    """'Malignant neoplasm of bone and articular cartilage of limbs' (C40) is not every bone cancer."""
    found = link("bone cancer", ("condition",), embedding=False)
    assert found is None or found.code != "C40"


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("PMH: prostate cancer treated with radical prostatectomy in 2019.", "violated", id="site-cancer"),
        pytest.param("PMH: no cancer.", "satisfied", id="denied"),
    ],
)
def test_a_cancer_named_by_its_site_is_a_malignancy(note: str, status: str) -> None:
    assert _verdict("History of malignancy", note).status == status


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("PMH: no transplant.", "satisfied", id="no-transplant-at-all"),
        pytest.param("PMH: kidney transplant in 2015.", "violated", id="the-operation-shows-the-status"),
        pytest.param("PMH: kidney transplant in 2015. No transplant.", "unknown", id="shown-and-denied"),
        pytest.param("Listed for transplant.", "unknown", id="listed-is-not-done"),
        pytest.param("Liver transplant candidate.", "unknown", id="candidate-is-not-done"),
    ],
)
def test_a_record_of_no_transplant_rules_out_an_organ_transplant(note: str, status: str) -> None:
    assert note_verdict(*TRANSPLANT, note, TODAY).status == status


def test_or_among_the_words_of_a_lead_in_does_not_make_its_items_examples() -> None:
    """'Be willing to avoid pregnancy or fathering children based on 1 of the following criteria:' asks for one
    of the items (I8 to I10); 'or' there joins 'pregnancy' and 'fathering children'."""
    (group,) = draft_groups(parse_protocol(SHARED_PROTOCOLS / RUXOLITINIB))
    assert (group["lead"], group["join"]) == ("NCT03147742:I7", "any")
    assert group["members"] == ["NCT03147742:I8", "NCT03147742:I9", "NCT03147742:I10"]


def test_an_ie_bracket_defines_the_name_before_it() -> None:
    compiled = compile_rule(one_criterion(RUXOLITINIB, "NCT03147742:I5").criteria[0])
    assert compiled.when == {"observation": "platelets", "op": ">=", "value": 20.0, "unit": "10^9/L"}
    eg = compile_rule(one_criterion(RUXOLITINIB, "NCT03147742:I4").criteria[0])
    assert not eg.executable  # "(eg, …)" gives an example, with a condition: left for review


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("Active bleeding from a duodenal ulcer; haemoglobin 6.4 g/dL.", "violated", id="both"),
        pytest.param("No active bleeding. Haemoglobin 6.4 g/dL.", "satisfied", id="no-bleeding"),
        pytest.param("Melena yesterday. Haemoglobin 9.8 g/dL.", "satisfied", id="hemoglobin-above"),
    ],
)
def test_a_condition_and_a_measurement_both_needed(note: str, status: str) -> None:
    """'Patients with active bleeding AND hemoglobin < 7 g/dL': 'active' opens the first clause, but it cannot
    scope over the measurement, so the clauses are read apart and both must hold."""
    verdict = note_verdict("ctgov-legacy-xml/NCT03245528.xml", "NCT03245528:E10", note, TODAY)
    assert verdict.status == status, verdict.reason


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        pytest.param("anti-viral therapy", "antiviral", id="anti-hyphen"),
        pytest.param("antiviral therapy", "antiviral", id="no-hyphen"),
        pytest.param("anti-coagulant", "anticoagulant", id="anticoagulant"),
        pytest.param("anti-platelet agents", "antiplatelet", id="antiplatelet"),
        pytest.param("ABREVA", "docosanol", id="brand"),
        pytest.param("valacyclovir", "valaciclovir", id="us-spelling"),
    ],
)
def test_anti_hyphen_and_the_antiviral_class(phrase: str, concept: str) -> None:
    found = link(phrase, ("medication",), embedding=False)
    assert found is not None and found.concept == concept


def test_a_herpes_antiviral_counts_as_antiviral_therapy() -> None:
    from assistant.patient.concepts import load_concepts

    concepts = load_concepts()
    assert concepts.subsumes("antiviral", "valaciclovir") and concepts.subsumes("antiviral", "tenofovir")
    assert not concepts.subsumes("valaciclovir", "antiviral")


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        pytest.param(
            "Previous allergic reactions to Janus kinase (JAK) inhibitors or excipients", "drug_allergy", id="class"
        ),
        pytest.param("Known allergy to any component of the study drug", "drug_allergy", id="drug-words"),
        pytest.param("Allergy to cats", "hpo:HP:0012393", id="not-a-drug"),
    ],
)
def test_an_allergy_to_a_drug_is_a_drug_allergy(text: str, concept: str) -> None:
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.when.get("condition") == concept and compiled.when.get("qualifier", "").startswith("to ")


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("Allergies: no known drug allergies.", "satisfied", id="nkda"),
        pytest.param("Allergies: none known.", "satisfied", id="no-allergy-at-all"),
        pytest.param("Allergies: penicillin (rash).", "unknown", id="an-allergy-of-unknown-kind"),
    ],
)
def test_no_known_drug_allergy_settles_an_allergy_to_a_drug(note: str, status: str) -> None:
    verdict = note_verdict(RUXOLITINIB, "NCT03147742:E7", note, TODAY)  # 'Previous allergic reactions to JAK …'
    assert verdict.status == status, verdict.reason


@pytest.mark.parametrize(
    ("text", "concept", "present"),
    [
        pytest.param("She is on anti-coagulants for AF.", "anticoagulant", True, id="plural"),
        pytest.param("No anti-platelet agents.", "antiplatelet", False, id="denied"),
        pytest.param("Started anti-viral therapy last week.", "antiviral", True, id="antiviral"),
    ],
)
def test_a_note_writes_anti_with_a_hyphen(text: str, concept: str, present: bool) -> None:
    found = [m.present for m in read_note(text, TODAY).facts.medications if m.concept == concept]
    assert found == [present]


@pytest.mark.parametrize(
    ("text", "drug_taken", "allergy"),
    [
        pytest.param("Allergic to penicillin.", [], [], id="allergic-to"),
        pytest.param("Penicillin allergy (rash).", [], [True], id="drug-then-allergy"),
        pytest.param("No penicillin allergy.", [], [], id="one-allergy-denied-is-not-all"),
        pytest.param("She is allergic to amoxicillin and takes warfarin.", ["warfarin"], [], id="scope-ends"),
        pytest.param("No known allergies.", [], [False], id="all-denied"),
    ],
)
def test_a_drug_named_as_an_allergen_is_not_taken(text: str, drug_taken: list[str], allergy: list[bool]) -> None:
    facts = read_note(text, TODAY).facts
    assert [m.concept for m in facts.medications if m.present] == drug_taken
    assert [c.present for c in facts.conditions if c.concept == "hpo:HP:0012393"] == allergy


def test_an_allergy_to_penicillin_is_a_drug_allergy() -> None:
    text = "History of hypersensitivity to penicillin"
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.when == {"condition": "drug_allergy", "ever": True, "qualifier": "to penicillin"}
