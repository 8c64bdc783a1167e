"""Reading YAML and JSON files of the evaluation into pydantic models, with errors that name file, field and value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.evaluation.errors import EvaluationError

M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """The YAML document of ``path``; an unreadable file or invalid YAML is an ``EvaluationError``."""
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: not valid YAML ({exc})") from exc


def read_json(path: Path) -> Any:
    """The JSON document of ``path``."""
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: not valid JSON ({exc})") from exc


def _unknown_keys(where: str, data: Any, model: type[BaseModel]) -> None:
    """Reject keys the model does not define, listing the valid ones (recursing into nested models)."""
    if not isinstance(data, dict):
        return
    valid = list(model.model_fields)
    extra = sorted(str(k) for k in data if k not in valid)
    if extra and model.model_config.get("extra") == "forbid":
        raise EvaluationError(f"{where}: unknown key {extra[0]!r}; valid keys: {', '.join(valid)}")
    for name, info in model.model_fields.items():
        value = data.get(name)
        sub = _model_of(info.annotation)
        if sub is None or value is None:
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                _unknown_keys(f"{where}: {name}[{i}]", item, sub)
        elif isinstance(value, dict) and _is_mapping(info.annotation):
            for key, item in value.items():
                _unknown_keys(f"{where}: {name}.{key}", item, sub)
        else:
            _unknown_keys(f"{where}: {name}", value, sub)


def _is_mapping(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is dict


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (directly, in a list or as a dict's values), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def validate(where: str, data: Any, model: type[M]) -> M:
    """``data`` as ``model``; the first problem is an ``EvaluationError`` naming ``where``, the field and the value."""
    if not isinstance(data, dict):
        raise EvaluationError(f"{where}: expected a mapping, got {type(data).__name__}")
    _unknown_keys(where, data, model)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise EvaluationError(f"{where}: {loc}: {first['msg']} (value {first.get('input')!r})") from exc
