"""Declarative automation: the assets downstream of GDELT and the contracts catch up when their inputs change.

Not AutomationCondition.eager(): eager also materialises an asset that is merely missing, and waits until no
partition of a dependency is missing, which for the GDELT months (1979 on, most never ingested) is never.
This condition reacts to updates only: a month lands, and unrest, windows, panels and estimates follow, in
one run per tick, after the upstream run is done.
"""

import os

import dagster as dg

# Seconds between the sensor's ticks; the daemon's test shortens them, which is all it would otherwise wait for.
MINIMUM_INTERVAL_VARIABLE = "DOWNSTREAM_REFRESH_MINIMUM_INTERVAL_SECONDS"

REFRESH_WHEN_UPSTREAM_UPDATES = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("refresh when an upstream asset updates")

downstream_refresh = dg.AutomationConditionSensorDefinition(
    "downstream_refresh",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.STOPPED,  # a user turns refreshes on deliberately (docs/operations.md)
    # Dagster's default: a tick reads the instance's records, nothing remote (docs/operations.md names the variable).
    minimum_interval_seconds=int(os.environ.get(MINIMUM_INTERVAL_VARIABLE, "30")),
    description="Materialises the assets downstream of an updated one (after a GDELT month or the contracts "
    "land): unrest, event windows, panels and estimates. Their run config is the default, which "
    "keeps the warehouse's recorded scope and unrest presets.",
)

defs = dg.Definitions(sensors=[downstream_refresh])
