"""Parsing: every real record parses; the seed's criteria are pinned as a clinician reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import InputPathError, ProtocolParseError
from assistant.parse import parse_protocol
from assistant.parse.criteria import GLUED_HEADINGS
from assistant.types import Protocol
from tests.conftest import SHARED_PROTOCOLS

SHARED_FILES = sorted(p for p in SHARED_PROTOCOLS.rglob("*") if p.is_file())

SEED_CRITERIA = [
    ("I1", None, "Histologically confirmed gastrointestinal stromal tumor"),
    (
        "I2",
        None,
        "Locally advanced disease: tumour size 〉5 cm and mitotic count 〉5/HPF; tumour size 〉10 cm; mitotic count 〉10/HPF",
    ),
    ("I3", None, "Potentially resectable disease: Multivisceral resection may be necessary to get sufficient margins"),
    (
        "I4",
        None,
        "Documented c-kit (CD117) expression by immunohistochemical analysis of either initial core specimen or, if recurrent disease, from original tumor block",
    ),
    ("I5", None, "At least 1 site of measurable disease"),
    ("I6", None, "No known brain metastases"),
    ("I7", "Age", "Age:18 and over"),
    ("I8", "Performance status", "Performance status:ECOG 0-3"),
    ("I9", None, "Platelet count > 100,000/mm3"),
    ("I10", None, "Absolute neutrophil count > 1,500/mm3"),
    (
        "I11",
        "Hepatic",
        "AST and ALT < 2.5 times upper limits of normal (ULN) (5 times ULN if hepatic metastases are present)",
    ),
    ("I12", "Hepatic", "Bilirubin < 1.5 times ULN"),
    ("I13", "Hepatic", "No chronic active hepatitis"),
    ("I14", "Hepatic", "No cirrhosis"),
    ("I15", "Hepatic", "No other chronic liver disease"),
    ("I16", "Renal", "Creatinine < 1.5 times ULN"),
    ("I17", "Renal", "No chronic renal disease"),
    ("I18", "Cardiovascular", "No New York Heart Association class III-IV cardiac disease"),
    ("I19", "Cardiovascular", "No congestive heart failure"),
    ("I20", "Cardiovascular", "No myocardial infarction within the past 6 months"),
    ("I21", "Immunology", "No active uncontrolled infection"),
    ("I22", "Immunology", "No known HIV positivity"),
    ("I23", "Other", "Not pregnant or nursing"),
    ("I24", "Other", "Negative pregnancy test"),
    (
        "I25",
        "Other",
        "Fertile patients must use effective barrier contraception during and for 3 months after completion of study treatment",
    ),
    ("I26", "Other", "Must be medically fit to undergo surgery"),
    (
        "I27",
        "Other",
        "No other primary malignancy within the past 5 years except basal cell skin cancer, carcinoma in situ of the cervix, or a primary malignancy that is not currently clinically significant and does not require active intervention",
    ),
    (
        "I28",
        "Other",
        "No gastrointestinal obstruction or major bleeding episode requiring immediate surgical intervention",
    ),
    ("I29", "Other", "No uncontrolled diabetes"),
    ("I30", "Other", "No other severe or uncontrolled medical disease"),
    ("I31", "Other", "No significant history of noncompliance to medical regimens"),
    ("I32", None, "No concurrent anticancer biologic agents"),
    (
        "I33",
        None,
        "More than 4 weeks since prior chemotherapy (6 weeks for nitrosourea or mitomycin) unless disease is rapidly progressing",
    ),
    ("I34", None, "No concurrent anticancer chemotherapy"),
    ("I35", None, "At least 28 days since prior radiotherapy"),
    ("I36", None, "More than 2 weeks since prior major surgery except tumor biopsy"),
    ("I37", "Other", "At least 28 days since prior investigational drugs"),
    ("I38", "Other", "At least 28 days since prior imatinib mesylate"),
    ("I39", "Other", "No concurrent therapeutic doses of warfarin"),
    (
        "I40",
        "Other",
        "Concurrent low-molecular weight heparin or mini-dose warfarin (1 mg per day) prophylaxis is allowed",
    ),
]


def test_the_shared_records_are_there() -> None:
    assert len([p for p in SHARED_FILES if p.suffix == ".xml"]) == 51
    assert len([p for p in SHARED_FILES if p.suffix == ".json"]) == 11


def test_seed_has_exactly_the_criteria_a_clinician_reads(seed: Protocol) -> None:
    got = [(c.id.split(":")[1], c.category, c.text) for c in seed.criteria]
    assert got == SEED_CRITERIA


def test_seed_criteria_are_requirements_with_exact_spans(seed: Protocol) -> None:
    assert all(c.type == "inclusion" for c in seed.criteria)
    for criterion in seed.criteria:
        assert seed.text[criterion.start : criterion.end] == criterion.text
        assert not any(criterion.text.endswith(" " + heading) for heading in GLUED_HEADINGS)
    assert seed.criterion("NCT01267695:I2").parent == "NCT01267695:I1"
    assert seed.criterion("NCT01267695:I3").parent == "NCT01267695:I1"
    assert seed.criterion("NCT01267695:I4").parent is None


def test_seed_facts_and_sections(seed: Protocol) -> None:
    assert seed.id == "NCT01267695"
    assert seed.text == Path(seed.source_path).read_text(encoding="utf-8")
    assert seed.facts["Actual Enrollment"] == "20 participants"
    assert seed.facts["Phase"] == "Phase 2"
    names = [s.name for s in seed.sections]
    for name in ("summary", "detailed_description", "design", "interventions", "outcomes", "eligibility", "sponsor"):
        assert name in names
    eligibility = next(s for s in seed.sections if s.name == "eligibility")
    assert all(eligibility.start <= c.start and c.end <= eligibility.end for c in seed.criteria)


@pytest.mark.parametrize("path", SHARED_FILES, ids=[p.name for p in SHARED_FILES])
def test_every_shared_record_parses(path: Path) -> None:
    protocol = parse_protocol(path)
    raw = path.read_text(encoding="utf-8")
    # Some fixture files are named after an alias or another study: the id is the record's own.
    assert protocol.id.startswith("NCT") and protocol.id in raw
    has_eligibility = "eligibilityCriteria" in raw or "<criteria>" in raw or "Ages Eligible" in raw
    if has_eligibility:
        assert len(protocol.criteria) >= 1
    for criterion in protocol.criteria:
        assert protocol.text[criterion.start : criterion.end] == criterion.text
        assert criterion.text.strip() == criterion.text and criterion.text
    ids = [c.id for c in protocol.criteria]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("NCT00081588.xml", (5, 5), id="xml-inclusion-exclusion-headings"),
        pytest.param("NCT02210780.json", (5, 7), id="json-key-inclusion-exclusion"),
    ],
)
def test_inclusion_and_exclusion_headings_set_the_type(name: str, expected: tuple[int, int]) -> None:
    path = next(p for p in SHARED_FILES if p.name == name)
    protocol = parse_protocol(path)
    counts = (
        sum(c.type == "inclusion" for c in protocol.criteria),
        sum(c.type == "exclusion" for c in protocol.criteria),
    )
    assert counts == expected


def test_json_quotes_are_verbatim_field_values() -> None:
    path = SHARED_PROTOCOLS / "ctgov-v2-json" / "NCT02210780.json"
    protocol = parse_protocol(path)
    source = json.loads(path.read_text(encoding="utf-8"))["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    for criterion in protocol.criteria:
        assert criterion.text in source


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("", "file is empty", id="empty"),
        pytest.param("   \n\n", "file is empty", id="blank"),
        pytest.param("Shopping list:\n- eggs\n- milk\n", "no NCT identifier", id="not-a-protocol"),
        pytest.param('{"studies": []}', "no 'protocolSection'", id="json-not-a-study"),
        pytest.param('{"protocolSection": {"identificationModule": {}}}', "nctId is missing", id="json-no-id"),
        pytest.param("{not json", "malformed JSON", id="malformed-json"),
        pytest.param("<html><body>hi</body></html>", "expected <clinical_study>", id="xml-not-a-study"),
        pytest.param("<clinical_study><id_info>", "malformed XML", id="malformed-xml"),
    ],
)
def test_bad_input_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProtocolParseError) as info:
        parse_protocol(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputPathError, match="no such file"):
        parse_protocol(tmp_path / "nope.txt")
