"""The read-back lists what looks like a patient fact but was not used: numbers with their words, clinical
terms the note reader finds, and ConText triggers with the clause they govern — never what was read."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.chat.extract import extract_facts
from assistant.patient.note.unread import merge_spans
from assistant.ui.facts import feedback

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("message", "unread", "read"),
    [
        pytest.param(
            "My patient is 64, history of sarcoidosis, takes warfarin daily - can he enroll?",
            [],
            ["warfarin: current", "sarcoidosis"],
            id="history-ends-at-takes",
        ),
        pytest.param(
            "Status post appendectomy 10 years ago, denies seizures, never smoked; she is 55 with ECOG 1.",
            ["Status post appendectomy 10 years ago"],
            ["ecog performance status 1", "age 55", "seizures", "tobacco smoking (current): absent"],
            id="negated-and-historical-clauses",
        ),
        pytest.param(
            "Platelets 90k, ANC 1.2 x10^9/L, no history of hepatitis B. Can she enroll?",
            [],
            ["platelet count 90 10*9/L", "absolute neutrophil count 1.2", "hepatitis B (viral hepatitis B"],
            id="read-labs-not-repeated",
        ),
        pytest.param(
            "She had a hysterectomy in 2019; BNP 400.",
            ["hysterectomy in 2019"],
            ["B-type natriuretic peptide 400 pg/mL (unit not written: pg/mL assumed) (from 'BNP 400')"],
            id="numbers-with-words",
        ),
        pytest.param(
            "My patient is 72, platelets 90k, ECOG 2, creatinine 1.1 mg/dL - can she enroll?",
            [],
            ["creatinine 1.1 mg/dL", "ecog performance status 2"],
            id="everything-read",
        ),
    ],
)
def test_what_was_not_read_is_listed_once(message: str, unread: list[str], read: list[str]) -> None:
    fb = feedback(message, extract_facts(message, TODAY), today=TODAY)
    assert list(fb.not_understood) == unread
    used = " ".join(fb.used).lower()
    for words in read:
        assert words.lower() in used
        assert not any(words.lower() in u.lower() for u in fb.not_understood)


def test_without_a_date_only_numbers_are_listed() -> None:
    message = "She had a hysterectomy in 2019, denies seizures; BNP 400."
    assert feedback(message, extract_facts(message, TODAY)).not_understood == ("hysterectomy in 2019",)


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        pytest.param([(5, 9), (0, 3)], [(0, 3), (5, 9)], id="apart"),
        pytest.param([(0, 5), (3, 9), (9, 12)], [(0, 12)], id="overlapping-and-touching"),
        pytest.param([], [], id="none"),
    ],
)
def test_spans_merge(spans: list[tuple[int, int]], merged: list[tuple[int, int]]) -> None:
    assert merge_spans(spans) == merged


def test_the_read_back_uses_the_spans_the_chat_read_and_reads_nothing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    message = "My patient is 64, history of sarcoidosis, takes warfarin daily - can he enroll?"
    extracted = extract_facts(message, TODAY)
    assert extracted.read  # every term the reader found, used or not

    def read_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the message was read a second time")

    monkeypatch.setattr("assistant.patient.note.unread.read_note", read_again)
    fb = feedback(message, extracted, today=TODAY)
    assert any("sarcoidosis" in u for u in fb.used) and fb.not_understood == ()
