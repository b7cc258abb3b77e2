"""pyfixest's absorbed fixed effects swept out in one order in every process.

pyfixest (0.60) collects a formula's fixed effects in a set of their names (`_encode_fixed_effects` in
pyfixest/estimation/formula/utils.py), so with two of them the order in which its alternating projections visit
them follows Python's hash seed, and the 13th significant digit of an estimate moves from one process to the next:
enough to change a stored value now and then (tests/test_demo_pipeline.py runs the demo under another hash seed and
compares every table). fit_event_study avoids it by giving period effects as dummies; pyfixest's event_study and
did2s build their formulas themselves, so here the encoded fixed effects are put in sorted order instead.
Importing this module applies it, once (pipeline/lib/estimation/staggered.py imports it).
"""

from __future__ import annotations

from pyfixest.estimation.formula import model_matrix

_encode_in_set_order = model_matrix._encode_fixed_effects


def _encode_in_sorted_order(fixed_effects: str, data):
    terms = _encode_in_set_order(fixed_effects, data).removesuffix(" - 1").split(" + ")
    return " + ".join(sorted(terms)) + " - 1"


if model_matrix._encode_fixed_effects is _encode_in_set_order:  # not yet applied (a module reload would re-wrap)
    model_matrix._encode_fixed_effects = _encode_in_sorted_order
