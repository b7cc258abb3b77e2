"""Resources: where the warehouse and the sources are, set from the environment (see .env)."""


from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.lib.gdelt.source import Mirror


class GdeltMirrorResource(dg.ConfigurableResource):
    """A GDELT 2.0 base URL: GDELT's server, an HTTP mirror, or a local directory."""

    base_url: str
    timeout_seconds: float = 60.0

    def mirror(self) -> Mirror:
        return Mirror(self.base_url, self.timeout_seconds)


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
    "warehouse": DuckDBResource(database=dg.EnvVar("WAREHOUSE_PATH")),
    "gdelt": GdeltMirrorResource(base_url=dg.EnvVar("GDELT_BASE_URL")),
    "contracts_file": ContractsFileResource(path=dg.EnvVar("CONTRACTS_PATH")),
    "demo_world": DemoWorldResource(directory=dg.EnvVar("DEMO_DIR")),
}
