"""Limits on what input is read: file kind and size, nesting depth, integer digits.

Every check runs before (or while) the input is parsed, so no parser recurses without bound and no
read blocks or exhausts memory. Each error names the limit and the setting that raises it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import string
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import InputLimitError, InputPathError
from assistant.settings import Settings

# A JSON string literal (escapes included) or one bracket: what a depth scan needs to see.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
# A plain scalar YAML 1.1 may read as an integer: decimal, 0b/0o/0x, sexagesimal (190:20:30).
_YAML_INTEGER = re.compile(r"[-+]?(?:0[box][0-9a-fA-F_]+|[0-9][0-9_:]*)")


def _setting(name: str) -> str:
    return f"PA_{name.upper()}"


def read_regular_file(path: Path, settings: Settings, what: str = "input") -> bytes:
    """The bytes of ``path``, which must be a regular file within ``max_input_bytes``.

    A folder, FIFO, socket or device is refused before it is opened, so nothing blocks on it.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputPathError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise InputPathError(f"{path}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputPathError(f"{path}: is a folder; give a {what} file")
    if not stat.S_ISREG(info.st_mode):
        raise InputPathError(f"{path}: not a regular file (a device, FIFO or socket); give a {what} file")
    limit = settings.max_input_bytes
    if info.st_size > limit:
        raise InputLimitError(
            f"{path}: {info.st_size} bytes, over the limit max_input_bytes={limit} "
            f"(raise it with {_setting('max_input_bytes')})"
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputPathError(f"{path}: cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputLimitError(
            f"{path}: more than {limit} bytes, over the limit max_input_bytes={limit} "
            f"(raise it with {_setting('max_input_bytes')})"
        )
    return data


def _too_deep(where: str, depth: int, settings: Settings) -> InputLimitError:
    return InputLimitError(
        f"{where}: nested more than {settings.max_nesting_depth} levels deep (found {depth}), over the limit "
        f"max_nesting_depth={settings.max_nesting_depth} (raise it with {_setting('max_nesting_depth')})"
    )


def _too_long(where: str, digits: int, settings: Settings) -> InputLimitError:
    return InputLimitError(
        f"{where}: an integer of {digits} digits, over the limit max_integer_digits={settings.max_integer_digits} "
        f"(raise it with {_setting('max_integer_digits')})"
    )


def check_json_depth(text: str, settings: Settings, where: str) -> None:
    """Raise InputLimitError when brackets in the JSON ``text`` nest deeper than ``max_nesting_depth``.

    Linear scan; string literals are skipped whole, so brackets inside them do not count.
    """
    depth = 0
    limit = settings.max_nesting_depth
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise _too_deep(where, depth, settings)
        elif token in "]}":
            depth -= 1


def load_json(text: str, settings: Settings, where: str) -> Any:
    """``json.loads`` within the depth and integer-digit limits; json.JSONDecodeError as json raises it."""
    check_json_depth(text, settings, where)

    def parse_int(digits: str) -> int:
        count = len(digits.lstrip("-"))
        if count > settings.max_integer_digits:
            raise _too_long(where, count, settings)
        return int(digits)

    return json.loads(text, parse_int=parse_int)


def check_yaml_limits(text: str, settings: Settings, where: str) -> None:
    """Raise InputLimitError when the YAML ``text`` nests too deep or holds too long an integer.

    Reads the event stream (which does not recurse), before anything builds nested objects.
    yaml.YAMLError is raised as PyYAML raises it.
    """
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > settings.max_nesting_depth:
                raise _too_deep(where, depth, settings)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and event.style is None and _YAML_INTEGER.fullmatch(event.value):
            digits = sum(ch in string.hexdigits for ch in event.value)
            if digits > settings.max_integer_digits:
                raise _too_long(where, digits, settings)


def load_yaml(text: str, settings: Settings, where: str) -> Any:
    """``yaml.safe_load`` within the depth and integer-digit limits."""
    check_yaml_limits(text, settings, where)
    return yaml.safe_load(text)


def check_chunk_count(protocol_id: str, count: int, settings: Settings) -> None:
    """Raise InputLimitError when one protocol makes more chunks than ``max_chunks_per_protocol``."""
    limit = settings.max_chunks_per_protocol
    if count > limit:
        raise InputLimitError(
            f"{protocol_id}: {count} chunks, over the limit max_chunks_per_protocol={limit} "
            f"(raise it with {_setting('max_chunks_per_protocol')})"
        )
