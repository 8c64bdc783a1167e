"""Words around a condition, medication or procedure on real criteria of the records and Chia: a bracket
that only abbreviates the words before it, lead-ins ("Diagnosed or suspected", "Personal history of"),
words of course, stage or extent that narrow a condition ("new or worsening", "metastatic"), a bracket
inside a narrowing clause, a sex the criterion is stated for, and verdicts of the rules they make."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.rules.compile.text import unabbreviated
from tests.test_compile_patterns import form, real
from tests.test_compile_windows import _statuses

pytestmark = pytest.mark.usefixtures("exact_links")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Untreated or symptomatic central nervous system (CNS) metastases",
            "Untreated or symptomatic central nervous system metastases",
            id="initials",
        ),
        pytest.param(
            "A documented diagnosis of adult-onset axial SpondyloArthritis (axSpA)",
            "A documented diagnosis of adult-onset axial SpondyloArthritis",
            id="letters-inside-words",
        ),
        pytest.param(
            "Subjects with known Tuberculosis (TB) infection",
            "Subjects with known Tuberculosis infection",
            id="one-word",
        ),
        pytest.param(
            "Class III or IV congestive heart failure - New York Heart Association (NYHA)",
            "Class III or IV congestive heart failure - New York Heart Association",
            id="four-words",
        ),
        pytest.param(
            "Eligibility for treatment with tyrosine-kinase inhibitors (TKI)",
            "Eligibility for treatment with tyrosine-kinase inhibitors",
            id="hyphenated-part",
        ),
        pytest.param(
            "human immunodeficiency virus [HIV] infection", "human immunodeficiency virus infection", id="square"
        ),
        pytest.param(
            "Patients with end-stage renal disease(ESRD)/chronic kidney disease(CKD)stage 5",
            "Patients with end-stage renal disease/chronic kidney disease stage 5",
            id="glued-to-the-next-word",
        ),
        pytest.param(
            "systolic blood pressure (BP) < 90 mmHg", "systolic blood pressure < 90 mmHg", id="before-a-threshold"
        ),
        pytest.param("renal failure (creatinine > 2 mg/dL)", "renal failure (creatinine > 2 mg/dL)", id="thresholds"),
        pytest.param("Any psychotic disorder (lifetime)", "Any psychotic disorder (lifetime)", id="a-word-kept"),
        pytest.param("negative hepatitis B (HbsAg) test", "negative hepatitis B (HbsAg) test", id="another-name-kept"),
        pytest.param(
            "History of pigmentary disorders, particularly tendency for hyper- or hypo-pigmentation (Group D)",
            "History of pigmentary disorders, particularly tendency for hyper- or hypo-pigmentation (Group D)",
            id="a-remark-kept",
        ),
        pytest.param(
            "Current or recent (within 3 months) gastrointestinal disease",
            "Current or recent (within 3 months) gastrointestinal disease",
            id="a-window-kept",
        ),
    ],
)
def test_a_bracket_that_only_abbreviates_the_words_before_it_is_dropped(text: str, expected: str) -> None:
    real(text)
    assert unabbreviated(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Diagnosed or suspected acute coronary syndrome (ACS) requiring hospitalization",
            "exclusion",
            {"condition": "hpo:HP:0033678", "qualifier": "(ACS) requiring hospitalization"},
            id="diagnosed-or-suspected",
        ),
        pytest.param(
            "Subjects with known Tuberculosis (TB) infection, at high risk of acquiring TB infection, or latent "
            "Tuberculosis (LTB)",
            "exclusion",
            {
                "any": [
                    {"condition": "icd10:A15-A19"},
                    {"condition": "icd10:Z22.7"},
                    {"needs_review": "'at high risk of acquiring TB infection' is not linked to a concept"},
                ]
            },
            id="abbreviations-in-a-list",
        ),
        pytest.param(
            "No sacroiliitis defined by Modified New York (mNY) criteria on sacroiliac (SI) x-rays",
            "inclusion",
            {
                "not": {
                    "condition": "hpo:HP:0012317",
                    "qualifier": "defined by Modified New York (mNY) criteria on sacroiliac (SI) x-rays",
                }
            },
            id="brackets-stay-in-their-clause-in-order",
        ),
        pytest.param(
            "Current diagnosis of heart failure (New York Heart Association (NYHA) Class II-IV)",
            "exclusion",
            {"condition": "congestive_heart_failure", "qualifier": "(New York Heart Association Class II-IV)"},
            id="current-diagnosis-of",
        ),
        pytest.param(
            "new or worsening chest pain suspicious for clinically significant coronary artery disease (CAD)",
            "inclusion",
            {
                "condition": "hpo:HP:0100749",
                "qualifier": "new or worsening suspicious for clinically significant coronary artery disease (CAD)",
            },
            id="new-or-worsening",
        ),
        pytest.param(
            "Metastatic breast cancer.",
            "exclusion",
            {"condition": "icd10:C50", "qualifier": "metastatic"},
            id="stage",
        ),
        pytest.param(
            "Moderate or severe endometriosis.",
            "exclusion",
            {"condition": "icd10:N80", "qualifier": "moderate or severe"},
            id="moderate-or-severe",
        ),
        pytest.param(
            "Personal history of Guillain-Barré Syndrome.",
            "exclusion",
            {"condition": "icd10:G61.0", "ever": True},
            id="personal-history-of",
        ),
        pytest.param(
            "Patients taking anticoagulant medication", "exclusion", {"medication": "anticoagulant"}, id="x-medication"
        ),
        pytest.param(
            "No concurrent anticancer biologic agents",
            "inclusion",
            {"not": {"medication": "anticancer_biologic"}},
            id="qualifier-opens-a-coded-name",
        ),
        pytest.param(
            "Cardiac conditions that may increase sleep apnea severity (e.g., congestive heart failure or recent heart "
            "attack);",
            "exclusion",
            {
                "condition": "heart_disease",
                "qualifier": "that may increase sleep apnea severity (e.g., congestive heart failure or recent heart "
                "attack)",
            },
            id="bracket-stays-in-its-clause",
        ),
        pytest.param(
            "Patients with end-stage renal disease(ESRD)/chronic kidney disease(CKD)stage 5",
            "inclusion",
            {"any": [{"condition": "icd10:N18.6"}, {"condition": "icd10:N18.5"}]},
            id="glued-abbreviations",
        ),
    ],
)
def test_lead_ins_and_narrowing_words(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, kind))
    assert compiled.when == expected, compiled.note
    assert compiled.note.startswith(f"read {' '.join(text.split()).rstrip('.;')!r}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Must have hypertension", {"condition": "hypertension"}, id="must-have"),
        pytest.param(
            "Subjects must have had a myocardial infarction",
            {"condition": "myocardial_infarction", "ever": True},
            id="must-have-had",
        ),
        pytest.param(
            "History or current use of aspirin", {"medication": "aspirin", "ever": True}, id="history-or-current-use"
        ),
        pytest.param(
            "No known or suspected hypertension", {"not": {"condition": "hypertension"}}, id="known-or-suspected"
        ),
        pytest.param(
            "Diagnosis of obstructive sleep apnea as confirmed by previous clinical sleep study (polysomnography, PSG)",
            {
                "condition": "obstructive_sleep_apnea",
                "qualifier": "as confirmed by previous clinical sleep study (polysomnography, PSG)",
            },
            id="comma-in-a-clause-bracket",
        ),
        pytest.param(
            "Newly diagnosed hypertension", {"condition": "hypertension", "qualifier": "newly diagnosed"}, id="newly"
        ),
    ],
)
def test_lead_in_forms(text: str, expected: dict[str, Any]) -> None:
    """Forms named in the specification that no record states with a name the vocabulary links."""
    assert compile_rule(form(text)).when == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Ascites requiring drainage (or any other effusion)", id="bracket-widens"),
        pytest.param("Known or suspected allergy to trial product(s) or related products", id="unlinked-item"),
        pytest.param(
            "History of moderate or severe non-traumatic arthritis or arthralgia within 3 months of the Screening Visit.",
            id="judgement-before-a-list-with-an-unlinked-item",
        ),
    ],
)
def test_what_stays_for_review(text: str) -> None:
    assert not compile_rule(form(text, "exclusion")).executable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Women with systemic lupus erythematosus (SLE)", {"condition": "icd10:M32"}, id="women-with"),
        pytest.param(
            "Women with untreated thyroid abnormalities",
            {"condition": "hpo:HP:0000820", "qualifier": "untreated"},
            id="women-with-judged",
        ),
    ],
)
def test_a_condition_stated_for_one_sex(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.when == expected
    assert compiled.applies_to == {"sex": ["female"]}
    assert compiled.note.endswith("stated for female patients only")


_CHEST_PAIN = "new or worsening chest pain suspicious for clinically significant coronary artery disease (CAD)"
_THYROID = "Women with untreated thyroid abnormalities"


@pytest.mark.parametrize(
    ("record", "text", "facts", "status"),
    [
        pytest.param(
            "NCT01174550.xml",
            _CHEST_PAIN,
            '{"conditions": [{"concept": "hpo:HP:0100749", "present": false}]}',
            "violated",
            id="no-chest-pain-decides",
        ),
        pytest.param(
            "NCT01174550.xml",
            _CHEST_PAIN,
            '{"conditions": [{"concept": "hpo:HP:0100749"}]}',
            "unknown",
            id="chest-pain-not-known-new",
        ),
        pytest.param(
            "NCT02389088.xml",
            _THYROID,
            '{"sex": "female", "conditions": [{"concept": "hpo:HP:0000820", "present": false}]}',
            "satisfied",
            id="woman-without",
        ),
        pytest.param(
            "NCT02389088.xml",
            _THYROID,
            '{"sex": "female", "conditions": [{"concept": "hpo:HP:0000820"}]}',
            "unknown",
            id="woman-with",
        ),
        pytest.param(
            "NCT02389088.xml",
            _THYROID,
            '{"sex": "male", "conditions": [{"concept": "hpo:HP:0000820"}]}',
            "not_applicable",
            id="man",
        ),
    ],
)
def test_verdicts_on_records(record: str, text: str, facts: str, status: str) -> None:
    assert _statuses(record, facts)[text] == status
