"""Patient facts: the typed model, and readers for FHIR bundles, facts files and chat messages.

Readers: ``read_patient(path)`` (either kind), ``read_fhir_bundle(path_or_dict)``,
``read_facts_file(path)``. They are imported on first use, so ``assistant.patient.facts`` stays
light for modules that only need the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.patient.factsfile import read_facts_file
    from assistant.patient.fhir import read_fhir_bundle
    from assistant.patient.reader import read_patient

__all__ = ["read_facts_file", "read_fhir_bundle", "read_patient"]

_HOMES = {
    "read_facts_file": "assistant.patient.factsfile",
    "read_fhir_bundle": "assistant.patient.fhir",
    "read_patient": "assistant.patient.reader",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'assistant.patient' has no attribute {name!r}")
