"""The ``protocol-assistant`` command line: a thin layer that turns library errors into one-line messages."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer

from assistant.errors import AssistantError
from assistant.settings import quiet_environment

app = typer.Typer(
    help="Answer questions about clinical-trial protocols, with exact citations and a deterministic checker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 2) -> None:
    """Print ``error: message`` on one line to stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's typed errors into a one-line message and exit code 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            fail(str(exc))
            raise  # unreachable: fail() exits

    return wrapper


def load_commands() -> typer.Typer:
    """The app with every command registered."""
    quiet_environment()
    from assistant.cli import check_cmds, corpus_cmds, eval_cmds, schedule_cmds, screen_cmds  # noqa: F401  (registers commands)

    return app


def main() -> None:
    """Entry point of the console script."""
    load_commands()(prog_name="protocol-assistant")
    sys.exit(0)
