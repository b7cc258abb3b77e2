"""The daily refresh: re-ingest the month in progress, so that new 15-minute files land."""


import dagster as dg

from pipeline.defs.gdelt.partitions import GDELT_MONTHS

gdelt_refresh_job = dg.define_asset_job(
    "gdelt_refresh_job",
    selection=dg.AssetSelection.assets("gdelt_files", "gdelt_events", "gdelt_rejects"),
    partitions_def=GDELT_MONTHS,
    description="Ingest one month of GDELT 2.0 exports.",
)


@dg.schedule(
    job=gdelt_refresh_job,
    cron_schedule="30 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,  # it reads GDELT's server: a user turns it on deliberately
    description="Every day at 06:30 UTC, re-ingest the month that contains the tick (the newest partition).",
)
def gdelt_daily_refresh(context: dg.ScheduleEvaluationContext):
    key = GDELT_MONTHS.get_partition_key_for_timestamp(context.scheduled_execution_time.timestamp())
    return dg.RunRequest(run_key=f"gdelt-refresh-{context.scheduled_execution_time:%Y-%m-%d}", partition_key=key)
