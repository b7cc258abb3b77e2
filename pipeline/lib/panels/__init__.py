"""The panels' shared SQL rules: DuckDB macros defined once (sql/macros/) and used by every panel's SQL.

Period bucketing (periods.sql), the standardisation of a count over a panel's cells (standardisation.sql), and
the region a panel at a level counts an event or a contract in (levels.sql). They are TEMP macros, defined on
every warehouse connection (pipeline/lib/warehouse.py, connect), because a DuckLake stores no functions.
"""

from __future__ import annotations

import duckdb

from pipeline.lib import sql

MACROS = ("macros/periods", "macros/standardisation", "macros/levels")


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace with this version) every panel macro on the connection `con`."""
    for name in MACROS:
        sql.run(con, name)
