"""Streamlit chat over the chain: cited answers, facts read back, the checker's verdicts, schedule dates.

Run with ``make run`` (binds 127.0.0.1:8501). The app is a thin layer: every answer comes from
``assistant.chat.chain.ChatSession``; this file only turns it and its errors into a page.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from assistant.settings import get_settings, quiet_environment

quiet_environment()

from assistant.chat.chain import ChatSession, Response  # noqa: E402
from assistant.cli.corpus_cmds import open_index  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402

st.set_page_config(page_title="Protocol Assistant", layout="wide")


@st.cache_resource
def _index():  # type: ignore[no-untyped-def]
    return open_index(get_settings())


def _session() -> ChatSession:
    if "session" not in st.session_state:
        st.session_state.session = ChatSession(_index(), get_settings())
        st.session_state.exchanges = []
    return st.session_state.session  # type: ignore[no-any-return]


def _show(response: Response) -> None:
    if response.facts_shown:
        st.caption("Facts read from the message: " + "; ".join(response.facts_shown))
    st.markdown(response.answer.text if not response.check else response.answer.statements[0].text)
    if response.check is not None:
        rows = [
            {
                "criterion": v.criterion_id.split(":")[1],
                "status": v.status,
                "criterion text": v.text,
                "reason": v.reason,
                "missing": "; ".join(v.missing),
            }
            for v in response.check.verdicts
        ]
        concerned = {c.criterion_id for c in response.answer.citations}
        st.dataframe([r for r in rows if f"{response.check.protocol}:{r['criterion']}" in concerned], hide_index=True)
        with st.expander(
            f"All {len(rows)} criteria (overall: {response.check.overall}, rules: {response.check.rules_source})"
        ):
            st.dataframe(rows, hide_index=True)
    if response.schedule is not None:
        st.dataframe(
            [
                {"step": s.label, "earliest": s.earliest, "latest": s.latest, "window": s.window}
                for s in response.schedule.steps
            ],
            hide_index=True,
        )
    for note in response.notes:
        st.info(note)
    if response.answer.citations:
        with st.expander(f"Citations ({len(response.answer.citations)})"):
            for c in response.answer.citations:
                label = c.criterion_id or f"{c.protocol} · {c.section}"
                st.markdown(f"**{label}** (characters {c.start}–{c.end})\n\n> {' '.join(c.quote.split())}")


def main() -> None:
    session = _session()
    st.title("Protocol Assistant")
    with st.sidebar:
        ids = session.index.store.ids()
        protocol = st.selectbox("Protocol", ids, index=0 if ids else None)
        as_of = st.date_input("Check as of", value=dt.date.today())
        upload = st.file_uploader("Patient (FHIR R4 bundle or facts file)", type=["json", "yaml", "yml"])
        if upload is not None and st.session_state.get("loaded") != upload.name:
            with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix, delete=False) as tmp:
                tmp.write(upload.getvalue())
            try:
                session.load_patient(tmp.name)
                st.session_state.loaded = upload.name
                st.success(f"Loaded patient from {upload.name}")
            except AssistantError as exc:
                st.error(str(exc))
        if st.button("New conversation"):
            st.session_state.pop("session", None)
            st.session_state.pop("loaded", None)
            st.rerun()
    for message, response in st.session_state.exchanges:
        with st.chat_message("user"):
            st.markdown(message)
        with st.chat_message("assistant"):
            _show(response)
    message = st.chat_input("Ask about the protocol, a patient, or the schedule")
    if message:
        with st.chat_message("user"):
            st.markdown(message)
        with st.chat_message("assistant"):
            try:
                response = session.respond(message, protocol_id=protocol, as_of=as_of)
            except AssistantError as exc:
                st.error(str(exc))
                return
            _show(response)
        st.session_state.exchanges.append((message, response))


main()
