"""The scope belongs to the warehouse: recorded by the first ingest, kept by runs that leave it unset, refused
when a run asks for another one by mistake, changed only deliberately; and a month or a contracts table that
held rows is never emptied silently."""

import dagster as dg
import duckdb
import pytest
from conftest import REAL_EXPORT, write_mirror, zipped

from pipeline.defs.gdelt.assets import gdelt_ingest
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.lib import warehouse
from pipeline.lib.gdelt.scope import Scope, ScopeError, scope_from_codes
from pipeline.lib.procurement.contracts import build_contracts, default_taxonomy, read_contract_rows

MARCH, APRIL = "2018-03-01", "2018-04-01"
ALL_ROWS, CHINA_ROWS = 1540, 25  # the real export fixture: every row, and those with ActionGeo_CountryCode CH


def _export(stamp: str) -> tuple[str, bytes]:
    name = f"{stamp}.export.CSV"
    return f"{name}.zip", zipped(name, REAL_EXPORT.read_bytes())


@pytest.fixture
def mirror(tmp_path):
    return write_mirror(tmp_path / "mirror", dict([_export("20180326044500"), _export("20180402000000")]))


def _ingest(tmp_path, mirror, instance, partitions=(MARCH,), **config) -> dg.ExecuteInProcessResult:
    selection = (
        {"partition_key": partitions[0]}
        if len(partitions) == 1
        else {
            "tags": {
                "dagster/asset_partition_range_start": partitions[0],
                "dagster/asset_partition_range_end": partitions[-1],
            }
        }
    )
    return dg.materialize(
        [gdelt_ingest],
        instance=instance,
        raise_on_error=False,
        **selection,
        resources={
            "warehouse": WarehouseResource(path=str(tmp_path / "lake")),
            "gdelt": GdeltMirrorResource(base_url=str(mirror), cache_dir=str(tmp_path / "cache")),
            "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
        },
        run_config={"ops": {"gdelt_ingest": {"config": {"expected_files_per_day": 1, **config}}}},
    )


def _failure(result: dg.ExecuteInProcessResult) -> str:
    assert not result.success
    return result.get_step_failure_events()[0].step_failure_data.error.message


def _query(tmp_path, query: str):
    con = warehouse.connect(tmp_path / "lake", read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_runs_keep_the_recorded_scope_and_another_is_refused_naming_both(tmp_path, mirror):
    with dg.instance_for_test() as instance:
        assert _ingest(tmp_path, mirror, instance, countries=[]).success  # built with every country, as the demo
        assert _query(tmp_path, "SELECT countries, root_codes, expected_files_per_day FROM gdelt_scope") == [
            ([], [], 1)
        ]
        # The Launchpad's defaults leave the scope unset: the month is ingested as its neighbours were.
        unset = _ingest(tmp_path, mirror, instance, partitions=(APRIL,), expected_files_per_day=None)
        assert unset.success
        assert _query(tmp_path, "SELECT partition_month, count(*) FROM gdelt_events GROUP BY ALL ORDER BY 1") == [
            (MARCH[:10], ALL_ROWS),
            (APRIL[:10], ALL_ROWS),
        ]
        # Asking for China on this warehouse is refused before anything is read, naming both scopes.
        message = _failure(_ingest(tmp_path, mirror, instance, countries=["CHN"]))
        assert (
            "2018-03..2018-04 were ingested with scope [ActionGeo_CountryCode in [all]; EventRootCode in [all]]; "
            "this run asks for [ActionGeo_CountryCode in [CH]; EventRootCode in [all]]"
        ) in message
        assert "rescope: true" in message
        assert _query(tmp_path, "SELECT count(*) FROM gdelt_events") == [(2 * ALL_ROWS,)]
        # A rescope must cover every month held under the old scope ...
        partial = _failure(_ingest(tmp_path, mirror, instance, countries=["CHN"], rescope=True))
        assert "lacks 1 of them (2018-04..2018-04)" in partial
        # ... and then changes the scope of the whole warehouse, on purpose.
        assert _ingest(tmp_path, mirror, instance, partitions=(MARCH, APRIL), countries=["CHN"], rescope=True).success
        assert _query(tmp_path, "SELECT count(*), count(DISTINCT ActionGeo_CountryCode) FROM gdelt_events") == [
            (2 * CHINA_ROWS, 1)
        ]
        assert _query(tmp_path, "SELECT countries FROM gdelt_scope") == [(["CH"],)]


@pytest.mark.parametrize(
    "codes, hint",
    [
        (
            ["CN"],
            "country 'CN': ambiguous: FIPS 10-4 (GDELT's) code for Comoros (write COM), ISO 3166's for China "
            "(write CHN)",
        ),
        (["DE"], "country 'DE': DE is ISO 3166's code for Germany; GDELT uses FIPS 10-4: GM (or write DEU)"),
        (["CH'; DROP TABLE gdelt_events; --"], "not a FIPS 10-4 or ISO 3166 alpha-3 country code"),
    ],
)
def test_country_codes_gdelt_cannot_match_are_refused_with_a_suggestion(codes, hint):
    with pytest.raises(ScopeError, match="the scope names codes GDELT cannot match") as refused:
        scope_from_codes(codes, [])
    assert hint in str(refused.value)


def test_unambiguous_codes_are_read_as_gdelt_writes_them():
    assert scope_from_codes(["CHN", "USA", "US", "COM"], ["14"]) == Scope(("CH", "US", "CN"), ("14",))
    with pytest.raises(ScopeError, match="root code '4': did you mean 04"):
        scope_from_codes([], ["4"])


def test_a_typo_in_the_launchpad_fails_the_run_and_keeps_the_month(tmp_path, mirror):
    with dg.instance_for_test() as instance:
        assert _ingest(tmp_path, mirror, instance).success  # a new warehouse: China, as AI-tocracy
        assert "write CHN" in _failure(_ingest(tmp_path, mirror, instance, countries=["CN"], rescope=True))
    assert _query(tmp_path, "SELECT count(*) FROM gdelt_events") == [(CHINA_ROWS,)]


def test_a_month_is_not_emptied_unless_the_run_allows_it(tmp_path, mirror):
    with dg.instance_for_test() as instance:
        assert _ingest(tmp_path, mirror, instance).success
        # The mirror now serves a broken copy of the month's one file: it fails its md5, so no row survives.
        name, data = _export("20180326044500")
        write_mirror(mirror, {name: data[:-10]}, listed={name: (len(data), "0" * 32)})
        message = _failure(_ingest(tmp_path, mirror, instance))
        assert "GDELT month 2018-03 (gdelt_events) holds 25 rows and would now hold none" in message
        assert "allow_empty: true" in message
        assert _query(tmp_path, "SELECT count(*) FROM gdelt_events") == [(CHINA_ROWS,)]
        assert _ingest(tmp_path, mirror, instance, allow_empty=True).success
    assert _query(tmp_path, "SELECT count(*) FROM gdelt_events") == [(0,)]
    assert _query(tmp_path, "SELECT status FROM gdelt_files") == [("size-mismatch",)]


def test_contracts_are_not_replaced_by_a_file_with_no_rows(tmp_path, geography_db):
    header = "contract_id,award_date,buyer_name,buyer_region_id,supplier_name,amount,currency,title\n"
    full, empty = tmp_path / "full.csv", tmp_path / "empty.csv"
    full.write_text(header + "1,2019-05-01,广州市公安局,440100,海康威视,1000,CNY,人脸识别系统采购\n", encoding="utf-8")
    empty.write_text(header, encoding="utf-8")
    con = duckdb.connect()
    con.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    con.execute("CREATE TABLE regions AS SELECT * FROM geo.regions")
    build_contracts(con, read_contract_rows(full), default_taxonomy())
    with pytest.raises(warehouse.EmptyReplacementError, match="contracts holds 1 rows and would now hold none"):
        build_contracts(con, read_contract_rows(empty), default_taxonomy())
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (1,)  # untouched
    build_contracts(con, read_contract_rows(empty), default_taxonomy(), allow_empty=True)
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (0,)
