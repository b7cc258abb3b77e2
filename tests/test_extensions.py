"""DuckDB extensions come from their PyPI wheels into the project's folder, never from the network."""

import duckdb
import pytest

from pipeline.lib import extensions


def test_a_lake_works_with_extensions_from_the_wheels_alone(tmp_path):
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    extensions.load(con, tmp_path / "extensions", "ducklake", "sqlite_scanner")
    paths = dict(
        con.execute(
            "SELECT extension_name, install_path FROM duckdb_extensions() WHERE extension_name IN "
            "('ducklake', 'sqlite_scanner') AND loaded"
        ).fetchall()
    )
    assert sorted(paths) == ["ducklake", "sqlite_scanner"]
    assert all(path.startswith(str(tmp_path / "extensions")) for path in paths.values())
    con.execute(f"ATTACH 'ducklake:sqlite:{tmp_path}/catalog.sqlite' AS lake (DATA_PATH '{tmp_path}/data/')")
    con.execute("CREATE TABLE lake.t AS SELECT 42 AS x")
    assert con.execute("SELECT x FROM lake.t").fetchall() == [(42,)]
    # A second connection loads what the first installed.
    again = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    extensions.load(again, tmp_path / "extensions", "ducklake")
    assert again.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'ducklake'").fetchone() == (
        True,
    )


def test_an_extension_without_a_wheel_is_refused_with_what_to_do():
    with pytest.raises(
        extensions.ExtensionMissingError, match=f"no DuckDB extension 'nosuch' for DuckDB v{duckdb.__version__}"
    ) as err:
        extensions.wheel_file("nosuch", "linux_amd64")
    assert "install the project's locked dependencies" in str(err.value)
