"""The Streamlit app, driven headless with Streamlit's own test harness (no browser, no server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app(cli_env: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_general_question_shows_answer_and_citations(app: AppTest) -> None:
    app.chat_input[0].set_value("What platelet count is required?").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    assert "Platelet count > 100,000/mm3" in text


def test_patient_question_shows_the_verdict_table(app: AppTest) -> None:
    app.chat_input[0].set_value("My patient is 72, platelets 90k, ECOG 2 - can she enroll?").run()
    assert not app.exception
    assert any("Not eligible" in m.value for m in app.markdown)
    assert app.dataframe, "the verdict table is shown"
    assert any("90,000" in c.value for c in app.caption)


def test_the_conversation_keeps_its_history(app: AppTest) -> None:
    app.chat_input[0].set_value("What dose of imatinib is given?").run()
    app.chat_input[0].set_value("Surgery was on 3 March 2026, when does postoperative imatinib start?").run()
    assert not app.exception
    assert len(app.chat_message) == 4
    text = " ".join(m.value for m in app.markdown)
    assert "does not say" in text and "17 March 2026" in text
