import dagster as dg

from pipeline.defs.gdelt.assets import every_event_screened, files_verified, gdelt_ingest, row_accounting, unrest
from pipeline.defs.gdelt.schedules import (
    gdelt_daily_refresh,
    gdelt_lastupdate_sensor,
    gdelt_refresh_job,
)

defs = dg.Definitions(
    assets=[gdelt_ingest, unrest],
    asset_checks=[row_accounting, files_verified, every_event_screened],
    jobs=[gdelt_refresh_job],
    schedules=[gdelt_daily_refresh],
    sensors=[gdelt_lastupdate_sensor],
)
