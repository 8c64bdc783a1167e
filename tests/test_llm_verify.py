"""The sentence verifier: numbers, units, durations, frequencies and negations must match the quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm.claims import normalise, quantities
from assistant.llm.verify import split_sentences, verify_sentence, verify_text

TEXT = (Path(__file__).resolve().parent.parent / "corpus" / "NCT01267695.txt").read_text(encoding="utf-8")

PREOP = (
    "Patients receive oral imatinib mesylate once daily for 6 months in the absence of disease progression or "
    "unacceptable toxicity."
)
SURGERY = (
    "Within 2-6 weeks after completion of imatinib mesylate, patients with responding or stable disease undergo "
    "surgical resection."
)
POSTOP = "Two to four weeks after surgery, patients receive oral imatinib mesylate once daily for one and a half years."
POSTOP_DETAIL = "Postoperative imatinib was planned to be administrated for 1.5 years."
BRAIN = "No known brain metastases"
PLATELETS = "Platelet count > 100,000/mm3"
AGE = "Age:18 and over"
LIVER = "AST and ALT < 2.5 times upper limits of normal (ULN) (5 times ULN if hepatic metastases are present)"
NYHA = "No New York Heart Association class III-IV cardiac disease"
WARFARIN = "Concurrent low-molecular weight heparin or mini-dose warfarin (1 mg per day) prophylaxis is allowed"
QUOTES = [PREOP, SURGERY, POSTOP, POSTOP_DETAIL, BRAIN, PLATELETS, AGE, LIVER, NYHA, WARFARIN]


def test_quotes_are_real_protocol_text() -> None:
    for quote in QUOTES:
        assert quote in TEXT, quote


@pytest.mark.parametrize(
    ("sentence", "supported", "problem"),
    [
        # faithful phrasings
        pytest.param("Patients take oral imatinib mesylate once daily for 6 months.", True, None, id="preop-faithful"),
        pytest.param(
            "Postoperative imatinib mesylate starts two to four weeks after surgery.", True, None, id="words-as-numbers"
        ),
        pytest.param(
            "Postoperative imatinib starts 2–4 weeks after surgery and is taken for 18 months.",
            True,
            None,
            id="one-and-a-half-years-is-18-months",
        ),
        pytest.param(
            "Surgical resection follows within 2 to 6 weeks after completion of imatinib mesylate.",
            True,
            None,
            id="surgery-window",
        ),
        pytest.param("Patients with known brain metastases are not eligible.", True, None, id="negation-kept"),
        pytest.param("Patients must have no known brain metastases.", True, None, id="negation-kept-2"),
        pytest.param("The platelet count must be greater than 100,000/mm3.", True, None, id="comparator-words"),
        pytest.param("AST and ALT must be below 2.5 × ULN.", True, None, id="uln-symbol"),
        pytest.param("Patients must be 18 years or older.", True, None, id="age-and-over"),
        pytest.param("Mini-dose warfarin (1 mg per day) prophylaxis is allowed.", True, None, id="warfarin-allowed"),
        # hallucinations
        pytest.param("Patients take imatinib 400 mg daily.", False, "'400 milligram'", id="400-mg-daily"),
        pytest.param(
            "Postoperative imatinib starts 3 weeks after surgery.", False, "'3 week after", id="3-weeks-after-surgery"
        ),
        pytest.param(
            "Patients with brain metastases may enroll.", False, "'brain' is affirmed", id="brain-metastases-enroll"
        ),
        pytest.param(
            "Patients without brain metastases are excluded.", False, "'brain' is affirmed", id="double-negation"
        ),
        pytest.param(
            "Surgery takes place 6 weeks after surgery.", False, "'6 week after surge", id="duration-wrong-anchor"
        ),
        pytest.param("Imatinib mesylate is taken twice daily.", False, "'twice daily'", id="frequency"),
        pytest.param("Postoperative imatinib is given for 2 years.", False, "'2 year'", id="wrong-duration"),
        pytest.param("The platelet count must be at least 100,000/mm3.", False, "'>= 100000 /mm3'", id="comparator"),
        pytest.param("The platelet count must exceed 50,000/mm3.", False, "'> 50000 /mm3'", id="threshold"),
        pytest.param("AST and ALT must be below 3 times ULN.", False, "'< 3 xULN'", id="uln-value"),
        pytest.param("Patients with NYHA class II cardiac disease are excluded.", False, "'2'", id="roman-class"),
        pytest.param("Warfarin prophylaxis is not allowed.", False, "'warfarin' is negated", id="permission-negated"),
        pytest.param("Yes.", False, "states nothing", id="no-content"),
        pytest.param("The hospital has a new cafeteria.", False, "not in the quoted text: cafeteria", id="unrelated"),
        pytest.param("The cafeteria opens at noon.", False, "none of its words", id="unrelated-2"),
    ],
)
def test_verify_sentence(sentence: str, supported: bool, problem: str | None) -> None:
    check = verify_sentence(sentence, QUOTES)
    assert check.supported is supported, check.problems
    if problem is not None:
        assert any(problem in p for p in check.problems), check.problems
    if supported:
        assert check.quote_indices


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("two to four weeks", ["2 week", "4 week"], id="word-range"),
        pytest.param("one and a half years", ["1.5 year"], id="and-a-half"),
        pytest.param("a year and a half", ["1.5 year"], id="year-and-a-half"),
        pytest.param("> 100,000/mm3", ["> 100000 /mm3"], id="thousands"),
        pytest.param("tumour size \u30095 cm", ["> 5 centimeter"], id="angle-bracket"),
        pytest.param("mitotic count 〉10/HPF", ["> 10 /hpf"], id="per-hpf"),
        pytest.param("3 months after completion of study treatment", ["3 month after compl…"], id="anchor"),
        pytest.param("no one of them", [], id="one-not-a-number"),
        pytest.param("NCT01267695 and CD117", [], id="identifiers-not-numbers"),
    ],
)
def test_quantities(text: str, expected: list[str]) -> None:
    assert [q.text() for q in quantities(normalise(text))] == expected


def test_the_supporting_quote_is_the_one_with_the_number() -> None:
    check = verify_sentence("Surgery takes place 2–6 weeks after completion of imatinib mesylate.", QUOTES)
    assert [QUOTES[i] for i in check.quote_indices] == [SURGERY]


def test_verify_text_splits_and_judges_each_sentence() -> None:
    text = (
        "- Postoperative imatinib mesylate starts 2 to 4 weeks after surgery [1].\n"
        "- It is taken 400 mg daily. Patients with brain metastases may enroll.\n"
        "Imatinib is planned for 1.5 years."
    )
    checks = verify_text(text, QUOTES)
    assert [(c.sentence, c.supported) for c in checks] == [
        ("Postoperative imatinib mesylate starts 2 to 4 weeks after surgery.", True),
        ("It is taken 400 mg daily.", False),
        ("Patients with brain metastases may enroll.", False),
        ("Imatinib is planned for 1.5 years.", True),
    ]


def test_decimals_do_not_split_sentences() -> None:
    assert split_sentences("Imatinib is given for 1.5 years. Bilirubin must be < 1.5 times ULN.") == [
        "Imatinib is given for 1.5 years.",
        "Bilirubin must be < 1.5 times ULN.",
    ]
