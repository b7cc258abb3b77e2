"""DuckDB extensions installed from their PyPI wheels (duckdb-ext-*), never downloaded at run time.

Each wheel ships its extension file under duckdb_ext/extensions/v<DuckDB version>/<platform>/. `INSTALL '<that
file>'` copies it into the connection's extension directory (a folder of the project's, not ~/.duckdb), from
which `LOAD <name>` reads it in every later connection. DuckDB is pinned to the release the wheels are built for
(pyproject.toml); a DuckDB of another release finds no file and is refused with what to do.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb

# The environment's own folder (the project's .venv): installed once per environment, beside the wheels they come
# from, and shared by every warehouse and shell that environment opens.
DIRECTORY = Path(sys.prefix) / "duckdb_extensions"


class ExtensionMissingError(RuntimeError):
    """An extension the warehouse needs has no file for this DuckDB release and platform."""


def wheel_file(name: str, platform: str) -> Path:
    """The extension file the duckdb-ext-<name> wheel installed for this DuckDB and `platform`."""
    version = f"v{duckdb.__version__}"
    # duckdb_ext is a namespace package that every duckdb-ext-* wheel adds its files to.
    spec = importlib.util.find_spec("duckdb_ext")
    folders = [Path(p) / "extensions" / version / platform for p in (spec.submodule_search_locations if spec else [])]
    for folder in folders:
        if (folder / f"{name}.duckdb_extension").is_file():
            return folder / f"{name}.duckdb_extension"
    raise ExtensionMissingError(
        f"no DuckDB extension {name!r} for DuckDB {version} on {platform} (looked in "
        f"{', '.join(map(str, folders)) or 'no duckdb_ext package'}): install the project's locked dependencies "
        f"(python3 dev.py test sets them up), whose duckdb and duckdb-ext-* wheels are of the same release"
    )


def load(con: duckdb.DuckDBPyConnection, directory: str | Path, *names: str) -> None:
    """Load `names` (e.g. "ducklake", "sqlite_scanner") on `con`, installing each from its wheel into `directory`
    the first time."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # The directory is the project's own (not user input); SET takes no bound parameters.
    con.execute(f"SET extension_directory = '{directory}'")
    platform = con.execute("PRAGMA platform").fetchone()[0]
    installed = set(
        row[0]
        for row in con.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE installed AND install_path LIKE $directory || '%'",
            {"directory": str(directory)},
        ).fetchall()
    )
    for name in names:
        if name not in installed:
            con.execute(f"INSTALL '{wheel_file(name, platform)}'")
        con.execute(f"LOAD {name}")
