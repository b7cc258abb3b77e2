"""`python3 dev.py sql`: the DuckDB shell on the published warehouse, read-only.

The shell is the `duckdb` command of the duckdb-cli wheel, the same DuckDB release as the library, so it reads
what the pipeline wrote. It opens the published copy (warehouse.published_path of WAREHOUSE_PATH, from the shell,
then pipeline.env, then the default): a reader never blocks a run, and a run never blocks the reader. Arguments
go to the shell: `python3 dev.py sql -c "from event_study"` answers one query and ends.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.lib import settings, warehouse


class NoPublishedWarehouseError(RuntimeError):
    """No run has published the warehouse yet."""


def shell_command(args: list[str]) -> list[str]:
    settings.load()
    published = warehouse.published_path(os.environ["WAREHOUSE_PATH"])
    if not published.is_file():
        raise NoPublishedWarehouseError(
            f"no published warehouse at {published}: run `python3 dev.py demo`, or materialise an asset, first "
            f"(WAREHOUSE_PATH={os.environ['WAREHOUSE_PATH']})"
        )
    return [str(Path(sys.executable).with_name("duckdb")), "-readonly", str(published), *args]


def main(args: list[str]) -> None:
    try:
        command = shell_command(args)
    except (NoPublishedWarehouseError, settings.SettingsError) as err:
        sys.exit(str(err))
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
