"""The verdict view: one row per criterion, the ones to act on first, with downloads and a printable worksheet."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from assistant.check import PatientCheck
from assistant.types import Status

STATUS_ORDER: dict[str, int] = {"violated": 0, "unknown": 1, "needs_review": 2, "satisfied": 3, "not_applicable": 4}
"""Rows are sorted by status in this order: what blocks enrolment first, what is settled last."""
STATUS_LABEL: dict[str, str] = {
    "violated": "not met",
    "unknown": "unknown",
    "needs_review": "needs review",
    "satisfied": "met",
    "not_applicable": "not applicable",
}
STATUS_COLOUR: dict[str, str] = {
    "violated": "#b42318",
    "unknown": "#b54708",
    "needs_review": "#175cd3",
    "satisfied": "#067647",
    "not_applicable": "#667085",
}
CONCERNED_STATUSES: frozenset[Status] = frozenset({"violated", "unknown", "needs_review"})


@dataclass(frozen=True, slots=True)
class VerdictRow:
    """One criterion's verdict, ready to show."""

    criterion: str
    """Short id within the protocol, e.g. ``I9``."""
    kind: str
    """inclusion or exclusion."""
    status: str
    """The checker's status."""
    reason: str
    """The checker's reason, in full."""
    missing: str
    """Data that would settle an unknown, ``; ``-joined."""
    facts_used: str
    """Facts the verdict rests on, ``; ``-joined."""
    quote: str
    """The criterion text, verbatim."""

    @property
    def label(self) -> str:
        """The status as a coordinator reads it."""
        return STATUS_LABEL.get(self.status, self.status)


def verdict_rows(check: PatientCheck) -> list[VerdictRow]:
    """Every verdict as a row, sorted violated → unknown → needs review → satisfied → not applicable
    (criterion order within a status)."""
    rows = [
        VerdictRow(
            criterion=v.criterion_id.split(":", 1)[-1],
            kind=v.type,
            status=v.status,
            reason=v.reason,
            missing="; ".join(v.missing),
            facts_used="; ".join(v.facts_used),
            quote=" ".join(v.text.split()),
        )
        for v in check.verdicts
    ]
    return sorted(rows, key=lambda r: STATUS_ORDER.get(r.status, len(STATUS_ORDER)))


def split_rows(
    rows: Sequence[VerdictRow], protocol: str, asked: Iterable[str] = ()
) -> tuple[list[VerdictRow], list[VerdictRow]]:
    """(rows to act on, the rest): the violated, unknown and needs-review rows plus any criterion the
    message asked about (full ids in ``asked``), then everything else."""
    wanted = {a.split(":", 1)[-1] for a in asked if a.startswith(f"{protocol}:")}
    first = [r for r in rows if r.status in CONCERNED_STATUSES or r.criterion in wanted]
    return first, [r for r in rows if r not in first]


def status_counts(rows: Iterable[VerdictRow]) -> dict[str, int]:
    """How many rows have each status, in display order (statuses with no row left out)."""
    counts = {status: 0 for status in STATUS_ORDER}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {status: n for status, n in counts.items() if n}


def rows_table_html(rows: Sequence[VerdictRow]) -> str:
    """The rows as an HTML table: coloured status, reason and quote wrapped in full, nothing cut off."""
    head = "<tr><th>criterion</th><th>status</th><th>reason</th><th>criterion text</th></tr>"
    body = []
    for r in rows:
        colour = STATUS_COLOUR.get(r.status, "#344054")
        missing = f"<br><small><b>to settle:</b> {html.escape(r.missing)}</small>" if r.missing else ""
        body.append(
            f'<tr class="verdict" data-status="{html.escape(r.status)}" data-criterion="{html.escape(r.criterion)}">'
            f'<td style="white-space:nowrap"><b>{html.escape(r.criterion)}</b><br>'
            f"<small>{html.escape(r.kind)}</small></td>"
            f'<td><span style="background:{colour};color:#fff;padding:1px 6px;border-radius:4px;'
            f'white-space:nowrap">{html.escape(r.label)}</span></td>'
            f"<td>{html.escape(r.reason)}{missing}</td>"
            f"<td><q>{html.escape(r.quote)}</q></td></tr>"
        )
    return (
        '<table class="verdicts" style="width:100%;border-collapse:collapse;table-layout:auto">'
        "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in (9, 11, 42, 38)) + "</colgroup>"
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        "<style>table.verdicts td,table.verdicts th{border-bottom:1px solid #ddd;padding:4px 6px;"
        "vertical-align:top;text-align:left;overflow-wrap:break-word}</style>"
    )


def settle_checklist(check: PatientCheck) -> dict[str, list[str]]:
    """What would settle the unknown criteria, as two lists: labs/imaging/tests to order, questions to ask."""
    groups = check.to_settle()
    return {"order": list(groups.get("order", [])), "ask": list(groups.get("ask", []))}


def checklist_markdown(items: Sequence[str]) -> str:
    """A Markdown task list, one unchecked box per item."""
    return "\n".join(f"- [ ] {item}" for item in items)


def result_csv(check: PatientCheck, patient: str) -> str:
    """The screening result as CSV: one line per criterion, sorted as on the page."""
    out = io.StringIO()
    fields = ["protocol", "patient", "as_of", "overall", "criterion", "kind", "status", "reason", "missing",
              "facts_used", "criterion_text"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in verdict_rows(check):
        writer.writerow(
            {
                "protocol": check.protocol,
                "patient": patient,
                "as_of": check.as_of.isoformat(),
                "overall": check.overall,
                "criterion": row.criterion,
                "kind": row.kind,
                "status": row.status,
                "reason": row.reason,
                "missing": row.missing,
                "facts_used": row.facts_used,
                "criterion_text": row.quote,
            }
        )
    return out.getvalue()


def result_json(check: PatientCheck, patient: str) -> str:
    """The screening result as JSON: the checker's ``check --json`` contract plus the patient it concerns."""
    data = {"patient": patient, **check.to_json(), "rows": [asdict(r) for r in verdict_rows(check)]}
    return json.dumps(data, indent=2, ensure_ascii=False)


def worksheet_html(check: PatientCheck, patient: str, title: str, made: dt.date | None = None) -> str:
    """A printable screening worksheet: header, verdict table, settle checklist, sign-off lines."""
    rows = verdict_rows(check)
    settle = settle_checklist(check)
    counts = ", ".join(f"{n} {STATUS_LABEL[s]}" for s, n in status_counts(rows).items())

    def boxes(items: Sequence[str]) -> str:
        if not items:
            return "<p>None.</p>"
        return "<ul class='boxes'>" + "".join(f"<li>&#9744; {html.escape(i)}</li>" for i in items) + "</ul>"

    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Screening worksheet {html.escape(check.protocol)}</title>
<style>body{{font-family:sans-serif;font-size:11pt;margin:1.5cm}} ul.boxes{{list-style:none;padding-left:0}}
@media print{{tr{{page-break-inside:avoid}}}}</style></head><body>
<h1>Screening worksheet</h1>
<p><b>Protocol:</b> {html.escape(check.protocol)} — {html.escape(title)}<br>
<b>Patient:</b> {html.escape(patient)}<br>
<b>Checked as of:</b> {check.as_of.isoformat()} · <b>rules:</b> {html.escape(check.rules_source)}<br>
<b>Overall:</b> {html.escape(check.overall)} ({html.escape(counts)})<br>
<b>Printed:</b> {(made or dt.date.today()).isoformat()}</p>
{rows_table_html(rows)}
<h2>Labs, imaging and tests to order</h2>{boxes(settle["order"])}
<h2>Questions to ask</h2>{boxes(settle["ask"])}
<p>Reviewed by: ______________________ &nbsp; Date: ____________ &nbsp; Signature: ______________________</p>
<p><small>Verdicts are the deterministic rule checker's; a criterion marked needs review is a
clinical judgement for the study team.</small></p>
</body></html>
"""
