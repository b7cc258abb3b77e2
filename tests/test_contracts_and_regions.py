"""Contracts: reading, quarantine and classification; regions and the FIPS crosswalk."""

import duckdb
import pytest

from pipeline.lib import sql
from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    default_taxonomy,
    read_contract_rows,
)

HEADER = "contract_id,award_date,buyer_name,buyer_region_id,supplier_name,amount,currency,title\n"


@pytest.fixture
def con(geography_db, tmp_path):
    connection = duckdb.connect()
    connection.execute(f"ATTACH '{geography_db}' AS geo (READ_ONLY)")
    for table in ("regions", "fips_adm1_crosswalk", "fips_adm1_iso_crosswalk", "prefecture_boundaries"):
        connection.execute(f"CREATE TABLE {table} AS SELECT * FROM geo.{table}")
    yield connection
    connection.close()


def _load(con, path):
    build_contracts(con, read_contract_rows(path), default_taxonomy(), known_currencies=("CNY",))


def test_classification_records_the_rule(tmp_path, con):
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER
        + "\n".join(
            [
                '1,2019-05-01,广州市公安局,440100,海康威视,"1,000.50",CNY,广州市人脸识别系统采购',
                "2,2019-05-02,广州市第一人民医院,440100,某公司,2000,CNY,人脸识别考勤系统",
                "3,2019-05-03,天河区公安分局,440100,某公司,3000,cny,摄像机维修服务",
                "4,2019-05-04,某市财政局,999999,某公司,4000,CNY,办公用品",
                "5,2019-05-05,深圳市公安局福田分局,,某公司,5000,CNY,视频结构化平台",
                "6,2019-05-06,朝阳区人民法院,,某公司,6000,CNY,办公用品",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    _load(con, path)
    rows = con.execute("""
        SELECT contract_id, amount, is_ai, is_public_security_buyer, is_public_security_ai, ai_rule,
               public_security_buyer_rule, buyer_region_id, source_row
        FROM contracts ORDER BY contract_id""").fetchall()
    assert con.execute("SELECT buyer_region_given FROM contracts WHERE contract_id = '4'").fetchone() == ("999999",)
    regions = con.execute("""
        SELECT contract_id, buyer_region_id, buyer_region_level, buyer_region_source, buyer_region_candidates
        FROM contracts ORDER BY contract_id""").fetchall()
    assert regions == [
        ("1", "440100", "prefecture", "given", None),
        ("2", "440100", "prefecture", "given", None),
        ("3", "440100", "prefecture", "given", None),
        ("4", None, None, None, None),
        ("5", "440300", "prefecture", "buyer name", None),
        ("6", None, None, None, "110100,220100"),
    ]
    assert [tuple(map(str, r)) for r in rows] == [
        ("1", "1000.50", "True", "True", "True", "人脸识别", "公安局", "440100", "1"),
        ("2", "2000.00", "True", "False", "False", "人脸识别", "None", "440100", "2"),
        ("3", "3000.00", "False", "True", "False", "None", "公安分局", "440100", "3"),
        ("4", "4000.00", "False", "False", "False", "None", "None", "None", "4"),  # unknown region code kept, unplaced
        ("5", "5000.00", "True", "True", "True", "视频结构化", "公安局", "440300", "5"),
        ("6", "6000.00", "False", "False", "False", "None", "None", "None", "6"),
    ]


def test_unusable_records_are_quarantined_with_their_row(tmp_path, con):
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER
        + "\n".join(
            [
                "1,2019-02-30,b,440100,s,1,CNY,t",
                "2,,b,440100,s,1,CNY,t",
                "3,2019-02-01,b,440100,s,abc,CNY,t",
                "4,2019-02-01,b,440100,s,1,,t",
                ",2019-02-01,b,440100,s,1,CNY,t",
                "6,2019-02-01,b,440100,s,1,CNY,t",
                "7,2019-2-1,b,440100,s,1,CNY,t",
            ]
        )
        + "\n"
    )
    _load(con, path)
    quarantined = con.execute("SELECT source_row, quarantine_reason FROM contract_quarantine").fetchall()
    assert quarantined == [
        (1, "award_date '2019-02-30' is not YYYY-MM-DD"),
        (2, "no award_date"),
        (3, "amount 'abc' is not a number"),
        (4, "currency '' is not known"),
        (5, "no contract_id"),
        (7, "award_date '2019-2-1' is not YYYY-MM-DD"),
    ]
    assert con.execute("SELECT contract_id FROM contracts").fetchall() == [("6",)]


def test_a_file_without_the_columns_is_named_in_the_error(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,date\n1,2019-01-01\n")
    with pytest.raises(ContractFileError, match=r"wrong.csv line 1: header lacks column\(s\) contract_id, award_date"):
        read_contract_rows(path)
    with pytest.raises(ContractFileError, match="missing.csv: contracts file not found"):
        read_contract_rows(tmp_path / "missing.csv")


def test_region_ids_follow_the_standards(con):
    bad = con.execute("""
        SELECT region_id, level FROM regions
        WHERE (level = 'country' AND NOT regexp_full_match(region_id, '[A-Z]{3}'))
           OR (level = 'province' AND NOT regexp_full_match(region_id, '[1-6][0-9]0000'))
           OR (level = 'prefecture' AND NOT regexp_full_match(region_id, '[1-6][0-9]([0-9]{2}00|90[0-9]{2})'))
           OR (level = 'prefecture' AND left(region_id, 2) || '0000' <> parent_id)
           OR (level = 'subdivision' AND NOT regexp_full_match(region_id, '[A-Z]{2}-[A-Z0-9]{1,3}'))""").fetchall()
    assert bad == []
    counts = dict(con.execute("SELECT level, count(*) FROM regions GROUP BY ALL").fetchall())
    # 337 prefecture-level units under GB/T 2260's headings (Chongqing's 500100 and 500200 are one, 500100) and
    # the 32 province-administered county-level units of Henan, Hubei, Hainan and Xinjiang, each its own.
    assert counts["province"] == 31 and counts["prefecture"] == 369
    prefectures = {r[0] for r in con.execute("SELECT region_id FROM regions WHERE level = 'prefecture'").fetchall()}
    assert {"429004", "429005", "429006", "429021", "419001", "469001", "469030", "659001", "659012"} <= prefectures
    assert prefectures.isdisjoint({"419000", "429000", "469000", "659000", "500200", "110000", "500000"})
    assert {"110100", "120100", "310100", "500100"} <= prefectures
    assert con.execute("SELECT region_id FROM regions WHERE level = 'country' AND fips_codes = 'CH'").fetchall() == [
        ("CHN",)
    ]


def test_every_china_fips_adm1_code_maps_to_a_province(con):
    codes = dict(con.execute("SELECT fips_adm1, province_id FROM fips_adm1_crosswalk").fetchall())
    assert sorted(codes) == [f"CH{i:02d}" for i in range(1, 34)]
    provinces = {r[0] for r in con.execute("SELECT region_id FROM regions WHERE level = 'province'").fetchall()}
    assert set(codes.values()) <= provinces
    assert codes["CH30"] == codes["CH17"] == "440000" and codes["CH32"] == codes["CH27"] == "510000"
    assert codes["CH22"] == "110000" and codes["CH13"] == "650000" and codes["CH14"] == "540000"


def test_other_countries_divisions_map_to_iso_3166_2(con):
    mapped = dict(con.execute("SELECT fips_adm1, iso_3166_2 FROM fips_adm1_iso_crosswalk").fetchall())
    assert mapped["USNY"] == "US-NY" and mapped["FRA8"] == "FR-IDF" and mapped["IN07"] == "IN-DL"
    assert mapped["AF13"] == "AF-KAB"  # Kabol, spelled Kabul in ISO
    total, matched = con.execute("SELECT count(*), count(iso_3166_2) FROM fips_adm1_iso_crosswalk").fetchone()
    assert matched / total > 0.65
    assert not any(code.startswith("CH") for code in mapped)  # China maps to GB/T 2260 instead
    hk = con.execute(
        "SELECT region_id FROM regions WHERE level = 'country' AND fips_codes IN ('HK', 'MC', 'TW')"
    ).fetchall()
    assert sorted(hk) == [("HKG",), ("MAC",), ("TWN",)]  # their own countries, never mainland provinces
    subdivision = con.execute("SELECT parent_id, fips_codes FROM regions WHERE region_id = 'US-NY'").fetchone()
    assert subdivision[0] == "USA" and "USNY" in subdivision[1].split(",")


def test_duplicates_are_marked_not_dropped_and_loading_twice_gives_the_same_table(tmp_path, con):
    path = tmp_path / "d.csv"
    path.write_text(
        HEADER
        + "\n".join(
            [
                "N1,2019-05-01,广州市公安局,440100,海康威视,100,CNY,人脸识别系统",
                "N1,2019-05-01,广州市公安局,440100,海康威视,100,CNY,人脸识别系统",  # the same notice again
                "N2,2019-05-02,广州市公安局,440100,大华,200,CNY,视频监控",
                "N3,2019-05-02,广州市公安局,440100,大华,200,CNY,视频监控系统",  # same award, another id
                "N4,2019-05-02,广州市公安局,440100,大华,300,CNY,视频监控",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    _load(con, path)
    first = con.execute("SELECT * FROM contracts ORDER BY ALL").fetchall()
    marks = con.execute("SELECT contract_id, source_row, duplicate_of FROM contracts ORDER BY source_row").fetchall()
    assert marks == [("N1", 1, None), ("N1", 2, "N1"), ("N2", 3, None), ("N3", 4, "N2"), ("N4", 5, None)]
    _load(con, path)
    assert con.execute("SELECT * FROM contracts ORDER BY ALL").fetchall() == first


def test_implausible_award_dates_are_flagged_and_left_out_of_the_panels(tmp_path, con):
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER
        + "\n".join(
            [
                "1,1985-01-01,广州市公安局,440100,海康威视,1000,CNY,人脸识别系统",
                "2,2019-05-01,广州市公安局,440100,海康威视,1000,CNY,人脸识别系统",
                "3,2105-03-01,广州市公安局,440100,海康威视,1000,CNY,人脸识别系统",  # 2015, typed as 2105
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    _load(con, path)
    assert con.execute("SELECT contract_id, award_date_implausible FROM contracts ORDER BY 1").fetchall() == [
        ("1", True),
        ("2", False),
        ("3", True),
    ]
    sql.run(con, "panels/contract_outcomes")
    assert con.execute("SELECT contract_id FROM contract_outcomes").fetchall() == [("2",)]


def test_the_load_lowers_duckdbs_memory_limit_only_while_it_runs(tmp_path, con):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "1,2019-05-01,广州市公安局,440100,海康威视,100,CNY,人脸识别系统\n", encoding="utf-8")
    con.execute("SET memory_limit = '2GiB'")
    _load(con, path)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("2.0 GiB",)
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (1,)
