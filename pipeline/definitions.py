"""The one Dagster entry point: every domain's definitions, bound to resources from the environment.

Each package or module of pipeline/defs/ is one domain and holds its Definitions as `defs` (assets, their
checks, schedules, sensors), as dagster-open-platform's domains do; this module merges them and binds the
resources once. The list is written out, not discovered: it is where a reader sees every domain, and
tests/test_definitions.py fails when a domain's `defs` is missing from it.

Loading it fills the environment from the settings file and the defaults (pipeline/lib/settings.py), never
over a variable the shell already set.
"""

import dagster as dg

from pipeline.lib import settings

settings.load()

from pipeline.defs import (  # noqa: E402
    automation,
    demo,
    estimates,
    gdelt,
    geo,
    maintenance,
    panels,
    procurement,
    runs,
    trade,
)
from pipeline.defs.resources import RESOURCES  # noqa: E402

defs = dg.Definitions.merge(
    gdelt.defs,
    geo.defs,
    procurement.defs,
    panels.defs,
    estimates.defs,
    trade.defs,
    demo.defs,
    maintenance.defs,
    automation.defs,
    runs.defs,
    dg.Definitions(resources=RESOURCES),
)
