"""Start the chat as ``make run`` does: the index and the model begin loading before the server listens.

``python -m assistant.ui.serve [streamlit flags…]`` binds the settings' host and port (127.0.0.1:8501 by
default), turns usage statistics and the file watcher off, and passes any further flags to Streamlit.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.settings import Settings, get_settings, quiet_environment

if TYPE_CHECKING:
    from assistant.ui.warm import Warmup

APP = Path(__file__).resolve().parents[2] / "app.py"
READY_LINE = "Index, embedding model and fact readers loaded"


def streamlit_argv(settings: Settings, extra: list[str]) -> list[str]:
    """The ``streamlit run`` command line for the chat (later flags in ``extra`` win)."""
    return [
        "streamlit", "run", str(APP),
        "--server.address", settings.host,
        "--server.port", str(settings.port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        *extra,
    ]  # fmt: skip


def _announce(job: Warmup) -> None:
    """Say on stderr when loading has ended (the server is answering pages meanwhile)."""
    job.done.wait()
    if job.error is None:
        print(f"{READY_LINE} in {job.seconds:.1f} s", file=sys.stderr, flush=True)
    else:
        print(f"Loading failed after {job.seconds:.1f} s: {job.error}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    """Start loading in the background, then run the Streamlit server in this process."""
    quiet_environment()
    from streamlit.web import cli as streamlit_cli

    from assistant.ui import warm

    settings = get_settings()
    job = warm.start(settings)
    threading.Thread(target=_announce, args=(job,), name="warm-up-report", daemon=True).start()
    sys.argv = streamlit_argv(settings, list(sys.argv[1:] if argv is None else argv))
    streamlit_cli.main()


if __name__ == "__main__":
    main()
