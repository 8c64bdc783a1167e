"""Concept vocabulary: curated tables, ICD-10-CM and HPO concepts, hierarchy, and deterministic linking."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import RulesError, VocabularyError
from assistant.patient.concepts import ConceptFileError, load_concepts
from assistant.patient.facts import Condition, Medication, PatientFacts
from assistant.patient.fhir import read_fhir_bundle
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import FALSE, TRUE, UNKNOWN
from assistant.rules.schema import parse_node
from assistant.settings import get_settings
from tests.conftest import CORPUS, SHARED

CHIA = SHARED / "criteria" / "chia-dev"
AS_OF = dt.date(2024, 6, 3)


def _clear() -> None:
    from assistant.vocab import service
    from assistant.vocab.terminology import terminology

    get_settings.cache_clear()
    for cached in (service.get_index, service.get_vectors, service.terms_for, terminology):
        cached.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def vocab_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The fake embedder and a data dir of this module (PA_DATA_DIR when set, so caches stay warm)."""
    saved = {k: os.environ.get(k) for k in ("PA_DATA_DIR", "PA_EMBEDDER")}
    os.environ.setdefault("PA_DATA_DIR", str(tmp_path_factory.mktemp("vocab-data")))
    os.environ["PA_EMBEDDER"] = "fake"
    _clear()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _clear()


def chia_phrase(file: str, phrase: str) -> str:
    """``phrase`` as it is written in a Chia criteria file (the test fails if the file lacks it)."""
    text = (CHIA / file).read_text(encoding="utf-8")
    start = text.lower().find(phrase.lower())
    assert start >= 0, f"{phrase!r} not in {file}"
    return text[start : start + len(phrase)]


# ----------------------------------------------------------------------------------------- linking


@pytest.mark.parametrize(
    ("file", "phrase", "concept", "method"),
    [
        pytest.param("NCT00235170_exc.txt", "myocardial infarction", "myocardial_infarction", "exact", id="mi"),
        pytest.param("NCT02019628_exc.txt", "heart attack", "myocardial_infarction", "synonym", id="heart-attack"),
        pytest.param("NCT00461136_inc.txt", "type 2 diabetes", "type_2_diabetes", "exact", id="type-2-diabetes"),
        pytest.param("NCT00965900_inc.txt", "liver cirrhosis", "cirrhosis", "synonym", id="liver-cirrhosis"),
        pytest.param("NCT00235170_exc.txt", "congestive heart failure", "congestive_heart_failure", "exact", id="chf"),
        pytest.param("NCT00094861_inc.txt", "serum creatinine", "creatinine", "synonym", id="serum-creatinine"),
        pytest.param("NCT00094861_inc.txt", "hemoglobin", "hemoglobin", "exact", id="hemoglobin"),
        pytest.param("NCT00324363_inc.txt", "HbA1c", "hba1c", "exact", id="hba1c"),
        pytest.param("NCT02225548_exc.txt", "Hemoglobin A1c", "hba1c", "exact", id="hemoglobin-a1c"),
        pytest.param("NCT01665417_exc.txt", "eGFR", "egfr", "exact", id="egfr"),
        pytest.param("NCT00461136_exc.txt", "systolic blood pressure", "systolic_bp", "exact", id="sbp"),
        pytest.param("NCT00050349_exc.txt", "warfarin", "warfarin", "exact", id="warfarin"),
        pytest.param("NCT01228279_exc.txt", "anticoagulant", "anticoagulant", "exact", id="anticoagulant-class"),
        pytest.param("NCT00305097_exc.txt", "corticosteroids", "systemic_corticosteroid", "synonym", id="steroids"),
        pytest.param("NCT00094861_inc.txt", "creatinine clearance", "creatinine_clearance", "exact", id="crcl"),
        pytest.param("NCT00989261_exc.txt", "QTc", "qtc", "exact", id="qtc"),
        pytest.param("NCT00679341_exc.txt", "LVEF", "lvef", "exact", id="lvef"),
        pytest.param("NCT00426751_exc.txt", "INR", "inr", "exact", id="inr"),
        pytest.param("NCT01064752_inc.txt", "CD4", "cd4_count", "synonym", id="cd4"),
        pytest.param("NCT00305097_inc.txt", "body mass index", "bmi", "exact", id="bmi"),
        pytest.param("NCT00305097_exc.txt", "fasting plasma glucose", "fasting_glucose", "exact", id="fpg"),
        pytest.param("NCT00250640_inc.txt", "hypertension", "hypertension", "exact", id="hypertension-curated"),
        pytest.param("NCT00440245_exc.txt", "asthma", "icd10:J45", "exact", id="asthma-icd10"),
        pytest.param("NCT00351611_inc.txt", "epilepsy", "icd10:G40", "synonym", id="epilepsy-nos-category"),
        pytest.param("NCT00343668_exc.txt", "dementia", "icd10:F03", "synonym", id="dementia-nos-category"),
        pytest.param("NCT00440245_exc.txt", "COPD", "hpo:HP:0006510", "synonym", id="copd-hpo"),
    ],
)
def test_link_chia_phrases(file: str, phrase: str, concept: str, method: str) -> None:
    from assistant.vocab import link

    found = link(chia_phrase(file, phrase), embedding=False)
    assert found is not None and (found.concept, found.method, found.score) == (concept, method, 1.0)
    assert load_concepts().get(found.concept).kind == found.kind


@pytest.mark.parametrize(
    ("phrase", "kinds", "expected"),
    [
        pytest.param("Haemoglobin", ("observation",), ("hemoglobin", "LOINC", "718-7"), id="british-spelling"),
        pytest.param("Platelets", ("observation",), ("platelets", "LOINC", "777-3"), id="plural-case"),
        pytest.param("Coumadin", ("medication",), ("warfarin", "vocabulary", "warfarin"), id="brand-name"),
        pytest.param("Eliquis", ("medication",), ("apixaban", "vocabulary", "apixaban"), id="doac-brand"),
        pytest.param("Diseases of liver", ("condition",), ("icd10:K70-K77", "ICD-10-CM", "K70-K77"), id="block"),
        pytest.param("Essential hypertension", ("condition",), ("icd10:I10", "ICD-10-CM", "I10"), id="parens-dropped"),
        pytest.param("cardiac infarction", ("condition",), ("icd10:I21", "ICD-10-CM", "I21"), id="icd-includes"),
        pytest.param("Oedema", ("condition",), ("hpo:HP:0000969", "HPO", "HP:0000969"), id="hpo-oedema"),
        pytest.param("Tumours of brain", ("condition",), None, id="no-such-name"),
        pytest.param("PT", ("observation",), ("prothrombin_time", "LOINC", "5902-2"), id="kind-observation"),
        pytest.param("HIV", ("condition",), ("hiv", "vocabulary", "hiv"), id="kind-condition"),
        pytest.param(
            "Sjogren's Syndrome",
            ("condition",),
            ("icd10:M35.0", "ICD-10-CM", "M35.0"),
            id="NCT00513591:I8-accent-folded",
        ),
        pytest.param(
            "Guillain-Barré Syndrome",
            ("condition",),
            ("icd10:G61.0", "ICD-10-CM", "G61.0"),
            id="NCT01890759-exc-accent",
        ),
        pytest.param("Behcet's disease", ("condition",), ("icd10:M35.2", "ICD-10-CM", "M35.2"), id="accent-behcet"),
        pytest.param(
            "Meniere's disease",
            ("condition",),
            ("icd10:H81.0", "ICD-10-CM", "H81.0"),
            id="accent-meniere",
        ),
        pytest.param(
            "Charcot arthropathy",
            ("condition",),
            ("hpo:HP:0002821", "HPO", "HP:0002821"),
            id="folded-name-never-displaces",
        ),
        pytest.param(
            "gestational diabetes",
            ("condition",),
            ("icd10:O24.4", "ICD-10-CM", "O24.4"),
            id="diabetes-for-diabetes-mellitus",
        ),
        pytest.param("Diabetes insipidus", ("condition",), ("icd10:E23.2", "ICD-10-CM", "E23.2"), id="insipidus-kept"),
    ],
)
def test_link_normalisation_and_kinds(
    phrase: str, kinds: tuple[str, ...], expected: tuple[str, str, str] | None
) -> None:
    from assistant.vocab import link

    found = link(phrase, kinds, embedding=False)  # type: ignore[arg-type]
    assert (None if found is None else (found.concept, found.system, found.code)) == expected


def test_embedding_step_runs_with_the_fake_embedder() -> None:
    from assistant.vocab import link, link_all

    phrase = "disease kidney chronic"  # no name reads so; the same words as "chronic kidney disease"
    assert link(phrase, embedding=False) is None
    found = link(phrase, ("condition",))
    assert found is not None and found.method == "embedding" and found.concept == "chronic_renal_disease"
    assert get_settings().link_min_similarity <= found.score <= 1.0
    assert link("qqq zzxv wwwy", ("condition",)) is None  # nothing similar enough
    phrases = ["heart attack", phrase, "qqq zzxv wwwy", ""]
    assert link_all(phrases, ("condition",)) == [link(p, ("condition",)) for p in phrases]


def test_unknown_kind_is_an_error() -> None:
    from assistant.vocab import link

    with pytest.raises(VocabularyError, match="kinds: unknown kind 'drug'"):
        link("warfarin", ("drug",))  # type: ignore[arg-type]


def test_terms_are_bounded_and_lower_case() -> None:
    from assistant.vocab import terms

    everything = dict(terms())
    medications = dict(terms(("medication",)))
    assert 50_000 < len(everything) < 120_000
    assert all(text == text.lower() for text in everything)
    assert everything["heart attack"].concept == "myocardial_infarction"
    assert everything["coumadin"].concept == "warfarin"
    assert not any(text.endswith("initial encounter") for text in everything)  # no seventh-character codes
    limit = get_settings().vocab_term_max_words
    assert all(len(t.split()) <= limit for t, link in everything.items() if link.system in ("ICD-10-CM", "HPO"))
    assert set(medications) < set(everything) and {link.kind for link in medications.values()} == {"medication"}


# --------------------------------------------------------------------------------------- hierarchy


@pytest.mark.parametrize(
    ("broader", "narrower", "expected"),
    [
        pytest.param("icd10:K70-K77", "icd10:K74.60", True, id="block-over-code"),
        pytest.param("icd10:K70-K77", "cirrhosis", True, id="block-over-curated"),
        pytest.param("cirrhosis", "icd10:K74.60", True, id="curated-over-code"),
        pytest.param("icd10:K74.60", "cirrhosis", False, id="code-not-over-curated"),
        pytest.param("chronic_liver_disease", "icd10:K74.60", False, id="excluded-prefix"),
        pytest.param("chronic_liver_disease", "icd10:B18.2", True, id="hepatitis-c-chronic"),
        pytest.param("icd10:I20-I25", "myocardial_infarction", True, id="ihd-over-mi"),
        pytest.param("other_malignancy", "icd10:C50.911", True, id="prefix-c"),
        pytest.param("other_malignancy", "icd10:C49.A2", False, id="gist-excluded"),
        pytest.param("depression", "icd10:F33.1", True, id="depression-recurrent"),
        pytest.param("depression", "icd10:F32.A", True, id="depression-unspecified"),
        pytest.param("depression", "icd10:F32.81", False, id="pmdd-not-depression"),
        pytest.param("hpo:HP:0001945", "hpo:HP:0001954", True, id="hpo-fever"),
        pytest.param("hpo:HP:0001954", "hpo:HP:0001945", False, id="hpo-not-upward"),
        pytest.param("anticoagulant", "warfarin", True, id="class-over-drug"),
        pytest.param("anticoagulant", "lmwh", True, id="class-over-curated-class"),
        pytest.param("chemotherapy", "etoposide", True, id="chemo-over-new-drug"),
        pytest.param("immunosuppressant", "prednisone", True, id="two-levels"),
        pytest.param("cyp3a4_strong_inhibitor", "ritonavir", True, id="two-classes-a"),
        pytest.param("antiretroviral", "ritonavir", True, id="two-classes-b"),
        pytest.param("antiplatelet", "warfarin", False, id="other-class"),
    ],
)
def test_subsumes(broader: str, narrower: str, expected: bool) -> None:
    concepts = load_concepts()
    assert concepts.subsumes(broader, narrower) is expected
    assert (narrower in concepts.descendants(broader)) is expected
    assert (broader in concepts.ancestors(narrower)) is expected


@pytest.mark.parametrize(
    ("rule", "facts", "status"),
    [
        pytest.param({"condition": "icd10:K70-K77"}, [Condition(concept="icd10:K74.60")], TRUE, id="block-code"),
        pytest.param({"condition": "icd10:K70-K77"}, [Condition(concept="cirrhosis")], TRUE, id="block-curated"),
        pytest.param({"condition": "cirrhosis"}, [Condition(concept="icd10:K70.30")], TRUE, id="curated-code"),
        pytest.param(
            {"condition": "icd10:K74.60"}, [Condition(concept="cirrhosis", present=False)], FALSE, id="absent-broader"
        ),
        pytest.param({"condition": "icd10:K74.60"}, [Condition(concept="icd10:I10")], UNKNOWN, id="unrelated"),
        pytest.param(
            {"medication": "anticoagulant"},
            [Medication(concept="apixaban", start=dt.date(2024, 1, 2))],
            TRUE,
            id="doac",
        ),
    ],
)
def test_engine_follows_the_hierarchy(rule: dict[str, str], facts: list[object], status: int) -> None:
    evaluate, uses = compile_node(parse_node(rule, "when"), load_concepts(), "when")
    conditions = tuple(f for f in facts if isinstance(f, Condition))
    medications = tuple(f for f in facts if isinstance(f, Medication))
    ctx = PatientContext(PatientFacts(conditions=conditions, medications=medications), AS_OF)
    assert evaluate(ctx)[0] == status
    assert all(f.concept in uses for f in facts if status != UNKNOWN)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "kinds", "message"),
    [
        pytest.param("icd10:k74.60", ("condition",), "write 'icd10:k74.60' as 'icd10:K74.60'", id="spelling"),
        pytest.param("icd10:ZZ9", ("condition",), "'icd10:ZZ9' is not a code of ICD-10-CM", id="no-such-code"),
        pytest.param("hpo:HP:9999999", ("condition",), "is not a code of HPO", id="no-such-hpo"),
        pytest.param("icd10:I21", ("medication",), "unknown medication concept 'icd10:I21'", id="wrong-kind"),
    ],
)
def test_terminology_names_are_checked(name: str, kinds: tuple[str, ...], message: str) -> None:
    with pytest.raises(RulesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_concepts().get(name, kinds, "when.condition")  # type: ignore[arg-type]


def test_terminology_concept_labels() -> None:
    concepts = load_concepts()
    assert concepts.get("icd10:I21").label == "Acute myocardial infarction"
    assert concepts.get("icd10:K70-K77").icd10 == tuple(f"K{n}" for n in range(70, 78))
    fever = concepts.get("hpo:HP:0001945")
    assert (fever.label, fever.kind, fever.system) == ("Fever", "condition", "HPO")


def test_fhir_condition_coded_outside_the_curated_vocabulary() -> None:
    from tests.test_fhir import ICD10, bundle, condition

    resources = [condition("a", ICD10, "J45.909"), condition("b", ICD10, "K7460"), condition("c", ICD10, "ZZ9.99")]
    facts = read_fhir_bundle(bundle(*resources), today=AS_OF)
    assert [c.concept for c in facts.conditions] == ["icd10:J45.909", "cirrhosis"]  # no such code: no fact


# ------------------------------------------------------------------------------------------ loader


def _vocabulary(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "vocabulary").mkdir()
    for source in (CORPUS / "concepts.yaml", *(CORPUS / "vocabulary").glob("*.yaml")):
        target = tmp_path / source.relative_to(CORPUS)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "vocabulary" / "extra.yaml").write_text(extra, encoding="utf-8")
    return tmp_path / "concepts.yaml"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            "sodium_x:\n  kind: observation\n  label: x\n  value: score\n  colour: red\n",
            r"extra.yaml: sodium_x.colour: Extra inputs are not permitted \(valid keys: kind, label",
            id="unknown-key",
        ),
        pytest.param(
            "warfarin:\n  kind: medication\n  label: warfarin again\n",
            r"extra.yaml: warfarin: already defined in .*concepts.yaml; a name is defined once",
            id="duplicate-name",
        ),
        pytest.param(
            "x_class:\n  kind: medication\n  label: x\n  includes: [platelets]\n",
            r"extra.yaml: x_class.includes: 'platelets' is not a medication concept",
            id="include-of-other-kind",
        ),
        pytest.param(
            "bad_range:\n  kind: observation\n  label: x\n  value: quantity\n  unit: g/L\n  plausible: [5, 1]\n",
            r"bad_range.plausible: low 5.0 is above high",
            id="plausible-reversed",
        ),
        pytest.param("icd10:X:\n  kind: condition\n  label: x\n", r"a curated name has no ':'", id="reserved-prefix"),
        pytest.param(
            "x_low:\n  kind: condition\n  label: x\n  defined_by: {observation: platelets, op: '<', value: 1, "
            "unit: 10*9/L, source: s, colour: red}\n",
            r"x_low.defined_by.colour: Extra inputs are not permitted "
            r"\(valid keys: observation, op, value, unit, flag, positive_decides, source\)",
            id="definition-unknown-key",
        ),
        pytest.param(
            "x_low:\n  kind: condition\n  label: x\n  defined_by: {observation: warfarin, op: '<', value: 1, "
            "unit: mg, source: s}\n",
            r"x_low.defined_by.observation: 'warfarin' is not a quantity or score observation concept",
            id="definition-not-a-measurement",
        ),
        pytest.param(
            "x_status:\n  kind: condition\n  label: x\n  shown_by: [warfarin]\n",
            r"x_status.shown_by: 'warfarin' is not a procedure concept",
            id="shown-by-not-a-procedure",
        ),
        pytest.param(
            "x_flag:\n  kind: condition\n  label: x\n  defined_by: {observation: platelets, flag: true, source: s}\n",
            r"x_flag.defined_by.observation: 'platelets' is not a flag observation concept",
            id="result-definition-not-a-flag",
        ),
        pytest.param(
            "x_drug:\n  kind: medication\n  label: x\n  denials_only: true\n",
            r"x_drug.denials_only: true is for conditions, not medication",
            id="denials-only-not-a-condition",
        ),
    ],
)
def test_loader_rejects(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConceptFileError, match=message):
        load_concepts(_vocabulary(tmp_path, extra))


def test_loader_reads_the_vocabulary_folder(tmp_path: Path) -> None:
    extra = "x_score:\n  kind: observation\n  label: x score\n  value: score\n  plausible: [0, 3]\n"
    concepts = load_concepts(_vocabulary(tmp_path, extra))
    assert concepts.get("x_score").plausible == (0, 3) and "sodium" in concepts.concepts


def test_reviewed_rules_still_load(seed: object) -> None:
    from assistant.rules import load_rules

    rules = load_rules(seed)  # type: ignore[arg-type]
    assert rules.rules and all(r.criterion_id.startswith("NCT01267695:") for r in rules.rules)


def test_curated_synonyms_are_unambiguous() -> None:
    from assistant.patient.concepts import normalize_text

    concepts = load_concepts()
    seen: dict[tuple[str, str], str] = {}
    clashes = []
    for concept in concepts.concepts.values():
        for synonym in (concept.name.replace("_", " "), *concept.synonyms):
            key = (concept.kind, normalize_text(synonym))
            if seen.setdefault(key, concept.name) != concept.name:
                clashes.append((key, seen[key], concept.name))
    assert clashes == []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Sjögren's syndrome", "sjogren syndrome", id="umlaut"),
        pytest.param("Ménière's disease", "meniere disease", id="acute-grave"),
        pytest.param("Behçet's disease", "behcet disease", id="cedilla"),
        pytest.param("Sjogren's syndrome", "sjogren syndrome", id="already-plain"),
    ],
)
def test_normalisation_folds_accents(text: str, folded: str) -> None:
    from assistant.vocab.normalize import normalize

    assert normalize(text) == folded


# ------------------------------------------------------------------------------ ICD-10-CM status codes
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Kidney transplant status", "Kidney transplant", id="Z94.0-status"),
        pytest.param("Presence of aortocoronary bypass graft", "aortocoronary bypass graft", id="Z95.1-presence"),
        pytest.param("Presence of coronary artery bypass graft", "coronary artery bypass graft", id="Z95.1-inclusion"),
        pytest.param("Coronary angioplasty status", "Coronary angioplasty", id="Z98.61-status"),
        pytest.param(
            "Asymptomatic human immunodeficiency virus [HIV] infection status",
            "Asymptomatic human immunodeficiency virus [HIV] infection",
            id="Z21-status",
        ),
        pytest.param("Kidney transplant", None, id="not-a-status-name"),
        pytest.param("Statuses of", None, id="word-status-inside"),
        pytest.param("Presence of", None, id="presence-of-nothing"),
    ],
)
def test_status_name(name: str, expected: str | None) -> None:
    from assistant.vocab.normalize import status_name

    assert status_name(name) == expected


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        pytest.param("kidney transplant", "Z94.0", id="kidney-transplant"),
        pytest.param("coronary artery bypass graft", "Z95.1", id="cabg-inclusion-term"),
        pytest.param("dentures", "Z97.2", id="NCT05594173:E4-dentures"),
        pytest.param("cardiac pacemaker", "Z95.0", id="pacemaker"),
        pytest.param("food allergy", None, id="a-name-of-its-own-wins"),
    ],
)
def test_status_codes_link_for_criteria_not_for_notes(phrase: str, code: str | None) -> None:
    """A status code's name without "status" links a criterion's phrase to the code, after every other name; it
    never feeds the note reader's matcher (a note's "kidney transplant" may be one still awaited)."""
    from assistant.vocab import link, terms

    found = link(phrase, ("condition",), embedding=False)
    assert found is not None
    if code is None:
        assert found.system != "ICD-10-CM" or not found.label.lower().endswith("status")
        return
    assert (found.system, found.code) == ("ICD-10-CM", code)
    assert found.label.lower().endswith("status") or found.label.lower().startswith("presence of")
    offered = dict(terms(("condition",)))
    assert phrase.lower() not in offered or offered[phrase.lower()].code != code
