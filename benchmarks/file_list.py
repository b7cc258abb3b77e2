"""Benchmark: finding one month's files in GDELT 2.0's master file list, beside DuckDB and pandas.

    .venv/bin/python benchmarks/file_list.py [--lines 1100000]

Generates (once, under benchmarks/.data/) a masterfilelist.txt shaped like GDELT's today: three lines
(export, mentions, gkg) per 15 minutes from 2015-02-19 on, about 120 MB for 1.1 million lines. Each method
runs in a fresh process, reads the file and returns the March 2018 export files (size, md5, name); their
counts must agree.

  ours      what every gdelt_ingest run does since the list is cached: a byte search for the month's lines
            and a parse of those only (filelist.parse_v2_list_months)
  full      what every run did before: parse every line into a record, then pick the month (parse_v2_list)
  duckdb    the floor: DuckDB's CSV reader over the file, filtered on the month's stamp
  pandas    the peer: pandas.read_csv with a space separator, filtered the same way
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from harness import ROOT, measure, run_fresh

DATA = ROOT / "benchmarks" / ".data"
MONTH = date(2018, 3, 1)
KINDS = ("export.CSV.zip", "mentions.CSV.zip", "gkg.csv.zip")


def generate(lines: int) -> Path:
    path = DATA / f"masterfilelist-{lines}.txt"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    start, rows = datetime(2015, 2, 19), []
    for n in range(lines):
        stamp = (start + timedelta(minutes=15 * (n // 3))).strftime("%Y%m%d%H%M%S")
        md5 = hashlib.md5(str(n).encode()).hexdigest()
        rows.append(f"{100_000 + n % 90_000} {md5} http://data.gdeltproject.org/gdeltv2/{stamp}.{KINDS[n % 3]}\n")
    path.write_text("".join(rows))
    return path


def ours(path: Path) -> int:
    from pipeline.lib.gdelt.filelist import parse_v2_list_months

    listing = parse_v2_list_months(path.read_bytes(), str(path), [MONTH])
    return sum(1 for f in listing.files if f.layout == "v2-61")


def full(path: Path) -> int:
    from pipeline.lib.gdelt.filelist import files_for_month, parse_v2_list

    return len(files_for_month(MONTH, parse_v2_list(path.read_text(), str(path)), None))


def duckdb_scan(path: Path) -> int:
    import duckdb

    return duckdb.sql(
        "SELECT count(*) FROM read_csv($path, delim = ' ', header = false, columns = "
        "{'size': 'BIGINT', 'md5': 'VARCHAR', 'url': 'VARCHAR'}) "
        "WHERE url LIKE '%/' || $stamp || '%.export.CSV.zip'",
        params={"path": str(path), "stamp": f"{MONTH:%Y%m}"},
    ).fetchone()[0]


def pandas_read(path: Path) -> int:
    import pandas as pd

    frame = pd.read_csv(path, sep=" ", header=None, names=["size", "md5", "url"])
    return int(frame["url"].str.contains(f"/{MONTH:%Y%m}\\d+\\.export\\.CSV\\.zip$", regex=True).sum())


METHODS = {"ours": ours, "full": full, "duckdb": duckdb_scan, "pandas": pandas_read}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        measure(METHODS[sys.argv[2]], sys.argv[3])
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_100_000)
    path = generate(parser.parse_args().lines)
    results = {name: run_fresh(__file__, name, str(path)) for name in METHODS}
    counts = {r["result"] for r in results.values()}
    if len(counts) != 1:
        raise SystemExit(f"the methods disagree: {json.dumps({k: v['result'] for k, v in results.items()})}")
    print(f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB; {counts.pop():,} export files in {MONTH:%Y-%m}")
    floor = results["duckdb"]["seconds"]
    for name, r in results.items():
        print(f"  {name:7s} {r['seconds']:6.2f} s  {r['peak_mb']:6.0f} MB peak  {r['seconds'] / floor:5.1f}x duckdb")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
