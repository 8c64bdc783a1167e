"""Facts a note states through others: not pregnant from a recent negative pregnancy test."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.note import read_note

NOTE_DATE = dt.date(2025, 3, 3)


def _pregnancy(text: str) -> list[tuple[bool, bool]]:
    reading = read_note(text, NOTE_DATE)
    return [(c.present, c.covers_past) for c in reading.facts.conditions if c.concept == "pregnant"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("34-year-old woman. Urine pregnancy test negative today.", [(False, False)], id="today"),
        pytest.param("34-year-old woman. Serum beta-hCG negative.", [(False, False)], id="undated-is-current"),
        pytest.param(
            "34-year-old woman. Urine pregnancy test negative on 28 February 2025.", [(False, False)], id="within-days"
        ),
        pytest.param("34-year-old woman. Serum hCG negative on 1 January 2025.", [], id="too-old-says-nothing-of-now"),
        pytest.param("34-year-old woman. Pregnancy test positive.", [], id="positive-is-not-read-as-pregnancy"),
        pytest.param(
            "34-year-old woman, 12 weeks pregnant. Urine hCG negative.", [(True, True)], id="stated-pregnancy-wins"
        ),
        pytest.param(
            "34-year-old woman. Urine pregnancy test negative on 1 March 2025; repeat pregnancy test positive today.",
            [],
            id="any-positive-test",
        ),
    ],
)
def test_not_pregnant_from_a_recent_negative_test(text: str, expected: list[tuple[bool, bool]]) -> None:
    assert _pregnancy(text) == expected


def test_the_derived_fact_shows_the_words_it_came_from() -> None:
    reading = read_note("Urine pregnancy test negative today.", NOTE_DATE)
    shown = [m.rendering for m in reading.mentions if m.concept == "pregnant"]
    assert shown == ["not pregnant now: pregnancy test negative (on 2025-03-03; from 'Urine pregnancy test negative')"]


def test_the_window_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import get_settings

    monkeypatch.setenv("PA_NOTE_PREGNANCY_TEST_DAYS", "90")
    get_settings.cache_clear()
    try:
        assert _pregnancy("Serum hCG negative on 1 January 2025.") == [(False, False)]
    finally:
        get_settings.cache_clear()
