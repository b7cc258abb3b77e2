"""The loop both event-study assets run (event_study, trade_event_study): fit each outcome on its rows,
leave out a fit whose outcome does not vary there, plot every fit, and stack the coefficients in one table."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from pipeline.lib.estimation.event_study import coefficient_plot_png


class NothingToEstimateError(ValueError):
    """Every fit asked for has an outcome that does not vary in its rows."""


@dataclass(frozen=True)
class Fit:
    """One estimation: `estimate(rows, outcome)` returns its coefficients (event_study.COEFFICIENT_COLUMNS)."""

    name: str  # unique among the fits of a run: names the fit's plot
    title: str  # the plot's title, and how the log names the fit
    rows: pl.DataFrame
    outcome: str
    estimate: Callable[[pl.DataFrame, str], pl.DataFrame]
    columns: Mapping[str, str] = field(default_factory=dict)  # constant columns put first (trade: its split)


@dataclass(frozen=True)
class Fitted:
    coefficients: pl.DataFrame  # every fit's, in the order of the fits
    plots: dict[str, tuple[str, bytes]]  # fit name -> (title, PNG)
    skipped: list[Fit]  # fits whose outcome does not vary in their rows


def missing_outcomes(panel: pl.DataFrame, outcomes: Iterable[str]) -> list[str]:
    """The outcomes asked for that are not columns of the panel."""
    return [o for o in outcomes if o not in panel.columns]


def fit_all(fits: Iterable[Fit], log: logging.Logger | logging.LoggerAdapter) -> Fitted:
    """Run every fit (see the module's docstring); NothingToEstimateError when none has an outcome that varies."""
    tables, plots, skipped = [], {}, []
    for fit in fits:
        if fit.rows.height == 0 or fit.rows[fit.outcome].n_unique() <= 1:
            log.warning(f"{fit.title}: {fit.outcome} does not vary, not estimated")
            skipped.append(fit)
            continue
        coefficients = fit.estimate(fit.rows, fit.outcome)
        if fit.columns:
            coefficients = coefficients.select(*(pl.lit(v).alias(k) for k, v in fit.columns.items()), pl.all())
        plots[fit.name] = (fit.title, coefficient_plot_png(coefficients, fit.title))
        log.info(f"{fit.title}: n_obs {coefficients['n_obs'][0]}")
        tables.append(coefficients)
    if not tables:
        raise NothingToEstimateError("nothing to estimate: the outcome of every fit asked for is constant in its rows")
    return Fitted(pl.concat(tables), plots, skipped)
