"""What both event-study assets (event_study, trade_event_study) do around the fitting loop they share
(pipeline/lib/estimation/fits.py): read their panel, then store, export and plot what the fits give."""

from collections.abc import Iterable

import dagster as dg
import duckdb
import polars as pl

from pipeline.defs.metadata import figure_metadata, table_metadata
from pipeline.defs.resources import WarehouseResource, warehouse_dir
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.estimation.fits import Fit, NothingToEstimateError, fit_all, missing_outcomes
from pipeline.lib.exports import export_with_manifest


def refuse_unknown(what: str, given: Iterable[str], known: Iterable[str]) -> None:
    """Fail the run when a config list names a choice that does not exist (a list of Literal is no Dagster type)."""
    known = list(known)
    unknown = [g for g in given if g not in known]
    if unknown:
        raise dg.Failure(f"unknown {what} {unknown}; known: {known}")


def read_panel(con: duckdb.DuckDBPyConnection, rows_sql: str, panel: str, outcomes: list[str]) -> pl.DataFrame:
    """The panel as sql/<rows_sql>.sql reads it; the run fails when an outcome asked for is not one of its columns."""
    frame = sql.run(con, rows_sql).pl()
    missing = missing_outcomes(frame, outcomes)
    if missing:
        raise dg.Failure(f"outcome(s) {missing} are not columns of {panel}")
    return frame


def store_fits(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    warehouse: WarehouseResource,
    table: str,
    fits: list[Fit],
    inputs: list[str],
    config: dg.Config,
    order_by: str,
) -> tuple[list[Fit], dict]:
    """Fit them all into `table`, export it with its manifest, and write a figure per fit (<table>_<fit name>.png
    in figures/ beside the warehouse). Returns the fits left out (no variation) and the asset's metadata."""
    try:
        fitted = fit_all(fits, context.log)
    except NothingToEstimateError as err:
        raise dg.Failure(str(err)) from None
    warehouse_lib.replace_table(con, table, fitted.coefficients)
    manifest = export_with_manifest(con, table, warehouse_dir(warehouse) / "exports", inputs, config.model_dump())
    figures = warehouse_dir(warehouse) / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    plots = {
        f"plot_{name}": figure_metadata(png, figures / f"{table}_{name}.png", title)
        for name, (title, png) in fitted.plots.items()
    }
    return fitted.skipped, {
        **table_metadata(con, table, order_by=order_by, preview_rows=30),
        **plots,
        "figures_dir": str(figures),
        "manifest": dg.MetadataValue.json(manifest),
    }
