"""The demo world's data-generating process, shared by the demo world and the estimator's simulation check.

unrest(r, q) ~ Poisson(propensity(r) * shock(q)), propensity ~ Gamma(2, 0.6), shock ~ U(0.6, 1.4);
unrest_z = unrest standardised over all region-quarters (as the pipeline's panel does);
E[ps_ai_contracts(r, q)] = base(r) + season(q) + effect * unrest_z(r, q - 1), base ~ U(2, 4), season ~ U(-0.5, 0.5).
"""

from __future__ import annotations

import numpy as np


def unrest_counts(rng: np.random.Generator, regions: int, quarters: int) -> np.ndarray:
    propensity = rng.gamma(2.0, 0.6, size=regions)
    shock = rng.uniform(0.6, 1.4, size=quarters)
    return rng.poisson(np.outer(propensity, shock))


def standardise(counts: np.ndarray) -> np.ndarray:
    return (counts - counts.mean()) / counts.std(ddof=1)


def ps_ai_means(rng: np.random.Generator, z: np.ndarray, effect: float) -> np.ndarray:
    """Expected public-security AI contracts per region-quarter; the first quarter has no lagged unrest."""
    regions, quarters = z.shape
    base = rng.uniform(2.0, 4.0, size=regions)
    season = rng.uniform(-0.5, 0.5, size=quarters)
    lagged = np.column_stack([np.zeros(regions), z[:, :-1]])
    means = base[:, None] + season[None, :] + effect * lagged
    if (means <= 0).any():
        raise ValueError("planted means must be positive; lower the effect")
    return means


def country_unrest_counts(rng: np.random.Generator, countries: int, years: int) -> np.ndarray:
    """Unrest events per country-year: Poisson(propensity(c) * shock(y)), propensity ~ Gamma(2, 3)."""
    propensity = rng.gamma(2.0, 3.0, size=countries)
    shock = rng.uniform(0.6, 1.4, size=years)
    return rng.poisson(np.outer(propensity, shock))


def import_means(rng: np.random.Generator, z: np.ndarray, responds: np.ndarray, effect: float) -> np.ndarray:
    """Expected AI imports from China per country-year: base(c) + effect * unrest_z(c, y) in the countries that
    respond (low Polity) and base(c) elsewhere; base ~ U(1.5, 3). The jump is in the unrest year only."""
    base = rng.uniform(1.5, 3.0, size=z.shape[0])
    means = base[:, None] + effect * z * responds[:, None]
    return np.clip(means, 0.05, None)
