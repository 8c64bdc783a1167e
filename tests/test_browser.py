"""End to end in a real browser: the chat server on a free loopback port, Debian's headless chromium driven by
Playwright. Ask a question (timed), load a FHIR bundle, read the verdict rows off the page, show a schedule.

Screenshots go to the test's temporary folder (and to ``$SCREENSHOT_DIR`` when set, e.g. ``docs``).
Skipped, with the reason, where chromium or Playwright is missing. Uses the real embedding model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.serve import READY_LINE
from tests.conftest import ROOT
from tests.servers import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BUNDLE = ROOT / "eval" / "patients" / "gist-ineligible.fhir.json"
FIRST_ANSWER_SECONDS = 5.0
PAGE_READY_SECONDS = 15.0
pytestmark = pytest.mark.integration
# The answer bubble is complete: the page writes "Answered in … s" (or "Not answered") last.
ANSWERED = """(i) => {
  const m = document.querySelectorAll('[data-testid="stChatMessage"]')[i];
  return !!m && [...m.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .some(c => /^(Answered in|Not answered)/.test(c.innerText));
}"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The chat, as ``make run`` starts it, on a free loopback port; stopped when the test ends."""
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (make test installs it with apt-get where it can)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    port = free_port()
    env = {**os.environ, "PA_DATA_DIR": str(tmp_path / "data"), "PA_AUDIT_ENABLED": "false"}
    env.pop("PA_EMBEDDER", None)
    log = tmp_path / "server.log"
    env["PA_PORT"] = str(port)
    command = [sys.executable, "-m", "assistant.ui.serve"]  # what `make run` starts
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start in 120 s"
                time.sleep(0.5)
            # Loading starts with the server, before any page is opened.
            while READY_LINE not in log.read_text(errors="replace"):
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline + 180, "the index and model did not load in 300 s"
                time.sleep(0.5)
            yield url, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    assert process.returncode is not None


def _shot(page: Any, anchor: Any | None, tmp_path: Path, name: str) -> None:
    """A screenshot of the viewport, or of the top of ``anchor`` (the page made tall enough to hold it whole,
    since the chat keeps its scroll pinned to the bottom)."""
    path = tmp_path / f"{name}.png"
    if anchor is None:
        page.screenshot(path=str(path))
    else:
        size = page.viewport_size
        height = page.evaluate("document.querySelector('main').scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": height + 200})
        page.wait_for_timeout(500)
        box = anchor.bounding_box()
        clip = {"x": box["x"] - 16, "y": max(0, box["y"] - 8), "width": box["width"] + 32,
                "height": min(1000, box["height"] + 16)}  # fmt: skip
        page.screenshot(path=str(path), clip=clip)
        page.set_viewport_size(size)
    assert path.stat().st_size > 0
    if os.environ.get("SCREENSHOT_DIR"):
        shutil.copy(path, Path(os.environ["SCREENSHOT_DIR"]) / f"app-{name}.png")


def _ask(page: Any, question: str) -> float:
    """Type a question, send it, and return the seconds until its answer has rendered."""
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.fill(question)
    started = time.monotonic()
    box.press("Enter")
    page.wait_for_function(ANSWERED, arg=before + 1, timeout=90_000, polling=100)
    return time.monotonic() - started


def test_the_page_answers_checks_and_schedules_in_a_real_browser(
    server: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from playwright.sync_api import sync_playwright

    url, log = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            loaded = time.monotonic()
            page.goto(url)
            page.locator('[data-testid="stChatInputTextArea"]').wait_for(timeout=180_000)
            ready = time.monotonic() - loaded
            assert ready < PAGE_READY_SECONDS, f"the page took {ready:.1f} s to show the chat after loading had ended"

            first = _ask(page, "What platelet count is required?")
            answer = page.locator('[data-testid="stChatMessage"]').last
            assert "Platelet count > 100,000/mm3" in answer.inner_text()
            _shot(page, None, tmp_path, "chat")

            page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(BUNDLE))
            page.get_by_text("Loaded patient pt").wait_for(timeout=60_000)
            _ask(page, "Is this patient eligible?")
            answer = page.locator('[data-testid="stChatMessage"]').last
            assert "Patient: patient pt" in answer.inner_text()
            rows = answer.locator("tr.verdict")
            rows.first.wait_for(timeout=30_000)
            found = [(r.get_attribute("data-status"), r.get_attribute("data-criterion")) for r in rows.all()]
            assert len(found) == 40 and found[0][0] == "violated"
            visible = [row for row in rows.all() if row.is_visible()]
            assert visible and all(r.get_attribute("data-status") != "satisfied" for r in visible[:1])
            _shot(page, answer, tmp_path, "verdicts")

            _ask(
                page,
                "Imatinib started on 5 January 2026 and surgery was on 20 July 2026. When does postoperative imatinib start?",
            )
            answer = page.locator('[data-testid="stChatMessage"]').last
            answer.locator('[data-testid="stVegaLiteChart"], .vega-embed').first.wait_for(timeout=30_000)
            assert "2026-08-03" in answer.inner_text()
            _shot(page, answer, tmp_path, "schedule")
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    text = log.read_text(errors="replace")
    assert "Inotify" not in text and "Traceback" not in text, text[-2000:]
    with capsys.disabled():
        print(f"\npage ready {ready:.1f} s after opening; first answer {first:.2f} s after asking")
    assert first < FIRST_ANSWER_SECONDS, f"first answer took {first:.1f} s"
