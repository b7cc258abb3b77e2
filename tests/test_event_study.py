"""The event-time convention and the estimator on panels with a known, noise-free answer."""

import json
import logging
import os
from datetime import date

import numpy as np
import polars as pl
import pytest

from pipeline.lib.estimation.event_study import (
    coefficient_plot_png,
    fit_event_study,
    with_event_time_terms,
)
from pipeline.lib.estimation.fits import Fit, NothingToEstimateError, fit_all


def _panel(outcome_of) -> pl.DataFrame:
    """10 regions x 12 quarters, unrest_z random; outcome = region FE + period FE + outcome_of(z series, t) + noise."""
    rng = np.random.default_rng(7)
    rows = []
    for r in range(10):
        z = rng.normal(size=12)
        for t in range(12):
            y = r * 0.5 + t * 0.1 + outcome_of(z, t) + rng.normal(scale=0.01)
            rows.append(
                {
                    "region_id": f"R{r}",
                    "period_start": date(2018 + t // 4, 1 + 3 * (t % 4), 1),
                    "unrest_z": z[t],
                    "y": y,
                }
            )
    return pl.DataFrame(rows)


def test_lag_terms_hold_earlier_unrest():
    panel = _panel(lambda z, t: 0.0)
    terms = with_event_time_terms(panel, range(-1, 2)).filter(pl.col("region_id") == "R0")
    z = terms["unrest_z"].to_list()
    assert terms["unrest_z_lag1"].to_list()[1:] == z[:-1]  # k = 1: unrest one period before the outcome
    assert terms["unrest_z_lead1"].to_list()[:-1] == z[1:]  # k = -1: unrest one period after
    assert terms["unrest_z_lag1"][0] is None and terms["unrest_z_lead1"][-1] is None


@pytest.mark.parametrize("k, effect", [(1, 2.0), (-1, -1.5), (3, 0.7)])
def test_effect_lands_on_its_event_time(k, effect):
    panel = _panel(lambda z, t: effect * z[t - k] if 0 <= t - k < 12 else 0.0)
    coefficients = fit_event_study(panel, "y", range(-2, 4))
    estimates = dict(zip(coefficients["rel_period"], coefficients["estimate"], strict=True))
    assert estimates[k] == pytest.approx(effect, abs=0.02)
    assert all(abs(v) < 0.02 for kk, v in estimates.items() if kk != k)
    assert coefficients["n_clusters"].unique().to_list() == [10]
    assert coefficients["n_obs"][0] == 10 * (12 - 2 - 3)  # leads and lags past the panel's edges drop rows
    assert (coefficients["ci_low"] < coefficients["estimate"]).all() and (
        coefficients["estimate"] < coefficients["ci_high"]
    ).all()


def test_plot_is_a_png_and_reproducible():
    coefficients = fit_event_study(_panel(lambda z, t: 0.0), "y", range(-2, 4))
    first, second = coefficient_plot_png(coefficients, "t"), coefficient_plot_png(coefficients, "t")
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == second


def test_the_fitting_loop_fits_what_varies_and_leaves_out_what_does_not(caplog):
    panel = _panel(lambda z, t: 2.0 * z[t]).with_columns(flat=pl.lit(1.0))
    rel_periods = range(-1, 2)

    def estimate(rows, outcome):
        return fit_event_study(rows, outcome, rel_periods)

    fitted = fit_all(
        [
            Fit("all_y", "y, all", panel, "y", estimate, {"split": "all"}),
            Fit("all_flat", "flat, all", panel, "flat", estimate, {"split": "all"}),
            Fit("none_y", "y, none", panel.clear(), "y", estimate, {"split": "none"}),
        ],
        logging.getLogger("test"),
    )
    assert fitted.coefficients.columns[0] == "split" and fitted.coefficients["split"].unique().to_list() == ["all"]
    assert fitted.coefficients["rel_period"].to_list() == [-1, 0, 1]
    assert list(fitted.plots) == ["all_y"] and fitted.plots["all_y"][1][:4] == b"\x89PNG"
    assert [fit.name for fit in fitted.skipped] == ["all_flat", "none_y"]
    assert "flat, all: flat does not vary, not estimated" in caplog.text
    with pytest.raises(NothingToEstimateError):
        fit_all(fitted.skipped, logging.getLogger("test"))


# A staggered panel in a script, so that it can be fitted under several hash seeds: 60 regions x 24 quarters,
# two in three first in high unrest in a quarter drawn at random, the outcome one higher from then on, plus noise.
_STAGGERED_FITS = """
import datetime, json, numpy as np, polars as pl
from pipeline.lib.estimation import staggered
rng = np.random.default_rng(1)
rows = []
for r in range(60):
    first = int(rng.integers(3, 20)) if r % 3 else 99
    for q in range(24):
        rows.append({"region_id": f"R{r:03d}", "period_start": datetime.date(2014 + q // 4, 1 + 3 * (q % 4), 1),
                     "high_unrest": q >= first, "y": float(rng.normal() + (q >= first))})
panel = pl.DataFrame(rows)
staggered.SIGNIFICANT_DIGITS = 17  # every digit, so that a difference in the last bits shows
print(json.dumps([fit(panel, "y")["estimate"].to_list() for fit in (staggered.fit_sun_abraham, staggered.fit_did2s)]))
"""


def test_staggered_estimates_are_the_same_under_every_hash_seed():
    # Without pipeline/lib/estimation/fixed_effect_order.py, seeds 1 and 2 give Sun-Abraham estimates that differ
    # in their 13th digit (pyfixest sweeps out the two fixed effects in hash-seed order).
    import subprocess
    import sys

    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _STAGGERED_FITS], env={**os.environ, "PYTHONHASHSEED": seed}, stdout=subprocess.PIPE
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs[0] == outputs[1] and len(json.loads(outputs[0])[0]) == 5  # k = -2..3 but -1
