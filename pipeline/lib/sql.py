"""The one way to run SQL: load sql/<name>.sql by name and bind parameters.

Values are always bound as DuckDB named parameters ($name), never formatted
into the statement text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _sql_root() -> Path:
    # A wheel install carries the SQL inside the package (pipeline/sql); an
    # editable checkout reads the top-level sql/ folder beside pipeline/.
    packaged = Path(str(resources.files("pipeline"))) / "sql"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sql"


SQL_ROOT = _sql_root()


@cache
def load(name: str) -> str:
    """The text of sql/<name>.sql, e.g. load("panels/unrest_panel")."""
    path = SQL_ROOT / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None):
    """Execute sql/<name>.sql on `con` with named parameters; returns the connection's result.

    A DuckDB error names the file: its message starts with `sql/<name>.sql: ` (DuckDB's own message, with the
    statement's LINE, follows), and it keeps its type, so `except duckdb.CatalogException` still catches it.
    """
    text = load(name)
    # DuckDB refuses parameters a statement does not use, so bind only those it names.
    named = set(_PARAMETER.findall(text))
    used = {k: v for k, v in (params or {}).items() if k in named}
    try:
        return con.execute(text, used) if used else con.execute(text)
    except duckdb.Error as err:
        raise type(err)(f"sql/{name}.sql: {err}") from err


def one_row(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one row sql/<name>.sql returns, keyed by its column names (so the file alone names the values)."""
    cursor = run(con, name, params)
    return dict(zip([column[0] for column in cursor.description], cursor.fetchone(), strict=True))
