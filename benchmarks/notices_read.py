"""Benchmark: reading scraped Chinese procurement notices (awards), beside a bare read and a pandas pass.

    .venv/bin/python benchmarks/notices_read.py [--rows 200000]

Generates (once, under benchmarks/.data/) an awards table of real-style notices as a CSV and as an Excel
workbook (the header below a merged title row in the workbook), then runs each method in a fresh process:

  bare-csv     the limit: polars reads the CSV, every cell as text
  bare-xlsx    the limit: fastexcel loads the sheet, every cell as text
  pandas-csv   the usual peer: pandas reads the CSV, converts 万元 and dates, maps the region column
  ours-csv     read_notices on the CSV: header found, values typed, faults checked, regions chosen
  ours-xlsx    read_notices on the workbook
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
from harness import ROOT, measure, run_fresh

DATA = ROOT / "benchmarks" / ".data"
HEADER = ["项目编号", "项目名称", "采购人", "中标(成交)金额(万元)", "中标供应商", "公告日期", "行政区域"]
TITLES = ["人脸识别系统采购项目", "视频结构化分析平台", "办公家具采购", "摄像机维修服务", "道路维修工程"]
BUYERS = ["市公安局", "市第一人民医院", "市教育局", "山东省本级", "市财政局"]
CITIES = ["济南市", "青岛市", "淄博市", "烟台市", "潍坊市", "广州市", "深圳市", "武汉市", "长沙市", "成都市"]
SUPPLIERS = ["某科技有限公司", "某安防有限公司", "某家具有限公司"]


def generate(rows: int) -> tuple[Path, Path]:
    csv, xlsx = DATA / f"notices-{rows}.csv", DATA / f"notices-{rows}.xlsx"
    if csv.is_file() and xlsx.is_file():
        return csv, xlsx
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    city = np.array(CITIES)[rng.integers(len(CITIES), size=rows)]
    buyer = np.array(BUYERS)[rng.integers(len(BUYERS), size=rows)]
    days = rng.integers(0, 7 * 365, size=rows)
    frame = pl.DataFrame(
        {
            "项目编号": [f"SDGP{i:08d}" for i in range(rows)],
            "项目名称": np.char.add(city, np.array(TITLES)[rng.integers(len(TITLES), size=rows)]),
            "采购人": np.where(buyer == "山东省本级", buyer, np.char.add(city, buyer)),
            "中标(成交)金额(万元)": np.round(rng.lognormal(3, 1, size=rows), 4).astype(str),
            "中标供应商": np.array(SUPPLIERS)[rng.integers(len(SUPPLIERS), size=rows)],
            "公告日期": (np.datetime64("2013-01-01") + days).astype(str),
            "行政区域": city,
        }
    )
    frame.write_csv(csv)
    import xlsxwriter

    book = xlsxwriter.Workbook(xlsx, {"constant_memory": True})
    sheet = book.add_worksheet("中标公告")
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "政府采购中标公告")
    sheet.write_row(1, 0, HEADER)
    for r, row in enumerate(frame.iter_rows(), start=2):
        sheet.write_row(r, 0, row)
    book.close()
    return csv, xlsx


def bare_csv(path: Path) -> int:
    return pl.read_csv(path, infer_schema=False).height


def bare_xlsx(path: Path) -> int:
    import fastexcel

    return fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars().height


def pandas_csv(path: Path) -> int:
    """What a notebook does: pandas reads the CSV, amounts in 万元 to yuan, dates parsed, the region column mapped
    through the same resolver once per distinct value; no layouts, no fault checks."""
    import pandas as pd

    from pipeline.lib.geo.buyers import resolve_buyers

    frame = pd.read_csv(path, dtype=str)
    frame["yuan"] = pd.to_numeric(frame["中标(成交)金额(万元)"].str.replace(",", ""), errors="coerce") * 10_000
    frame["award_date"] = pd.to_datetime(frame["公告日期"], errors="coerce", format="%Y-%m-%d")
    regions = resolve_buyers(frame["行政区域"].dropna().unique().tolist()).to_pandas()
    frame["buyer_region_id"] = frame["行政区域"].map(
        dict(zip(regions["buyer_name"], regions["resolved_region_id"], strict=True))
    )
    return int(frame["buyer_region_id"].notna().sum())


def ours(path: Path) -> int:
    from pipeline.lib.procurement.notices import read_notices

    return read_notices(path).filter(pl.col("buyer_region_id").is_not_null()).height


METHODS = {
    "bare-csv": (bare_csv, 0),
    "bare-xlsx": (bare_xlsx, 1),
    "pandas-csv": (pandas_csv, 0),
    "ours-csv": (ours, 0),
    "ours-xlsx": (ours, 1),
}


def child(method: str, path: str) -> None:
    import fastexcel  # noqa: F401

    import pipeline.lib.procurement.notices  # noqa: F401

    measure(METHODS[method][0], path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    files = generate(args.rows)
    print(
        f"{args.rows:,} notices: CSV {files[0].stat().st_size / 1e6:,.0f} MB, "
        f"workbook {files[1].stat().st_size / 1e6:,.0f} MB"
    )
    results = {}
    for method, (_, file) in METHODS.items():
        results[method] = r = run_fresh(__file__, method, str(files[file]))
        print(f"  {method:10s} {r['seconds']:7.2f} s   peak {r['peak_mb']:6.0f} MB   result {r['result']}", flush=True)
    print(
        f"pandas / ours (CSV): {results['pandas-csv']['seconds'] / results['ours-csv']['seconds']:.1f}x time; "
        f"ours / bare: CSV {results['ours-csv']['seconds'] / results['bare-csv']['seconds']:.1f}x, "
        f"workbook {results['ours-xlsx']['seconds'] / results['bare-xlsx']['seconds']:.1f}x"
    )


if __name__ == "__main__":
    main()
