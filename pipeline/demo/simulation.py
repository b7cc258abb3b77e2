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
    return pl.DataFrame(
        {
            "region_id": np.repeat([f"R{r:03d}" for r in range(regions)], quarters),
            "period_start": periods * regions,
            "unrest_z": z.ravel(),
            "ps_ai_contracts": outcome.ravel(),
        }
    )


def simulate(seeds: range, effect: float) -> pl.DataFrame:
    """Coefficients of every seed's fit, with the seed and the planted effect at each k."""
    fits = []
    for seed in seeds:
        coefficients = fit_event_study(simulated_panel(seed, effect), "ps_ai_contracts")
        fits.append(
            coefficients.with_columns(
                seed=pl.lit(seed), planted=pl.when(pl.col("rel_period") == 1).then(effect).otherwise(0.0)
            )
        )
    return pl.concat(fits)


def summary(fits: pl.DataFrame) -> pl.DataFrame:
    """Per k: mean estimate, mean planted value, share of intervals covering it, share excluding 0."""
    return (
        fits.group_by("rel_period")
        .agg(
            mean_estimate=pl.col("estimate").mean(),
            planted=pl.col("planted").first(),
            coverage=((pl.col("ci_low") <= pl.col("planted")) & (pl.col("planted") <= pl.col("ci_high"))).mean(),
            rejects_zero=((pl.col("ci_low") > 0) | (pl.col("ci_high") < 0)).mean(),
            seeds=pl.len(),
        )
        .sort("rel_period")
    )


TRADE_TERMS = [-2, 0, 1, 2]  # the trade design's event time, the year before omitted


def simulated_trade_panel(
    seed: int, effect: float, importers: int = 80, low_polity: int = 40, years: int = 10
) -> pl.DataFrame:
    """An importer-year panel from the country world's process (pipeline.demo.dgp), with each importer's regime."""
    rng = np.random.default_rng(seed)
    responds = np.zeros(importers, dtype=bool)
    responds[rng.choice(importers, size=low_polity, replace=False)] = True
    z = dgp.standardise(dgp.country_unrest_counts(rng, importers, years))
    imports = rng.poisson(dgp.import_means(rng, z, responds, effect))
    return pl.DataFrame(
        {
            "region_id": np.repeat([f"C{c:03d}" for c in range(importers)], years),
            "period_start": [date(2016 + y, 1, 1) for y in range(years)] * importers,
            "unrest_z": z.ravel(),
            "imports_from_exporter": imports.ravel(),
            "regime": np.repeat(np.where(responds, "autocracy_or_weak_democracy", "mature_democracy"), years),
        }
    )


def simulate_trade(seeds: range, effect: float) -> pl.DataFrame:
    """Per seed and regime: the trade event study's coefficients, with the planted effect at each k."""
    fits = []
    for seed in seeds:
        panel = simulated_trade_panel(seed, effect)
        for regime, planted in (("autocracy_or_weak_democracy", effect), ("mature_democracy", 0.0)):
            coefficients = fit_event_study(
                panel.filter(pl.col("regime") == regime), "imports_from_exporter", TRADE_TERMS
            )
            fits.append(
                coefficients.with_columns(
                    seed=pl.lit(seed),
                    split=pl.lit(regime),
                    planted=pl.when(pl.col("rel_period") == 0).then(planted).otherwise(0.0),
                )
            )
    return pl.concat(fits)
