"""GDELT from BigQuery: the real google-cloud-bigquery client against a local stand-in for BigQuery's REST API.

The world: four GDELT 2.0 export files made from the real export in fixtures/ (its lines, with new ids and
DATEADDED values): most of it added on 2018-03-26; a tenth added at 23:45 on 2018-03-31 and loaded by GDELT
into the next day's partition (a late load); copies added in April and in January. The file path reads them
from a mirror; the BigQuery stand-in holds the same rows in an ingestion-time partitioned table.
"""

import json
from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import polars as pl
import pytest
import sqlglot
from bigquery_server import ACCESS_TOKEN, FakeBigQuery
from conftest import REAL_EXPORT, write_mirror, zipped
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlglot import exp

from pipeline.defs.gdelt.assets import gdelt_ingest
from pipeline.defs.resources import GdeltBigQueryResource, GdeltMirrorResource, WarehouseResource
from pipeline.lib import sql, warehouse
from pipeline.lib.gdelt import bigquery, ledger
from pipeline.lib.gdelt.filelist import files_for_month
from pipeline.lib.gdelt.ingest import ingest_month
from pipeline.lib.gdelt.parse import parse_export
from pipeline.lib.gdelt.schema import UNREST_COLUMNS, events_v2_columns, layouts
from pipeline.lib.gdelt.scope import Scope
from pipeline.lib.gdelt.source import Mirror

MARCH = date(2018, 3, 1)
ALL_COLUMNS = [c.name for c in events_v2_columns()]


def _export(lines: list[list[str]], id_offset: int, added: str | None) -> bytes:
    out = []
    for fields in lines:
        fields = list(fields)
        fields[0] = str(int(fields[0]) + id_offset)
        if added:
            fields[59] = added
        out.append("\t".join(fields))
    return ("\n".join(out) + "\n").encode()


@pytest.fixture(scope="module")
def world():
    """Export files (name -> TSV bytes) and the day GDELT loaded each into BigQuery."""
    lines = [line.split("\t") for line in REAL_EXPORT.read_text().splitlines()]
    on_time = [f for f in lines if int(f[0]) % 10]
    late = [f for f in lines if not int(f[0]) % 10]
    return {
        "20180326044500.export.CSV": (_export(on_time, 0, None), date(2018, 3, 26)),
        "20180331234500.export.CSV": (_export(late, 0, "20180331234500"), date(2018, 4, 1)),
        "20180401001500.export.CSV": (_export(lines[:300], 10**10, "20180401001500"), date(2018, 4, 1)),
        "20180115001500.export.CSV": (_export(lines[:300], 2 * 10**10, "20180115001500"), date(2018, 1, 15)),
    }


def _parsed(world) -> pl.DataFrame:
    frames = []
    for name, (data, loaded) in world.items():
        rows = parse_export(data, name, layouts()["v2-61"]).rows.select(ALL_COLUMNS)
        frames.append(
            rows.with_columns(pl.lit(datetime.combine(loaded, datetime.min.time(), UTC)).alias("_PARTITIONTIME"))
        )
    return pl.concat(frames)


@pytest.fixture(scope="module")
def bigquery_tables(world):
    return {bigquery.V2_TABLE: _parsed(world).to_arrow()}


@pytest.fixture
def credentials(tmp_path, monkeypatch):
    """A service-account key file, as Google issues them, whose token endpoint is the stand-in's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    secrets = {"private_key_id": "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed", "private_key": pem}

    def install(server_url: str) -> list[str]:
        path = tmp_path / "service-account.json"
        path.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": "unrest-test",
                    **secrets,
                    "client_email": "pipeline@unrest-test.iam.gserviceaccount.com",
                    "client_id": "1234567890",
                    "token_uri": f"{server_url}/token",
                }
            )
        )
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
        # What must never show up: the key, its id, and the access token traded for it.
        return [secrets["private_key_id"], pem.splitlines()[1], ACCESS_TOKEN]

    return install


def _file_path_month(tmp_path, world, scope: Scope) -> duckdb.DuckDBPyConnection:
    mirror_dir = write_mirror(tmp_path / "mirror", {f"{n}.zip": zipped(n, d) for n, (d, _) in world.items()})
    mirror = Mirror(str(mirror_dir))
    con = warehouse.connect(tmp_path / "files-lake")
    ingest_month(con, mirror, files_for_month(MARCH, mirror.read_v2_list(), None), MARCH, scope, lambda m: None)
    return con


def _rows(con, columns) -> list[tuple]:
    return con.execute(f"SELECT {', '.join(columns)} FROM gdelt_events ORDER BY GLOBALEVENTID").fetchall()


def test_bigquery_sql_parses_prunes_partitions_and_reads_only_the_columns_used():
    for month, expected in ((MARCH, ["v2"]), (date(2015, 2, 1), ["v1", "v2"]), (date(2014, 6, 1), ["v1"])):
        extractions = bigquery.extractions_for_month(month)
        assert [e.system for e in extractions] == expected
        for extraction in extractions:
            tree = sqlglot.parse_one(bigquery.extraction_sql(extraction, UNREST_COLUMNS), read="bigquery")
            assert not list(tree.find_all(exp.Star))
            assert [p.alias_or_name for p in tree.expressions] == list(UNREST_COLUMNS)
            assert (
                tree.find(exp.Table).sql("bigquery")
                == {"v1": "`gdelt-bq.full.events` AS source", "v2": f"`{bigquery.V2_TABLE}`"}[extraction.system]
            )
            partition_filters = [c for c in tree.args["where"].find_all(exp.Column) if c.name == "_PARTITIONTIME"]
            assert len(partition_filters) == (2 if extraction.partitioned else 0)
            # Values are parameters, never text in the SQL.
            assert {p.name for p in tree.find_all(exp.Parameter)} >= {
                "first_added",
                "end_added",
                "countries",
                "root_codes",
            }
            assert "2018" not in tree.sql("bigquery") and "'CH'" not in tree.sql("bigquery")
    with pytest.raises(bigquery.BigQuerySourceError, match="before April 2013"):
        bigquery.extractions_for_month(date(2012, 5, 1))


# The SQL that reads GDELT's columns on the way to unrest_events. Ingest bookkeeping reads gdelt_events too, but
# only by the lineage columns (source_file, partition_month), so it needs no column of GDELT's.
UNREST_SQL = ("gdelt/unrest_screening", "geo/event_points", "geo/event_places", "gdelt/unrest_events")


def test_the_unrest_columns_are_exactly_those_the_unrest_sql_reads():
    gdelt = {c.name for c in events_v2_columns()}
    read = set()
    for name in UNREST_SQL:
        read |= {c.name for c in sqlglot.parse_one(sql.load(name), read="duckdb").find_all(exp.Column)} & gdelt
    assert set(UNREST_COLUMNS) == read
    assert list(UNREST_COLUMNS) == [c.name for c in events_v2_columns() if c.name in read]  # the schema's order
    # The extraction's own filter and order need no other column.
    extraction = sqlglot.parse_one(sql.load("gdelt/events_in_scope"), read="duckdb")
    assert {c.name for c in extraction.find_all(exp.Column)} <= set(UNREST_COLUMNS)
    # Every other SQL file that reads gdelt_events reads none of GDELT's columns.
    for path in sorted(sql.SQL_ROOT.rglob("*.sql")):
        name = str(path.relative_to(sql.SQL_ROOT).with_suffix(""))
        tree = sqlglot.parse_one(sql.load(name), read="duckdb")
        if (
            name not in UNREST_SQL
            and name != "gdelt/events_in_scope"
            and any(t.name == "gdelt_events" for t in tree.find_all(exp.Table))
        ):
            assert not {c.name for c in tree.find_all(exp.Column)} & gdelt, name


@pytest.mark.parametrize("scope", [Scope(), Scope(countries=("CH",)), Scope(root_codes=("14", "10"))])
def test_the_definition_run_in_duckdb_gives_the_file_paths_rows(tmp_path, world, scope):
    files = _file_path_month(tmp_path, world, scope)
    local = duckdb.connect()
    sql.run(local, "gdelt/scope_macro")
    local.register("gdelt_source", _parsed(world).drop("_PARTITIONTIME").to_arrow())
    first, end = bigquery.extractions_for_month(MARCH)[0].added_bounds()
    ours = sql.run(
        local,
        "gdelt/events_in_scope",
        {
            "first_added": first,
            "end_added": end,
            "countries": list(scope.countries),
            "root_codes": list(scope.root_codes),
        },
    ).fetchall()
    expected = _rows(files, ALL_COLUMNS)
    assert len(expected) > 0 and sorted(ours, key=lambda r: r[0]) == expected


def test_bigquery_ingest_gives_the_file_paths_rows_page_by_page(tmp_path, world, bigquery_tables, credentials):
    with FakeBigQuery(bigquery_tables, page_rows=400) as server:
        credentials(server.url)
        client = bigquery.make_client(api_endpoint=server.url)
        con = warehouse.connect(tmp_path / "bq-lake")
        settings = bigquery.BigQuerySettings(maximum_bytes_billed=10**9, all_columns=True)
        (summary,), outcomes = bigquery.ingest_months_from_bigquery(
            con, client, [MARCH], Scope(), settings, lambda m: None
        )
    files = _file_path_month(tmp_path, world, Scope())
    assert _rows(con, ALL_COLUMNS) == _rows(files, ALL_COLUMNS)
    assert summary.rows_kept == 1540 and outcomes[0].rows.num_rows == 1540
    # The late-loaded tenth came from the partition after the month's end (the reporting lag).
    assert con.execute("SELECT count(*) FROM gdelt_events WHERE DATEADDED = 20180331234500").fetchone()[0] == 154
    inserts = [c for c in server.calls if c["method"] == "POST"]
    assert [bool(c["body"]["configuration"].get("dryRun")) for c in inserts] == [True, False]
    pages = [c for c in server.calls if "/queries/" in c["path"]]
    assert len(pages) >= 4  # 1540 rows at 400 a page
    rows = con.execute("SELECT file_name, layout, status, rows_read, rows_kept, detail FROM gdelt_files").fetchall()
    assert rows[0][:5] == ("20180301-20180331.gdelt-bq.gdeltv2.events_partitioned", "bigquery-v2", "ok", 1540, 1540)
    assert f"{outcomes[0].bytes_estimated:,} bytes estimated" in rows[0][5]
    # Row accounting and day coverage hold for a queried month as for files.
    assert ledger.accounting_errors(con, ["2018-03-01"]).is_empty()
    assert ledger.incomplete_days(con, ["2018-03-01"], 96, date(2018, 3, 31)).is_empty()


def test_partition_filter_scans_less_than_the_unpartitioned_table(bigquery_tables, credentials):
    with FakeBigQuery(bigquery_tables) as server:
        credentials(server.url)
        client = bigquery.make_client(api_endpoint=server.url)
        estimates = {}
        for partitioned in (True, False):
            extraction = bigquery.Extraction("v2", bigquery.V2_TABLE, partitioned, MARCH, date(2018, 3, 31))
            estimates[partitioned] = bigquery.run_guarded(
                client,
                bigquery.extraction_sql(extraction, UNREST_COLUMNS),
                bigquery.query_parameters(extraction, ("CH",), (), 3),
                10**9,
                "test",
                lambda m: None,
            ).bytes_estimated
        narrow = bigquery.extraction_sql(bigquery.extractions_for_month(MARCH)[0], ("GLOBALEVENTID", "DATEADDED"))
        few_columns = bigquery.run_guarded(
            client,
            narrow,
            bigquery.query_parameters(bigquery.extractions_for_month(MARCH)[0], ("CH",), (), 3),
            10**9,
            "test",
            lambda m: None,
        ).bytes_estimated
    # The January copy is pruned; the April partition is read (lag) but its rows are filtered out.
    assert 0 < few_columns < estimates[True] < estimates[False]


def _materialize(tmp_path, server, maximum_bytes_billed: int, instance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [gdelt_ingest],
        partition_key="2018-03-01",
        instance=instance,
        raise_on_error=False,
        resources={
            "warehouse": WarehouseResource(path=str(tmp_path / "lake")),
            "gdelt": GdeltMirrorResource(base_url=str(tmp_path / "no-mirror")),
            "gdelt_bigquery": GdeltBigQueryResource(api_endpoint=server.url, maximum_bytes_billed=maximum_bytes_billed),
        },
        run_config={"ops": {"gdelt_ingest": {"config": {"source": "bigquery", "countries": ["CHN"]}}}},
    )


def test_over_budget_query_is_refused_before_it_runs(tmp_path, bigquery_tables, credentials):
    with FakeBigQuery(bigquery_tables) as server, dg.instance_for_test() as instance:
        credentials(server.url)
        result = _materialize(tmp_path, server, maximum_bytes_billed=1_000, instance=instance)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data
    assert "above maximum_bytes_billed" in failure.error.message
    assert "GDELT_BQ_MAXIMUM_BYTES_BILLED" in failure.error.message and "nothing was run" in failure.error.message
    inserts = [c["body"]["configuration"] for c in server.calls if c["method"] == "POST"]
    assert len(inserts) == 1 and inserts[0]["dryRun"] is True  # only the dry run reached BigQuery


def test_missing_credentials_give_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    with pytest.raises(bigquery.BigQuerySourceError, match="no Google Cloud credentials found"):
        bigquery.make_client(api_endpoint="http://127.0.0.1:9")


def test_no_credential_reaches_logs_metadata_or_the_warehouse(tmp_path, bigquery_tables, credentials, caplog, capfd):
    with FakeBigQuery(bigquery_tables) as server, dg.instance_for_test() as instance:
        secrets = credentials(server.url)
        result = _materialize(tmp_path, server, maximum_bytes_billed=10**9, instance=instance)
        assert result.success and server.tokens_issued >= 1
        records = instance.all_logs(result.run_id)
    materialization = result.asset_materializations_for_node("gdelt_ingest")[0]
    assert materialization.metadata["bigquery_bytes_estimated"].value > 0
    text = "\n".join(repr(r) for r in records) + caplog.text + "".join(capfd.readouterr())
    assert "dry run estimates" in text  # the logs were captured
    stored = b"".join(path.read_bytes() for path in sorted((tmp_path / "lake").rglob("*")) if path.is_file())
    for secret in secrets:
        assert secret not in text
        assert secret.encode() not in stored


def test_plan_reads_gdelt_1_once_for_consecutive_months():
    months = [date(2014, 11, 1), date(2014, 12, 1), date(2015, 1, 1), date(2015, 2, 1), date(2015, 3, 1)]
    plan = [(e.system, e.first_day, e.last_day, targets) for e, targets in bigquery.plan_queries(months)]
    assert plan == [
        ("v2", date(2015, 2, 19), date(2015, 2, 28), [date(2015, 2, 1)]),
        ("v2", date(2015, 3, 1), date(2015, 3, 31), [date(2015, 3, 1)]),
        ("v1", date(2014, 11, 1), date(2015, 2, 18), months[:4]),
    ]
    gap = [(e.system, e.first_day) for e, _ in bigquery.plan_queries([date(2014, 1, 1), date(2014, 3, 1)])]
    assert gap == [("v1", date(2014, 1, 1)), ("v1", date(2014, 3, 1))]


def test_gdelt_1_months_share_one_query_and_keep_their_own_rows(tmp_path, world, credentials):
    """GDELT 1.0's table (58 columns, DATEADDED as YYYYMMDD) for January and February 2015, and 2.0's from the 19th."""
    rows = _parsed(world).drop("_PARTITIONTIME")
    v1_columns = [c.name for c in layouts()["v1-58"].columns]
    day = pl.col("GLOBALEVENTID") % 3
    v1 = rows.with_columns(
        pl.when(day == 0)
        .then(20150105)
        .when(day == 1)
        .then(20150218)
        .otherwise(20150220)
        .cast(pl.Int64)
        .alias("DATEADDED")
    ).select(v1_columns)
    v2 = rows.head(100).with_columns(
        pl.lit(20150219120000).alias("DATEADDED"),
        pl.lit(datetime(2015, 2, 19, tzinfo=UTC)).alias("_PARTITIONTIME"),
    )
    with FakeBigQuery({bigquery.V1_TABLE: v1.to_arrow(), bigquery.V2_TABLE: v2.to_arrow()}) as server:
        credentials(server.url)
        con = warehouse.connect(tmp_path / "bq-lake")
        summaries, outcomes = bigquery.ingest_months_from_bigquery(
            con,
            bigquery.make_client(api_endpoint=server.url),
            [date(2015, 1, 1), date(2015, 2, 1)],
            Scope(),
            bigquery.BigQuerySettings(maximum_bytes_billed=10**9),
            lambda m: None,
        )
    expected_v1 = {d: v1.filter(pl.col("DATEADDED") == d).height for d in (20150105, 20150218)}
    assert len(outcomes) == 2 and [s.rows_kept for s in summaries] == [
        expected_v1[20150105],
        expected_v1[20150218] + 100,
    ]
    by_month = con.execute(
        "SELECT partition_month, DATEADDED, count(*) FROM gdelt_events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert by_month == [
        ("2015-01-01", 20150105000000, expected_v1[20150105]),
        ("2015-02-01", 20150218000000, expected_v1[20150218]),
        ("2015-02-01", 20150219120000, 100),
    ]
    # 1.0 has no ADM2 columns: NULL, as for 1.0 files.
    assert con.execute("SELECT count(ActionGeo_ADM2Code) FROM gdelt_events").fetchone()[0] == 0
    rows = con.execute("SELECT partition_month, file_name, rows_kept FROM gdelt_files ORDER BY ALL").fetchall()
    assert rows == [
        ("2015-01-01", "20150101-20150131.gdelt-bq.full.events", expected_v1[20150105]),
        ("2015-02-01", "20150201-20150218.gdelt-bq.full.events", expected_v1[20150218]),
        ("2015-02-01", "20150219-20150228.gdelt-bq.gdeltv2.events_partitioned", 100),
    ]
