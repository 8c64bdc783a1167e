"""Medication classes of the vocabulary (antibacterials, antifungals, antidepressants, benzodiazepines,
antipsychotics, antihypertensives, corticosteroids by route, vaccines): a criterion naming a class compiles to it, a note naming one of its drugs meets
it, and a vaccine is given on a day, so a dated mention is inside or outside a window and an undated one
decides nothing. Criteria are quoted verbatim from records of the shared protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.patient.concepts import load_concepts
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import RuleSet, compile_document
from assistant.rules.schema import RuleEntry, RulesDocument
from assistant.types import Protocol
from tests.conftest import one_criterion

TODAY = dt.date(2025, 6, 2)
ANTIBIOTICS = ("ctgov-legacy-xml/NCT03424005.xml", "NCT03424005:E14")
# 'Treatment with therapeutic oral or IV antibiotics within 2 weeks prior to initiation of study treatment'
LIVE_VACCINATION = ("ctgov-v2-json/NCT02552212.json", "NCT02552212:E6")  # 'Recent live vaccination'
STEROIDS = ("ctgov-legacy-xml/NCT02438137.xml", "NCT02438137:E13")
# 'Systemic steroid use within the last 2 months (does not include local steroid injections or intranasal ...)'


def _reviewed(protocol: Protocol, when: dict[str, Any]) -> RuleSet:
    """``protocol``'s one criterion with a rule as a reviewer writes it."""
    criterion = protocol.criteria[0]
    entry = RuleEntry(criterion=criterion.id, text=criterion.text, type=criterion.type, when=when)
    document = RulesDocument(protocol=protocol.id, status="reviewed", reviewed_by="test", rules=(entry,))
    return compile_document(document, protocol, "reviewed")


@pytest.mark.parametrize(
    ("name", "member", "contained"),
    [
        pytest.param("live_vaccine", "mmr_vaccine", True, id="mmr-is-live"),
        pytest.param("vaccine", "yellow_fever_vaccine", True, id="vaccine-holds-live-ones"),
        pytest.param("live_vaccine", "zoster_vaccine_recombinant", False, id="recombinant-zoster-is-not-live"),
        pytest.param("live_vaccine", "influenza_vaccine", False, id="an-unnamed-flu-vaccine-is-not-live"),
        pytest.param("antidepressant", "sertraline", True, id="ssri-is-antidepressant"),
        pytest.param("maoi", "rasagiline", True, id="mao-b-inhibitor-is-maoi"),
        pytest.param("antidepressant", "rasagiline", False, id="mao-b-inhibitor-is-not-antidepressant"),
        pytest.param("benzodiazepine", "clonazepam", True, id="clonazepam-is-benzodiazepine"),
        pytest.param("antibacterial", "clarithromycin", True, id="macrolide-is-antibacterial"),
        pytest.param("antibacterial", "rifampin", False, id="antimycobacterial-apart"),
        pytest.param("antifungal", "voriconazole", True, id="azole-is-antifungal"),
        pytest.param("antipsychotic", "quetiapine", True, id="atypical-antipsychotic"),
        pytest.param("antihypertensive", "amlodipine", True, id="ccb-is-antihypertensive"),
        pytest.param("antihypertensive", "sacubitril_valsartan", True, id="arni-under-arb"),
        pytest.param("beta_blocker", "labetalol", True, id="labetalol-is-beta-blocker"),
        pytest.param("diuretic", "furosemide", True, id="loop-diuretic"),
        pytest.param("corticosteroid_any_route", "prednisone", True, id="systemic-under-any-route"),
        pytest.param("systemic_corticosteroid", "corticosteroid_any_route", False, id="any-route-is-not-systemic"),
    ],
)
def test_class_members(name: str, member: str, contained: bool) -> None:
    concepts = load_concepts()
    assert concepts.concepts[name].kind == "medication"
    assert (member in concepts.descendants(name)) is contained


def test_a_class_named_in_a_criterion_compiles_to_the_class() -> None:
    compiled = compile_rule(one_criterion(*ANTIBIOTICS).criteria[0])
    assert {"medication": "antibacterial", "within": {"weeks": 2}} in compiled.when["any"]
    assert "vocabulary:antibacterial" in compiled.note


def test_recent_without_a_window_stays_for_review_naming_the_class() -> None:
    compiled = compile_rule(one_criterion(*LIVE_VACCINATION).criteria[0])
    assert not compiled.executable
    assert "vocabulary:live_vaccine" in compiled.when["needs_review"]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param(
            "Started ciprofloxacin 500 mg twice daily 5 days ago for cystitis.", "violated", id="drug-in-class"
        ),
        pytest.param("Took co-amoxiclav in March 2025 for a chest infection.", "needs_review", id="outside-window"),
    ],
)
def test_antibiotic_drug_in_a_note_meets_the_class(note: str, expected: str) -> None:
    protocol = one_criterion(*ANTIBIOTICS)
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    assert check_patient(protocol, read_note(note, TODAY).facts, TODAY, rules).verdicts[0].status == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("She received the MMR vaccine 2 weeks ago.", "violated", id="live-inside-window"),
        pytest.param(
            "Yellow fever vaccine given in January 2025 before travel.", "satisfied", id="live-outside-window"
        ),
        pytest.param("Shingrix given 2 weeks ago.", "unknown", id="not-live-decides-nothing"),
        pytest.param("Had the MMR vaccine as a child.", "unknown", id="undated-dose"),
        pytest.param("No vaccinations in the past year.", "satisfied", id="stated-absent"),
    ],
)
def test_a_vaccine_is_given_on_a_day(note: str, expected: str) -> None:
    protocol = one_criterion(*LIVE_VACCINATION)
    rules = _reviewed(protocol, {"medication": "live_vaccine", "within": {"days": 30}})
    facts = read_note(note, TODAY).facts
    assert all(not m.active for m in facts.medications if m.present)
    assert check_patient(protocol, facts, TODAY, rules).verdicts[0].status == expected


@pytest.mark.parametrize(
    ("note", "concept", "active"),
    [
        pytest.param("Medications: amlodipine 5 mg daily, metoprolol succinate 25 mg.", "amlodipine", True, id="ccb"),
        pytest.param("Medications: amlodipine 5 mg daily, metoprolol succinate 25 mg.", "metoprolol", True, id="bb"),
        pytest.param("On steroids for a COPD flare.", "corticosteroid_any_route", True, id="route-not-stated"),
        pytest.param("Completed a course of oral steroids 3 weeks ago.", "systemic_corticosteroid", False, id="oral"),
    ],
)
def test_note_drugs_are_read_with_their_class(note: str, concept: str, active: bool) -> None:
    taken = {m.concept: m.active for m in read_note(note, TODAY).facts.medications}
    assert taken.get(concept) is active, taken


def test_no_steroids_rules_out_systemic_ones_but_a_mention_does_not_show_them() -> None:
    protocol = one_criterion(*STEROIDS)
    rules = _reviewed(protocol, {"medication": "systemic_corticosteroid", "within": {"months": 2}})
    none = read_note("No steroid in the past year.", TODAY).facts
    inhaled = read_note("Uses steroids for asthma.", TODAY).facts
    assert check_patient(protocol, none, TODAY, rules).verdicts[0].status == "satisfied"
    assert check_patient(protocol, inhaled, TODAY, rules).verdicts[0].status == "unknown"


def test_a_qualifier_that_narrows_the_name_belongs_to_it() -> None:
    """'Systemic steroid use' names systemic corticosteroids, not steroids by any route."""
    compiled = compile_rule(one_criterion(*STEROIDS).criteria[0])
    assert compiled.when["all"][0] == {"medication": "systemic_corticosteroid", "within": {"months": 2}}
