"""Protocol ids, and the files named after them.

A protocol id is either a ClinicalTrials.gov number (``NCT`` and 8 digits) or a local id: 1 to 40
letters, digits, ``-`` or ``_``, starting with a letter and not starting with ``NCT`` (so a mistyped
NCT number is never taken for a local id). Ids are never joined into a path raw: ``corpus_file``
resolves the path and refuses any that leaves its folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import ProtocolIdError

NCT_ID = re.compile(r"NCT[0-9]{8}")
LOCAL_ID = re.compile(r"(?!NCT)[A-Za-z][A-Za-z0-9_-]{0,39}", re.IGNORECASE)
ID_RULE = "an NCT number (NCT and 8 digits) or a local id (1-40 letters, digits, - or _, starting with a letter)"


def validate_protocol_id(value: object, where: str = "protocol id") -> str:
    """``value`` if it is a valid protocol id; ProtocolIdError naming it otherwise."""
    if not isinstance(value, str):
        raise ProtocolIdError(f"{where}: expected a string, got {type(value).__name__} {value!r}"[:200])
    if NCT_ID.fullmatch(value) or LOCAL_ID.fullmatch(value):
        return value
    shown = value if len(value) <= 60 else value[:60] + "…"
    raise ProtocolIdError(f"{where}: {shown!r} is not a protocol id; expected {ID_RULE}")


def corpus_file(corpus_dir: Path, protocol_id: str, suffix: str) -> Path:
    """``corpus_dir/<protocol_id><suffix>``, for a valid id only and only inside ``corpus_dir``."""
    validate_protocol_id(protocol_id)
    path = corpus_dir / f"{protocol_id}{suffix}"
    contained(corpus_dir, path)
    return path


def contained(folder: Path, path: Path) -> Path:
    """``path`` resolved (symbolic links followed); ProtocolIdError when that is not inside ``folder``."""
    base = folder.resolve()
    target = path.resolve()
    if not target.is_relative_to(base):
        raise ProtocolIdError(f"{path}: resolves to {target}, outside the corpus folder {base}; refused")
    return target
