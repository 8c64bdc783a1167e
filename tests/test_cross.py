"""Cross-protocol questions on real protocols: per protocol, each finding citing its criteria verbatim."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli import load_commands
from assistant.cross import answer_cross, is_cross_question, read_cross_question
from assistant.embed import HashingEmbedder
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.patient import read_patient
from assistant.settings import Settings
from tests.conftest import ROOT, SEED, SHARED_PROTOCOLS

AS_OF = dt.date(2024, 6, 3)
XML = SHARED_PROTOCOLS / "ctgov-legacy-xml"
FILES = [
    SEED,
    XML / "NCT01642004.xml",
    XML / "NCT03424005.xml",
    SHARED_PROTOCOLS / "ctgov-v2-json" / "NCT06171568.json",
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> ProtocolIndex:
    settings = Settings(data_dir=tmp_path_factory.mktemp("cross") / "data", embedder="fake", audit_enabled=False)
    built = ProtocolIndex(settings, embedder=HashingEmbedder())
    built.ingest([parse_protocol(f) for f in FILES])
    return built


@pytest.mark.parametrize(
    ("message", "cross", "kind"),
    [
        pytest.param("Which of the loaded trials allow ECOG 3?", True, "facts", id="threshold"),
        pytest.param("Which trials exclude patients with brain metastases?", True, "facts", id="condition"),
        pytest.param("Which trials could this patient join?", True, "patient", id="patient"),
        pytest.param("Which trial could she join?", True, "patient", id="pronoun"),
        pytest.param("What is the primary outcome in each of the trials?", True, "search", id="search"),
        pytest.param("What does the trial require?", False, None, id="one-trial"),
        pytest.param("Is she eligible for the trial?", False, None, id="one-patient-one-trial"),
        pytest.param("Which criteria of NCT01267695 concern the liver?", False, None, id="named-protocol"),
        pytest.param("Which studies does NCT01642004 cite?", False, None, id="named-protocol-studies"),
    ],
)
def test_which_questions_are_cross_protocol(message: str, cross: bool, kind: str | None) -> None:
    assert is_cross_question(message) is cross
    if kind is not None:
        assert read_cross_question(message, AS_OF).kind == kind


# (question, protocol, expected verdict, criterion cited, polarity)
FINDINGS = [
    pytest.param("Which of the loaded trials allow ECOG 3?", "NCT01267695", "allows", "I8", id="ecog3-seed-allows"),
    pytest.param("Which of the loaded trials allow ECOG 3?", "NCT01642004", "excludes", "I5", id="ecog3-nsclc-excl"),
    pytest.param("Which of the loaded trials allow ECOG 3?", "NCT03424005", "excludes", "I1", id="ecog3-other-excl"),
    pytest.param("Which trials allow ECOG 1?", "NCT01642004", "allows", "I5", id="ecog1-allowed"),
    pytest.param("Which trials accept ECOG 4?", "NCT01267695", "excludes", "I8", id="ecog4-seed-excludes"),
    pytest.param(
        "Which trials exclude patients with brain metastases?", "NCT01267695", "excludes", "I6", id="brain-mets"
    ),
    pytest.param("Which trials allow patients aged 80?", "NCT01642004", "allows", "I1", id="age-80"),
    pytest.param("Which trials allow patients aged 16?", "NCT01267695", "excludes", "I7", id="age-16"),
    pytest.param("Which of the loaded trials allow ECOG 3?", "NCT06171568", "not_stated", None, id="no-ecog-rule"),
]


@pytest.mark.parametrize(("message", "protocol_id", "verdict", "criterion"), FINDINGS)
def test_findings_per_protocol(
    index: ProtocolIndex, message: str, protocol_id: str, verdict: str, criterion: str | None
) -> None:
    result = answer_cross(message, index, index.settings, AS_OF)
    assert {f.protocol for f in result.findings} == set(index.store.ids())  # one finding per protocol
    finding = next(f for f in result.findings if f.protocol == protocol_id)
    assert finding.verdict == verdict, finding.sentence
    cited = [c.criterion_id for c in finding.citations]
    if criterion is None:
        assert not cited
    else:
        assert f"{protocol_id}:{criterion}" in cited
    protocol = index.store.load(protocol_id)
    for citation in finding.citations:  # every quote is the protocol's text, exactly
        assert protocol.text[citation.start : citation.end] == citation.quote
        assert citation.quote == protocol.criterion(citation.criterion_id or "").text


def test_the_asked_polarity_comes_first(index: ProtocolIndex) -> None:
    allow = answer_cross("Which of the loaded trials allow ECOG 3?", index, index.settings, AS_OF)
    assert allow.findings[0].verdict == "allows"
    exclude = answer_cross("Which trials exclude patients with ECOG 3?", index, index.settings, AS_OF)
    assert exclude.findings[0].verdict == "excludes"
    assert exclude.question.polarity == "exclude"


@pytest.mark.parametrize(
    ("patient", "worst"),
    [
        pytest.param("gist-eligible.facts.yaml", None, id="eligible-facts"),
        pytest.param("gist-ineligible.fhir.json", "NCT01267695", id="ineligible-fhir"),
    ],
)
def test_which_trials_could_this_patient_join(index: ProtocolIndex, patient: str, worst: str | None) -> None:
    facts = read_patient(ROOT / "eval" / "patients" / patient, as_of=AS_OF)
    result = answer_cross("Which trials could this patient join?", index, index.settings, AS_OF, facts)
    assert [f.rank for f in result.findings] == list(range(1, len(FILES) + 1))
    verdicts = [f.verdict for f in result.findings]
    assert verdicts == sorted(verdicts, key=lambda v: v == "ineligible")  # ineligible last
    seed = next(f for f in result.findings if f.protocol == "NCT01267695")
    if worst is not None:
        assert seed.verdict == "ineligible" and seed.citations
    else:
        assert seed.verdict != "ineligible"


def test_without_a_patient_it_says_so(index: ProtocolIndex) -> None:
    result = answer_cross("Which trials could this patient join?", index, index.settings, AS_OF)
    assert not result.findings and "No patient" in result.notes[0]


def test_search_fallback_quotes_each_protocol(index: ProtocolIndex) -> None:
    result = answer_cross("What is the primary outcome in each of the trials?", index, index.settings, AS_OF)
    quoted = [f for f in result.findings if f.verdict == "quoted"]
    assert {f.protocol for f in quoted} >= {"NCT01267695"}
    for finding in quoted:
        text = index.store.load(finding.protocol).text
        assert all(text[c.start : c.end] == c.quote for c in finding.citations)


def test_the_chat_routes_cross_questions_and_keeps_no_patient(index: ProtocolIndex) -> None:
    from assistant.chat.chain import ChatSession

    chat = ChatSession(index, index.settings)
    response = chat.respond("Which of the loaded trials allow ECOG 3?", as_of=AS_OF)
    assert response.route["cross"] == "facts"
    quotes = {c.quote for c in response.answer.citations}
    assert "Performance status:ECOG 0-3" in quotes
    assert chat.state.patient is None or not chat.state.patient.observations  # ECOG 3 was nobody's
    chat.load_patient(ROOT / "eval" / "patients" / "gist-ineligible.fhir.json", AS_OF)
    joined = chat.respond("Which trials could this patient join?", as_of=AS_OF)
    assert joined.route["cross"] == "patient"
    assert joined.answer.statements[-1].text.startswith(f"{len(FILES)}. NCT01267695: ineligible")


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        pytest.param(["ask-all", "Which trials allow ECOG 3?", "--json"], "allows", id="ask-all"),
        pytest.param(
            ["ask", "Which of the loaded trials allow ECOG 3?", "--json"], "Performance status:ECOG 0-3", id="ask"
        ),
        pytest.param(
            ["ask-all", "Which trials could this patient join?", "--as-of", "2024-06-03", "--json", "--patient"]
            + [str(ROOT / "eval" / "patients" / "gist-ineligible.fhir.json")],
            "ineligible",
            id="ask-all-patient",
        ),
    ],
)
def test_cli(cli_env: Path, args: list[str], expect: str) -> None:
    runner = CliRunner()
    app = load_commands()
    assert runner.invoke(app, ["ingest", *map(str, FILES)]).exit_code == 0
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data: dict[str, Any] = json.loads(res.output)
    assert expect in json.dumps(data, ensure_ascii=False)
