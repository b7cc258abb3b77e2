"""Which GDELT rows the warehouse keeps: chosen once, recorded in the warehouse, and kept to by every later run.

A month ingested with another scope than its neighbours would make a panel silently compare unlike months,
so a run that asks for a different scope is refused, unless it says `rescope` and re-ingests every month
held under another scope. Codes are checked against GDELT's own code lists before anything is read: a typo
would otherwise empty a month with exit 0.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

import duckdb
import polars as pl

from pipeline.data import csv_rows
from pipeline.lib import sql, warehouse
from pipeline.lib.geo.countries import countries

CAMEO_ROOT_CODES = tuple(f"{n:02d}" for n in range(1, 21))  # CAMEO's 20 root codes, as GDELT writes them


class ScopeError(ValueError):
    """A scope with unknown codes, or one that disagrees with the scope the warehouse was built with."""


@dataclass(frozen=True)
class Scope:
    """Which typed rows are kept: by FIPS country of the action, and by CAMEO root code. Empty means all."""

    countries: tuple[str, ...] = ()
    root_codes: tuple[str, ...] = ()

    def describe(self) -> str:
        countries = ",".join(self.countries) or "all"
        roots = ",".join(self.root_codes) or "all"
        return f"ActionGeo_CountryCode in [{countries}]; EventRootCode in [{roots}]"

    def apply(self, rows: pl.DataFrame) -> pl.DataFrame:
        """The rows in scope, in their order, by the scope macro (sql/gdelt/scope_macro.sql)."""
        if not self.countries and not self.root_codes:
            return rows
        # One thread: the ingest already parses files in parallel, and one thread keeps the rows' order.
        with duckdb.connect(config={"threads": 1}) as con:
            sql.run(con, "gdelt/scope_macro")
            con.register("parsed_rows", rows.to_arrow(compat_level=pl.CompatLevel.oldest()))
            return sql.run(
                con, "gdelt/rows_in_scope", {"countries": list(self.countries), "root_codes": list(self.root_codes)}
            ).pl()


@dataclass(frozen=True)
class WarehouseScope:
    """The scope and the reading settings a warehouse's GDELT months share."""

    scope: Scope
    include_translation: bool = False
    files_per_day: int = 96  # GDELT 2.0 publishes an export every 15 minutes

    def describe(self) -> str:
        return self.scope.describe() + ("; with translingual exports" if self.include_translation else "")


NEW_WAREHOUSE = WarehouseScope(Scope(("CH",)))  # AI-tocracy's: events in China


@cache
def fips_countries() -> dict[str, str]:
    """GDELT's country codes (FIPS 10-4, current and retired) and a name for each."""
    names = {c.fips: c.name for c in countries() if c.fips}
    for row in csv_rows("fips10-4-subdivisions.csv"):
        names.setdefault(row["fips_country"], row["fips_country"])
    return names


def _fips_code(code: str) -> tuple[str | None, str]:
    """(GDELT's FIPS code for `code`, '') or (None, why not, with a suggestion).

    ISO 3166 alpha-3 codes name a country unambiguously and are translated. A two-letter code must be a FIPS
    code, and one that is also another country's ISO alpha-2 code is refused: CH is China in FIPS and
    Switzerland in ISO, CN is China in ISO and Comoros in FIPS, and either reading would pass silently.
    """
    by_iso2, by_iso3 = {c.iso2: c for c in countries()}, {c.iso3: c for c in countries()}
    fips = fips_countries()
    upper = code.strip().upper()
    if upper in by_iso3 and by_iso3[upper].fips:
        return by_iso3[upper].fips, ""
    iso_reading = by_iso2.get(upper)
    if upper in fips:
        if iso_reading is None or iso_reading.fips == upper:
            return upper, ""
        fips_reading = next((c for c in countries() if c.fips == upper), None)
        fips_name = fips_reading.name if fips_reading else fips[upper]
        fips_iso3 = f" (write {fips_reading.iso3})" if fips_reading else ""
        return None, (
            f"ambiguous: FIPS 10-4 (GDELT's) code for {fips_name}{fips_iso3}, ISO 3166's for "
            f"{iso_reading.name} (write {iso_reading.iso3})"
        )
    if iso_reading and iso_reading.fips:
        return None, (
            f"{upper} is ISO 3166's code for {iso_reading.name}; GDELT uses FIPS 10-4: "
            f"{iso_reading.fips} (or write {iso_reading.iso3})"
        )
    close = difflib.get_close_matches(upper, list(by_iso3), n=1)
    return None, (
        f"not a FIPS 10-4 or ISO 3166 alpha-3 country code; did you mean {close[0]} ({by_iso3[close[0]].name})?"
        if close
        else "not a FIPS 10-4 or ISO 3166 alpha-3 country code"
    )


def scope_from_codes(country_codes: list[str], root_codes: list[str]) -> Scope:
    """The Scope a user's codes mean (countries as ISO alpha-3 or unambiguous FIPS); unknown codes refused,
    each with a suggestion."""
    fips, problems = [], []
    for code in country_codes:
        resolved, why = _fips_code(code)
        if resolved is None:
            problems.append(f"country {code!r}: {why}")
        elif resolved not in fips:
            fips.append(resolved)
    for code in root_codes:
        if code not in CAMEO_ROOT_CODES:
            padded = code.strip().zfill(2)
            hint = f"did you mean {padded}?" if padded in CAMEO_ROOT_CODES else "CAMEO root codes are 01 to 20"
            problems.append(f"root code {code!r}: {hint}")
    if problems:
        raise ScopeError("the scope names codes GDELT cannot match: " + "; ".join(problems))
    return Scope(tuple(fips), tuple(root_codes))


def recorded(con: duckdb.DuckDBPyConnection) -> WarehouseScope | None:
    """The scope recorded in the warehouse (table gdelt_scope), or None for a warehouse without GDELT yet."""
    if not warehouse.has_table(con, "gdelt_scope"):
        return None
    countries_, roots, translation, per_day, _ = con.execute("SELECT * FROM gdelt_scope").fetchone()
    return WarehouseScope(Scope(tuple(countries_), tuple(roots)), translation, per_day)


def record(con: duckdb.DuckDBPyConnection, chosen: WarehouseScope) -> None:
    sql.run(
        con,
        "gdelt/record_scope",
        {
            "countries": list(chosen.scope.countries),
            "root_codes": list(chosen.scope.root_codes),
            "include_translation": chosen.include_translation,
            "files_per_day": chosen.files_per_day,
            "description": chosen.scope.describe(),
        },
    )


def resolve(
    con: duckdb.DuckDBPyConnection,
    *,
    countries: list[str] | None = None,
    root_codes: list[str] | None = None,
    include_translation: bool | None = None,
    files_per_day: int | None = None,
    rescope: bool = False,
    run_months: list[str] = (),
) -> WarehouseScope:
    """The scope a run ingests with: what it asks for, the warehouse's recorded scope for what it leaves unset.

    Refused (ScopeError) when the codes are unknown, or when the result differs from the scope of months the
    warehouse holds, unless `rescope` is set and the run re-ingests every such month.
    """
    before = recorded(con)
    base = before or NEW_WAREHOUSE
    asked = scope_from_codes(countries or [], root_codes or [])
    chosen = WarehouseScope(
        Scope(
            asked.countries if countries is not None else base.scope.countries,
            asked.root_codes if root_codes is not None else base.scope.root_codes,
        ),
        base.include_translation if include_translation is None else include_translation,
        base.files_per_day if files_per_day is None else files_per_day,
    )
    held = sql.run(con, "gdelt/ledger_month_scopes").fetchall() if warehouse.has_table(con, "gdelt_files") else []
    other = sorted({month for month, scope in held if scope != chosen.scope.describe()})
    if held and before and before.include_translation != chosen.include_translation:
        other = sorted({month for month, _ in held})
    if not other:
        return chosen
    # The ledger says what those months hold (a rescope cut short leaves months under either scope); when only
    # the translingual exports differ, the recorded scope says it.
    held_scopes = sorted({s for m, s in held if m in other and s != chosen.scope.describe()})
    was = " and ".join(held_scopes) if held_scopes else before.describe()
    span = f"{other[0][:7]}..{other[-1][:7]}"
    if not rescope:
        raise ScopeError(
            f"this warehouse's GDELT months {span} were ingested with scope [{was}]; this run asks for "
            f"[{chosen.describe()}]. Leave countries, root_codes and include_translation unset to keep the "
            f"warehouse's scope. To change it deliberately, re-ingest those months under the new scope: materialise "
            f"gdelt_ingest over {span} (one backfill run) with rescope: true."
        )
    missing = [m for m in other if m not in set(run_months)]
    if missing:
        raise ScopeError(
            f"rescope: true must re-ingest every month held under another scope, or the warehouse would mix two "
            f"scopes; this run lacks {len(missing)} of them ({missing[0][:7]}..{missing[-1][:7]}). Materialise "
            f"gdelt_ingest over {span} (one backfill run) with rescope: true."
        )
    return chosen
