"""FIPS 10-4 first-level divisions (what GDELT's ADM1 codes use) to ISO 3166-2 codes (pycountry), outside China.

Matched by name within the country: exact after normalising (accents, case, punctuation, the words
FIPS adds such as "province" or "state"), then one name containing the other when that is unique, then
a unique close spelling (difflib ratio >= 0.8: Kabol and Kabul). GDELT writes US states as US + postal
code (USNY), which ISO 3166-2 uses too (US-NY).
What does not match is kept with a NULL code, so coverage can be reported and the gaps listed.
China's divisions map to GB/T 2260 instead (fips_ch_adm1_to_gbt2260.csv).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import polars as pl
import pycountry

from pipeline.data import csv_rows
from pipeline.lib.geo.countries import countries

_GENERIC = re.compile(
    r"\b(province|provincia|state|region|regiao|department|departement|departamento|district|"
    r"county|governorate|oblast|prefecture|municipality|city|of|the|de|du|la|le|el|and)\b"
)


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("__", " ").replace("_", " ")
    text = _GENERIC.sub(" ", re.sub(r"[^a-z ]", " ", text))
    return " ".join(text.split())


def _match(target: str, subs: list) -> tuple[object | None, str | None]:
    names = {_norm(s.name): s for s in subs}
    if target in names:
        return names[target], "exact"
    contains = [s for n, s in names.items() if target and n and (target in n or n in target)]
    if len(contains) == 1:
        return contains[0], "contains"
    close = difflib.get_close_matches(target, list(names), n=2, cutoff=0.8)
    if len(close) == 1 or (len(close) == 2 and difflib.SequenceMatcher(None, target, close[1]).ratio() < 0.8):
        return names[close[0]], "similar"
    return None, None


def fips_to_iso_crosswalk() -> pl.DataFrame:
    """fips_adm1, fips_name, country_id (ISO alpha-3), iso_3166_2 (or NULL), match ('exact', 'contains', NULL)."""
    fips_to_iso = {c.fips: (c.iso2, c.iso3) for c in countries() if c.fips}
    by_country: dict[str, list] = {}
    for sub in pycountry.subdivisions:
        by_country.setdefault(sub.country_code, []).append(sub)
    out = []
    for row in csv_rows("fips10-4-subdivisions.csv"):
        if row["fips_country"] == "CH" or row["current"] != "True":
            continue
        iso2, iso3 = fips_to_iso.get(row["fips_country"], (None, None))
        # Only first-level ISO subdivisions compete (those without a parent).
        subs = [s for s in by_country.get(iso2, []) if not getattr(s, "parent_code", None)]
        target = _norm(row["fips_adm1_name_ascii"] or row["fips_adm1_name"])
        chosen, method = _match(target, subs)
        out.append(
            {
                "fips_adm1": row["fips_adm1"],
                "fips_name": row["fips_adm1_name"],
                "country_id": iso3,
                "iso_3166_2": chosen.code if chosen else None,
                "iso_name": chosen.name if chosen else None,
                "match": method,
            }
        )
    for sub in by_country.get("US", []):
        if sub.type == "State" or sub.code == "US-DC":
            postal = sub.code.split("-")[1]
            out.append(
                {
                    "fips_adm1": f"US{postal}",
                    "fips_name": sub.name,
                    "country_id": "USA",
                    "iso_3166_2": sub.code,
                    "iso_name": sub.name,
                    "match": "postal code",
                }
            )
    return pl.DataFrame(
        out,
        schema={
            "fips_adm1": pl.String,
            "fips_name": pl.String,
            "country_id": pl.String,
            "iso_3166_2": pl.String,
            "iso_name": pl.String,
            "match": pl.String,
        },
    )
