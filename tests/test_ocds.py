"""OCDS as published: every file loads or is rejected with its reason; awards become contracts."""

import json
import shutil

import duckdb
import polars as pl
import pytest
from conftest import FIXTURES

from pipeline.lib.procurement.contracts import (
    CONTRACT_COLUMNS,
    ContractFileError,
    build_contracts,
    default_taxonomy,
    reader_frame,
)
from pipeline.lib.procurement.ocds import Rejection, Source, award_rows, compiled_releases, read_documents, read_ocds
from pipeline.lib.procurement.ocds.compile import shipped_merger

OCDS = FIXTURES / "ocds"


MINIMAL_SCHEMA = {
    "properties": {
        "id": {"type": "string", "omitWhenMerged": True},
        "tender": {"type": "object", "properties": {"tenderers": {"type": "array", "wholeListMerge": True}}},
        # Awards have ids, so they merge by id; OCDS 1.0's organisations have none, so their lists merge whole.
        "awards": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "suppliers": {"type": "array", "wholeListMerge": True}},
            },
        },
    }
}


def _compiled(paths, schema=None):
    """The compiled releases of the files, and the rejections, apart."""
    results = list(compiled_releases(paths, schema))
    return (
        [r for r in results if not isinstance(r, Rejection)],
        [r.row() for r in results if isinstance(r, Rejection)],
    )


def _single(tmp_path, name, schema=None):
    target = tmp_path / name
    shutil.copy(OCDS / name, target)
    return read_ocds(target, schema)


@pytest.fixture
def schema(tmp_path):
    """A release schema in the standard's form, reduced to the merge rules these fixtures exercise."""
    path = tmp_path / "release-schema.json"
    path.write_text(json.dumps(MINIMAL_SCHEMA))
    return str(path)


def test_every_fixture_file_loads_or_is_rejected_with_a_reason():
    rows = read_ocds(OCDS)
    assert {p.name for p in OCDS.glob("*.json")} == set(rows["source_file"])
    reasons = set(rows["source_problem"].drop_nulls())
    assert "the file holds no JSON document" in reasons
    assert "a versioned release: awards are read from releases or compiled releases" in reasons
    assert "release superseded by the published compiled release" in reasons
    assert rows.filter(rows["source_problem"].is_null()).height > 0


def test_latin1_and_utf8_copies_give_the_same_awards(tmp_path, schema):
    latin = _single(tmp_path, "release-package_encoding-iso-8859-1.json", schema).drop("source_file")
    utf8 = _single(tmp_path, "release-package_encoding-utf-8.json", schema).drop("source_file")
    assert latin.equals(utf8) and latin["source_problem"].null_count() == latin.height > 0
    assert any(set("ÁÉÍÓÚÑ") & set(t or "") for t in utf8["title"].to_list())  # accents decoded, not mangled


def test_a_record_packages_compiled_release_becomes_one_contract_per_award(tmp_path):
    rows = _single(tmp_path, "record-package_1.1.json")
    record = json.loads((OCDS / "record-package_1.1.json").read_text())["records"][0]["compiledRelease"]
    awards = record.get("awards", [])
    usable = rows.filter(rows["source_problem"].is_null())
    assert usable.height == len(awards) > 0
    assert usable["contract_id"].to_list() == [f"{record['ocid']}/{a['id']}" for a in awards]
    assert usable["currency"].to_list() == [a["value"]["currency"] for a in awards]


@pytest.mark.parametrize(
    "package, expected",
    [("release-package-1.json", "compiled-release-1.json"), ("release-package-2.json", "compiled-release-2.json")],
)
def test_several_releases_compile_by_the_shipped_schemas_merge_rules_as_ocdskit_does(tmp_path, package, expected):
    """These packages declare no version, so they are OCDS 1.0 and compile by the 1.0.3 schema's merge rules."""
    shutil.copy(OCDS / package, tmp_path / package)
    ((compiled, source),) = _compiled([tmp_path / package])[0]
    assert source.version == "1.0" and compiled == json.loads((OCDS / expected).read_text())
    rows = read_ocds(tmp_path / package)
    usable = rows.filter(rows["source_problem"].is_null())
    assert usable.height == len(compiled["awards"]) and usable["supplier_name"].null_count() == 0


def test_awards_flow_into_contracts_and_the_quarantine(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
    rows = read_ocds(OCDS)
    build_contracts(con, rows, default_taxonomy())
    kept, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_quarantine)"
    ).fetchone()
    # Taiwan's drug award names seven suppliers at unit prices and publishes no amount for any of them.
    unpriced = con.execute(
        "SELECT count(*) FROM contract_quarantine WHERE quarantine_reason = 'no amount'"
        " AND contract_id LIKE 'ocid-6as3t2-51181645/%'"
    ).fetchone()[0]
    assert kept + quarantined == rows.height and unpriced == 7
    assert kept == rows["source_problem"].null_count() - unpriced == 5


def test_a_file_that_is_not_json_names_its_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"releases": []}\n{"releases": [\n  oops\n]}\n')
    with pytest.raises(ContractFileError, match=r"bad.json line 3: not JSON"):
        list(read_documents(bad))


SHARED_OCDS = FIXTURES.parents[2] / "shared" / "data" / "ocds"


@pytest.mark.skipif(not SHARED_OCDS.is_dir(), reason="the project's shared data folder is not beside this checkout")
def test_every_shared_ocds_file_loads_or_is_rejected_with_a_reason():
    rows = read_ocds(SHARED_OCDS)
    files = {p.name for p in SHARED_OCDS.rglob("*.json")}
    assert len(files) >= 100 and files == set(rows["source_file"])
    assert all(reason for reason in rows["source_problem"].drop_nulls())
    # 15 OCDS awards, and the 17 supplier awards of Taiwan's 11 releases; 156 documents or releases rejected.
    assert (rows.height, rows["source_problem"].null_count()) == (188, 32)
    taiwan = rows.filter(rows["source_file"].str.starts_with("ocid-6as3t2-"))
    assert (taiwan.height, taiwan["source_problem"].null_count()) == (17, 17)


def test_a_schema_given_in_the_run_config_supplies_the_merge_rules(tmp_path, schema):
    shutil.copy(OCDS / "release-package-1.json", tmp_path / "release-package-1.json")
    ((compiled, source),) = _compiled([tmp_path / "release-package-1.json"], schema)[0]
    expected = json.loads((OCDS / "compiled-release-1.json").read_text())
    assert compiled == expected  # ocdskit's own compile of the same package, byte for byte as JSON values


UK_RECORD = "uk-record-ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b.json"


def test_a_record_without_its_package_uses_its_published_compiled_release(tmp_path):
    target = tmp_path / UK_RECORD
    shutil.copy(OCDS / UK_RECORD, target)
    [(compiled, source)], rejected = _compiled([target])
    assert compiled == json.loads(target.read_text(encoding="utf-8"))["compiledRelease"]
    assert rejected == []  # nothing rejected, nothing "needs the schema"
    rows = read_ocds(target)
    assert rows.select("contract_id", "source_problem").rows() == [
        ("ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b", "no award in the compiled release")
    ]


def test_a_file_in_a_directory_that_is_not_json_is_rejected_and_the_rest_loads(tmp_path):
    (tmp_path / "alone").mkdir()
    alone = _single(tmp_path / "alone", "release-package-1.json")
    directory = tmp_path / "publisher"
    directory.mkdir()
    shutil.copy(OCDS / "release-package-1.json", directory / "release-package-1.json")
    (directory / "index.json").write_text("Coming soon\n")  # a placeholder some repositories leave
    rows = read_ocds(directory)
    placeholder = rows.filter(rows["source_file"] == "index.json")
    assert placeholder.select("source_row", "source_problem").rows() == [
        (
            1,
            f"{directory / 'index.json'} line 1: not JSON (lexical error: invalid char in json text): "
            "the rest of the file is not read",
        )
    ]
    assert rows.filter(rows["source_file"] != "index.json").equals(alone)


def _award_in(currency: str, n: int) -> dict:
    return {
        "ocid": f"ocds-test-{n}",
        "id": "1",
        "date": "2020-01-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"name": "Ministry"},
        "awards": [{"id": "a", "date": "2020-01-02T00:00:00Z", "value": {"amount": 100 + n, "currency": currency}}],
    }


def test_awards_in_any_iso_4217_currency_are_kept(tmp_path, geography_db):
    currencies = ["UAH", "MDL", "COP", "CAD", "NGN", "AMD", "XYZ"]  # six real currencies, and one that is none
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"releases": [_award_in(c, n) for n, c in enumerate(currencies)]}))
    con = duckdb.connect()
    con.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    con.execute("CREATE TABLE regions AS SELECT * FROM geo.regions")
    build_contracts(con, read_ocds(path), default_taxonomy())
    assert con.execute("SELECT currency, amount FROM contracts ORDER BY amount").fetchall() == [
        (c, 100 + n) for n, c in enumerate(currencies[:6])
    ]
    assert con.execute("SELECT currency, quarantine_reason FROM contract_quarantine").fetchall() == [
        ("XYZ", "currency 'XYZ' is not known")
    ]


TAIWAN = "taiwan-ocid-6as3t2-51179519.json"


def test_taiwans_award_object_becomes_a_contract_per_supplier(tmp_path):
    rows = _single(tmp_path, TAIWAN)
    assert rows.select(*CONTRACT_COLUMNS, "notice_type", "source_problem").rows() == [
        (
            "ocid-6as3t2-51179519/ocid-6as3t2-51179519-awards/1/1",
            "2013-10-29",
            "南投縣魚池鄉五城國民小學",
            "",
            "普羅文化股份有限公司",
            "326600",
            "TWD",
            "102年全國中小學客家藝文競賽總決賽之場地布置採購",
            "award",
            None,
        )
    ]


def test_taiwans_award_to_seven_suppliers_at_unit_prices_has_no_amount_to_keep(tmp_path):
    rows = _single(tmp_path, "taiwan-ocid-6as3t2-51181645.json")
    assert rows.select("contract_id", "supplier_name", "amount", "award_date").rows() == [
        (f"ocid-6as3t2-51181645/ocid-6as3t2-51181645-awards/1/{n}", name, None, "2014-01-24")
        for n, name in enumerate(
            [
                "久裕企業股份有限公司",
                "台灣大昌華嘉股份有限公司",
                "台灣東洋藥品工業股份有限公司",
                "吉帝藥品股份有限公司",
                "吉程股份有限公司",
                "泛泰醫療產品有限公司",
                "羅氏大藥廠股份有限公司",
            ],
            1,
        )
    ]
    assert set(rows["buyer_name"]) == {"NATIONALTAIWANUNIVERSITYHOSPITAL"}


def test_a_release_without_a_package_is_read_as_ocds_1_1(tmp_path):
    path = tmp_path / "release.json"
    path.write_text(json.dumps(_award_in("UAH", 1)))
    [(compiled, source)], rejected = _compiled([path])
    assert (source.version, rejected, compiled["tag"]) == ("1.1", [], ["compiled"])
    assert read_ocds(path).select("contract_id", "award_date", "buyer_name", "amount", "currency").rows() == [
        ("ocds-test-1/a", "2020-01-02", "Ministry", "101", "UAH")
    ]


def _releases(ocids: int) -> list[dict]:
    """Three releases an ocid (tender, award, contract), the ocids' releases interleaved as a feed has them."""
    stages = []
    for month, stage in enumerate(("tender", "award", "contract"), 1):
        for n in range(ocids):
            release = {
                "ocid": f"ocds-x-{n:05d}",
                "id": f"{n}-{stage}",
                "date": f"2021-0{month}-01",
                "tag": [stage],
                "buyer": {"id": "b", "name": f"Buyer {n % 7}"},
            }
            if stage == "tender":
                release["tender"] = {"id": "t", "title": f"Lot {n} — übung"}
            elif stage == "award":
                release["awards"] = [
                    {
                        "id": "a",
                        "value": {"amount": n + 0.5, "currency": "EUR"},
                        "suppliers": [{"id": "s", "name": f"Supplier {n % 11}"}],
                    }
                ]
            else:
                release["contracts"] = [{"id": "c", "awardID": "a", "dateSigned": "2021-03-04T00:00:00Z"}]
            stages.append(release)
    return stages


def _expected(releases: list[dict], file: str, document) -> pl.DataFrame:
    """What compiling each ocid's releases in memory gives: ocdsmerge by the 1.1 schema, then award_rows."""
    by_ocid = {}
    for number, release in enumerate(releases, 1):
        by_ocid.setdefault(release["ocid"], []).append((number, release))
    merger = shipped_merger("1.1")
    rows = [
        row
        for items in by_ocid.values()
        for row in award_rows(
            merger.create_compiled_release([r for _, r in items]), Source(file, document(items[-1][0]))
        )
    ]
    return reader_frame(rows).sort("source_file", "source_row", "contract_id")


def test_a_package_and_json_lines_stream_to_what_compiling_in_memory_gives(tmp_path):
    releases = _releases(2000)  # 6,000 releases, about 1.5 MB
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"version": "1.1", "releases": releases}))
    lines = tmp_path / "releases.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in releases), encoding="utf-16")
    assert read_ocds(package).equals(_expected(releases, "package.json", lambda _: 1))
    assert (
        read_ocds(lines)
        .filter(pl.col("source_problem").is_null())
        .equals(_expected(releases, "releases.jsonl", lambda number: number))
    )
    assert read_ocds(package).height == 2000


def test_a_package_cut_short_keeps_the_releases_before_the_error_and_the_other_files_load(tmp_path):
    releases = _releases(30)
    text = json.dumps({"version": "1.1", "releases": releases}, indent=1)
    cut = text.rindex("{", 0, text.index('"id": "10-contract"'))  # the 11th contract release
    (tmp_path / "a-broken.json").write_text(text[:cut] + "oops" + text[cut:])
    (tmp_path / "b-whole.json").write_text(json.dumps(_award_in("EUR", 99)))
    rows = read_ocds(tmp_path)
    line = text[:cut].count("\n") + 1
    assert rows.filter(pl.col("source_problem").is_not_null()).select("source_file", "source_problem").rows() == [
        (
            "a-broken.json",
            f"{tmp_path / 'a-broken.json'} line {line}: not JSON (lexical error: invalid char in json "
            f"text): the rest of the file is not read",
        )
    ]
    kept = rows.filter((pl.col("source_file") == "a-broken.json") & pl.col("source_problem").is_null())
    # All 30 tenders and awards were read, and 10 of the contracts: the awards of ocids 0 to 9 are dated signed.
    assert kept["contract_id"].to_list() == [f"ocds-x-{n:05d}/a" for n in range(30)]
    assert kept["award_date"].to_list() == ["2021-03-04"] * 10 + ["2021-02-01"] * 20
    assert rows.filter(pl.col("source_file") == "b-whole.json")["contract_id"].to_list() == ["ocds-test-99/a"]


def test_a_utf16_file_that_is_not_json_names_its_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"releases": [\n {"ocid": "x"},\n {"ocid": "y"} "z"\n]}\n', encoding="utf-16")
    with pytest.raises(ContractFileError, match=r"bad.json line 3: not JSON \(parse error"):
        list(read_documents(bad))


def test_records_with_embedded_releases_compile_under_the_records_ocid(tmp_path):
    tender, award, contract = (_releases(1)[i] for i in range(3))
    served_alone = tmp_path / "a-record.json"
    served_alone.write_text(json.dumps({"releases": [tender, award], "ocid": "ocds-x-00000"}))
    packaged = tmp_path / "b-record-package.json"
    packaged.write_text(
        json.dumps(
            {
                "version": "1.1",
                "records": [
                    {
                        "ocid": "ocds-x-00001",
                        "releases": [{**award, "ocid": "ocds-x-00001"}, {**contract, "ocid": "ocds-x-00001"}],
                    },
                    {"ocid": "ocds-x-00002", "releases": [{"url": "https://example.org/r.json", "date": "2021-01-01"}]},
                ],
            }
        )
    )
    rows = read_ocds(tmp_path)
    assert rows.select("source_file", "contract_id", "award_date", "title", "source_problem").rows() == [
        ("a-record.json", "ocds-x-00000/a", "2021-02-01", "Lot 0 — übung", None),
        (
            "b-record-package.json",
            "",
            None,
            None,
            "record ocds-x-00002 has neither a compiledRelease nor embedded releases",
        ),
        ("b-record-package.json", "ocds-x-00001/a", "2021-03-04", None, None),
    ]
