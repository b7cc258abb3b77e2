"""The panels' shared SQL rules: DuckDB macros defined once (sql/macros/) and used by every panel's SQL.

Period bucketing (periods.sql), the standardisation of a count over a panel's cells (standardisation.sql), and
the region a panel at a level counts an event or a contract in (levels.sql). They are macros of the warehouse,
not TEMP macros, because the view contract_windows uses them when it is read, from any connection.
"""

from __future__ import annotations

import duckdb

from pipeline.lib import sql

MACROS = ("macros/periods", "macros/standardisation", "macros/levels")


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace with this version) every panel macro in the database `con` writes."""
    for name in MACROS:
        sql.run(con, name)
