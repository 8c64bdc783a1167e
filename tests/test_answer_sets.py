"""Every question set (the seed and five structured records): expected facts, cited criteria and fields,
abstentions, verbatim quotes; and the design-field and list answerers on their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer_lists import list_answer
from assistant.embed import HashingEmbedder
from assistant.fields import answer_field
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.settings import Settings
from assistant.types import Protocol
from eval.evaluate import CORPUS_SETS, all_sets, kind_of, load_set, protocol_path, run
from tests.conftest import CORPUS, SEED, SHARED_PROTOCOLS

SETS = all_sets()


@pytest.fixture(scope="module")
def set_index(tmp_path_factory: pytest.TempPathFactory) -> ProtocolIndex:
    settings = Settings(data_dir=tmp_path_factory.mktemp("sets") / "data", embedder="fake", corpus_dir=CORPUS)
    index = ProtocolIndex(settings, embedder=HashingEmbedder())
    index.ingest([parse_protocol(protocol_path(load_set(path))) for path in SETS])
    return index


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in SETS])
def test_question_set(set_index: ProtocolIndex, path: Path) -> None:
    failed = [(o.id, o.problems) for o in run(path, set_index) if not o.passed]
    assert not failed


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in SETS if p.parent.name == CORPUS_SETS])
def test_set_shape(path: Path) -> None:
    data = load_set(path)
    questions = data["questions"]
    assert len(questions) >= 20
    assert sum(kind_of(q) == "unanswerable" for q in questions) >= 4
    assert len({q["id"] for q in questions}) == len(questions)
    protocol = parse_protocol(protocol_path(data))
    ids = {c.id for c in protocol.criteria}
    for q in questions:
        assert set(q.get("criteria", [])) <= ids, q["id"]
        assert bool(q.get("abstain")) == (kind_of(q) == "unanswerable"), q["id"]


def test_sets_cover_both_structured_formats() -> None:
    sources = [load_set(p).get("source", "") for p in SETS]
    assert any(s.startswith("ctgov-v2-json/") for s in sources)
    assert any(s.startswith("ctgov-legacy-xml/") for s in sources)
    assert sum(len(load_set(p)["questions"]) for p in SETS) >= 130


JSON_RECORD = SHARED_PROTOCOLS / "ctgov-v2-json" / "NCT02210780.json"
XML_RECORD = SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT00001177.xml"


@pytest.mark.parametrize(
    ("path", "question", "expected"),
    [
        pytest.param(SEED, "Is the trial blinded?", "Masking: None (Open Label)", id="seed-masking"),
        pytest.param(SEED, "When did the study start?", "Study Start Date : May 2010", id="seed-start"),
        pytest.param(SEED, "How many patients were enrolled?", "Actual Enrollment : 20 participants", id="seed-n"),
        pytest.param(SEED, "In which city is the trial run?", "Beijing, China, 100142", id="seed-city"),
        pytest.param(JSON_RECORD, "Is the study double-blind?", "Masking: TRIPLE", id="json-masking"),
        pytest.param(JSON_RECORD, "Who funds the trial?", "Lead Sponsor: Regeneron Pharmaceuticals", id="json-sponsor"),
        pytest.param(JSON_RECORD, "Are patients randomized?", "Allocation: RANDOMIZED", id="json-allocation"),
        pytest.param(XML_RECORD, "When did the study begin?", "Study Start Date: August 24, 1981", id="xml-start"),
        pytest.param(XML_RECORD, "What kind of study is this?", "Study Type: Observational", id="xml-type"),
    ],
)
def test_design_fields_quote_the_record_exactly(path: Path, question: str, expected: str) -> None:
    protocol = parse_protocol(path)
    answer = answer_field(question, protocol)
    assert answer is not None and not answer.abstained
    assert expected in [c.quote for c in answer.citations]
    for citation in answer.citations:
        assert protocol.text[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize(
    ("question", "yes"),
    [
        pytest.param("Is the trial blinded?", False, id="blinded"),
        pytest.param("Is the study open label?", True, id="open-label"),
    ],
)
def test_masking_yes_no(seed: Protocol, question: str, yes: bool) -> None:
    answer = answer_field(question, seed)
    assert answer is not None and answer.text.startswith("Yes" if yes else "No")


@pytest.mark.parametrize(
    ("path", "question"),
    [
        pytest.param(XML_RECORD, "What phase is the study?", id="no-phase-field"),
        pytest.param(
            SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT01220531.xml",
            "How many patients were enrolled?",
            id="no-enrollment-field",
        ),
        pytest.param(SEED, "What platelet count is required?", id="not-a-field-question"),
    ],
)
def test_no_field_answer_when_the_record_has_no_such_field(path: Path, question: str) -> None:
    assert answer_field(question, parse_protocol(path)) is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("What blood counts are required?", {"I9", "I10"}, id="blood-counts"),
        pytest.param("What liver function is required?", {"I11", "I12"}, id="liver-function"),
        pytest.param("What are the hepatic requirements?", {"I11", "I12", "I13", "I14", "I15"}, id="hepatic"),
        pytest.param("What renal function is required?", {"I16"}, id="renal-function"),
        pytest.param("What lab values are required?", {"I9", "I10", "I11", "I12", "I16"}, id="labs"),
    ],
)
def test_list_answers_are_complete(seed: Protocol, question: str, expected: set[str]) -> None:
    answer = list_answer(question, seed)
    assert answer is not None
    cited = {c.criterion_id.split(":")[1] for c in answer.citations if c.criterion_id}
    assert cited == expected


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("What platelet count is required?", id="single-threshold"),
        pytest.param("Can patients with brain metastases enroll?", id="yes-no"),
    ],
)
def test_single_questions_are_not_lists(seed: Protocol, question: str) -> None:
    assert list_answer(question, seed) is None
