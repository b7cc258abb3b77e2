"""AI-tocracy's distributed-lag event study, estimated with pyfixest.

outcome[r, t] = sum_k beta_k * unrest_z[r, t - k] + region FE + period FE + e,  k in leads..lags,
errors clustered by region. Event time k is the period of the outcome minus the period of the
unrest: k = 1 is unrest one period before the outcome (the period after unrest), k = -2 is unrest
two periods after the outcome (a pre-trend term).
"""

from __future__ import annotations

import io

import polars as pl
import pyfixest as pf

SPEC_NAME = "aitocracy_distributed_lag"
COEFFICIENT_COLUMNS = [
    "spec",
    "outcome",
    "term",
    "rel_period",
    "estimate",
    "std_error",
    "t_stat",
    "p_value",
    "ci_low",
    "ci_high",
    "n_obs",
    "n_clusters",
]


def _term(k: int) -> str:
    return f"unrest_z_lag{k}" if k >= 0 else f"unrest_z_lead{-k}"


def with_event_time_terms(panel: pl.DataFrame, rel_periods: range) -> pl.DataFrame:
    """Add one column per k: unrest_z shifted so that row t holds unrest_z at t - k (null past the panel's edges)."""
    ordered = panel.sort("region_id", "period_start")
    return ordered.with_columns(pl.col("unrest_z").shift(k).over("region_id").alias(_term(k)) for k in rel_periods)


def fit_event_study(panel: pl.DataFrame, outcome: str, rel_periods: range = range(-2, 4)) -> pl.DataFrame:
    """Coefficients of `outcome` on standardised unrest at each k in rel_periods, one row per k."""
    design = with_event_time_terms(panel, rel_periods).drop_nulls([_term(k) for k in rel_periods])
    terms = [_term(k) for k in rel_periods]
    data = design.select("region_id", pl.col("period_start").cast(pl.String), outcome, *terms).to_pandas()
    # Period fixed effects enter as dummies and only region is absorbed: with two absorbed effects,
    # pyfixest's alternating projections visit them in an order that varies with Python's hash seed,
    # which changes the last bits of every estimate from one process to the next. Estimates and
    # clustered errors are the same as with both absorbed (Frisch-Waugh-Lovell; same degrees of freedom).
    fit = pf.feols(
        f"{outcome} ~ {' + '.join(terms)} + C(period_start) | region_id", data=data, vcov={"CRV1": "region_id"}
    )
    tidy = pl.from_pandas(fit.tidy().reset_index()).filter(pl.col("Coefficient").is_in(terms))
    rel_of = {_term(k): k for k in rel_periods}
    return (
        tidy.rename(
            {
                "Coefficient": "term",
                "Estimate": "estimate",
                "Std. Error": "std_error",
                "t value": "t_stat",
                "Pr(>|t|)": "p_value",
                "2.5%": "ci_low",
                "97.5%": "ci_high",
            }
        )
        .with_columns(
            spec=pl.lit(SPEC_NAME),
            outcome=pl.lit(outcome),
            rel_period=pl.col("term").replace_strict(rel_of, return_dtype=pl.Int64),
            n_obs=pl.lit(int(fit._N), pl.Int64),
            n_clusters=pl.lit(design["region_id"].n_unique(), pl.Int64),
        )
        .select(COEFFICIENT_COLUMNS)
        .sort("rel_period")
    )


def coefficient_plot_png(coefficients: pl.DataFrame, title: str) -> bytes:
    """A PNG of estimates with 95% CI bars against event time, with a zero line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    k = coefficients["rel_period"].to_list()
    est = coefficients["estimate"].to_numpy()
    low = est - coefficients["ci_low"].to_numpy()
    high = coefficients["ci_high"].to_numpy() - est
    ax.axhline(0, color="grey", linewidth=1)
    ax.axvline(0.5, color="grey", linewidth=1, linestyle=":")
    ax.errorbar(k, est, yerr=[low, high], fmt="o", capsize=4, color="#1f4e79")
    ax.set_xticks(k)
    ax.set_xlabel("k = outcome period minus unrest period")
    ax.set_ylabel("effect of 1 SD of unrest")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    # Without the Software entry, the PNG's bytes depend only on the figure.
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
