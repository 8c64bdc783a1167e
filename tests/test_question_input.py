"""Questions that are not questions, and dates outside the calendar, are errors naming the problem."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chat.route import classify
from assistant.cli import load_commands
from assistant.errors import DateRangeError, EmptyQuestionError, QuestionError
from assistant.question import clean_question
from assistant.schedule.compute import parse_date
from assistant.schedule.message_dates import find_times
from assistant.settings import Settings

TODAY = dt.date(2024, 6, 3)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n\t", id="blank"),
        pytest.param("\u200b\u200b\u200b", id="zero-width-spaces"),
        pytest.param("\ufeff\u2060", id="bom-and-word-joiner"),
        pytest.param("?", id="question-mark"),
        pytest.param("...", id="dots"),
        pytest.param("?!?! -- ...", id="punctuation"),
    ],
)
def test_a_question_with_no_words_is_an_error(text: str, settings: Settings) -> None:
    with pytest.raises(EmptyQuestionError, match="no words"):
        clean_question(text, settings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(b"platelets \xff\xfe 90k?", "byte 10 is 0xff", id="bytes-not-utf8"),
        pytest.param("platelets \udcff 90k?", "character 10", id="surrogate-escaped"),
        pytest.param("x" * 20_001, "20,001 characters; the limit is 20,000", id="too-long"),
    ],
)
def test_unreadable_questions_are_errors(text: str | bytes, message: str, settings: Settings) -> None:
    with pytest.raises(QuestionError, match=message):
        clean_question(text, settings)


def test_invisible_characters_are_removed(settings: Settings) -> None:
    assert clean_question("\u200bWhat platelet count is required?\u200b ", settings) == (
        "What platelet count is required?"
    )


@pytest.mark.parametrize(
    ("message", "named"),
    [
        pytest.param("platelets 90k 999999 weeks ago", "'999999 weeks ago'", id="relative-overflow"),
        pytest.param("ANC 1.2 x10^9/L 900 years ago", "'900 years ago'", id="before-earliest"),
        pytest.param("start in 90000 days", "'in 90000 days'", id="future-overflow"),
    ],
)
def test_dates_out_of_range_are_errors(message: str, named: str) -> None:
    with pytest.raises(DateRangeError, match=named):
        find_times(message, TODAY)


@pytest.mark.parametrize("value", ["0001-01-03", "9999-12-31", "1899-12-31"])
def test_as_of_out_of_range_is_an_error(value: str) -> None:
    with pytest.raises(DateRangeError, match="as_of"):
        parse_date("as_of", value)


def test_cli_as_of_out_of_range(cli_env: Path) -> None:
    result = CliRunner().invoke(
        load_commands(), ["ask", "platelets 90k 3 weeks ago, can she enroll?", "--as-of", "0001-01-03"]
    )
    assert result.exit_code == 2
    assert "0001-01-03 is outside the dates accepted" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(" ".join(f"on 2024-01-{i % 28 + 1:02d} started" for i in range(1000))[:20_000], id="1000-dates"),
        pytest.param("x" + " " * 19_000 + " platelets 90k", id="run-of-spaces"),
        pytest.param("1" * 20_000, id="run-of-digits"),
        pytest.param(("platelets 90k, " * 1400)[:20_000], id="repeated-facts"),
        pytest.param("<!--" * 5000, id="open-comments"),
    ],
)
def test_long_adversarial_messages_are_routed_quickly(message: str) -> None:
    """A bound on pathological reading (a pattern that backtracks, a look-up per pair of spans), not a speed
    figure: such a reading of 20,000 characters takes minutes, a linear one about a second on a 2-core machine
    (routing latency is the evaluation's ``latency.<route>.p50_ms``)."""
    start = time.perf_counter()
    classify(message, today=TODAY)
    assert time.perf_counter() - start < 5.0
