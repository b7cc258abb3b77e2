"""The one Dagster entry point: every domain's definitions, bound to resources from the environment."""

import dagster as dg

from pipeline.defs import demo, estimates, gdelt, geo, panels, procurement, runs, trade
from pipeline.defs.resources import RESOURCES

defs = dg.Definitions.merge(
    gdelt.defs, geo.defs, procurement.defs, panels.defs, estimates.defs, trade.defs, demo.defs, runs.defs,
    dg.Definitions(resources=RESOURCES),
)
