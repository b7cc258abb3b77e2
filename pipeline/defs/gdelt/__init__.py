import dagster as dg

from pipeline.defs.gdelt.assets import gdelt_ingest, unrest
from pipeline.defs.gdelt.schedules import (
                      gdelt_daily_refresh,
                      gdelt_lastupdate_sensor,
                      gdelt_refresh_job,
)

defs = dg.Definitions(assets=[gdelt_ingest, unrest], jobs=[gdelt_refresh_job], schedules=[gdelt_daily_refresh],
                      sensors=[gdelt_lastupdate_sensor])
