"""Facts read from a clinician's chat message: what is read, what is deliberately not read."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.chat.extract import ExtractedFacts, describe, extract_facts
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Condition, Medication, Observation, Procedure
from assistant.patient.units import is_uln, round_sig, to_canonical

TODAY = dt.date(2025, 6, 1)


def _in_canonical_unit(concept: str, value: object) -> object:
    """``(value, unit)`` of ``concept`` expressed in the concept's canonical unit, so that "90,000 /mm3" and
    "90 10*9/L" compare equal; anything else (a flag, a ULN multiple, a score) as it is."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], float)):
        return value
    number, unit = value
    details = load_concepts().get(concept)
    if details is None or details.unit is None or unit is None or is_uln(unit):
        return value
    return (round_sig(to_canonical(number, unit, details, concept)), details.unit)


def canonical(expected: dict[str, object]) -> dict[str, object]:
    """``expected`` with every measured value in its concept's canonical unit."""
    return {concept: _in_canonical_unit(concept, value) for concept, value in expected.items()}


def summary(extracted: ExtractedFacts) -> dict[str, object]:
    """Every fact as ``concept → short value`` (measured values in the concept's canonical unit), so a table
    can state exactly what must be read."""
    return canonical(_summary(extracted))


def _summary(extracted: ExtractedFacts) -> dict[str, object]:
    facts = extracted.facts
    out: dict[str, object] = {}
    if facts.age is not None:
        out["age"] = facts.age
    if facts.sex is not None:
        out["sex"] = facts.sex
    for conflict in facts.conflicts:
        out[conflict.concept] = ("not used", conflict.values)
    for obs in facts.observations:
        if obs.flag is not None:
            out[obs.concept] = obs.flag
        elif obs.reference_high is not None:
            out[obs.concept] = (obs.value, obs.unit, obs.reference_high, obs.reference_high_unit)
        else:
            out[obs.concept] = (obs.value, obs.unit)
    for cond in facts.conditions:
        dated = (cond.present, cond.onset) + (() if cond.dated_to == "day" else (cond.dated_to,))
        out[cond.concept] = cond.present if cond.onset is None else dated
    for proc in facts.procedures:
        out[proc.concept] = proc.present if proc.date is None else (proc.present, proc.date)
    for med in facts.medications:
        details = {
            k: v
            for k, v in (("dose", med.dose), ("dose_unit", med.dose_unit), ("start", med.start), ("end", med.end))
            if v is not None
        }
        if not med.present:
            out[med.concept] = False
        else:
            out[med.concept] = {**details, "active": med.active} if details or not med.active else True
    return out


AGE_SEX = [
    pytest.param(
        "my patient is 72, platelets 90k, ECOG 2 — can she enroll?",
        {"age": 72.0, "sex": "female", "platelets": (90000.0, "/mm3"), "ecog": (2.0, None)},
        id="issue-example",
    ),
    pytest.param("72-year-old man with GIST", {"age": 72.0, "sex": "male", "gist": True}, id="72-year-old-man"),
    pytest.param("a 64 year old woman", {"age": 64.0, "sex": "female"}, id="64-year-old-woman"),
    pytest.param("aged 72, she is fit", {"age": 72.0, "sex": "female"}, id="aged"),
    pytest.param("72 yo F", {"age": 72.0, "sex": "female"}, id="yo"),
    pytest.param("58 y/o gentleman", {"age": 58.0, "sex": "male"}, id="y/o"),
    pytest.param("Patient is 45 years of age", {"age": 45.0}, id="years-of-age"),
    pytest.param("55F, ECOG 1", {"age": 55.0, "sex": "female", "ecog": (1.0, None)}, id="55F"),
    pytest.param("he's 17", {"age": 17.0, "sex": "male"}, id="hes-17"),
    pytest.param("She is 5 months post-op", {"sex": "female"}, id="months-is-not-age"),
    pytest.param("her husband says he is worried", {"sex": "female"}, id="he-is-the-husband"),
]

LABS = [
    pytest.param("platelets 90k", {"platelets": (90000.0, "/mm3")}, id="90k"),
    pytest.param("plt 1.2 x10^9/L", {"platelets": (1.2, "10*9/L")}, id="plt-x10^9/L-kept-as-stated"),
    pytest.param("ANC 1.2 x10^9/L", {"anc": (1.2, "10*9/L")}, id="anc-x10^9/L"),
    pytest.param("ANC 1.5 ×10⁹/L", {"anc": (1.5, "10*9/L")}, id="anc-superscript"),
    pytest.param("neutrophils 1,800/mm3", {"anc": (1800.0, "/mm3")}, id="neutrophils-per-mm3"),
    pytest.param("ANC of 2.0 G/L", {"anc": (2.0, "10*9/L")}, id="giga-per-litre"),
    pytest.param("platelet count is 120 K/µL", {"platelets": (120.0, "10*3/uL")}, id="K/uL"),
    pytest.param("platelets 150 x 10^3/uL", {"platelets": (150.0, "10*3/uL")}, id="x10^3/uL"),
    pytest.param("plts 95,000/µL", {"platelets": (95000.0, "/uL")}, id="per-uL"),
    pytest.param("platelets 250,000", {"platelets": (250000.0, "/mm3")}, id="large-count-implies-per-mm3"),
    pytest.param("platelets 90 000", {"platelets": (90000.0, "/mm3")}, id="space-thousands"),
    pytest.param("PLT 90K", {"platelets": (90000.0, "/mm3")}, id="upper-case-K"),
    pytest.param("platelets 90", {"platelets": ("not used", ("platelets 90",))}, id="bare-number-is-not-used"),
    pytest.param("90k platelets", {"platelets": (90000.0, "/mm3")}, id="count-before-name"),
    pytest.param(
        "platelets 90 kcells/L", {"platelets": ("not used", ("platelets 90 kcells/L",))}, id="unknown-unit-not-used"
    ),
    pytest.param("AST 3x ULN", {"ast": (3.0, "ULN")}, id="3x-ULN"),
    pytest.param("AST 3 times the upper limit", {"ast": (3.0, "ULN")}, id="3-times-upper-limit"),
    pytest.param("ALT is 2.5 times the upper limit of normal", {"alt": (2.5, "ULN")}, id="times-uln-long"),
    pytest.param("ALT 80 U/L", {"alt": (80.0, "U/L")}, id="alt-U/L-no-reference"),
    pytest.param("ALT 80 U/L (ULN 40)", {"alt": (80.0, "U/L", 40.0, "U/L")}, id="reference-in-brackets"),
    pytest.param("AST/ALT 2x ULN", {"ast": (2.0, "ULN"), "alt": (2.0, "ULN")}, id="ast/alt-together"),
    pytest.param("AST and ALT 1.2 x ULN", {"ast": (1.2, "ULN"), "alt": (1.2, "ULN")}, id="ast-and-alt"),
    pytest.param("transaminases 4 x ULN", {"ast": (4.0, "ULN"), "alt": (4.0, "ULN")}, id="transaminases"),
    pytest.param("creatinine 2.1 mg/dL", {"creatinine": (2.1, "mg/dL")}, id="creatinine-mg/dL"),
    pytest.param("creatinine 130 umol/L", {"creatinine": (130.0, "umol/L")}, id="creatinine-umol/L"),
    pytest.param("serum creatinine 130 µmol/L", {"creatinine": (130.0, "umol/L")}, id="creatinine-µmol/L"),
    pytest.param("Cr 1.4 mg/dl, ULN 1.1 mg/dl", {"creatinine": (1.4, "mg/dL", 1.1, "mg/dL")}, id="Cr-with-uln"),
    pytest.param("bilirubin 1.2 x ULN", {"bilirubin": (1.2, "ULN")}, id="bilirubin-x-ULN"),
    pytest.param("total bilirubin 25 μmol/L", {"bilirubin": (25.0, "umol/L")}, id="bilirubin-greek-mu"),
    pytest.param("bili 1.1 mg/dl", {"bilirubin": (1.1, "mg/dL")}, id="bili"),
    pytest.param("Hb 11.2 g/dL", {"hemoglobin": (11.2, "g/dL")}, id="hemoglobin"),
    pytest.param("WBC 6.1 x10^9/L", {"wbc": (6.1, "10*9/L")}, id="wbc"),
]

SCORES_SIZES = [
    pytest.param("ECOG 2", {"ecog": (2.0, None)}, id="ecog"),
    pytest.param("ECOG PS 1", {"ecog": (1.0, None)}, id="ecog-ps"),
    pytest.param("PS 1", {"ecog": (1.0, None)}, id="ps"),
    pytest.param("performance status 0", {"ecog": (0.0, None)}, id="performance-status"),
    pytest.param("ECOG performance status of 3", {"ecog": (3.0, None)}, id="ecog-performance-status-of"),
    pytest.param("KPS 70", {"karnofsky": (70.0, None)}, id="kps"),
    pytest.param("Karnofsky 80%", {"karnofsky": (80.0, None)}, id="karnofsky-percent"),
    pytest.param("NYHA class III", {"nyha_class": (3.0, None)}, id="nyha-roman"),
    pytest.param("tumour 12 cm", {"tumour_size": (12.0, "cm"), "hpo:HP:0002664": True}, id="tumour-12-cm"),
    pytest.param("7 cm tumor", {"tumour_size": (7.0, "cm"), "icd10:D49": True}, id="7-cm-tumor"),
    pytest.param("a 12-cm gastric GIST", {"tumour_size": (12.0, "cm"), "gist": True}, id="12-cm-gastric-gist"),
    pytest.param("tumor measuring 12 x 8 cm", {"tumour_size": (12.0, "cm"), "icd10:D49": True}, id="largest-dimension"),
    pytest.param("tumour size 85 mm", {"tumour_size": (85.0, "mm")}, id="mm"),
    pytest.param("she has a 3 cm liver lesion", {"sex": "female"}, id="liver-lesion-is-not-the-primary"),
    pytest.param("mitotic count 8/HPF", {"mitotic_count": (8.0, "/[HPF]")}, id="mitotic-per-hpf"),
    pytest.param("12 mitoses per 50 HPF", {"mitotic_count": (12.0, "/50[HPF]")}, id="mitoses-per-50-hpf"),
    pytest.param(
        "mitotic rate 6/5 mm2", {"mitotic_count": ("not used", ("mitotic rate 6/5 mm2",))}, id="mitoses-per-5mm2"
    ),
    pytest.param("mitotic index 8", {"mitotic_count": ("not used", ("mitotic index 8",))}, id="mitotic-index-no-unit"),
    pytest.param("MI 5/50 HPF", {"mitotic_count": (5.0, "/50[HPF]")}, id="MI-per-hpf-is-mitotic-index"),
]

CONDITIONS = [
    pytest.param("no liver mets", {"hepatic_metastases": False}, id="no-liver-mets"),
    pytest.param("she has hepatic metastases", {"sex": "female", "hepatic_metastases": True}, id="hepatic-mets"),
    pytest.param(
        "no brain or liver mets", {"brain_metastases": False, "hepatic_metastases": False}, id="coordinated-sites"
    ),
    pytest.param("known brain metastases", {"brain_metastases": True}, id="known-brain-mets"),
    pytest.param("HIV negative", {"hiv": False}, id="hiv-negative"),
    pytest.param("HIV-", {"hiv": False}, id="hiv-minus"),
    pytest.param("HIV (-)", {"hiv": False}, id="hiv-bracket-minus"),
    pytest.param("negative for HIV", {"hiv": False}, id="negative-for-hiv"),
    pytest.param("HIV positive", {"hiv": True}, id="hiv-positive"),
    pytest.param("HIV+", {"hiv": True}, id="hiv-plus"),
    pytest.param("HIV-positive", {"hiv": True}, id="hiv-hyphen-positive"),
    pytest.param("no cirrhosis", {"cirrhosis": False}, id="no-cirrhosis"),
    pytest.param(
        "history of MI 3 months ago", {"myocardial_infarction": (True, dt.date(2025, 3, 1))}, id="mi-3-months-ago"
    ),
    pytest.param(
        "had a heart attack in 2019", {"myocardial_infarction": (True, dt.date(2019, 7, 1), "year")}, id="mi-year-only"
    ),
    pytest.param("denies any MI", {"myocardial_infarction": False}, id="denies"),
    pytest.param("not pregnant", {"pregnant": False}, id="not-pregnant"),
    pytest.param("she is pregnant", {"sex": "female", "pregnant": True}, id="pregnant"),
    pytest.param("not pregnant or nursing", {"pregnant": False, "nursing": False}, id="not-pregnant-or-nursing"),
    pytest.param("she is breastfeeding", {"sex": "female", "nursing": True}, id="breastfeeding"),
    pytest.param("lives in a nursing home", {}, id="nursing-home-is-not-nursing"),
    pytest.param(
        "diabetes well controlled",
        {"diabetes_mellitus": True, "diabetes_uncontrolled": False},
        id="diabetes-well-controlled",
    ),
    pytest.param(
        "well-controlled type 2 diabetes",
        {"type_2_diabetes": True, "diabetes_uncontrolled": False},
        id="well-controlled-t2",
    ),
    pytest.param(
        "type 2 diabetes, not controlled",
        {"type_2_diabetes": True, "diabetes_uncontrolled": True},
        id="not-controlled-after",
    ),
    pytest.param(
        "he has uncontrolled diabetes", {"sex": "male", "diabetes_uncontrolled": True}, id="uncontrolled-diabetes"
    ),
    pytest.param(
        "ECOG 1, poorly controlled diabetes",
        {"ecog": (1.0, None), "diabetes_uncontrolled": True},
        id="poorly-controlled",
    ),
    pytest.param("no diabetes", {"diabetes_mellitus": False}, id="no-diabetes"),
    pytest.param("confirmed GIST", {"gist": True}, id="confirmed-gist"),
    pytest.param("biopsy-proven gastric GIST", {"gist": True, "tumor_biopsy": True}, id="biopsy-proven"),
    pytest.param("CD117 positive", {"cd117": True}, id="cd117-positive"),
    pytest.param("KIT positive", {"cd117": True}, id="kit-positive"),
    pytest.param("c-kit+", {"cd117": True}, id="c-kit-plus"),
    pytest.param("CD117 negative", {"cd117": False}, id="cd117-negative"),
    pytest.param("negative pregnancy test", {"pregnancy_test": False, "pregnant": False}, id="negative-pregnancy-test"),
    pytest.param("beta-hCG negative", {"pregnancy_test": False, "pregnant": False}, id="beta-hcg-negative"),
    pytest.param(
        "no chronic kidney disease, no CHF",
        {"chronic_renal_disease": False, "congestive_heart_failure": False},
        id="ckd-chf",
    ),
    pytest.param("no active infection", {"active_infection": False}, id="no-active-infection"),
    pytest.param("disease is not rapidly progressing", {"rapidly_progressing_disease": False}, id="not-rapid"),
    pytest.param(
        "no cirrhosis but has brain mets", {"cirrhosis": False, "brain_metastases": True}, id="but-ends-negation"
    ),
]

TREATMENTS = [
    pytest.param(
        "on warfarin 5 mg daily",
        {"warfarin": {"dose": 5.0, "dose_unit": "mg", "active": True}},
        id="warfarin-5mg-daily",
    ),
    pytest.param(
        "warfarin 1 mg per day", {"warfarin": {"dose": 1.0, "dose_unit": "mg", "active": True}}, id="warfarin-1mg"
    ),
    pytest.param(
        "had chemo 3 weeks ago",
        {"chemotherapy": {"end": dt.date(2025, 5, 11), "active": False}},
        id="chemo-3-weeks-ago",
    ),
    pytest.param(
        "radiotherapy finished 2 weeks ago",
        {"radiotherapy": (True, dt.date(2025, 5, 18))},
        id="radiotherapy-2-weeks-ago",
    ),
    pytest.param("never had radiotherapy", {"radiotherapy": False}, id="never-radiotherapy"),
    pytest.param("no prior imatinib", {"imatinib": False}, id="no-prior-imatinib"),
    pytest.param("she is imatinib-naive", {"sex": "female", "imatinib": False}, id="imatinib-naive"),
    pytest.param(
        "stopped imatinib 2 weeks ago",
        {"imatinib": {"end": dt.date(2025, 5, 18), "active": False}},
        id="stopped-imatinib",
    ),
    pytest.param(
        "imatinib started 2025-01-10",
        {"imatinib": {"start": dt.date(2025, 1, 10), "active": True}},
        id="imatinib-started",
    ),
    pytest.param("she is on enoxaparin", {"sex": "female", "enoxaparin": True}, id="lmwh"),
    pytest.param("major surgery 10 days ago", {"major_surgery": (True, dt.date(2025, 5, 22))}, id="major-surgery"),
    pytest.param(
        "chemo and radiotherapy 3 weeks ago",  # the date is the nearer name's; the chemotherapy stays undated
        {"chemotherapy": {"active": False}, "radiotherapy": (True, dt.date(2025, 5, 11))},
        id="date-after-the-nearer-name",
    ),
    pytest.param(
        "chemo 2 months ago and radiotherapy 3 weeks ago",
        {"chemotherapy": {"end": dt.date(2025, 4, 1), "active": False}, "radiotherapy": (True, dt.date(2025, 5, 11))},
        id="own-dates",
    ),
]

NOTHING = [
    pytest.param("What platelet count is required?", id="general-platelet-question"),
    pytest.param("Are patients with brain metastases eligible?", id="patients-with"),
    pytest.param("Can pregnant women enroll?", id="pregnant-women"),
    pytest.param("Are HIV-positive patients excluded?", id="hiv-positive-patients"),
    pytest.param("Is platelets > 100,000/mm3 the threshold?", id="threshold-is-a-bound"),
    pytest.param("platelets below 100k", id="below-is-a-bound"),
    pytest.param("Is the minimum age 18?", id="minimum-age"),
    pytest.param("How long is preoperative imatinib given?", id="general-imatinib"),
    pytest.param("What does the protocol say about radiotherapy?", id="named-not-stated"),
    pytest.param("uncontrolled diabetes", id="bare-phrase-without-patient"),
    pytest.param("Is 72 too old?", id="number-without-analyte"),
    pytest.param("HIV status pending", id="pending"),
    pytest.param("possible brain mets on MRI", id="possible"),
    pytest.param("CD117 was sent to pathology", id="flag-without-result"),
    pytest.param("Can a patient on warfarin take part?", id="can-a-patient"),
    pytest.param("Can a pregnant woman enroll?", id="can-a-pregnant-woman"),
    pytest.param("Is CD117 expression required?", id="required-is-not-a-result"),
    pytest.param("Is prior imatinib allowed?", id="allowed-is-a-question"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize(("message", "expected"), AGE_SEX + LABS + SCORES_SIZES + CONDITIONS + TREATMENTS)
def test_reads_exactly_the_stated_facts(message: str, expected: dict[str, object]) -> None:
    extracted = extract_facts(message, TODAY)
    assert summary(extracted) == canonical(expected)


@pytest.mark.parametrize("message", NOTHING)
def test_reads_no_fact(message: str) -> None:
    extracted = extract_facts(message, TODAY)
    assert summary(extracted) == {}
    assert extracted.empty


@pytest.mark.parametrize(
    ("message", "rendering"),
    [
        pytest.param("platelets 90k", "platelet count 90 10*9/L (from 'platelets 90k')", id="platelets"),
        pytest.param(
            "no liver mets", "hepatic metastases: absent now (the history not stated) (from 'liver mets')", id="negated"
        ),
        pytest.param("AST 3 times the upper limit", "AST 3 x ULN (from 'AST 3 times the upper limit')", id="uln"),
        pytest.param(
            "platelets 90",
            "'platelets 90' — no unit given for platelet count; expected a count per volume such as 10*9/L, 10*3/uL, /mm3"
            " (not used)",
            id="no-unit",
        ),
        pytest.param(
            "on warfarin 5 mg daily",
            "warfarin: current, 5 mg (from 'warfarin 5 mg')",
            id="warfarin",
        ),
        pytest.param(
            "MI in March 2024",
            "myocardial infarction: resolved (March 2024 → 2024-03, the month only) (from 'MI')",
            id="month-only",
        ),
    ],
)
def test_shows_facts_back_with_their_source(message: str, rendering: str) -> None:
    assert rendering in extract_facts(message, TODAY).show()


@pytest.mark.parametrize(
    ("message", "note"),
    [
        pytest.param("platelets > 100k", "a bound in a question is a threshold", id="bound"),
        pytest.param("ECOG 1-2", "'ECOG 1-2' — a range, not one value", id="range"),
        pytest.param("platelets 1,2 x10^9/L", "a number with a decimal comma", id="decimal-comma"),
        pytest.param("ECOG 7", "7 is off the ECOG performance status scale", id="ecog-off-scale"),
        pytest.param("Can pregnant women enroll?", "about people in general", id="generic"),
        pytest.param(
            "platelets 90k and platelets 120k",
            "different values stated ('platelets 90k', 'platelets 120k')",
            id="conflict",
        ),
    ],
)
def test_says_what_it_did_not_use(message: str, note: str) -> None:
    extracted = extract_facts(message, TODAY)
    said = list(extracted.notes) + extracted.show()
    assert any(note in n for n in said), said
    assert "Not used:" in describe(extracted) or extracted.empty
    assert not extracted.facts.observations and not extracted.facts.conditions


def test_facts_are_marked_as_coming_from_the_message() -> None:
    facts = extract_facts(
        "she is 60, ANC 2.0 x10^9/L, no brain mets, on warfarin 1 mg daily, had RT 2 months ago", TODAY
    ).facts
    sources = (
        [o.source for o in facts.observations]
        + [c.source for c in facts.conditions]
        + [m.source for m in facts.medications]
        + [p.source for p in facts.procedures]
    )
    assert sources and set(sources) == {"message"}
    assert all(isinstance(o, Observation) for o in facts.observations)
    assert all(isinstance(c, Condition) for c in facts.conditions)
    assert all(isinstance(m, Medication) for m in facts.medications)
    assert all(isinstance(p, Procedure) for p in facts.procedures)


_WORDS = [
    "no",
    "not",
    "platelets",
    "90k",
    "ECOG",
    "2",
    "HIV",
    "-",
    "+",
    "negative",
    "3x",
    "ULN",
    "AST/ALT",
    "mg/dL",
    "creatinine",
    "2.1",
    "(ULN",
    "1.1)",
    ",",
    ".",
    "she",
    "72F",
    "aged",
    "March",
    "2025-01-10",
    "ago",
    "weeks",
    "MI",
    "warfarin",
    "5",
    "mg",
    "daily",
    "chemo",
    "tumour",
    "cm",
    "mitoses",
    "per",
    "50",
    "HPF",
    "liver",
    "or",
    "mets",
    "CD117",
    "pregnant",
    "patients",
    "with",
    "1,500",
    "1,2",
    "×10⁹/L",
    "µmol/L",
    "〉",
    "?",
    "—",
    "x",
    "KPS",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=16).map(" ".join) | st.text(max_size=120))
def test_never_raises_and_every_span_is_exact(message: str) -> None:
    extracted = extract_facts(message, TODAY)
    for mention in extracted.mentions:
        assert 0 <= mention.start <= mention.end <= len(message)
        assert message[mention.start : mention.end] == mention.text
        assert mention.text in mention.rendering or mention.kind == "sex"


@pytest.mark.parametrize(
    ("message", "heading"),
    [
        pytest.param("platelets 90k", "Facts read from your message:", id="a-fact-read"),
        pytest.param("ECOG 1-2", "No fact of your message could be used.", id="only-a-range"),
        pytest.param("", "No patient facts were read from the message.", id="nothing"),
    ],
)
def test_the_read_back_says_first_whether_anything_was_used(message: str, heading: str) -> None:
    assert describe(extract_facts(message, TODAY)).splitlines()[0] == heading
