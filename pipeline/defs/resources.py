"""Resources: where the warehouse and the sources are, set from the environment (pipeline/lib/settings.py)."""

import logging
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.lib import settings, warehouse
from pipeline.lib.dead_runs import run_started_by_this_process
from pipeline.lib.gdelt.bigquery import V1_TABLE, V2_TABLE, BigQuerySettings, Tables, make_client, storage_api_installed
from pipeline.lib.gdelt.source import GDELT_V1_BASE_URL, Mirror, RetryPolicy
from pipeline.lib.pool_waits import reporting_pool_waits


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse the assets write. Only one process can hold it open to write, so every writer waits
    its turn for the file's lock (up to lock_timeout_seconds, logging who holds it), and after every step that
    succeeds the warehouse is published as a read-only copy beside it (warehouse.published.duckdb), which
    notebooks and the DuckDB CLI open without ever blocking or breaking a run."""

    lock_timeout_seconds: int = Field(
        1800,
        description="How long a writer waits for the warehouse file's lock "
        "before it fails (WAREHOUSE_LOCK_TIMEOUT_SECONDS)",
    )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Every run (every step, under the multiprocess executor) names its files before it reads any.
        context.log.info(settings.describe(in_use={"WAREHOUSE_PATH": self.database}))

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        # Executed in process (dg.materialize, as the demo does), a run sets its resources up before its steps claim
        # their pool slots, so this resource reports the run's waits for them. The multiprocess executor sets
        # resources up in each step's process once the slot is claimed, and reports the waits itself
        # (pipeline/defs/runs.py).
        in_process = context.run is not None and run_started_by_this_process(context.instance, context.run.run_id)
        with (
            reporting_pool_waits(context.instance, context.run.run_id, context.log) if in_process else nullcontext(),
            super().yield_for_execution(context) as resource,
        ):
            yield resource

    @contextmanager
    def get_connection(self):
        con = self._connect_when_free()
        try:
            yield con
            warehouse.publish(con, self.database)
        finally:
            con.close()

    def _connect_when_free(self):
        log = logging.getLogger("pipeline.warehouse")
        deadline, wait, last_said = time.monotonic() + self.lock_timeout_seconds, 0.05, 0.0
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        while True:
            try:
                return duckdb.connect(self.database, config=self.connection_config)
            except duckdb.IOException as err:
                if "lock" not in str(err).lower() or time.monotonic() > deadline:
                    raise
                if time.monotonic() - last_said > 10:
                    log.info(f"waiting for the warehouse lock: {str(err).splitlines()[0]}")
                    last_said = time.monotonic()
                time.sleep(wait)
                wait = min(wait * 2, 2.0)


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


# Every asset that writes the DuckDB file runs in this pool; dagster.yaml limits it to one at a time,
# because DuckDB allows a single writing process.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_dir(warehouse: DuckDBResource) -> Path:
    return Path(warehouse.database).resolve().parent


RESOURCES = {
    "warehouse": WarehouseResource(
        database=dg.EnvVar("WAREHOUSE_PATH"),
        connection_config=warehouse.SETTINGS,
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
