"""Chinese procurement notices, as scraped to CSV or Excel, into the normalised contracts."""

import duckdb
import pytest
import xlsxwriter

from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    default_taxonomy,
)
from pipeline.lib.procurement.notices import read_notices

HEADER = ["公告编号", "项目名称", "采购人", "行政区域", "中标(成交)金额(万元)", "公告日期", "中标供应商"]
ROWS = [
    ["GZ-2019-001", "广州市人脸识别系统采购项目", "广州市公安局", "广东省广州市", "125.5", "2019-05-01", "某科技有限公司"],
    ["SZ-2019-002", "视频监控系统建设", "深圳市公安局福田分局", "广东省深圳市", "1,020", "2019/6/3", "某安防有限公司"],
    HEADER,  # the header again: pages of a scrape concatenated
    ["WH-2019-003", "办公家具", "武汉市公安局", "湖北省武汉市", "3.2", "2019年7月15日", "某家具有限公司"],
    ["CS-2019-004", "人像比对系统", "长沙市公安局", "湖南省长沙市", "2019-08-09", "88", "某科技有限公司"],  # shifted
    ["CD-2019-005", "医疗设备", "成都市第一人民医院", "", "面议", "2019-09-10", "某医疗有限公司"],  # no price
]


def _write_csv(path, rows):
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _write_xlsx(path, rows):
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADER, *rows]):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, cell)
    book.close()
    return path


@pytest.mark.parametrize("write", [_write_csv, _write_xlsx], ids=["csv", "xlsx"])
def test_notices_are_normalised_and_faults_named(tmp_path, write):
    path = write(tmp_path / ("notices.csv" if write is _write_csv else "notices.xlsx"), ROWS)
    rows = read_notices(path)
    assert rows.height == len(ROWS)
    first = rows.row(0, named=True)
    assert (first["contract_id"], first["award_date"], first["amount"], first["buyer_region_id"], first["currency"]) == (
        "GZ-2019-001", "2019-05-01", "1255000.00", "440100", "CNY")
    # Dates are normalised where they are dates; other values stay as they were, for the quarantine to show.
    assert rows["award_date"].to_list() == ["2019-05-01", "2019-06-03", "公告日期", "2019-07-15", "88", "2019-09-10"]
    assert rows["amount"][1] == "10200000.00"  # 1,020 万元
    problems = dict(zip(rows["source_row"], rows["source_problem"]))
    assert problems[3] == "repeated header row"
    assert problems[5].startswith("row looks shifted: no date under 公告日期")
    con = duckdb.connect()
    con.execute("CREATE TABLE regions AS SELECT * FROM (VALUES ('440100', 'prefecture'), ('440300', 'prefecture'), "
                "('420100', 'prefecture'), ('430100', 'prefecture')) AS t(region_id, level)")
    build_contracts(con, rows, default_taxonomy())
    kept = con.execute("SELECT contract_id, amount::VARCHAR, is_public_security_ai, buyer_region_id FROM contracts "
                       "ORDER BY contract_id").fetchall()
    assert kept == [("GZ-2019-001", "1255000.00", True, "440100"), ("SZ-2019-002", "10200000.00", False, "440300"),
                    ("WH-2019-003", "32000.00", False, "420100")]
    quarantined = dict(con.execute("SELECT source_row, quarantine_reason FROM contract_quarantine").fetchall())
    assert quarantined[3] == "repeated header row" and quarantined[5].startswith("row looks shifted")
    assert quarantined[6] == "amount '面议' is not a number"
    assert len(kept) + len(quarantined) == len(ROWS)  # nothing lost


def test_amount_units_in_values_and_a_missing_column(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("项目名称,采购单位,成交金额,发布日期\nA,广州市公安局,12.5万元,2020-01-02\nB,广州市公安局,￥1,2020-01-03\n",
                    encoding="utf-8")
    rows = read_notices(path)
    assert rows["amount"].to_list() == ["125000.00", "1.00"]
    assert rows["contract_id"].to_list() == ["n#1", "n#2"]  # no id column: file and row make one
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,日期\nA,2020-01-01\n", encoding="utf-8")
    with pytest.raises(ContractFileError, match=r"bad.csv line 1: no column for award_date, buyer_name, amount, title"):
        read_notices(bad)


def test_a_parquet_table_with_a_users_mapping(tmp_path):
    import polars as pl

    path = tmp_path / "awards.parquet"
    pl.DataFrame({"ref": ["A1"], "signed": ["2021-03-04"], "agency": ["Guangzhou Police"], "vendor": ["Acme"],
                  "value": [1250.5], "ccy": ["USD"], "subject": ["facial recognition system"]}).write_parquet(path)
    mapping = {"contract_id": ["ref"], "award_date": ["signed"], "buyer_name": ["agency"], "supplier_name": ["vendor"],
               "amount": ["value"], "currency": ["ccy"], "title": ["subject"]}
    row = read_notices(path, mapping).row(0, named=True)
    assert (row["contract_id"], row["award_date"], row["amount"], row["currency"]) == ("A1", "2021-03-04", "1250.50", "USD")
