"""Resources: where the warehouse and the sources are, set from the environment (see .env)."""


from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.lib import warehouse
from pipeline.lib.gdelt.source import GDELT_V1_BASE_URL, Mirror, RetryPolicy


class GdeltMirrorResource(dg.ConfigurableResource):
    """Where GDELT files come from: GDELT's servers, HTTP mirrors, or local directories; and the download cache."""

    base_url: str  # GDELT 2.0 (masterfilelist.txt and 15-minute exports)
    v1_base_url: str = GDELT_V1_BASE_URL  # GDELT 1.0 (md5sums, filesizes, daily/monthly/yearly files)
    cache_dir: str = "data/cache/gdelt"
    attempts: int = 4
    backoff_seconds: float = 1.0
    timeout_seconds: float = 60.0

    def _retry(self) -> RetryPolicy:
        return RetryPolicy(self.attempts, self.backoff_seconds, self.timeout_seconds)

    def mirror(self) -> Mirror:
        return Mirror(self.base_url, Path(self.cache_dir) / "v2", self._retry())

    def v1_mirror(self) -> Mirror:
        return Mirror(self.v1_base_url, Path(self.cache_dir) / "v1", self._retry())


class ContractsFileResource(dg.ConfigurableResource):
    """A contracts file in the normalised format (see README, 'contracts file format')."""

    path: str


class DemoWorldResource(dg.ConfigurableResource):
    """The directory the demo world is written to."""

    directory: str


# Every asset that writes the DuckDB file runs in this pool; dagster.yaml limits it to one at a time,
# because DuckDB allows a single writing process.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_dir(warehouse: DuckDBResource) -> Path:
    return Path(warehouse.database).resolve().parent


RESOURCES = {
    "warehouse": DuckDBResource(database=dg.EnvVar("WAREHOUSE_PATH"), connection_config=warehouse.SETTINGS),
    "gdelt": GdeltMirrorResource(base_url=dg.EnvVar("GDELT_BASE_URL")),
    "contracts_file": ContractsFileResource(path=dg.EnvVar("CONTRACTS_PATH")),
    "demo_world": DemoWorldResource(directory=dg.EnvVar("DEMO_DIR")),
}
