"""States, provinces and territories of the countries whose postal addresses are recognised, from ``pycountry``."""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=8)
def region_codes(country: str) -> str:
    """A regular-expression alternation of ``country``'s subdivision codes ("AL|AK|…" for ``US``), longest first."""
    codes = {s.code.split("-", 1)[1] for s in pycountry.subdivisions.get(country_code=country)}
    return "|".join(sorted(codes, key=lambda c: (-len(c), c)))


@lru_cache(maxsize=1)
def region_names(countries: tuple[str, ...] = ("US", "CA", "AU")) -> str:
    """A regular-expression alternation of the subdivision names of ``countries`` ("New South Wales|Idaho|…")."""
    names = {s.name for c in countries for s in pycountry.subdivisions.get(country_code=c) if s.name.isascii()}
    return "|".join(sorted(names, key=lambda n: (-len(n), n)))
