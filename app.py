"""Streamlit chat over the chain: cited answers, facts read back, the checker's verdicts, schedule dates.

Run with ``make run`` (binds 127.0.0.1:8501). The page only composes: every answer comes from
``assistant.chat.chain.ChatSession``; rows, downloads, the worksheet and the timeline are built by
``assistant.ui``. The patient a conversation concerns is always named; a failed upload unloads the
previous patient.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import streamlit as st

from assistant.settings import get_settings, quiet_environment

quiet_environment()
st.set_page_config(page_title="Protocol Assistant", layout="wide")

if TYPE_CHECKING:
    from assistant.chat.chain import ChatSession
    from assistant.index import ProtocolIndex
    from assistant.ui.patient import LoadedPatient
    from assistant.ui.transcript import Exchange

FAILED_UPLOAD_POLICY = (
    "A failed upload unloads the current patient: answers never concern a patient you meant to replace."
)


@st.cache_resource(show_spinner=False)
def _index() -> ProtocolIndex:
    """The index, the embedding model and the fact readers: loading began at server start (``make run``)."""
    from assistant.ui.warm import ready_index

    return ready_index(get_settings())


@st.cache_data(show_spinner=False)
def _titles(ids: tuple[str, ...]) -> dict[str, str]:
    store = _index().store
    return {pid: store.load(pid).title for pid in ids}


def _state() -> Any:
    ss = st.session_state
    if "session" not in ss:
        from assistant.chat.chain import ChatSession

        ss.session = ChatSession(_index(), get_settings())
        ss.exchanges = []
        ss.patient = None
        ss.patient_status = None
        ss.upload_seen = None
        ss.resets = ss.get("resets", 0)
    return ss


def _reset(everything: bool) -> None:
    """Clear the patient (and with ``everything``, the conversation); the upload widget starts empty."""
    ss = st.session_state
    if everything:
        for key in ("session", "exchanges", "start_date", "surgery_date"):
            ss.pop(key, None)
    else:
        ss.session.state.forget_patient()
    ss.patient = None
    ss.patient_status = ("info", "No patient loaded.")
    ss.upload_seen = None
    ss.resets = ss.get("resets", 0) + 1


def _patient_panel(session: ChatSession) -> Any:
    """The patient panel; returns the slot that names the active patient (filled by ``_active_patient``)."""
    from assistant.errors import AssistantError
    from assistant.ui.patient import load_upload

    ss = st.session_state
    st.subheader("Patient")
    upload = st.file_uploader("FHIR R4 bundle or facts file", type=["json", "yaml", "yml"], key=f"upload-{ss.resets}")
    if upload is not None and ss.upload_seen != upload.file_id:
        ss.upload_seen = upload.file_id
        previous: LoadedPatient | None = ss.patient
        try:
            loaded = load_upload(upload.name, upload.getvalue(), session.settings)
        except AssistantError as exc:
            session.state.forget_patient()
            ss.patient = None
            was = f" The previous patient, {previous.describe()}, was unloaded." if previous else ""
            ss.patient_status = ("error", f"Could not load {upload.name}: {exc}.{was} No patient is loaded.")
        else:
            session.state.forget_patient()
            session.state.load_patient(loaded.facts)
            ss.patient = loaded
            ss.patient_status = ("success", f"Loaded {loaded.describe()}.")
    elif upload is None and ss.patient is not None:
        session.state.forget_patient()
        ss.patient_status = ("info", f"{ss.patient.file_name} removed: {ss.patient.label} unloaded.")
        ss.patient = None
    if ss.patient is not None and session.state.loaded_facts is None:  # "another patient: …" in a message
        ss.patient_status = ("info", f"{ss.patient.label} unloaded: the conversation moved to another patient.")
        ss.patient = None
    slot = st.empty()
    if ss.patient_status:
        kind, text = ss.patient_status
        {"error": st.error, "success": st.success}.get(kind, st.info)(text)
    st.caption(FAILED_UPLOAD_POLICY)
    if st.button("Clear patient"):
        _reset(everything=False)
        st.rerun()
    return slot


def _check_date_hint(session: ChatSession, as_of: dt.date) -> None:
    """Warn when the check date is far from the newest fact, and offer to check as of that fact's date."""
    from assistant.ui.patient import newest_fact, staleness_warning

    facts = session.state.patient
    newest = newest_fact(facts) if facts is not None else None
    warning = staleness_warning(as_of, newest, session.settings.stale_fact_days)
    if warning and newest is not None:
        st.warning(warning)
        st.button(
            f"Check as of {newest.isoformat()} (newest fact)",
            on_click=lambda: st.session_state.update(as_of=newest),
        )


def _active_patient(slot: Any, session: ChatSession) -> None:
    """Fill the patient panel's first line, after the latest message had its say."""
    from assistant.ui.transcript import patient_label

    label = patient_label(st.session_state.patient, session.state.has_patient) or "none"
    slot.markdown(f"**Active patient:** {label}")


def _ingest_box(index: ProtocolIndex) -> None:
    from assistant.errors import AssistantError
    from assistant.ui.ingest import ingest_pasted, ingest_upload

    ss = st.session_state
    with st.expander("Add a protocol"):
        record = st.file_uploader("CT.gov record (API v2 JSON or legacy XML)", type=["json", "xml", "txt"],
                                  key=f"ingest-{ss.resets}-{ss.get('ingests', 0)}")  # fmt: skip
        pasted = st.text_area("…or paste a registry page", key=f"pasted-{ss.resets}-{ss.get('ingests', 0)}")
        if st.button("Index protocol"):
            try:
                with st.spinner("Indexing…"):
                    if record is not None:
                        ids, report = ingest_upload(index, record.name, record.getvalue())
                    elif pasted.strip():
                        ids, report = ingest_pasted(index, pasted)
                    else:
                        raise AssistantError("nothing to index: upload a record or paste a registry page")
                done = f"Indexed {', '.join(ids)} ({report.added} chunks added, {report.unchanged} unchanged)."
                ss.ingest_status = ("success", done)
                ss.ingests = ss.get("ingests", 0) + 1
                st.rerun()
            except AssistantError as exc:
                ss.ingest_status = ("error", f"Not indexed: {exc}")
        if ss.get("ingest_status"):
            kind, text = ss.ingest_status
            (st.success if kind == "success" else st.error)(text)


def _verdict_view(exchange: Exchange, i: int) -> None:
    from assistant.ui.patient import newest_fact, staleness_warning
    from assistant.ui.verdicts import (
        checklist_markdown,
        result_csv,
        result_json,
        rows_table_html,
        settle_checklist,
        split_rows,
        status_counts,
        verdict_rows,
        worksheet_html,
    )

    response = exchange.response
    assert response is not None and response.check is not None
    check = response.check
    patient = exchange.patient or "unnamed patient"
    rows = verdict_rows(check)
    first, rest = split_rows(
        rows, check.protocol, [c.criterion_id for c in response.answer.citations if c.criterion_id]
    )
    counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in status_counts(rows).items())
    st.markdown(
        f"**Overall: {check.overall}** ({counts}; rules: {check.rules_source}; as of {check.as_of.isoformat()})"
    )
    facts = st.session_state.session.state.patient
    warning = staleness_warning(check.as_of, newest_fact(facts) if facts else None, get_settings().stale_fact_days)
    if warning:
        st.warning(warning)
    if first:
        st.markdown(rows_table_html(first), unsafe_allow_html=True)
    if rest:
        with st.expander(f"The other {len(rest)} criteria (met or not applicable)"):
            st.markdown(rows_table_html(rest), unsafe_allow_html=True)
    settle = settle_checklist(check)
    if settle["order"] or settle["ask"]:
        left, right = st.columns(2)
        with left:
            st.markdown("**Labs, imaging and tests to order**")
            st.markdown(checklist_markdown(settle["order"]) or "None.")
        with right:
            st.markdown("**Questions to ask**")
            st.markdown(checklist_markdown(settle["ask"]) or "None.")
    title = _titles((check.protocol,)).get(check.protocol, "")
    stem = f"screening-{check.protocol}-{check.as_of.isoformat()}"
    cols = st.columns(3)
    cols[0].download_button("Result (CSV)", result_csv(check, patient), f"{stem}.csv", "text/csv", key=f"csv-{i}")
    cols[1].download_button(
        "Result (JSON)", result_json(check, patient), f"{stem}.json", "application/json", key=f"json-{i}"
    )
    cols[2].download_button(
        "Worksheet (HTML, printable)", worksheet_html(check, patient, title), f"{stem}.html", "text/html",
        key=f"sheet-{i}",
    )  # fmt: skip


def _schedule_view(exchange: Exchange, i: int) -> None:
    from assistant.ui.schedule import ics_bytes, schedule_rows, timeline_chart

    if exchange.schedule_error:
        st.warning(f"The remembered dates cannot be used: {exchange.schedule_error}")
    computed = exchange.schedule or (exchange.response.schedule if exchange.response else None)
    if computed is None:
        return
    given = ", ".join(f"{k} {v.isoformat()}" for k, v in computed.given.items()) or "no start or surgery date yet"
    st.caption(f"Schedule computed from: {given} (set them in the sidebar, or state them in a message).")
    if exchange.schedule_spec is not None:
        rows = schedule_rows(computed, exchange.schedule_spec)
        st.table([asdict(r) for r in rows])
    chart = timeline_chart(computed)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
        st.download_button(
            "Calendar (.ics)", ics_bytes(computed), f"schedule-{computed.protocol_id}.ics", "text/calendar",
            key=f"ics-{i}",
        )  # fmt: skip


def _show(exchange: Exchange, i: int) -> None:
    if exchange.error is not None:
        st.error(exchange.error)
    else:
        _show_answer(exchange, i)
    st.caption(f"Answered in {exchange.seconds:.1f} s" if exchange.error is None else "Not answered")


def _show_answer(exchange: Exchange, i: int) -> None:
    response = exchange.response
    assert response is not None
    fb = exchange.read_back
    if response.check is not None:
        st.markdown(f"**Patient:** {exchange.patient}")
    if fb.used:
        st.caption("Facts read from the message: " + "; ".join(fb.used))
    for item in fb.not_used:
        st.warning(f"Not used: {item.text} — {item.why}. To use it, {item.how}.")
    if fb.not_understood:
        st.warning("Not understood (not used): " + "; ".join(f"'{p}'" for p in fb.not_understood))
    for note in fb.notes:
        st.caption(f"Not read as a patient fact: {note}")
    st.markdown(response.answer.text if not response.check else response.answer.statements[0].text)
    if response.check is not None:
        _verdict_view(exchange, i)
    if response.schedule is not None:
        _schedule_view(exchange, i)
    for note in response.notes:
        if not note.startswith(("Data to order", "Questions to ask")):
            st.info(note)
    if response.answer.citations:
        with st.expander(f"Citations ({len(response.answer.citations)})"):
            for c in response.answer.citations:
                label = c.criterion_id or f"{c.protocol} · {c.section}"
                st.markdown(f"**{label}** (characters {c.start}–{c.end})\n\n> {' '.join(c.quote.split())}")


def _answer(session: ChatSession, message: str, protocol: str | None, as_of: dt.date) -> Exchange:
    from assistant.errors import AssistantError, ScheduleError
    from assistant.ui.schedule import protocol_schedule, remembered_schedule
    from assistant.ui.transcript import Exchange, given_dates, patient_label, read_back

    ss = st.session_state
    exchange = Exchange(message=message, as_of=as_of)
    started = time.monotonic()
    try:
        response = session.respond(message, protocol_id=protocol, as_of=as_of)
    except AssistantError as exc:
        exchange.error = f"Not answered: {exc}"
        return exchange
    finally:
        exchange.seconds = time.monotonic() - started
    exchange.response = response
    exchange.read_back = read_back(message, session.state.last_route, as_of)
    if response.check is not None:  # a message can start on another patient: the loaded one is then gone
        loaded = ss.patient if session.state.loaded_facts is not None else None
        exchange.patient = patient_label(loaded, session.state.has_patient)
    dates = given_dates(response.route)
    for role, day in dates.items():
        ss[f"{role}_date"] = day
    if response.schedule is not None:
        spec = protocol_schedule(session.index.store.load(response.schedule.protocol_id), session.settings.corpus_dir)
        exchange.schedule_spec = spec
        if spec is not None:
            try:
                exchange.schedule = remembered_schedule(spec, ss.get("start_date"), ss.get("surgery_date"))
            except ScheduleError as exc:
                exchange.schedule_error = str(exc)
    return exchange


def main() -> None:
    from assistant.errors import AssistantError

    st.title("Protocol Assistant")
    try:
        with st.spinner("Loading the index and the embedding model…"):
            index = _index()
    except AssistantError as exc:
        st.error(f"The chat cannot start: {exc}. Reload the page to try again.")
        st.stop()
    ss = _state()
    session: ChatSession = ss.session
    with st.sidebar:
        ids = index.store.ids()
        titles = _titles(tuple(ids))
        protocol = st.selectbox(
            "Protocol", ids, index=0 if ids else None, format_func=lambda pid: f"{pid} — {titles.get(pid, '')}"
        )
        ss.setdefault("as_of", dt.date.today())
        as_of = st.date_input("Check as of", key="as_of")
        slot = _patient_panel(session)
        _check_date_hint(session, as_of)
        if st.button("New conversation"):
            _reset(everything=True)
            st.rerun()
    for i, exchange in enumerate(ss.exchanges):
        with st.chat_message("user"):
            st.markdown(exchange.message)
        with st.chat_message("assistant"):
            _show(exchange, i)
    message = st.chat_input("Ask about the protocol, a patient, or the schedule")
    if message:
        with st.chat_message("user"):
            st.markdown(message)
        with st.chat_message("assistant"):
            with st.spinner("Answering…"):
                exchange = _answer(session, message, protocol, as_of)
            ss.exchanges.append(exchange)
            _show(exchange, len(ss.exchanges) - 1)
    _active_patient(slot, session)
    with st.sidebar:
        st.subheader("Schedule dates")
        ss.setdefault("start_date", None)
        ss.setdefault("surgery_date", None)
        st.date_input("Treatment start", key="start_date")
        st.date_input("Surgery", key="surgery_date")
        _ingest_box(index)


main()
