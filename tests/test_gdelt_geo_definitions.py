"""The gdelt and geo domains' Dagster conventions: kinds on every asset, and the checks a user reruns alone."""

import dagster as dg

from pipeline.defs.gdelt import defs as gdelt_defs
from pipeline.defs.geo import defs as geo_defs

KINDS = {
    "gdelt_files": {"duckdb", "polars", "bigquery"},
    "gdelt_events": {"duckdb", "polars", "bigquery"},
    "gdelt_rejects": {"duckdb", "polars", "bigquery"},
    "unrest_definitions": {"duckdb"},
    "unrest_screening": {"duckdb"},
    "unrest_events": {"duckdb"},
    "prefecture_boundaries": {"duckdb"},
    "regions": {"duckdb"},
    "fips_adm1_crosswalk": {"duckdb"},
    "fips_adm1_iso_crosswalk": {"duckdb"},
    "event_places": {"duckdb"},
}


def test_every_gdelt_and_geo_asset_has_its_kinds():
    kinds = {}
    for defs in (gdelt_defs, geo_defs):
        for assets_def in defs.assets:
            for spec in assets_def.specs:
                kinds[spec.key.to_user_string()] = spec.kinds
    assert kinds == KINDS


def test_the_checks_a_user_reruns_alone_are_asset_checks():
    checks = {
        spec.name: (spec.asset_key.to_user_string(), spec.blocking)
        for defs in (gdelt_defs, geo_defs)
        for checks_def in defs.asset_checks
        for spec in checks_def.check_specs
    }
    assert checks == {
        "row_accounting": ("gdelt_files", True),
        "files_verified": ("gdelt_files", False),
        "every_event_screened": ("unrest_events", True),
        "every_prefecture_has_a_boundary": ("prefecture_boundaries", True),
        "every_event_placed_at_its_level": ("event_places", True),
    }
    # days_complete needs the newest day the run's file lists name, so it stays with the ingest.
    (ingest,) = [a for a in gdelt_defs.assets if a.op.name == "gdelt_ingest"]
    assert [s.name for s in ingest.check_specs] == ["days_complete"]
    assert all(isinstance(c, dg.AssetChecksDefinition) for c in (*gdelt_defs.asset_checks, *geo_defs.asset_checks))
