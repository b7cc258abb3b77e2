"""pipeline.lib.sql.run: an error from a SQL file names the file and keeps DuckDB's type."""

import duckdb
import pytest

from pipeline.lib import sql


def test_an_error_names_its_sql_file_and_keeps_its_type():
    con = duckdb.connect()  # no unrest_panel: the check cannot bind
    with pytest.raises(duckdb.CatalogException) as raised:
        sql.run(con, "panels/unrest_panel_check", {"preset": "aitocracy", "level": "prefecture", "period": "quarter"})
    assert str(raised.value).startswith(
        "sql/panels/unrest_panel_check.sql: Catalog Error: Table with name unrest_panel does not exist"
    )
    assert isinstance(raised.value.__cause__, duckdb.CatalogException)
