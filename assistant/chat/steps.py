"""The trial's own treatment steps, read from the schedule files (``corpus/<NCT>.schedule.yaml``).

Routing needs the names of what a protocol's timeline schedules (its drug, its operation) to tell "when
does postoperative <drug> start?" from "when did the study start?". Nothing here names a drug: the step
labels and quotes of every schedule file are linked to the concept vocabulary, and the concepts found
give their names (every synonym) and their concept ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.patient.concepts import load_concepts


@dataclass(frozen=True)
class StepVocabulary:
    """What the loaded schedules treat with: concept ids and every name of them."""

    concepts: frozenset[str]
    """Medication and procedure concepts of the schedules' steps, e.g. a drug and ``major_surgery``."""
    medication_names: tuple[str, ...]
    """Every name of the scheduled medications, longest first (for patterns)."""

    @property
    def medication_pattern(self) -> str:
        """A regular expression matching any scheduled medication's name as a whole word (never empty)."""
        if not self.medication_names:
            return r"(?!x)x"
        return r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"[\s-]+") for n in self.medication_names) + r")\b"


def _step_texts(path: Path) -> list[str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    steps = data.get("steps") if isinstance(data, dict) else None
    texts: list[str] = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        texts.append(str(step.get("label", "")))
        texts += [str(c.get("quote", "")) for c in step.get("citations") or [] if isinstance(c, dict)]
    return texts


@lru_cache(maxsize=8)
def step_vocabulary(corpus_dir: Path) -> StepVocabulary:
    """The medications and procedures the schedule files in ``corpus_dir`` schedule."""
    concepts = load_concepts()
    found: set[str] = set()
    for path in sorted(corpus_dir.glob("*.schedule.yaml")):
        for text in _step_texts(path):
            for kind in ("medication", "procedure"):
                concept = concepts.by_text(text, kind)  # type: ignore[arg-type]
                if concept is not None:
                    found.add(concept.name)
    names = {
        name
        for concept_name in found
        if concepts.concepts[concept_name].kind == "medication"
        for name in (concepts.concepts[concept_name].label.lower(), *concepts.concepts[concept_name].synonyms)
        if len(name) >= 3
    }
    return StepVocabulary(frozenset(found), tuple(sorted(names, key=lambda n: (-len(n), n))))


def current_steps() -> StepVocabulary:
    """The step vocabulary of the configured corpus."""
    from assistant.settings import get_settings

    return step_vocabulary(get_settings().corpus_dir.resolve())
