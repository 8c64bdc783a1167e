"""How the vocabulary defines a condition by one measurement (``defined_by``): a threshold on a quantity or
score, or a positive/negative test result."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator


class Definition(BaseModel):
    """A condition defined by one measurement: present when its value meets the test, absent when not; or by
    one test result (``flag``): a negative result shows it absent, a positive one present unless
    ``positive_decides`` is false (a positive hepatitis C antibody may be a cleared infection)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    observation: str
    """The measurement's concept name, e.g. ``platelets``."""
    op: Literal["<", "<=", ">", ">="] | None = None
    """How the value compares with ``value`` when the condition is present (a quantity or score)."""
    value: float | None = None
    """The threshold, in ``unit``."""
    unit: str | None = None
    """UCUM unit of ``value``."""
    flag: bool = False
    """True when the measurement is a positive/negative result (then op, value and unit are left out)."""
    positive_decides: bool = True
    """With ``flag``: whether a positive result shows the condition present (a negative one always shows it absent)."""
    source: str
    """Where the definition comes from, for a reviewer."""

    @model_validator(mode="after")
    def _one_form(self) -> Definition:
        threshold = (self.op, self.value, self.unit)
        if self.flag and any(part is not None for part in threshold):
            raise ValueError("a flag definition has no op, value or unit")
        if not self.flag and any(part is None for part in threshold):
            raise ValueError("a threshold definition needs op, value and unit (or flag: true for a test result)")
        if not self.flag and not self.positive_decides:
            raise ValueError("positive_decides belongs to a flag definition")
        return self
