"""What the compiler makes of one criterion."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RuleKind = Literal[
    "age",
    "sex",
    "pregnancy",
    "condition",
    "observation",
    "medication",
    "procedure",
    "combined",
    "administrative",
    "judgement",
    "unread",
]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A criterion's ``when`` tree, the note saying how it was read, and what kind of rule it is."""

    when: dict[str, Any]
    """The test tree (``needs_review`` when it could not be read)."""
    note: str
    """What was read, the linked concepts and their codes, or why it needs review."""
    kind: RuleKind
    """The kind of rule, for reports."""
    applies_to: dict[str, Any] | None = field(default=None)
    """``{"sex": [...]}`` when the criterion concerns only some patients."""
    category: Literal["administrative"] | None = None
    """``administrative`` for consent, compliance and logistics criteria."""
    narrowed: bool = False
    """True when words narrowing the concept were set aside (the rule is one-sided)."""

    @property
    def executable(self) -> bool:
        """True when data can decide the criterion."""
        return set(self.when) != {"needs_review"}


def review(reason: str, note: str, kind: RuleKind = "unread", applies_to: dict[str, Any] | None = None) -> Compiled:
    """A criterion that needs review, with the reason."""
    return Compiled({"needs_review": reason}, note, kind, applies_to)
