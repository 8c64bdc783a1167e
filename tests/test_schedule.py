"""Schedules as data: loading, quote location, calendar arithmetic, errors, iCalendar export and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import typer
import yaml
from icalendar import Calendar
from typer.testing import CliRunner

from assistant.errors import ScheduleError
from assistant.schedule import (
    check_against,
    compute_schedule,
    load_schedule,
    load_schedule_file,
    parse_date,
    schedule_answer,
    write_ics,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = "NCT01267695"
TEXT = (CORPUS / f"{SEED}.txt").read_text(encoding="utf-8")
SPEC = yaml.safe_load((CORPUS / f"{SEED}.schedule.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schedule():  # type: ignore[no-untyped-def]
    return load_schedule(SEED, CORPUS)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / f"{SEED}.schedule.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _mutated(**changes: object) -> dict:  # type: ignore[type-arg]
    data = json.loads(json.dumps(SPEC))
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split("__")
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return data


# --- loading -------------------------------------------------------------------------------------


def test_every_quote_is_the_exact_protocol_span(schedule) -> None:  # type: ignore[no-untyped-def]
    citations = [c for step in schedule.steps for c in step.citations]
    assert len(citations) >= 8
    for citation in citations:
        assert TEXT[citation.start : citation.end] == citation.quote
        assert citation.protocol == SEED


@pytest.mark.parametrize(
    ("step_id", "section", "fragment"),
    [
        pytest.param("preop_imatinib_end", "interventions", "once daily for 6 months", id="preop-6-months"),
        pytest.param("preop_imatinib_end", "detailed_description", "duration of 6 months", id="preop-detailed"),
        pytest.param("early_surgery", "interventions", "immediate surgical resection", id="early-surgery"),
        pytest.param("surgery", "interventions", "Within 2-6 weeks after completion", id="surgery-window"),
        pytest.param("postop_imatinib_start", "interventions", "Two to four weeks after surgery", id="postop-start"),
        pytest.param("postop_imatinib_end", "detailed_description", "for 1.5 years", id="postop-1.5-years"),
        pytest.param("recurrence_assessment", "outcomes", "recurrence at 2 years", id="recurrence"),
    ],
)
def test_steps_cite_their_source(schedule, step_id: str, section: str, fragment: str) -> None:  # type: ignore[no-untyped-def]
    cited = [c for c in schedule.step(step_id).citations if c.section == section]
    assert any(fragment in c.quote for c in cited)


def test_quotes_lie_in_the_sections_the_parser_finds(schedule) -> None:  # type: ignore[no-untyped-def]
    parse = pytest.importorskip("assistant.parse")
    protocol = parse.parse_protocol(CORPUS / f"{SEED}.txt")
    check_against(schedule, protocol)
    assert schedule.protocol_hash == protocol.content_hash


def test_check_against_rejects_a_wrong_section(tmp_path: Path) -> None:
    parse = pytest.importorskip("assistant.parse")
    protocol = parse.parse_protocol(CORPUS / f"{SEED}.txt")
    moved = load_schedule_file(_write(tmp_path, _mutated(steps__6__citations__0__section="interventions")), TEXT)
    with pytest.raises(ScheduleError, match=r"recurrence_assessment.*lies in outcomes, not interventions"):
        check_against(moved, protocol)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            _mutated(steps__3__start_after={"weeks": 2}),
            r"steps\.3\.start_after: unknown key 'start_after'; valid keys: id, label, window, given_by, after, "
            r"ends_course, during, condition, interpretation, citations",
            id="unknown-step-key",
        ),
        pytest.param(
            _mutated(steps__3__after__max={"weeks": 6, "fortnights": 1}),
            r"steps\.3\.after\.max\.fortnights: unknown key 'fortnights'; valid keys: years, months, weeks, days",
            id="unknown-duration-key",
        ),
        pytest.param(
            _mutated(version=2),
            r"version: unknown key 'version'; valid keys: protocol, conventions, steps",
            id="unknown-top-key",
        ),
        pytest.param(
            _mutated(steps__2__during__frm="preop_imatinib_start", steps__2__during__from=None),
            r"steps\.2\.during\.frm: unknown key 'frm'; valid keys: from, to",
            id="unknown-alias-key",
        ),
        pytest.param(
            _mutated(steps__1__citations__0__section="eligibilty"),
            r"steps\.1\.citations\.0\.section: 'eligibilty' is not valid; "
            r"input should be 'summary', 'detailed_description'",
            id="bad-section",
        ),
        pytest.param(
            _mutated(steps__3__after__step="postop_imatinib_start"),
            r"step 'surgery': after\.step 'postop_imatinib_start' is not an earlier step",
            id="forward-reference",
        ),
        pytest.param(
            _mutated(steps__3__ends_course={"started": "preop_imatinib_start", "length": {"months": 1}}),
            r"step 'surgery' has after and ends_course",
            id="two-rules",
        ),
        pytest.param(
            _mutated(steps__4__citations__0__quote="Three to four weeks after surgery"),
            r"step 'postop_imatinib_start': quote not found verbatim in NCT01267695: 'Three to four weeks",
            id="quote-not-verbatim",
        ),
        pytest.param(
            _mutated(steps__0__citations__0__quote="imatinib mesylate once daily"),
            r"step 'preop_imatinib_start': quote occurs more than once",
            id="quote-ambiguous",
        ),
        pytest.param(
            _mutated(steps__3__after__min={"weeks": -2}),
            r"steps\.3\.after\.min\.weeks: Input should be greater than or equal to 0 \(got -2\)",
            id="negative-duration",
        ),
    ],
)
def test_bad_schedule_files_are_named(tmp_path: Path, data: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ScheduleError, match=message):
        load_schedule_file(_write(tmp_path, data), TEXT)


def test_missing_schedule_lists_the_ones_there_are() -> None:
    expected = r"no schedule for protocol 'NCT00000000'; schedules exist for: NCT01267695"
    with pytest.raises(ScheduleError, match=expected):
        load_schedule("NCT00000000", CORPUS)


# --- calendar arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "last_day"),
    [
        pytest.param("2025-03-03", "2025-09-02", id="plain"),
        pytest.param("2025-08-31", "2026-02-27", id="to-short-february"),
        pytest.param("2023-08-31", "2024-02-28", id="to-leap-february"),
        pytest.param("2024-02-29", "2024-08-28", id="from-leap-day"),
        pytest.param("2025-07-01", "2025-12-31", id="first-of-month"),
    ],
)
def test_six_month_course_last_day(schedule, start: str, last_day: str) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, dt.date.fromisoformat(start))
    step = computed.step("preop_imatinib_end")
    assert step.earliest == step.latest == dt.date.fromisoformat(last_day)
    assert step.basis == "computed"


def test_without_dates_steps_keep_windows_and_citations(schedule) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, None)
    for step in computed.steps:
        assert (step.earliest, step.latest, step.basis) == (None, None, "unknown")
        assert step.citations
    surgery = computed.step("surgery").statement()
    assert "2–6 weeks after completing preoperative imatinib" in surgery.text
    assert surgery.citations[0].quote.startswith("Within 2-6 weeks")


def test_given_dates_are_answered_with_dates(schedule) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, dt.date(2025, 3, 3))
    assert (
        computed.step("surgery")
        .sentence()
        .startswith("Surgical resection: between 16 September 2025 and 14 October 2025 (2–6 weeks after completing")
    )
    assert "Interpretation:" in computed.step("recurrence_assessment").sentence()


@pytest.mark.parametrize(
    ("start", "surgery", "expected"),
    [
        pytest.param(
            None,
            None,
            "Surgical resection: 2–6 weeks after completing preoperative imatinib, only for patients",
            id="relative-window",
        ),
        pytest.param(
            "2025-03-03",
            None,
            "Surgical resection: between 16 September 2025 and 14 October 2025 (2–6 weeks",
            id="dates",
        ),
        pytest.param(
            "2025-03-03",
            "2025-09-15",
            "Surgical resection: on 15 September 2025, only for patients with responding or stable disease. "
            "Note: surgery 2025-09-15 is outside the planned window",
            id="given-with-note",
        ),
    ],
)
def test_schedule_answer_is_cited(schedule, start: str | None, surgery: str | None, expected: str) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, parse_date("start", start), parse_date("surgery", surgery))
    answer = schedule_answer("When is surgery due?", computed, ["surgery"])
    (statement,) = answer.statements
    assert statement.text.startswith(expected)
    assert statement.citations == schedule.step("surgery").citations
    assert not answer.abstained and answer.protocol_id == SEED


def test_surgery_outside_window_is_noted_not_refused(schedule) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, dt.date(2025, 3, 3), dt.date(2025, 5, 1))
    surgery = computed.step("surgery")
    assert (surgery.earliest, surgery.basis) == (dt.date(2025, 5, 1), "given")
    assert surgery.notes == (
        "surgery 2025-05-01 is outside the planned window 2025-09-16 – 2025-10-14 "
        "(2–6 weeks after completing preoperative imatinib)",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda s: compute_schedule(s, dt.date(2025, 3, 3), dt.date(2025, 3, 2)),
            "surgery: 2025-03-02 is before start 2025-03-03",
            id="surgery-before-start",
        ),
        pytest.param(
            lambda s: compute_schedule(s, None, other={"radiotherapy": dt.date(2025, 1, 1)}),
            "unknown date 'radiotherapy' for NCT01267695; dates it takes: start, surgery",
            id="unknown-date-name",
        ),
        pytest.param(
            lambda s: parse_date("--start", "03/03/2025"), "--start: '03/03/2025' is not a date", id="slashes"
        ),
        pytest.param(
            lambda s: parse_date("--surgery", "2025-02-30"), "--surgery: '2025-02-30' is not a date", id="no-such-day"
        ),
        pytest.param(lambda s: parse_date("start", "soon"), "start: 'soon' is not a date", id="words"),
    ],
)
def test_bad_dates_name_field_and_value(schedule, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScheduleError) as raised:
        call(schedule)
    assert str(raised.value).startswith(message)


def test_json_carries_steps_with_dates(schedule) -> None:  # type: ignore[no-untyped-def]
    data = compute_schedule(schedule, dt.date(2025, 3, 3), dt.date(2025, 9, 30)).to_json()
    steps = {s["id"]: s for s in data["steps"]}  # type: ignore[attr-defined]
    assert data["given"] == {"start": "2025-03-03", "surgery": "2025-09-30"}
    assert (steps["postop_imatinib_start"]["earliest"], steps["postop_imatinib_start"]["latest"]) == (
        "2025-10-14",
        "2025-10-28",
    )
    assert steps["surgery"]["basis"] == "given"
    assert steps["surgery"]["citations"][0]["section"] == "interventions"


# --- iCalendar -----------------------------------------------------------------------------------


def test_ics_has_one_all_day_event_per_window(schedule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    computed = compute_schedule(schedule, dt.date(2025, 3, 3))
    path = write_ics(computed, tmp_path / "out" / "plan.ics")
    calendar = Calendar.from_ical(path.read_bytes())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == len(computed.steps)
    surgery = events["NCT01267695: Surgical resection (window)"]
    assert surgery.decoded("DTSTART") == dt.date(2025, 9, 16)
    assert surgery.decoded("DTEND") == dt.date(2025, 10, 15)  # exclusive end: the window includes 14 October
    assert "Within 2-6 weeks after completion of imatinib mesylate" in str(surgery["DESCRIPTION"])
    last_dose = events["NCT01267695: Last day of preoperative imatinib mesylate"]
    assert (last_dose.decoded("DTSTART"), last_dose.decoded("DTEND")) == (dt.date(2025, 9, 2), dt.date(2025, 9, 3))


def test_ics_leaves_out_undated_steps_and_refuses_an_empty_calendar(schedule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_ics(compute_schedule(schedule, None, dt.date(2025, 9, 15)), tmp_path / "post.ics")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert not any("preoperative" in s for s in summaries)
    assert len(summaries) == 4  # surgery, postoperative start and end, recurrence assessment
    with pytest.raises(ScheduleError, match="no step has dates"):
        write_ics(compute_schedule(schedule, None), tmp_path / "none.ics")


# --- command line --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    from assistant.cli.schedule_cmds import schedule as command

    local = typer.Typer()
    local.callback()(lambda: None)  # keep `schedule` a subcommand, as in the full app
    local.command()(command)
    return local


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        pytest.param(
            ["--start", "2025-03-03"], 0, ["Surgical resection", "2025-09-16  2025-10-14", "Conventions:"], id="table"
        ),
        pytest.param(
            ["--start", "2025-03-03", "--surgery", "2025-02-01"],
            2,
            ["error: surgery: 2025-02-01 is before start"],
            id="surgery-before-start",
        ),
        pytest.param(["--start", "3 March"], 2, ["error: --start: '3 March' is not a date"], id="unparseable"),
    ],
)
def test_cli_schedule(cli: typer.Typer, args: list[str], code: int, expected: list[str]) -> None:
    result = CliRunner().invoke(cli, ["schedule", "--protocol", SEED, *args])
    assert result.exit_code == code, result.output
    for fragment in expected:
        assert fragment in result.output
    assert "Traceback" not in result.output


def test_cli_json_and_ics(cli: typer.Typer, tmp_path: Path) -> None:
    ics = tmp_path / "s.ics"
    result = CliRunner().invoke(
        cli, ["schedule", "--protocol", SEED, "--surgery", "2025-09-15", "--json", "--ics", str(ics)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    recurrence = next(s for s in data["steps"] if s["id"] == "recurrence_assessment")
    assert (recurrence["earliest"], recurrence["latest"]) == ("2027-09-15", "2027-09-15")
    assert b"DTSTART;VALUE=DATE:20270915" in ics.read_bytes()
