"""Benchmark: ingesting a month of GDELT 2.0 exports, side by side with the floor and the usual peers.

    .venv/bin/python benchmarks/ingest_month.py [--files 2016] [--rows-per-file 2485] [--only NAME ...]

Generates (once, cached under benchmarks/.data/) a month-sized synthetic set of zipped 15-minute exports
made of real GDELT rows (tests/fixtures/20180326044500.export.CSV, cycled with fresh event ids), then
runs each method in a fresh process, on the same files, and reports wall time, peak memory and ratios:

  floor      pure decompression of every file on all cores (Python's zipfile, threads): the limit
  duckdb     a bare DuckDB scan: each unzipped file read by DuckDB's CSV reader (all text), rows counted
  pandas     the `gdelt` package's way: pandas.read_csv per zipped file, concatenated, filtered to China
  ours       pipeline.lib.gdelt.ingest.ingest_month into a DuckDB file, every row typed and kept
  ours-CH    the same, scope ActionGeo_CountryCode = CH (the default)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from harness import ROOT, measure, run_fresh

REAL = ROOT / "tests" / "fixtures" / "20180326044500.export.CSV"
DATA = ROOT / "benchmarks" / ".data"
GDELT_URL = "http://data.gdeltproject.org/gdeltv2/"


def _make_file(args) -> str:
    index, rows, directory = args
    real = REAL.read_bytes().splitlines()
    stamp = (datetime(2018, 3, 1) + timedelta(minutes=15 * index)).strftime("%Y%m%d%H%M%S")
    lines = []
    for i in range(rows):
        fields = real[i % len(real)].split(b"\t")
        fields[0] = str(800_000_000 + index * rows + i).encode()
        fields[59] = stamp.encode()
        lines.append(b"\t".join(fields))
    name = f"{stamp}.export.CSV"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo(name, date_time=(2018, 3, 1, 0, 0, 0)),
            b"\n".join(lines) + b"\n",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    data = buffer.getvalue()
    (Path(directory) / f"{name}.zip").write_bytes(data)
    return f"{len(data)} {hashlib.md5(data).hexdigest()} {GDELT_URL}{name}.zip\n"


def generate(files: int, rows_per_file: int) -> Path:
    directory = DATA / f"month-{files}x{rows_per_file}"
    if (directory / "masterfilelist.txt").is_file():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    print(f"generating {files} files x {rows_per_file} rows in {directory} ...", flush=True)
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        lines = list(pool.map(_make_file, [(i, rows_per_file, str(directory)) for i in range(files)], chunksize=16))
    (directory / "masterfilelist.txt").write_text("".join(lines))
    return directory


def _zips(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.export.CSV.zip"))


def run_floor(directory: Path) -> int:
    def inflate(path):
        with zipfile.ZipFile(path) as archive:
            return len(archive.read(archive.infolist()[0]))

    with ThreadPoolExecutor(os.cpu_count()) as pool:
        return sum(pool.map(inflate, _zips(directory)))


def run_duckdb(directory: Path) -> int:
    import duckdb

    con = duckdb.connect()
    total = 0
    for path in _zips(directory):
        with zipfile.ZipFile(path) as archive:
            data = io.BytesIO(archive.read(archive.infolist()[0]))
        total += (
            con.read_csv(data, delimiter="\t", header=False, all_varchar=True, quotechar="")
            .aggregate("count(*)")
            .fetchone()[0]
        )
    return total


def run_pandas(directory: Path) -> int:
    import pandas as pd

    frames = [pd.read_csv(path, sep="\t", header=None, dtype=str, compression="zip") for path in _zips(directory)]
    events = pd.concat(frames, ignore_index=True)
    china = events[events[53] == "CH"]
    return len(events) + 0 * len(china)


def run_ours(directory: Path, countries: tuple[str, ...] = ()) -> int:
    from datetime import date

    from pipeline.lib import warehouse
    from pipeline.lib.gdelt.filelist import files_for_month
    from pipeline.lib.gdelt.ingest import ingest_month
    from pipeline.lib.gdelt.scope import Scope
    from pipeline.lib.gdelt.source import Mirror

    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "lake")
        mirror = Mirror(str(directory))
        files = files_for_month(date(2018, 3, 1), mirror.read_v2_list(), None)
        summary = ingest_month(
            con, mirror, files, date(2018, 3, 1), Scope(countries=countries), log=lambda m: None, workers=os.cpu_count()
        )
        con.close()
    return summary.rows_read


METHODS = {
    "floor": run_floor,
    "duckdb": run_duckdb,
    "pandas": run_pandas,
    "ours": run_ours,
    "ours-CH": lambda d: run_ours(d, ("CH",)),
}


def child(method: str, directory: str) -> None:
    # Imports are paid before the clock starts, for every method alike.
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import polars  # noqa: F401

    import pipeline.lib.gdelt.ingest  # noqa: F401

    measure(METHODS[method], directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2016)
    parser.add_argument("--rows-per-file", type=int, default=2485)
    parser.add_argument("--only", nargs="*", choices=list(METHODS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    directory = generate(args.files, args.rows_per_file)
    zipped_mb = sum(p.stat().st_size for p in _zips(directory)) / 1e6
    print(
        f"{len(_zips(directory))} files, {args.files * args.rows_per_file:,} rows, {zipped_mb:,.0f} MB zipped, "
        f"{os.cpu_count()} cores"
    )
    results = {}
    for method in args.only or METHODS:
        results[method] = r = run_fresh(__file__, method, str(directory))
        print(f"  {method:8s} {r['seconds']:7.2f} s   peak {r['peak_mb']:7.0f} MB   ({r['result']:,})", flush=True)
    if "floor" in results:
        print("ratios to the floor (time / floor time):")
        for method, r in results.items():
            print(f"  {method:8s} {r['seconds'] / results['floor']['seconds']:6.2f}x")
    if "pandas" in results and "ours" in results:
        print(
            f"pandas / ours: {results['pandas']['seconds'] / results['ours']['seconds']:.2f}x time, "
            f"{results['pandas']['peak_mb'] / results['ours']['peak_mb']:.2f}x memory"
        )


if __name__ == "__main__":
    main()
