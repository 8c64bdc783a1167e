"""Deterministic answers: exact quotes, abstention, and the evaluation set with the real model."""

from __future__ import annotations

import pytest

from assistant.answer import answer_type, ask, focus_terms
from assistant.chat.chain import respond_once
from assistant.errors import EmptyQuestionError, UnknownProtocolError
from assistant.index import ProtocolIndex
from assistant.settings import Settings
from assistant.types import Protocol
from eval.evaluate import ROOT, load_set, score


@pytest.fixture
def seeded(fake_index: ProtocolIndex, seed: Protocol) -> ProtocolIndex:
    fake_index.ingest([seed])
    return fake_index


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        pytest.param("What dose of imatinib is given?", "dose", id="dose"),
        pytest.param("How long is preoperative imatinib given?", "duration", id="duration"),
        pytest.param("When does postoperative imatinib start?", "time", id="time"),
        pytest.param("What platelet count is required?", "number", id="number"),
        pytest.param("Can patients with brain metastases enroll?", None, id="yes-no"),
    ],
)
def test_answer_type(question: str, kind: str | None) -> None:
    assert answer_type(question)[0] == kind


def test_focus_terms_drop_framing_words() -> None:
    assert focus_terms("What platelet count is required for patients to enroll?") == ["platelet"]
    assert "anc" in focus_terms("What ANC is needed?") and "neutrophil" in focus_terms("What ANC is needed?")


@pytest.mark.parametrize(
    ("question", "criterion"),
    [
        pytest.param("What platelet count is required?", "NCT01267695:I9", id="platelets"),
        pytest.param("What is the ANC cut-off?", "NCT01267695:I10", id="anc-abbreviation"),
        pytest.param("Bilirubin limit?", "NCT01267695:I12", id="bilirubin"),
        pytest.param("Can patients with brain mets enroll?", "NCT01267695:I6", id="mets-abbreviation"),
        pytest.param("Is ECOG 3 allowed?", "NCT01267695:I8", id="ecog"),
        pytest.param("Are patients with cirrhosis eligible?", "NCT01267695:I14", id="cirrhosis"),
    ],
)
def test_answers_quote_the_criterion_exactly(
    seeded: ProtocolIndex, settings: Settings, seed: Protocol, question: str, criterion: str
) -> None:
    answer = ask(question, seeded, settings)
    assert not answer.abstained
    assert criterion in {c.criterion_id for c in answer.citations}
    for statement in answer.statements:
        assert statement.citations, statement.text
    for citation in answer.citations:
        assert seed.text[citation.start : citation.end] == citation.quote
        assert citation.protocol == seed.id


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("What dose of imatinib is given?", id="dose-not-stated"),
        pytest.param("What haemoglobin level is required?", id="haemoglobin-not-mentioned"),
        pytest.param("Is there a placebo arm?", id="placebo"),
        pytest.param("What QTc interval is required?", id="qtc"),
    ],
)
def test_abstains_and_cites_nothing_when_the_protocol_does_not_say(
    seeded: ProtocolIndex, settings: Settings, question: str
) -> None:
    answer = ask(question, seeded, settings)
    assert answer.abstained
    assert answer.citations == ()
    assert "does not say" in answer.text


def test_brain_metastases_answer_says_no(seeded: ProtocolIndex, settings: Settings) -> None:
    answer = ask("Can patients with brain metastases enroll?", seeded, settings)
    assert answer.text.startswith("No")


@pytest.mark.parametrize("question", ["", "   ", "\n"], ids=["empty", "spaces", "newline"])
def test_empty_question_is_refused(seeded: ProtocolIndex, settings: Settings, question: str) -> None:
    with pytest.raises(EmptyQuestionError):
        ask(question, seeded, settings)


def test_unknown_protocol_is_named(seeded: ProtocolIndex, settings: Settings) -> None:
    with pytest.raises(UnknownProtocolError, match="NCT99999999.*NCT01267695"):
        ask("What platelet count is required?", seeded, settings, protocol_id="NCT99999999")


@pytest.mark.parametrize(
    ("protocol_id", "expected"),
    [
        pytest.param("NCT02210780", "NCT02210780", id="named"),
        pytest.param(None, "NCT01267695", id="best-matching"),
    ],
)
def test_a_question_never_lists_every_protocol(
    seeded: ProtocolIndex, settings: Settings, monkeypatch: pytest.MonkeyPatch, protocol_id: str | None, expected: str
) -> None:
    """At 10,000 protocols a listing per question costs more than the retrieval: ``ask`` reads by id."""
    from assistant.parse import parse_protocol
    from assistant.store import ProtocolStore
    from tests.conftest import SHARED_PROTOCOLS

    seeded.ingest([parse_protocol(SHARED_PROTOCOLS / "ctgov-v2-json/NCT02210780.json")])

    def listed(self: ProtocolStore) -> list[str]:
        raise AssertionError("every protocol listed for one question")

    monkeypatch.setattr(ProtocolStore, "ids", listed)
    question = "What EASI score is required?" if protocol_id else "What platelet count is required for imatinib?"
    assert ask(question, seeded, settings, protocol_id).protocol_id == expected


def test_the_only_protocol_is_found_without_a_listing(seeded: ProtocolIndex) -> None:
    assert (seeded.store.count(), seeded.store.only_id(), seeded.store.has("NCT01267695")) == (1, "NCT01267695", True)
    assert not seeded.store.has("NCT99999999")


@pytest.mark.parametrize(
    ("path", "question", "criterion", "lead"),
    [
        pytest.param(
            "ctgov-v2-json/NCT02210780.json",
            "What EASI score is required?",
            "NCT02210780:I3",
            None,
            id="json-threshold",
        ),
        pytest.param(
            "ctgov-v2-json/NCT02210780.json",
            "Can patients previously treated with dupilumab enroll?",
            "NCT02210780:E1",
            "No",
            id="json-exclusion",
        ),
        pytest.param(
            "ctgov-legacy-xml/NCT03599518.xml", "What is the ECOG requirement?", "NCT03599518:I12", None, id="xml-ecog"
        ),
    ],
)
def test_answers_from_structured_records(
    fake_index: ProtocolIndex, settings: Settings, path: str, question: str, criterion: str, lead: str | None
) -> None:
    from assistant.parse import parse_protocol
    from tests.conftest import SHARED_PROTOCOLS

    protocol = parse_protocol(SHARED_PROTOCOLS / path)
    fake_index.ingest([protocol])
    answer = ask(question, fake_index, settings, protocol.id)
    assert answer.citations and answer.citations[0].criterion_id == criterion
    for citation in answer.citations:
        assert protocol.text[citation.start : citation.end] == citation.quote
    if lead:
        assert answer.text.startswith(lead)


EVAL = load_set(ROOT / "eval" / "questions.yaml")


@pytest.mark.integration
@pytest.mark.parametrize("item", EVAL["questions"], ids=[q["id"] for q in EVAL["questions"]])
def test_evaluation_set_with_the_real_model(real_index: ProtocolIndex, item: dict) -> None:
    protocol = real_index.store.load(EVAL["protocol"])
    response = respond_once(item["question"], real_index, real_index.settings, EVAL["protocol"])
    outcome = score(item, response.answer, protocol)
    assert outcome.passed, outcome.problems


def test_evaluation_set_is_large_enough() -> None:
    questions = EVAL["questions"]
    assert len(questions) >= 25
    assert sum(bool(q.get("abstain")) for q in questions) >= 4
