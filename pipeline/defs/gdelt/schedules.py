"""Keeping GDELT current: a daily schedule, and a sensor that follows GDELT's lastupdate.txt."""

from datetime import datetime, timedelta

import dagster as dg

from pipeline.defs.gdelt.partitions import GDELT_MONTHS
from pipeline.defs.resources import GdeltMirrorResource

gdelt_refresh_job = dg.define_asset_job(
    "gdelt_refresh_job",
    selection=dg.AssetSelection.assets("gdelt_files", "gdelt_events", "gdelt_rejects"),
    partitions_def=GDELT_MONTHS,
    description="Ingest one month of GDELT 2.0 exports.",
)


# Each tick refreshes every month with a day in the LOOKBACK_DAYS before it: the first tick of a month still
# finishes the month before (GDELT's last exports of a day arrive after midnight), and up to two missed ticks
# are made good by the next. A month whose files have not changed is skipped by the ingest, so asking again
# costs a file-list read.
LOOKBACK_DAYS = 3


def months_to_refresh(tick: datetime) -> list[str]:
    days = [(tick - timedelta(days=n)).date() for n in range(LOOKBACK_DAYS, -1, -1)]
    return sorted({day.replace(day=1).isoformat() for day in days})


@dg.schedule(
    job=gdelt_refresh_job,
    cron_schedule="30 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,  # it reads GDELT's server: a user turns it on deliberately
    description="Every day at 06:30 UTC, re-ingest each month with a day in the 3 days before the tick (so the "
    "first tick of a month finishes the previous one, and two missed ticks are made good). Months "
    "whose files have not changed are skipped.",
)
def gdelt_daily_refresh(context: dg.ScheduleEvaluationContext):
    tick = context.scheduled_execution_time
    return [
        dg.RunRequest(run_key=f"gdelt-refresh-{tick:%Y-%m-%d}-{key}", partition_key=key)
        for key in months_to_refresh(tick)
    ]


IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def run_in_flight(instance: dg.DagsterInstance, partition_key: str) -> dg.DagsterRun | None:
    """A gdelt_refresh_job run of the month that is queued or running, if any."""
    runs = instance.get_runs(
        dg.RunsFilter(job_name=gdelt_refresh_job.name, statuses=IN_FLIGHT, tags={"dagster/partition": partition_key}),
        limit=1,
    )
    return runs[0] if runs else None


@dg.sensor(
    job=gdelt_refresh_job,
    minimum_interval_seconds=15 * 60,
    default_status=dg.DefaultSensorStatus.STOPPED,  # it reads GDELT's server: a user turns it on deliberately
    description="Every 15 minutes, read lastupdate.txt; when it names an export not yet seen, re-ingest that "
    "export's month. No new file, no run; while a run of that month is queued or running, no new "
    "one either: the exports that arrive meanwhile are read together by the next.",
)
def gdelt_lastupdate_sensor(context: dg.SensorEvaluationContext, gdelt: GdeltMirrorResource):
    newest = [f for f in gdelt.mirror().read_v2_list("lastupdate.txt").files if f.layout == "v2-61"]
    if not newest:
        return dg.SkipReason("lastupdate.txt names no events export")
    latest = max(newest, key=lambda f: f.name)
    if context.cursor and latest.name <= context.cursor:
        return dg.SkipReason(f"no export newer than {context.cursor}")
    partition_key = latest.first_day.replace(day=1).isoformat()
    in_flight = run_in_flight(context.instance, partition_key)
    if in_flight:
        # The cursor stays where it is, so the next tick after this run asks again, for everything new since.
        return dg.SkipReason(
            f"run {in_flight.run_id} of {partition_key} is {in_flight.status.value}: "
            f"{latest.name} waits for the next run"
        )
    context.update_cursor(latest.name)
    return dg.RunRequest(run_key=latest.name, partition_key=partition_key)
