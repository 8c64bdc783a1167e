"""Loading at server start: once per process, in the background, errors reach the page and the next visit retries."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from assistant.errors import AssistantError
from assistant.settings import Settings
from assistant.ui import serve, warm


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "_CURRENT", None)


def test_loading_runs_once_in_the_background(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    calls: list[str] = []
    sentinel: Any = object()

    def slow_load(settings: Settings) -> Any:
        calls.append(threading.current_thread().name)
        release.wait(10)
        return sentinel

    monkeypatch.setattr(warm, "load", slow_load)
    job = warm.start(Settings(embedder="fake"))
    assert warm.start(Settings(embedder="fake")) is job
    assert not job.done.is_set()  # start() did not wait for the loading
    release.set()
    assert warm.ready_index(Settings(embedder="fake")) is sentinel
    assert calls == ["warm-up"]


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        pytest.param(AssistantError("no index at /x"), "no index at /x", id="library-error"),
        pytest.param(OSError("disk full"), "could not be loaded: OSError: disk full", id="other-error"),
    ],
)
def test_a_failed_loading_is_an_error_and_the_next_visit_retries(
    monkeypatch: pytest.MonkeyPatch, raised: Exception, message: str
) -> None:
    outcomes: list[Any] = [raised, "index"]

    def load(settings: Settings) -> Any:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(warm, "load", load)
    with pytest.raises(AssistantError, match=message):
        warm.ready_index(Settings(embedder="fake"))
    assert warm.ready_index(Settings(embedder="fake")) == "index"


def test_the_server_binds_the_settings_address_without_watcher_or_statistics() -> None:
    argv = serve.streamlit_argv(Settings(host="127.0.0.1", port=8765), ["--server.port", "9000"])
    assert argv[:3] == ["streamlit", "run", str(serve.APP)]
    pairs = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert pairs["--server.address"] == "127.0.0.1"
    assert pairs["--server.fileWatcherType"] == "none"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert argv[-2:] == ["--server.port", "9000"]  # later flags win
    assert serve.APP.name == "app.py" and serve.APP.is_file()
