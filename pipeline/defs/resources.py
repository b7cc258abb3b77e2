"""Resources: where the warehouse and the sources are, set from the environment (pipeline/lib/settings.py)."""

import fcntl
import logging
import os
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import dagster as dg
from pydantic import Field

from pipeline.lib import settings, warehouse
from pipeline.lib.dead_runs import run_started_by_this_process
from pipeline.lib.gdelt.bigquery import V1_TABLE, V2_TABLE, BigQuerySettings, Tables, make_client, storage_api_installed
from pipeline.lib.gdelt.source import GDELT_V1_BASE_URL, Mirror, RetryPolicy
from pipeline.lib.pool_waits import reporting_pool_waits


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse the assets write: a DuckLake (pipeline/lib/warehouse.py). Readers (the checks, `python3 dev.py
    sql`, notebooks) read its last committed snapshot whatever a writer is doing. Writers on this machine take
    turns through a lock file in the warehouse's directory (up to lock_timeout_seconds, logging who holds it): the
    SQLite catalog commits one writer at a time, and a step's write is one or a few snapshots."""

    path: str = Field(description="The warehouse's directory: its catalog, Parquet data, exports and figures")
    catalog: str = Field("", description="Empty: <path>/catalog.sqlite; or postgres:<libpq connection string>")
    data_path: str = Field("", description="Empty: <path>/data/; or another directory or object-store URL")
    lock_timeout_seconds: int = Field(
        1800,
        description="How long a writer waits for another writer before it fails (WAREHOUSE_LOCK_TIMEOUT_SECONDS)",
    )

    def location(self) -> warehouse.Location:
        return warehouse.Location(Path(self.path), self.catalog, self.data_path)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Every run (every step, under the multiprocess executor) names its files before it reads any.
        context.log.info(settings.describe(in_use={"WAREHOUSE_PATH": self.path}))

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        # Executed in process (dg.materialize, as the demo does), a run sets its resources up before its steps claim
        # their pool slots, so this resource reports the run's waits for them. The multiprocess executor sets
        # resources up in each step's process once the slot is claimed, and reports the waits itself
        # (pipeline/defs/runs.py).
        in_process = context.run is not None and run_started_by_this_process(context.instance, context.run.run_id)
        self.setup_for_execution(context)
        with reporting_pool_waits(context.instance, context.run.run_id, context.log) if in_process else nullcontext():
            yield self

    @contextmanager
    def get_connection(self):
        """A connection that writes: held alone among this machine's writers until the block ends."""
        location = self.location()
        with writer_lock(location.home / ".writer.lock", self.lock_timeout_seconds):
            con = warehouse.connect(location)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def get_reader(self):
        """A read-only connection on the last committed snapshot; it never waits for a writer."""
        con = warehouse.connect(self.location(), read_only=True)
        try:
            yield con
        finally:
            con.close()


@contextmanager
def writer_lock(path: Path, timeout_seconds: float):
    """An exclusive lock on `path` (flock: the kernel frees it when its holder dies, kill -9 included), waited for
    up to timeout_seconds, saying every 10 s which process holds it."""
    log = logging.getLogger("pipeline.warehouse")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        deadline, wait, last_said = time.monotonic() + timeout_seconds, 0.05, time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the warehouse at {path.parent} was held by {holder} for more than {timeout_seconds:g} s; "
                        f"wait for it to finish, or raise WAREHOUSE_LOCK_TIMEOUT_SECONDS"
                    ) from None
                if time.monotonic() - last_said > 10:
                    log.info(f"waiting for the warehouse: it is being written by {holder}")
                    last_said = time.monotonic()
                time.sleep(wait)
                wait = min(wait * 2, 2.0)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


class GdeltMirrorResource(dg.ConfigurableResource):
    """Where GDELT files come from: GDELT's servers, HTTP mirrors, or local directories; and the download cache."""

    base_url: str = Field(description="GDELT 2.0: masterfilelist.txt and the 15-minute exports (a URL or a directory)")
    v1_base_url: str = Field(
        GDELT_V1_BASE_URL,
        description="GDELT 1.0: md5sums, filesizes, the daily, monthly and yearly files (a URL or a directory)",
    )
    cache_dir: str = Field("data/cache/gdelt", description="Where downloaded files are kept")
    attempts: int = Field(4, description="Tries per download before it fails")
    backoff_seconds: float = Field(1.0, description="The wait after a failed try, doubled after each (with jitter)")
    timeout_seconds: int = Field(60, description="The HTTP timeout of a try, in seconds")

    def _retry(self) -> RetryPolicy:
        return RetryPolicy(self.attempts, self.backoff_seconds, self.timeout_seconds)

    def mirror(self) -> Mirror:
        return Mirror(self.base_url, Path(self.cache_dir) / "v2", self._retry())

    def v1_mirror(self) -> Mirror:
        return Mirror(self.v1_base_url, Path(self.cache_dir) / "v1", self._retry())


class GdeltBigQueryResource(dg.ConfigurableResource):
    """GDELT's public tables on BigQuery. Credentials come from GOOGLE_APPLICATION_CREDENTIALS (a service-account
    key file) or application default credentials (`gcloud auth application-default login`); they are never
    part of this configuration."""

    project: str = Field(
        "", description="The project billed for the queries; empty: the credentials' project or GOOGLE_CLOUD_PROJECT"
    )
    maximum_bytes_billed: int = Field(
        50_000_000_000, description="Per query; a larger query is refused after its dry run"
    )
    reporting_lag_days: int = Field(
        3, description="Partitions read after a month's last day, for events GDELT loaded late"
    )
    all_columns: bool = Field(False, description="All 61 columns, not just those the unrest SQL reads")
    v2_table: str = Field(V2_TABLE, description="The GDELT 2.0 events table")
    v1_table: str = Field(V1_TABLE, description="The GDELT 1.0 events table")
    api_endpoint: str = Field("", description="Empty: Google's; another URL for a local stand-in")

    def client(self):
        return make_client(self.project or None, self.api_endpoint or None)

    def settings(self) -> BigQuerySettings:
        return BigQuerySettings(
            maximum_bytes_billed=self.maximum_bytes_billed,
            reporting_lag_days=self.reporting_lag_days,
            tables=Tables(v2=self.v2_table, v1=self.v1_table),
            all_columns=self.all_columns,
            use_storage_api=not self.api_endpoint and storage_api_installed(),
        )


class ContractsFileResource(dg.ConfigurableResource):
    """CONTRACTS_PATH: a contracts file or directory, or a sources file (.toml) listing several (see
    docs/formats.md)."""

    path: str = Field(description="A contracts file or directory, or a sources file (.toml) listing several")


class TradeDataResource(dg.ConfigurableResource):
    """The files of the trade design: AI export deals, and covariates (Polity scores, cameras ...). Empty: none."""

    trade_deals_path: str = Field("", description="The AI export deals (CSV); empty: none")
    covariates_path: str = Field("", description="The covariates by region and year (CSV); empty: none")


class DemoWorldResource(dg.ConfigurableResource):
    """The directory the demo world is written to."""

    directory: str = Field(description="The directory the demo world is written to")


# Every asset that writes the warehouse runs in this pool; dagster.yaml limits it to one at a time: the SQLite
# catalog commits one writer at a time, and a queued step waits in Dagster's UI, visibly, not on the lock.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_dir(warehouse: WarehouseResource) -> Path:
    """Where exports and figures go: the warehouse's directory."""
    return Path(warehouse.path).resolve()


RESOURCES = {
    "warehouse": WarehouseResource(
        path=dg.EnvVar("WAREHOUSE_PATH"),
        catalog=dg.EnvVar("WAREHOUSE_CATALOG"),
        data_path=dg.EnvVar("WAREHOUSE_DATA_PATH"),
        lock_timeout_seconds=dg.EnvVar.int("WAREHOUSE_LOCK_TIMEOUT_SECONDS"),
    ),
    "gdelt": GdeltMirrorResource(
        base_url=dg.EnvVar("GDELT_BASE_URL"),
        v1_base_url=dg.EnvVar("GDELT_V1_BASE_URL"),
        cache_dir=dg.EnvVar("GDELT_CACHE_DIR"),
        attempts=dg.EnvVar.int("GDELT_HTTP_ATTEMPTS"),
        timeout_seconds=dg.EnvVar.int("GDELT_HTTP_TIMEOUT_SECONDS"),
    ),
    "gdelt_bigquery": GdeltBigQueryResource(
        project=dg.EnvVar("GDELT_BQ_PROJECT"),
        maximum_bytes_billed=dg.EnvVar.int("GDELT_BQ_MAXIMUM_BYTES_BILLED"),
        reporting_lag_days=dg.EnvVar.int("GDELT_BQ_REPORTING_LAG_DAYS"),
        api_endpoint=dg.EnvVar("GDELT_BQ_API_ENDPOINT"),
    ),
    "contracts_file": ContractsFileResource(path=dg.EnvVar("CONTRACTS_PATH")),
    "trade_data": TradeDataResource(
        trade_deals_path=dg.EnvVar("TRADE_DEALS_PATH"), covariates_path=dg.EnvVar("COVARIATES_PATH")
    ),
    "demo_world": DemoWorldResource(directory=dg.EnvVar("DEMO_DIR")),
}
