"""Countries as GeoNames lists them (pipeline/data/geonames_countryInfo.txt): ISO 3166-1 codes, FIPS 10-4, name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipeline.data import text


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    fips: str  # FIPS 10-4, GDELT's country code; empty for a few territories FIPS does not list
    name: str


@cache
def countries() -> tuple[Country, ...]:
    rows = [
        line.split("\t")
        for line in text("geonames_countryInfo.txt").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return tuple(Country(r[0], r[1], r[3], r[4]) for r in rows)


# The country whose provinces and prefectures the warehouse holds (GB/T 2260): the only one placed below ADM1.
PREFECTURE_COUNTRY = "CHN"


def fips_code(iso3: str) -> str:
    """GDELT's FIPS 10-4 country code for an ISO 3166-1 alpha-3 code (CHN -> CH)."""
    return next(c.fips for c in countries() if c.iso3 == iso3)
