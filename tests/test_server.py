"""`make run`'s server: the chat starts, binds 127.0.0.1 only, answers its health check, and stops."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_chat_server_starts_on_loopback_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PA_DATA_DIR": str(tmp_path / "data"), "PA_EMBEDDER": "fake"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                    status = reply.status
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.5)
        assert status == 200
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        if listening.strip():  # ss is there: nothing but loopback listens on the port
            assert all("127.0.0.1:" in line for line in listening.strip().splitlines()), listening
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode is not None
