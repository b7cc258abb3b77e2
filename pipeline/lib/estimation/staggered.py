"""Event studies on the first high-unrest period: plain two-way fixed effects, and two estimators that stay
unbiased when effects differ across cohorts that enter treatment at different times: Sun and Abraham's
interaction-weighted estimator (pyfixest's saturated event study) and Gardner's two-stage did2s.

A region is treated from its first high-unrest period (its cohort); never-treated regions are the
controls. Event time k = period minus the cohort's first period; k = -1 is the reference.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import polars as pl
import pyfixest as pf

from pipeline.lib.estimation import fixed_effect_order  # noqa: F401 (the same estimates whatever the hash seed)
from pipeline.lib.estimation.event_study import COEFFICIENT_COLUMNS

# The digits beyond the 12th are the demeaning's numerical noise (its convergence tolerance), not information.
SIGNIFICANT_DIGITS = 12


def cohorts(panel: pl.DataFrame) -> pl.DataFrame:
    """The panel with t (1-based period index) and g (the region's first high-unrest t; 0 if never)."""
    indexed = panel.with_columns(t=pl.col("period_start").rank("dense").cast(pl.Int64))
    first = indexed.filter(pl.col("high_unrest")).group_by("region_id").agg(g=pl.col("t").min())
    return indexed.join(first, on="region_id", how="left").with_columns(pl.col("g").fill_null(0))


def _table(rows: list[dict], spec: str, outcome: str, n_obs: int, n_clusters: int) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema={
            "rel_period": pl.Int64,
            "estimate": pl.Float64,
            "std_error": pl.Float64,
            "t_stat": pl.Float64,
            "p_value": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        },
    )
    numbers = ["estimate", "std_error", "t_stat", "p_value", "ci_low", "ci_high"]
    return (
        frame.with_columns(pl.col(c).map_elements(_significant, return_dtype=pl.Float64) for c in numbers)
        .with_columns(
            spec=pl.lit(spec),
            outcome=pl.lit(outcome),
            term=pl.format("rel_{}", "rel_period"),
            n_obs=pl.lit(n_obs, pl.Int64),
            n_clusters=pl.lit(n_clusters, pl.Int64),
        )
        .select(COEFFICIENT_COLUMNS)
        .sort("rel_period")
    )


def _significant(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if np.isfinite(value) else value


def fit_twfe(panel: pl.DataFrame, outcome: str, leads: int = 2, lags: int = 3) -> pl.DataFrame:
    """Dynamic two-way fixed effects: dummies for k = -leads..lags (end points binned), k = -1 omitted."""
    data = cohorts(panel).with_columns(
        rel_time=pl.when(pl.col("g") > 0).then((pl.col("t") - pl.col("g")).clip(-leads, lags)).otherwise(-1)
    )
    frame = data.select("region_id", "t", outcome, "rel_time").to_pandas()
    fit = pf.feols(f"{outcome} ~ i(rel_time, ref=-1) + C(t) | region_id", data=frame, vcov={"CRV1": "region_id"})
    return _table(
        _event_time_rows(fit.tidy().reset_index()),
        "twfe_first_high_unrest",
        outcome,
        int(fit._N),
        data["region_id"].n_unique(),
    )


def _event_time_rows(tidy) -> list[dict]:
    """The rel_time::k coefficients of a pyfixest tidy table, as rows for _table."""
    rows = []
    for _, row in tidy.iterrows():
        match = re.search(r"rel_time::(-?\d+)", row["Coefficient"])
        if match:
            rows.append(
                {
                    "rel_period": int(match.group(1)),
                    "estimate": row["Estimate"],
                    "std_error": row["Std. Error"],
                    "t_stat": row["t value"],
                    "p_value": row["Pr(>|t|)"],
                    "ci_low": row["2.5%"],
                    "ci_high": row["97.5%"],
                }
            )
    return rows


def fit_sun_abraham(panel: pl.DataFrame, outcome: str, leads: int = 2, lags: int = 3) -> pl.DataFrame:
    """Sun and Abraham (2021): cohort x event-time effects, aggregated by cohort shares, k = -leads..lags."""
    data = cohorts(panel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyfixest warns that the saturated estimator is experimental
        fit = pf.event_study(
            data.select("region_id", "t", "g", outcome).to_pandas(),
            yname=outcome,
            idname="region_id",
            tname="t",
            gname="g",
            estimator="saturated",
        )
        aggregated = fit.aggregate()
    rows = [
        {
            "rel_period": int(k),
            "estimate": r["Estimate"],
            "std_error": r["Std. Error"],
            "t_stat": r["t value"],
            "p_value": r["Pr(>|t|)"],
            "ci_low": r["2.5%"],
            "ci_high": r["97.5%"],
        }
        for k, r in aggregated.iterrows()
        if -leads <= k <= lags
    ]
    return _table(rows, "sun_abraham_first_high_unrest", outcome, int(fit._N), data["region_id"].n_unique())


def fit_did2s(panel: pl.DataFrame, outcome: str, leads: int = 2, lags: int = 3) -> pl.DataFrame:
    """Gardner's two-stage difference-in-differences (pyfixest's did2s): unit and period effects estimated on
    untreated observations, then the residual outcome on event-time dummies (end points binned, k = -1 and
    never-treated the reference). Regions treated from the panel's first or second period are left out: the first
    have no untreated period to learn from, and the second one only, a region effect resting on one observation,
    which pyfixest's first stage drops (then its rows cannot be imputed, and did2s fails on mismatched shapes)."""
    data = (
        cohorts(panel)
        .filter(~pl.col("g").is_in([1, 2]))
        .with_columns(
            rel_time=pl.when(pl.col("g") > 0).then((pl.col("t") - pl.col("g")).clip(-leads, lags)).otherwise(-1),
            treat=(pl.col("g") > 0) & (pl.col("t") >= pl.col("g")),
        )
    )
    frame = data.select("region_id", "t", outcome, "rel_time", "treat").to_pandas()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.did2s(
            frame,
            yname=outcome,
            first_stage="~ 0 | region_id + t",
            second_stage="~ i(rel_time, ref=-1)",
            treatment="treat",
            cluster="region_id",
        )
    return _table(
        _event_time_rows(fit.tidy().reset_index()),
        "did2s_first_high_unrest",
        outcome,
        int(fit._N),
        data["region_id"].n_unique(),
    )
