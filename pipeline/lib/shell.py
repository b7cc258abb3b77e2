"""`python3 dev.py sql`: the DuckDB shell with the warehouse attached read-only.

The shell is the `duckdb` command of the duckdb-cli wheel, the same DuckDB release as the library, so it reads
what the pipeline wrote. It attaches the lake (WAREHOUSE_PATH and WAREHOUSE_CATALOG, from the shell, then
pipeline.env, then the defaults) READ_ONLY, as `lake`, in use, with the panel macros defined: it reads the last
committed snapshot, never waits for a run, and a run never waits for it. Arguments go to the shell:
`python3 dev.py sql -c "from event_study"` answers one query and ends.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.lib import extensions, settings, sql, warehouse
from pipeline.lib.panels import MACROS


def location_from_settings() -> warehouse.Location:
    settings.load()
    return warehouse.Location(
        Path(os.environ["WAREHOUSE_PATH"]), os.environ["WAREHOUSE_CATALOG"], os.environ["WAREHOUSE_DATA_PATH"]
    )


def shell_command(args: list[str]) -> list[str]:
    location = location_from_settings()
    # Opened once here: a warehouse no run has written fails now, with what to do, and the extensions the shell
    # loads are installed.
    warehouse.connect(location, read_only=True).close()
    catalog = "sqlite_scanner" if location.sqlite_catalog else "postgres_scanner"
    setup = [
        f"SET extension_directory = '{extensions.DIRECTORY}'",
        "LOAD ducklake",
        f"LOAD {catalog}",
        location.attach_statement(read_only=True),
        f"USE {warehouse.LAKE}",
        *(sql.load(name) for name in MACROS),
    ]
    options = [part for statement in setup for part in ("-cmd", statement)]
    return [str(Path(sys.executable).with_name("duckdb")), *options, *args]


def main(args: list[str]) -> None:
    try:
        command = shell_command(args)
    except (warehouse.NoWarehouseError, settings.SettingsError, ValueError) as err:
        sys.exit(str(err))
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
