"""Every command against a Chroma server chosen by settings gives what it gives on the embedded store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import load_commands
from assistant.settings import get_settings
from tests.conftest import ROOT, SEED, SHARED_PROTOCOLS
from tests.servers import chroma_server

OTHER = SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT01642004.xml"
PATIENT = ROOT / "eval" / "patients" / "gist-ineligible.fhir.json"


@pytest.fixture(scope="module")
def server_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with chroma_server(tmp_path_factory.mktemp("server")) as port:
        yield port


def _run(env: dict[str, str], args: list[str]) -> str:
    """The command's output with ``env`` as the only PA_ settings."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("PA_")}
    for key in saved:
        del os.environ[key]
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(load_commands(), args)
    finally:
        for key in env:
            os.environ.pop(key, None)
        os.environ.update(saved)
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def stores(server_port: int, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Settings of the two stores, each with the same two protocols ingested through the CLI."""
    base = {"PA_EMBEDDER": "fake", "PA_AUDIT_ENABLED": "false"}
    envs = {
        "embedded": {**base, "PA_DATA_DIR": str(tmp_path_factory.mktemp("embedded"))},
        "server": {
            **base,
            "PA_DATA_DIR": str(tmp_path_factory.mktemp("client")),
            "PA_CHROMA_HOST": "127.0.0.1",
            "PA_CHROMA_PORT": str(server_port),
        },
    }
    for env in envs.values():
        assert "indexed 2 protocol(s)" in _run(env, ["ingest", str(SEED), str(OTHER)])
    assert not (Path(envs["server"]["PA_DATA_DIR"]) / "chroma").exists()  # nothing stored on the client
    return envs


COMMANDS = [
    pytest.param(["list", "--json"], id="list"),
    pytest.param(["ask", "What platelet count is required?", "--protocol", "NCT01267695", "--json"], id="ask"),
    pytest.param(["ask", "Which ECOG performance status is required?", "--json"], id="ask-unscoped"),
    pytest.param(["ask-all", "Which trials exclude patients with brain metastases?", "--json"], id="ask-all"),
    pytest.param(
        ["check", "--protocol", "NCT01267695", "--patient", str(PATIENT), "--as-of", "2024-06-03", "--json"],
        id="check",
    ),
    pytest.param(["rules", "draft", "--protocol", "NCT01642004", "--stdout"], id="rules-draft"),
    pytest.param(
        ["schedule", "--protocol", "NCT01267695", "--start", "2026-01-05", "--surgery", "2026-07-20", "--json"],
        id="schedule",
    ),
    pytest.param(
        ["screen", "--patients", str(PATIENT.parent), "--protocols", "all", "--as-of", "2024-06-03"], id="screen"
    ),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_the_server_answers_as_the_embedded_store(
    stores: dict[str, dict[str, str]], tmp_path: Path, args: list[str]
) -> None:
    outputs = {}
    for name, env in stores.items():
        extra = ["--out", str(tmp_path / f"{name}.csv"), "--workers", "1"] if args[0] == "screen" else []
        outputs[name] = _run(env, args + extra)
        if args[0] == "screen":
            outputs[name] = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
    assert outputs["server"] == outputs["embedded"]
    assert outputs["server"].strip()
