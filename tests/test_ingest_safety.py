"""Bad and hostile input at ingest: typed records, limits, safe ids and paths, linear-time regexes."""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import assistant.chunk
import assistant.parse.criteria
import assistant.parse.ctgov_text
from assistant.errors import AssistantError, InputLimitError, InputPathError, ProtocolIdError, ProtocolParseError
from assistant.ids import corpus_file, validate_protocol_id
from assistant.parse import parse_protocol, parse_text
from assistant.rules.load import rules_path
from assistant.schedule.load import load_schedule
from assistant.settings import Settings
from tests.conftest import CORPUS, SEED, SHARED_PROTOCOLS

JSON_DIR = SHARED_PROTOCOLS / "ctgov-v2-json"
XML_DIR = SHARED_PROTOCOLS / "ctgov-legacy-xml"
RECORD = json.loads((JSON_DIR / "NCT04207047.json").read_text(encoding="utf-8"))
XML_RECORD = (XML_DIR / "NCT00081588.xml").read_text(encoding="utf-8")
ALL_RECORDS = sorted(p for p in SHARED_PROTOCOLS.rglob("*") if p.suffix in {".json", ".xml", ".txt"})

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(record: dict[str, Any]) -> None:
        node: Any = record
        *parents, last = path.split(".")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _parse_mutated(mutate: Mutation) -> str:
    record = copy.deepcopy(RECORD)
    mutate(record)
    with pytest.raises(AssistantError) as info:
        parse_text(json.dumps(record), "record.json")
    return str(info.value)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            _set("protocolSection.identificationModule.nctId", 123),
            "protocolSection.identificationModule.nctId: expected a string, got integer 123",
            id="nct-id-integer",
        ),
        pytest.param(
            _set("protocolSection.eligibilityModule.eligibilityCriteria", ["a", "b"]),
            "protocolSection.eligibilityModule.eligibilityCriteria: expected a string, got list",
            id="criteria-list",
        ),
        pytest.param(
            _set("protocolSection.armsInterventionsModule.armGroups", "arm"),
            "protocolSection.armsInterventionsModule.armGroups: expected a list, got string 'arm'",
            id="arm-groups-string",
        ),
        pytest.param(
            _set("protocolSection.contactsLocationsModule.locations", {"city": "x"}),
            "protocolSection.contactsLocationsModule.locations: expected a list, got object",
            id="locations-object",
        ),
        pytest.param(
            _set("protocolSection.sponsorCollaboratorsModule.collaborators", "x"),
            "protocolSection.sponsorCollaboratorsModule.collaborators: expected a list, got string 'x'",
            id="collaborators-string",
        ),
        pytest.param(
            _set("protocolSection.statusModule", []),
            "protocolSection.statusModule: expected an object, got list",
            id="status-module-list",
        ),
        pytest.param(
            _set("protocolSection.designModule", "design"),
            "protocolSection.designModule: expected an object, got string 'design'",
            id="design-module-string",
        ),
        pytest.param(
            _set("protocolSection.armsInterventionsModule.interventions.0.type", 7),
            "protocolSection.armsInterventionsModule.interventions[0].type: expected a string, got integer 7",
            id="intervention-type-integer",
        ),
        pytest.param(
            _set("protocolSection.eligibilityModule.healthyVolunteers", "yes"),
            "protocolSection.eligibilityModule.healthyVolunteers: expected a boolean, got string 'yes'",
            id="healthy-volunteers-string",
        ),
        pytest.param(
            _set("protocolSection.designModule.enrollmentInfo.count", "40"),
            "protocolSection.designModule.enrollmentInfo.count: expected an integer, got string '40'",
            id="enrollment-string",
        ),
        pytest.param(
            lambda r: r["protocolSection"]["identificationModule"].pop("nctId"),
            "protocolSection.identificationModule.nctId is missing",
            id="nct-id-missing",
        ),
    ],
)
def test_wrong_typed_field_names_its_path_and_type(mutate: Mutation, message: str) -> None:
    assert message in _parse_mutated(mutate)


@pytest.mark.parametrize(
    "bad_id",
    [
        pytest.param("", id="blank"),
        pytest.param("   ", id="spaces"),
        pytest.param("../../x", id="parent-dirs"),
        pytest.param("/etc/passwd", id="absolute"),
        pytest.param("NCT1,NCT2", id="comma-list"),
        pytest.param("NCT0126:7695", id="colon"),
        pytest.param("NCT01267695\x00", id="nul"),
        pytest.param("NCT0126769", id="nct-seven-digits"),
        pytest.param("1abc", id="starts-with-digit"),
        pytest.param("a" * 41, id="too-long"),
    ],
)
def test_bad_protocol_ids_are_refused_naming_the_value(bad_id: str) -> None:
    with pytest.raises(ProtocolIdError, match="is not a protocol id"):
        validate_protocol_id(bad_id)
    message = _parse_mutated(_set("protocolSection.identificationModule.nctId", bad_id))
    assert "nctId" in message and "is not a protocol id" in message


@pytest.mark.parametrize("good_id", ["NCT01267695", "LOCAL-2024_01", "a", "Trial7"])
def test_valid_protocol_ids_are_kept(good_id: str) -> None:
    assert validate_protocol_id(good_id) == good_id


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            XML_RECORD.replace("<nct_id>NCT00081588</nct_id>", "<nct_id><b>NCT00081588</b></nct_id>"),
            "<id_info><nct_id>: expected text, found a child element <b>",
            id="nct-id-with-child",
        ),
        pytest.param(
            XML_RECORD.replace("<textblock>", "<textblock><p>x</p>", 1),
            "expected text, found a child element <p>",
            id="textblock-with-child",
        ),
        pytest.param(
            XML_RECORD.replace("<nct_id>NCT00081588</nct_id>", "<nct_id>../x</nct_id>"),
            "<id_info><nct_id>: '../x' is not a protocol id",
            id="nct-id-path",
        ),
        pytest.param(
            XML_RECORD.replace("</id_info>", "<nct_id>NCT00000001</nct_id></id_info>"),
            "<id_info><nct_id>: 2 elements, expected one",
            id="two-nct-ids",
        ),
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
            "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>&h;</brief_title>"
            "</clinical_study>",
            "malformed XML",
            id="entity-expansion",
        ),
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>&x;</brief_title>"
            "<eligibility><criteria><textblock>- Age 18 or older</textblock></criteria></eligibility>"
            "</clinical_study>",
            "malformed XML",
            id="external-entity",
        ),
        pytest.param("<a>" * 5000 + "</a>" * 5000, "max_nesting_depth=64", id="deep-xml"),
    ],
)
def test_bad_xml_names_the_element_or_is_refused(raw: str, message: str) -> None:
    with pytest.raises(AssistantError) as info:
        parse_text(raw, "record.xml")
    assert message in str(info.value)
    assert "root:x:0:0" not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            "[" * 100_000 + "]" * 100_000, "max_nesting_depth=64 (raise it with PA_MAX_NESTING_DEPTH)", id="deep-list"
        ),
        pytest.param('{"a": ' * 20_000 + "1" + "}" * 20_000, "max_nesting_depth", id="deep-object"),
        pytest.param('{"protocolSection": {"x": ' + "9" * 5000 + "}}", "max_integer_digits=30", id="huge-int"),
        pytest.param(
            '{"protocolSection": {"x": -' + "9" * 5000 + "}}", "PA_MAX_INTEGER_DIGITS", id="huge-negative-int"
        ),
    ],
)
def test_json_limits_are_checked_before_parsing(raw: str, message: str) -> None:
    with pytest.raises(InputLimitError, match=re.escape(message)):
        parse_text(raw, "record.json")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    record = copy.deepcopy(RECORD)
    record["protocolSection"]["descriptionModule"]["briefSummary"] = "[" * 1000 + '\\"{' * 100
    assert parse_text(json.dumps(record), "record.json").id == "NCT04207047"


def test_file_size_limit_names_the_setting(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_input_bytes=1000)
    with pytest.raises(InputLimitError, match=r"max_input_bytes=1000 \(raise it with PA_MAX_INPUT_BYTES\)"):
        parse_protocol(SEED, settings)


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.txt")
    return folder / "pipe.txt"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_fifo, id="fifo"),
        pytest.param(lambda d: Path("/dev/zero"), id="dev-zero"),
        pytest.param(lambda d: Path("/dev/null"), id="dev-null"),
    ],
)
def test_only_regular_files_are_read(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path)
    started = time.monotonic()
    with pytest.raises(InputPathError, match="not a regular file"):
        parse_protocol(path)
    assert time.monotonic() - started < 1


def test_nul_and_odd_bytes_are_refused(tmp_path: Path) -> None:
    for name, data in (("nul.txt", SEED.read_bytes()[:500] + b"\x00"), ("latin.txt", b"\xff\xfe NCT01267695")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ProtocolParseError):
            parse_protocol(tmp_path / name)


@pytest.mark.parametrize(
    "protocol_id",
    [pytest.param("../../x", id="parent-dirs"), pytest.param("/tmp/x", id="absolute"), pytest.param("", id="blank")],
)
def test_rule_and_schedule_paths_refuse_bad_ids(protocol_id: str) -> None:
    with pytest.raises(ProtocolIdError):
        rules_path(protocol_id, CORPUS)
    with pytest.raises(ProtocolIdError):
        load_schedule(protocol_id, CORPUS)


def test_planted_link_out_of_the_corpus_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    outside = tmp_path / "planted.rules.yaml"
    outside.write_text("status: reviewed\n", encoding="utf-8")
    (corpus / "NCT01267695.rules.yaml").symlink_to(outside)
    with pytest.raises(ProtocolIdError, match="outside the corpus folder"):
        rules_path("NCT01267695", corpus)
    assert corpus_file(CORPUS, "NCT01267695", ".rules.yaml") == CORPUS / "NCT01267695.rules.yaml"


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for module in (assistant.parse.criteria, assistant.parse.ctgov_text, assistant.chunk):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    for _, _, pattern in assistant.parse.ctgov_text.SECTION_HEADINGS:
        found.append((f"heading {pattern}", re.compile(r"^[ \t]*" + pattern, re.MULTILINE)))
    return found


N = 200_000
ADVERSARIAL = {
    "spaces": " " * N,
    "spaces-then-x": "A" + " " * N + "x",
    "key-spaces": "Study Type" + " " * N + ":" + " " * N,
    "tabs-newlines": "\t \n" * (N // 3),
    "digits": "NCT" + "1" * N,
    "punctuation": ".;:-" * (N // 4),
    "words-spaces": "Hepatic " * (N // 8) + " " * 1000,
    "letters": "a" * N,
    "colons": "Age:" * (N // 4),
    "bullets": "- " * (N // 2),
}


@pytest.mark.parametrize(("name", "pattern"), [pytest.param(n, p, id=n) for n, p in _patterns()])
@pytest.mark.parametrize("kind", list(ADVERSARIAL))
def test_every_regex_is_fast_on_long_adversarial_input(name: str, pattern: re.Pattern[str], kind: str) -> None:
    text = ADVERSARIAL[kind]
    started = time.monotonic()
    for _ in pattern.finditer(text):
        pass
    pattern.match(text)
    assert time.monotonic() - started < 1, f"{name} on {kind}"


def test_page_with_a_long_run_of_spaces_parses_fast() -> None:
    text = SEED.read_text(encoding="utf-8").replace("Study Type :", "Study Type" + " " * 200_000 + ":", 1)
    started = time.monotonic()
    parse_text(text, "page.txt")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in ALL_RECORDS])
def test_no_criterion_is_punctuation_only(path: Path) -> None:
    protocol = parse_protocol(path)
    assert all(any(ch.isalnum() for ch in c.text) for c in protocol.criteria)


def test_stray_punctuation_line_in_criteria_makes_no_criterion() -> None:
    record = copy.deepcopy(RECORD)
    module = record["protocolSection"]["eligibilityModule"]
    module["eligibilityCriteria"] = "Inclusion Criteria:\n\n* Age 18 or older\n:\n\n-\n\n* ECOG 0-1\n"
    protocol = parse_text(json.dumps(record), "record.json")
    assert [c.text for c in protocol.criteria] == ["Age 18 or older", "ECOG 0-1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "max_nesting_depth", id="deep-block"),
        pytest.param("[" * 100_000 + "]" * 100_000, "max_nesting_depth=64", id="deep-flow"),
        pytest.param("value: " + "7" * 5000, "max_integer_digits=30", id="huge-int"),
        pytest.param("value: -0x" + "f" * 10 + "1" * 40, "max_integer_digits", id="huge-hex"),
    ],
)
def test_yaml_limits_are_checked_before_loading(text: str, message: str) -> None:
    from assistant.limits import load_yaml

    with pytest.raises(InputLimitError, match=message):
        load_yaml(text, Settings(), "facts.yaml")


def test_yaml_within_limits_loads_as_safe_load() -> None:
    from assistant.limits import load_yaml

    text = (CORPUS / "NCT01267695.schedule.yaml").read_text(encoding="utf-8")
    import yaml

    assert load_yaml(text, Settings(), "schedule.yaml") == yaml.safe_load(text)
    assert load_yaml('id: "' + "7" * 5000 + '"', Settings(), "facts.yaml") == {"id": "7" * 5000}
