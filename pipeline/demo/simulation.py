"""The estimator's simulation check: the demo world's data-generating process over many seeds.

For each seed, draw a prefecture-quarter panel from pipeline.demo.dgp (the same draws the demo world
makes, without writing files), fit AI-tocracy's specification, and collect the coefficients. Coverage of
the planted effect at k = 1 should be near the nominal 95%, and the other terms near 0.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from pipeline.demo import dgp
from pipeline.lib.estimation.event_study import fit_event_study


def simulated_panel(seed: int, effect: float, regions: int = 59, quarters: int = 12) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    counts = dgp.unrest_counts(rng, regions, quarters)
    z = dgp.standardise(counts)
    outcome = rng.poisson(dgp.ps_ai_means(rng, z, effect))
    periods = [date(2018 + q // 4, 1 + 3 * (q % 4), 1) for q in range(quarters)]
    return pl.DataFrame({
        "region_id": np.repeat([f"R{r:03d}" for r in range(regions)], quarters),
        "period_start": periods * regions,
        "unrest_z": z.ravel(),
        "ps_ai_contracts": outcome.ravel(),
    })


def simulate(seeds: range, effect: float) -> pl.DataFrame:
    """Coefficients of every seed's fit, with the seed and the planted effect at each k."""
    fits = []
    for seed in seeds:
        coefficients = fit_event_study(simulated_panel(seed, effect), "ps_ai_contracts")
        fits.append(coefficients.with_columns(
            seed=pl.lit(seed), planted=pl.when(pl.col("rel_period") == 1).then(effect).otherwise(0.0)))
    return pl.concat(fits)


def summary(fits: pl.DataFrame) -> pl.DataFrame:
    """Per k: mean estimate, mean planted value, share of intervals covering it, share excluding 0."""
    return (
        fits.group_by("rel_period")
        .agg(mean_estimate=pl.col("estimate").mean(), planted=pl.col("planted").first(),
             coverage=((pl.col("ci_low") <= pl.col("planted")) & (pl.col("planted") <= pl.col("ci_high"))).mean(),
             rejects_zero=((pl.col("ci_low") > 0) | (pl.col("ci_high") < 0)).mean(), seeds=pl.len())
        .sort("rel_period")
    )
