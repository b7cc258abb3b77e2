"""OCDS as published: every file loads or is rejected with its reason; awards become contracts."""

import json
import shutil

import duckdb
import pytest
from conftest import FIXTURES

from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    default_taxonomy,
)
from pipeline.lib.procurement.ocds import compiled_releases, read_documents, read_ocds

OCDS = FIXTURES / "ocds"


MINIMAL_SCHEMA = {"properties": {
    "id": {"type": "string", "omitWhenMerged": True},
    "tender": {"type": "object", "properties": {"tenderers": {"type": "array", "wholeListMerge": True}}},
    # Awards have ids, so they merge by id; OCDS 1.0's organisations have none, so their lists merge whole.
    "awards": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "suppliers": {"type": "array", "wholeListMerge": True}}}},
}}


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
    assert "awards is not a list: an OCDS-like variant this reader does not map" in reasons
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


@pytest.mark.parametrize("package, expected", [("release-package-1.json", "compiled-release-1.json"),
                                               ("release-package-2.json", "compiled-release-2.json")])
def test_several_releases_compile_by_the_shipped_schemas_merge_rules_as_ocdskit_does(tmp_path, package, expected):
    """These packages declare no version, so they are OCDS 1.0 and compile by the 1.0.3 schema's merge rules."""
    shutil.copy(OCDS / package, tmp_path / package)
    (compiled, source), = compiled_releases([tmp_path / package])[0]
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
        "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_quarantine)").fetchone()
    assert kept + quarantined == rows.height and kept == rows["source_problem"].null_count()


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
    assert rows["source_problem"].null_count() > 0  # some awards load
    assert all(reason for reason in rows["source_problem"].drop_nulls())


def test_a_schema_given_in_the_run_config_supplies_the_merge_rules(tmp_path, schema):
    shutil.copy(OCDS / "release-package-1.json", tmp_path / "release-package-1.json")
    (compiled, source), = compiled_releases([tmp_path / "release-package-1.json"], schema)[0]
    expected = json.loads((OCDS / "compiled-release-1.json").read_text())
    assert compiled == expected  # ocdskit's own compile of the same package, byte for byte as JSON values


UK_RECORD = "uk-record-ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b.json"


def test_a_record_without_its_package_uses_its_published_compiled_release(tmp_path):
    target = tmp_path / UK_RECORD
    shutil.copy(OCDS / UK_RECORD, target)
    (compiled, source), = compiled_releases([target])[0]
    assert compiled == json.loads(target.read_text(encoding="utf-8"))["compiledRelease"]
    assert compiled_releases([target])[1] == []  # nothing rejected, nothing "needs the schema"
    rows = read_ocds(target)
    assert rows.select("contract_id", "source_problem").rows() == [
        ("ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b", "no award in the compiled release")]


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
        (1, f"{directory / 'index.json'} line 1: not JSON (Expecting value): the rest of the file is not read")]
    assert rows.filter(rows["source_file"] != "index.json").equals(alone)


def _award_in(currency: str, n: int) -> dict:
    return {"ocid": f"ocds-test-{n}", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["award"],
            "buyer": {"name": "Ministry"}, "awards": [{"id": "a", "date": "2020-01-02T00:00:00Z",
                                                      "value": {"amount": 100 + n, "currency": currency}}]}


def test_awards_in_any_iso_4217_currency_are_kept(tmp_path, geography_db):
    currencies = ["UAH", "MDL", "COP", "CAD", "NGN", "AMD", "XYZ"]  # six real currencies, and one that is none
    path = tmp_path / "package.json"
    path.write_text(json.dumps({"releases": [_award_in(c, n) for n, c in enumerate(currencies)]}))
    con = duckdb.connect()
    con.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    con.execute("CREATE TABLE regions AS SELECT * FROM geo.regions")
    build_contracts(con, read_ocds(path), default_taxonomy())
    assert con.execute("SELECT currency, amount FROM contracts ORDER BY amount").fetchall() == [
        (c, 100 + n) for n, c in enumerate(currencies[:6])]
    assert con.execute("SELECT currency, quarantine_reason FROM contract_quarantine").fetchall() == [
        ("XYZ", "currency 'XYZ' is not known")]
