"""Schedule date accuracy: a computed window is right when both its ends are the expected dates."""

from __future__ import annotations

import datetime as dt

from assistant.evaluation.formats import Window


def window_matches(expected: Window, earliest: dt.date | None, latest: dt.date | None) -> bool:
    """Whether the computed earliest and latest dates are the expected ones (None where undetermined)."""
    return (expected.earliest, expected.latest) == (earliest, latest)
