"""Load the index, the embedding model and the fact readers once per server process, in the background.

``start`` is called by the launcher (``python -m assistant.ui.serve``, what ``make run`` uses) before the
server accepts a connection, so a page opened at once shows a spinner instead of a blank screen and the
first question is answered warm. ``ready_index`` is what the page calls: it starts the loading if nobody
did (``streamlit run app.py`` directly) and waits for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index import ProtocolIndex

# Messages answered once at start so that retrieval, the fact readers and the checker are loaded before anyone asks.
WARM_UP = (
    "What are the eligibility criteria?",
    "My patient is 72, ANC 2.0, platelets 90k, ECOG 2, creatinine 1.1 mg/dL - can she enroll?",
    "Treatment started on 5 January 2026 and surgery was on 20 July 2026; when is the next step due?",
)


@dataclass
class Warmup:
    """The loading of one server process: its thread, and the index or the error it ended with."""

    done: threading.Event = field(default_factory=threading.Event)
    """Set when loading has ended, well or not."""
    index: ProtocolIndex | None = None
    """The loaded index (None until done, or when loading failed)."""
    error: AssistantError | None = None
    """Why loading failed, as the library said it."""
    started_at: float = 0.0
    """``time.monotonic()`` when loading started."""
    seconds: float = 0.0
    """How long loading took."""


_LOCK = threading.Lock()
_CURRENT: Warmup | None = None


def load(settings: Settings) -> ProtocolIndex:
    """Open the index (filling an empty one with the shipped corpus), load the model, answer ``WARM_UP``."""
    from assistant.chat.chain import ChatSession
    from assistant.cli.corpus_cmds import open_index
    from assistant.patient.note.unread import unread_spans

    index = open_index(settings)
    index.embedder.embed(["warm-up"])
    unread_spans(WARM_UP[1], [], dt.date.today())  # the clinical note reader of the read-back
    ids = index.store.ids()
    if ids:
        warm = ChatSession(index, settings.model_copy(update={"audit_enabled": False}))
        for message in WARM_UP:
            with contextlib.suppress(AssistantError):
                warm.respond(message, protocol_id=ids[0])
    return index


def _run(job: Warmup, settings: Settings) -> None:
    try:
        job.index = load(settings)
    except AssistantError as exc:
        job.error = exc
    except Exception as exc:  # noqa: BLE001  (any failure must reach the page as a message, not hang it)
        job.error = AssistantError(f"the index could not be loaded: {type(exc).__name__}: {exc}")
    finally:
        job.seconds = time.monotonic() - job.started_at
        job.done.set()


def start(settings: Settings) -> Warmup:
    """Start loading in a background thread, once per process; later calls return the same loading."""
    global _CURRENT
    with _LOCK:
        if _CURRENT is None:
            _CURRENT = Warmup(started_at=time.monotonic())
            threading.Thread(target=_run, args=(_CURRENT, settings), name="warm-up", daemon=True).start()
        return _CURRENT


def ready_index(settings: Settings) -> ProtocolIndex:
    """The loaded index, waiting for the loading (started here if needed); raises its error, and the next
    call loads again."""
    global _CURRENT
    job = start(settings)
    job.done.wait()
    if job.error is not None:
        with _LOCK:
            if _CURRENT is job:  # the next page load tries again
                _CURRENT = None
        raise job.error
    assert job.index is not None
    return job.index
