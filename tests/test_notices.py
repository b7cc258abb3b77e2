"""Chinese procurement notices, as scraped to Excel, CSV or Parquet, into the normalised contracts."""

import datetime
import tomllib
from pathlib import Path

import duckdb
import polars as pl
import pytest
import xlsxwriter
import xlwt

from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    default_taxonomy,
)
from pipeline.lib.procurement.notices import read_notices

HEADER = ["公告编号", "项目名称", "采购人", "行政区域", "中标(成交)金额(万元)", "公告日期", "中标供应商"]
ROWS = [
    [
        "GZ-2019-001",
        "广州市人脸识别系统采购项目",
        "广州市公安局",
        "广东省广州市",
        "125.5",
        "2019-05-01",
        "某科技有限公司",
    ],
    ["SZ-2019-002", "视频监控系统建设", "深圳市公安局福田分局", "广东省深圳市", "1,020", "2019/6/3", "某安防有限公司"],
    HEADER,  # the header again: pages of a scrape concatenated
    ["WH-2019-003", "办公家具", "武汉市公安局", "湖北省武汉市", "3.2", "2019年7月15日", "某家具有限公司"],
    # A title split in two cells: every cell after it one column to the right, the supplier beyond the header.
    ["CS-2019-004", "人像比对系统", "（二期）", "长沙市公安局", "湖南省长沙市", "88", "2019-08-09", "某科技有限公司"],
    ["CD-2019-005", "医疗设备", "成都市第一人民医院", "", "面议", "2019-09-10", "某医疗有限公司"],  # no price
]


def _regions(con, *ids):
    con.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
    con.executemany(
        "INSERT INTO regions VALUES (?, ?)", [(i, "province" if i.endswith("0000") else "prefecture") for i in ids]
    )


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


def _write_xls(path, rows):
    # The Excel 97-2003 format, which older provincial portals still publish.
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate([HEADER, *rows]):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell)
    book.save(str(path))
    return path


@pytest.mark.parametrize(
    ("write", "name"),
    [(_write_csv, "notices.csv"), (_write_xlsx, "notices.xlsx"), (_write_xls, "notices.xls")],
    ids=["csv", "xlsx", "xls"],
)
def test_notices_are_normalised_and_faults_named(tmp_path, write, name):
    path = write(tmp_path / name, ROWS)
    rows = read_notices(path)
    assert rows.height == len(ROWS)
    # A CSV row is its line; a workbook row is the sheet's row, and source_file names the sheet.
    assert rows["source_file"].unique().to_list() == [name if write is _write_csv else f"{name}#Sheet1"]
    assert rows["source_row"].to_list() == [2, 3, 4, 5, 6, 7]
    first = rows.row(0, named=True)
    assert (
        first["contract_id"],
        first["award_date"],
        first["amount"],
        first["buyer_region_id"],
        first["currency"],
        first["notice_type"],
        first["buyer_region_source"],
    ) == ("GZ-2019-001", "2019-05-01", "1255000.00", "440100", "CNY", "award", "region column")
    # Dates are normalised where they are dates; other values stay as they were, for the quarantine to show.
    assert rows["award_date"].to_list() == ["2019-05-01", "2019-06-03", "公告日期", "2019-07-15", "88", "2019-09-10"]
    assert rows["amount"][1] == "10200000.00"  # 1,020 万元
    problems = dict(zip(rows["source_row"], rows["source_problem"], strict=True))
    assert problems[4] == "repeated header row"
    assert problems[6] == (
        "row looks shifted one column to the right: the amount is under 公告日期, the date under 中标供应商"
    )
    con = duckdb.connect()
    _regions(con, "440100", "440300", "420100", "430100", "510100")
    build_contracts(con, rows, default_taxonomy())
    kept = con.execute(
        "SELECT contract_id, amount::VARCHAR, is_public_security_ai, buyer_region_id FROM contracts "
        "ORDER BY contract_id"
    ).fetchall()
    assert kept == [
        ("GZ-2019-001", "1255000.00", True, "440100"),
        ("SZ-2019-002", "10200000.00", False, "440300"),
        ("WH-2019-003", "32000.00", False, "420100"),
    ]
    quarantined = dict(con.execute("SELECT source_row, quarantine_reason FROM contract_quarantine").fetchall())
    assert quarantined == {
        4: "repeated header row",
        6: problems[6],
        7: "amount '面议' under 中标(成交)金额(万元) is not an amount in 元 or 万元",
    }


def test_amount_units_in_values_and_headers_and_a_missing_column(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text(
        "项目名称,采购单位,成交金额,发布日期\n"
        "A,广州市公安局,12.5万元,2020-01-02\nB,广州市公安局,￥1,2020-01-03\n"
        'C,广州市公安局,"１，２３４．５",２０２０年１月４日\nD,广州市公安局,1,2,2020-01-05\n',
        encoding="utf-8",
    )
    rows = read_notices(path)
    assert rows["amount"].to_list() == ["125000.00", "1.00", "1234.50", "1.00"]
    assert rows["award_date"].to_list() == ["2020-01-02", "2020-01-03", "2020-01-04", "2"]
    assert rows["contract_id"].to_list() == ["n.csv:2", "n.csv:3", "n.csv:4", "n.csv:5"]  # no id column: file and row
    # 1,2 is no thousands separator: a cell split in two, the date one column to the right (beyond the header).
    assert rows["source_problem"].to_list() == [
        None,
        None,
        None,
        "row looks shifted one column to the right: the amount is under 发布日期, the date under column 5 (no header)",
    ]
    # A unit in the header wins over the layout's: the intention layout declares 万元 for 预算金额.
    intentions = tmp_path / "i.csv"
    intentions.write_text(
        "采购项目名称,采购单位,预算金额（元）,预计采购时间\nA,广州市公安局,800,2026年07月\n", encoding="utf-8"
    )
    assert read_notices(intentions).select("amount", "award_date", "notice_type").row(0) == (
        "800.00",
        "2026-07-01",
        "intention",
    )
    tenders = tmp_path / "t.csv"
    tenders.write_text(
        "项目编号,项目名称,采购人,预算金额,公告日期\nT-1,网络设备,广州市公安局,50000,2020-02-03\n", encoding="utf-8"
    )
    assert read_notices(tenders).select("contract_id", "amount", "supplier_name", "notice_type").row(0) == (
        "T-1",
        "50000.00",
        None,
        "tender",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("名称,日期\nA,2020-01-01\n", encoding="utf-8")
    with pytest.raises(
        ContractFileError,
        match=r"^bad.csv:1: no header row: no column for award_date, buyer_name, "
        r"amount, title \(headers: 名称, 日期\)$",
    ):
        read_notices(bad)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ContractFileError, match=r"^empty.csv: no records \(the file is empty\)$"):
        read_notices(tmp_path / "empty.csv")


def test_a_parquet_table_with_a_users_mapping(tmp_path):
    path = tmp_path / "awards.parquet"
    pl.DataFrame(
        {
            "ref": ["A1"],
            "signed": ["2021-03-04"],
            "agency": ["Guangzhou Police"],
            "vendor": ["Acme"],
            "value": [1250.5],
            "ccy": ["USD"],
            "subject": ["facial recognition system"],
        }
    ).write_parquet(path)
    mapping = {
        "contract_id": ["ref"],
        "award_date": ["signed"],
        "buyer_name": ["agency"],
        "supplier_name": ["vendor"],
        "amount": ["value"],
        "currency": ["ccy"],
        "title": ["subject"],
    }
    row = read_notices(path, mapping).row(0, named=True)
    with pytest.raises(ContractFileError, match=r"^column mapping, layout mapping: amount unit '万' is not one of"):
        read_notices(path, {**mapping, "amount": {"headers": ["value"], "unit": "万"}})
    assert (row["source_row"], row["contract_id"], row["award_date"], row["amount"], row["currency"]) == (
        1,
        "A1",
        "2021-03-04",
        "1250.50",
        "USD",
    )


INTENTIONS = [
    ["序号", "采购项目名称", "采购需求概况", "预算金额", "预计采购时间", "采购单位", "地市"],
    [1, "视频监控系统升级改造", "人脸识别摄像机200台", 125.5, "2026年07月", "山东省本级", "济南市"],
    [2, "办公设备采购", "计算机50台", "１２３．５", "2026年8月", "山东省公安厅", "青岛"],
    [3, "烟台市智慧交通平台建设", "平台软件", "80", "2026-09", "山东省交通运输厅", None],
    ["2026年山东省政府采购意向公开"],  # the next page: its title and header again
    ["序号", "采购项目名称", "采购需求概况", "预算金额", "预计采购时间", "采购单位", "地市"],
    [4, "指挥中心大屏", "显示屏", 30, datetime.datetime(2026, 10, 15), "济南市公安局", "济南市"],
    # 采购需求概况 split in two cells: everything after it one column to the right.
    [5, "人像识别系统", "软件", "硬件", 60, "2026年11月", "山东省本级", "潍坊市"],
    [6, "医疗设备", "CT机", "面议", "2026年12月", "山东省卫生健康委员会", "淄博市"],
    [7, "教学设备", "投影仪", "50万元", "2026年12月", "山东省教育厅", "淄博市"],
]
AWARDS = [
    ["项目编号", "项目名称", "采购人", "中标(成交)金额", "中标供应商", "公告日期", "行政区域"],
    [
        "SDGP2019-001",
        "青岛市公安局人脸识别系统采购",
        "青岛市公安局",
        "1,250,000.50",
        "某科技有限公司",
        "2019年3月5日",
        "青岛市",
    ],
    ["SDGP2019-002", "监控设备", "山东省本级", "￥980,000", "某安防有限公司", 43525, "济南市历下区"],
    ["SDGP2019-003", "警用装备", "山东省公安厅", "12.5万元", "某装备有限公司", "2019/3/5", None],
    # The buyer's cell lost: everything after it one column to the left.
    ["SDGP2019-004", "视频会议系统", "5000", "某通信有限公司", "2019-04-01", "淄博市"],
    ["SDGP2019-005", "网络设备", "山东省本级", "7000", "某网络有限公司", "2019-02-30", "济南市"],
]


def _scraped_workbook(path):
    book = xlsxwriter.Workbook(path)
    intentions = book.add_worksheet("采购意向")
    intentions.merge_range(0, 0, 0, 6, "2026年山东省政府采购意向公开")
    for r, row in enumerate(INTENTIONS, start=1):
        for c, cell in enumerate(row):
            if isinstance(cell, datetime.datetime):
                intentions.write_datetime(r, c, cell, book.add_format({"num_format": "yyyy年mm月"}))
            elif cell is not None:
                intentions.write(r, c, cell)
    awards = book.add_worksheet("中标公告")
    for r, row in enumerate(AWARDS):
        for c, cell in enumerate(row):
            if cell is not None:
                awards.write(r, c, cell)
    book.add_worksheet("说明").write(0, 0, "数据来源：山东省政府采购网")
    book.close()
    return path


def test_a_scraped_workbook_of_intentions_and_awards(tmp_path):
    # An Excel workbook kept as a backup copy: read as a workbook by its content, not its name.
    path = _scraped_workbook(tmp_path / "shandong.xlsx.bak")
    rows = read_notices(path)
    assert rows.height == 15  # 9 intention rows, 5 award rows, the notes sheet
    con = duckdb.connect()
    _regions(con, "370000", "370100", "370200", "370300", "370600", "370700")
    build_contracts(con, rows, default_taxonomy())
    kept = con.execute("""
        SELECT source_file, source_row, contract_id, notice_type, award_date::VARCHAR, amount::VARCHAR,
               buyer_name, buyer_region_id, buyer_region_source
        FROM contracts ORDER BY source_file, source_row""").fetchall()
    intention, award = "shandong.xlsx.bak#采购意向", "shandong.xlsx.bak#中标公告"
    assert kept == [
        (award, 2, "SDGP2019-001", "award", "2019-03-05", "1250000.50", "青岛市公安局", "370200", "region column"),
        (award, 3, "SDGP2019-002", "award", "2019-03-01", "980000.00", "山东省本级", "370100", "region column"),
        (award, 4, "SDGP2019-003", "award", "2019-03-05", "125000.00", "山东省公安厅", "370000", "buyer name"),
        # 预算金额 says no unit; the intention layout declares 万元. Dates are the planned month's first day.
        (
            intention,
            3,
            f"{intention}:3",
            "intention",
            "2026-07-01",
            "1255000.00",
            "山东省本级",
            "370100",
            "region column",
        ),
        (
            intention,
            4,
            f"{intention}:4",
            "intention",
            "2026-08-01",
            "1235000.00",
            "山东省公安厅",
            "370200",
            "region column",
        ),
        (intention, 5, f"{intention}:5", "intention", "2026-09-01", "800000.00", "山东省交通运输厅", "370600", "title"),
        (
            intention,
            8,
            f"{intention}:8",
            "intention",
            "2026-10-01",
            "300000.00",
            "济南市公安局",
            "370100",
            "region column",
        ),
        (
            intention,
            11,
            f"{intention}:11",
            "intention",
            "2026-12-01",
            "500000.00",
            "山东省教育厅",
            "370300",
            "region column",
        ),
    ]
    # The intention layout declares its date column month-level; the awards give the day.
    assert con.execute(
        "SELECT notice_type, award_date_precision, count(*) FROM contracts GROUP BY ALL ORDER BY ALL"
    ).fetchall() == [("award", "day", 3), ("intention", "month", 5)]
    quarantined = con.execute(
        "SELECT source_file, source_row, quarantine_reason FROM contract_quarantine "
        "ORDER BY source_file, source_row NULLS FIRST"
    ).fetchall()
    assert quarantined == [
        (award, 5, "row looks shifted one column to the left: the amount is under 采购人, the date under 中标供应商"),
        (award, 6, "award_date '2019-02-30' under 公告日期 is not a date"),
        (
            "shandong.xlsx.bak#说明",
            None,
            "shandong.xlsx.bak#说明:1: no header row: no column for award_date, "
            "buyer_name, amount, title (headers: 数据来源：山东省政府采购网)",
        ),
        (intention, 6, "repeated title row"),
        (intention, 7, "repeated header row"),
        (
            intention,
            9,
            "row looks shifted one column to the right: the amount is under 预计采购时间, the date under 采购单位",
        ),
        (intention, 10, "amount '面议' under 预算金额 is not an amount in 元 or 万元"),
    ]


def test_a_directory_of_notice_files(tmp_path):
    _scraped_workbook(tmp_path / "shandong.xlsx")
    (tmp_path / "2019").mkdir()
    # One line of a UTF-8 scrape holds a GBK-encoded name (广州 as GBK bytes): that row alone is quarantined.
    (tmp_path / "2019" / "guangzhou.csv").write_bytes(
        "\ufeff项目名称,采购人,中标金额,公告日期\n人脸识别,广州市公安局,100,2019-05-01\n".encode()
        + "视频监控,".encode()
        + "广州".encode("gbk")
        + "市公安局,200,2019-05-02\n".encode()
        + '"办公家具\n（二批）",广州市公安局,300,2019-05-03\n'.encode()
    )
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    rows = read_notices(tmp_path)
    counts = dict(rows.group_by("source_file").len().iter_rows())
    assert counts == {
        "2019/guangzhou.csv": 3,
        "broken.xlsx": 1,
        "shandong.xlsx#采购意向": 9,
        "shandong.xlsx#中标公告": 5,
        "shandong.xlsx#说明": 1,
    }
    csv = rows.filter(pl.col("source_file") == "2019/guangzhou.csv")
    assert csv.select("source_row", "amount", "source_problem").rows() == [
        (2, "100.00", None),
        (
            3,
            "200.00",
            "2019/guangzhou.csv:3: byte 0xb9 is not UTF-8; declare the file's encoding "
            "(gb18030 reads GBK and most other Chinese files that are not UTF-8)",
        ),
        (4, "300.00", None),  # the record with a line break in its title starts on line 4
    ]
    assert (
        rows.filter(pl.col("source_file") == "broken.xlsx")["source_problem"]
        .item()
        .startswith("broken.xlsx: not a readable Excel workbook (")
    )
    con = duckdb.connect()
    _regions(con, "370000", "370100", "370200", "370300", "370600", "370700", "440100")
    build_contracts(con, rows, default_taxonomy())
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (10,)
    assert con.execute("SELECT count(*) FROM contract_quarantine").fetchone() == (9,)


def test_a_declared_encoding(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("项目名称,采购人,中标金额(元),公告日期\n人脸识别,广州市公安局,100,2019-05-01\n".encode("gbk"))
    row = read_notices(path, encoding="gbk").row(0, named=True)
    assert (row["title"], row["buyer_name"], row["buyer_region_id"], row["amount"]) == (
        "人脸识别",
        "广州市公安局",
        "440100",
        "100.00",
    )
    # Undeclared, the header itself is not UTF-8: nothing in the file can be read.
    with pytest.raises(ContractFileError, match=r"^gbk.csv:1: no header row: .*; gbk.csv:1: byte 0xcf is not UTF-8"):
        read_notices(path)


def test_the_documented_mapping_example(tmp_path):
    formats = (Path(__file__).parents[1] / "docs" / "formats.md").read_text(encoding="utf-8")
    example = formats[formats.index("```toml\n[intention]") + len("```toml\n") :]
    mapping = tomllib.loads(example[: example.index("```")])
    path = tmp_path / "intentions.csv"
    path.write_text(
        "采购项目名称,采购单位,预算金额,预计采购时间,地市,区县\n"
        "人脸识别系统,山东省本级,12.5,2026-07-20,青岛市,市南区\n",
        encoding="utf-8",
    )
    row = read_notices(path, mapping).row(0, named=True)
    assert (
        row["notice_type"],
        row["amount"],
        row["award_date"],
        row["buyer_region_id"],
        row["buyer_region_source"],
    ) == ("intention", "125000.00", "2026-07-01", "370200", "region column")
