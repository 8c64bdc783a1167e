"""How a diagnosis was shown ("histologically or cytologically-documented", "pathologically proven"): the
record's way of knowing it, not a condition of the criterion, so it reads as present now."""

from __future__ import annotations

from itertools import permutations

_BY_WHOM = ("histologically", "cytologically", "pathologically", "radiologically", "clinically")
_SHOWN = ("confirmed", "documented", "proven", "verified")
_JOINTS = (" ", "-")

#: Every "<how> <shown>", "<how> or <how> <shown>" and "<how> and/or <how> <shown>", timed "now".
SHOWN_BY: dict[str, str] = {
    **{f"{how}{joint}{shown}": "now" for how in _BY_WHOM for shown in _SHOWN for joint in _JOINTS},
    **{
        f"{first} {link} {second}{joint}{shown}": "now"
        for first, second in permutations(_BY_WHOM, 2)
        for link in ("or", "and/or")
        for shown in _SHOWN
        for joint in _JOINTS
    },
}

#: Words before the standard a diagnosis or finding is defined by, at the end of a criterion ("Measurable disease
#: per RECIST 1.1", "IBS according to Rome III criteria", "COPD as defined by GOLD"): the standard says what the
#: name means, it does not narrow it.
STANDARD_LINKS: tuple[str, ...] = ("per", "according to", "as defined by", "defined by", "by", "using", "as per")

#: A count of one or more before a name ("at least one measurable lesion", "one or more episodes"): the name is
#: present; timed "now".
AT_LEAST_ONE: dict[str, str] = {"at least one": "now", "at least 1": "now", "one or more": "now", "1 or more": "now"}
