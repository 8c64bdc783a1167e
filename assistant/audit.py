"""The audit trail: every exchange appended as one JSON line to ``settings.audit_path``.

A line records the question, the route taken, the answer shown, its citations, the patient facts
extracted, the checker's verdicts, the protocol (id and content hash), the backend and how the answer
was phrased. Patient identifiers are left out unless ``settings.audit_patient_ids`` is true: structured ones —
record ids, names, birth dates, ``identifier`` entries, any key of ``IDENTIFIER_KEYS`` — are dropped
(the age in years is kept in place of the birth date), ``Patient/…`` references lose their id, and
every free-text value — the question, the answer, the note, the checker's reasons, and each string
among the facts and the extra data — is de-identified by ``assistant.deid``: names, full dates,
record numbers, phone numbers, e-mail and postal addresses, SSNs, URLs and IP addresses become typed
placeholders (``[NAME]``, ``[DATE]`` …). The texts of one exchange are de-identified together, so a
name found in the question is replaced in the answer too. Structured ISO dates (an observation's
date, a schedule step) are kept: a verdict cannot be reproduced without them. Citations quote the
protocol and are kept verbatim.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.deid import deidentify, deidentify_all
from assistant.errors import AssistantError
from assistant.patient.facts import PatientFacts
from assistant.settings import Settings, get_settings
from assistant.types import Citation, Overall, Verdict

IDENTIFIER_KEYS = frozenset(
    {
        "patient_id", "patientid", "birth_date", "birthdate", "identifier", "identifiers", "name", "names",
        "given", "family", "mrn", "ssn", "address", "telecom", "phone", "email",
    }
)  # fmt: skip
"""Keys dropped, at any depth, from the facts written to the log (compared case-insensitively)."""

_REFERENCE = re.compile(r"\b(Patient/)[\w.-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


class AuditError(AssistantError):
    """The audit log cannot be written."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One exchange, as it is logged."""

    question: str
    """The question or message as the user wrote it."""
    route: str
    """What handled it: ``answer``, ``check``, ``schedule`` …"""
    answer: str
    """The answer as shown to the user."""
    citations: tuple[Citation, ...] = ()
    """Quotes the answer cites."""
    facts: PatientFacts | Mapping[str, Any] | None = None
    """Patient facts extracted for the exchange, if any."""
    verdicts: tuple[Verdict, ...] = ()
    """The checker's per-criterion decisions, if any."""
    overall: Overall | None = None
    """The checker's overall decision, if any."""
    protocol_id: str | None = None
    """NCT number of the protocol."""
    protocol_hash: str | None = None
    """Content hash of the protocol text used (``Protocol.content_hash``)."""
    backend: str = "deterministic"
    """Backend that phrased the answer (``settings.backend``)."""
    mode: str = "deterministic"
    """How the answer was phrased: ``deterministic``, ``model``, ``model_pruned`` or ``fallback``."""
    note: str = ""
    """The phrasing note shown to the user, if any."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Further route-specific data (e.g. a computed schedule's steps)."""
    timestamp: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    """When the exchange happened (UTC)."""


def redact_text(text: str) -> str:
    """``text`` de-identified: identifiers replaced by typed placeholders, ``Patient/…`` references' ids removed."""
    return _REFERENCE.sub(r"\1[ID]", deidentify(text))


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k not in _DERIVED:
                _strings(v, out)
    elif isinstance(value, list | tuple):
        for v in value:
            _strings(v, out)
    elif isinstance(value, str) and value.strip() and not _ISO_DATE.fullmatch(value):
        out.append(value)


def _replaced(value: Any, clean: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        return {k: v if k in _DERIVED else _replaced(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replaced(v, clean) for v in value]
    if isinstance(value, str):
        return clean.get(value, value)
    return value


def _strip(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _strip(v) for k, v in value.items() if str(k).lower().replace("-", "_") not in IDENTIFIER_KEYS}
    if isinstance(value, list | tuple):
        return [_strip(v) for v in value]
    return value


def _facts_json(facts: PatientFacts | Mapping[str, Any] | None, keep_ids: bool, on: dt.date) -> Any:
    if facts is None:
        return None
    if isinstance(facts, PatientFacts):
        data: dict[str, Any] = facts.model_dump(mode="json")
        if not keep_ids:
            data["age"] = facts.age_on(on)
    else:
        data = json.loads(json.dumps(dict(facts), default=str))
    return data if keep_ids else _strip(data)


def to_line(record: AuditRecord, settings: Settings) -> dict[str, Any]:
    """The JSON object logged for ``record`` under ``settings``."""
    keep = settings.audit_patient_ids
    timestamp = record.timestamp.astimezone(dt.UTC)
    extra = json.loads(json.dumps(dict(record.extra), default=str))
    line: dict[str, Any] = {
        "timestamp": timestamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "question": record.question,
        "route": record.route,
        "answer": record.answer,
        "citations": [c.to_json() for c in record.citations],
        "facts": _facts_json(record.facts, keep, timestamp.date()),
        "verdict": {
            "overall": record.overall,
            "criteria": [
                {"id": v.criterion_id, "status": v.status, "reason": v.reason, "facts_used": list(v.facts_used)}
                for v in record.verdicts
            ],
        },
        "protocol": {"id": record.protocol_id, "content_hash": record.protocol_hash},
        "backend": record.backend,
        "mode": record.mode,
        "note": record.note,
        "extra": extra if keep else _strip(extra),
        "patient_ids": keep,
    }
    return line if keep else _deidentified(line)


_DERIVED = frozenset({"facts_used"})
"""Keys whose strings the checker wrote from structured facts (``platelets = 90 10*9/L (2025-02-01)``): kept."""
_FREE_TEXT = ("question", "answer", "note", "verdict", "facts", "extra")
"""Fields of a line whose strings are de-identified (citations quote the protocol and stay verbatim)."""


def _deidentified(line: dict[str, Any]) -> dict[str, Any]:
    """``line`` with every free-text string de-identified, all of them together."""
    texts: list[str] = []
    for key in _FREE_TEXT:
        _strings(line[key], texts)
    unique = list(dict.fromkeys(texts))
    clean = {
        text: _REFERENCE.sub(r"\1[ID]", redacted) for text, redacted in zip(unique, deidentify_all(unique), strict=True)
    }
    return {key: _replaced(value, clean) if key in _FREE_TEXT else value for key, value in line.items()}


def append_exchange(record: AuditRecord, settings: Settings | None = None) -> None:
    """Append ``record`` as one JSON line to ``settings.audit_path`` (parent folders are created)."""
    settings = settings or get_settings()
    path = settings.audit_path
    line = json.dumps(to_line(record, settings), ensure_ascii=False, sort_keys=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as exc:
        raise AuditError(
            f"audit log {path}: cannot write ({exc.strerror}); set PA_AUDIT_LOG to a writable file"
        ) from exc


def read_exchanges(settings: Settings | None = None) -> Sequence[dict[str, Any]]:
    """Every logged exchange, oldest first (empty when there is no log yet)."""
    path = (settings or get_settings()).audit_path
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
