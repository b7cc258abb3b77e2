"""The one Dagster entry point: every domain's definitions, bound to resources from the environment.

Loading it fills the environment from the settings file and the defaults (pipeline/lib/settings.py), never
over a variable the shell already set.
"""

import dagster as dg

from pipeline.lib import settings

settings.load()

from pipeline.defs import automation, demo, estimates, gdelt, geo, panels, procurement, runs, trade  # noqa: E402
from pipeline.defs.resources import RESOURCES  # noqa: E402

defs = dg.Definitions.merge(
    gdelt.defs, geo.defs, procurement.defs, panels.defs, estimates.defs, trade.defs, demo.defs, automation.defs,
    runs.defs,
    dg.Definitions(resources=RESOURCES),
)
