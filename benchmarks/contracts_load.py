"""Benchmark: loading and classifying 3 million contracts, beside a bare DuckDB scan and pandas.

    .venv/bin/python benchmarks/contracts_load.py [--rows 3000000] [--repeat 3]

Generates (once, under benchmarks/.data/) a contracts CSV in the normalised format with real-style Chinese
titles and buyers, then runs each method in a fresh process (--repeat times, the median reported) and reports time, peak
memory and ratios:

  duckdb   the limit: DuckDB reads the CSV and computes the seven taxonomy flags with the same regular
           expressions (regexp_matches on title, buyer and supplier), nothing else
  duckdb-stored  the limit for a result that is kept: the same, with the eight columns read and the seven
           flags written to a table in a DuckDB file (what any warehouse load must at least pay)
  duckdb-lake  the same, written to a table of a DuckLake (the warehouse's own storage since issue 16: Parquet
           files and a SQLite catalog, attached by pipeline.lib.warehouse.connect)
  pandas   the usual peer: pandas.read_csv, then str.contains for each taxonomy pattern, as a notebook would
  ours     add_contract_csv + classify_contract_rows (what the procurement asset runs): typing, quarantine,
           buyer-region resolution, the whole taxonomy with exclusions and rules, duplicates, into the lake
  ours-2-sources  the same records as two sources (a sources file listing the file's two halves): the
           overhead of the several-source path
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import polars as pl
from harness import ROOT, measure, run_median

DATA = ROOT / "benchmarks" / ".data"
TITLES = [
    "人脸识别系统采购项目",
    "视频结构化分析平台",
    "办公家具采购",
    "摄像机维修服务",
    "道路维修工程",
    "人工智能辅助诊断",
    "人像比对系统升级",
    "物业管理服务",
    "视频监控系统建设",
    "绿化养护服务",
]
BUYERS = ["市公安局", "市公安局交通警察支队", "市第一人民医院", "市第一中学", "市财政局", "市教育局", "市农商银行"]
CITIES = ["广州", "深圳", "武汉", "长沙", "杭州", "南京", "成都", "西安", "郑州", "昆明", "贵阳", "南宁"]
SUPPLIERS = [
    "海康威视数字技术股份有限公司",
    "某建筑工程有限公司",
    "某科技有限公司",
    "浙江大华技术股份有限公司",
    "某物业服务有限公司",
]


def generate(rows: int) -> Path:
    path = DATA / f"contracts-{rows}.csv"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    city = np.array(CITIES)[rng.integers(len(CITIES), size=rows)]
    frame = pl.DataFrame(
        {
            "contract_id": [f"C{i:08d}" for i in range(rows)],
            "award_date": (np.datetime64("2013-01-01") + rng.integers(0, 7 * 365, size=rows)).astype(str),
            "buyer_name": np.char.add(city, np.array(BUYERS)[rng.integers(len(BUYERS), size=rows)]),
            "buyer_region_id": "",
            "supplier_name": np.array(SUPPLIERS)[rng.integers(len(SUPPLIERS), size=rows)],
            "amount": np.round(rng.lognormal(12, 1, size=rows), 2).astype(str),
            "currency": "CNY",
            "title": np.char.add(city, np.array(TITLES)[rng.integers(len(TITLES), size=rows)]),
        }
    )
    frame.write_csv(path)
    return path


def sources_file(path: Path) -> Path:
    """A sources file listing the two halves of `path` (written once beside it) as two normalised sources."""
    import duckdb

    toml = path.with_suffix(".sources.toml")
    if toml.is_file():
        return toml
    rows = duckdb.execute("SELECT count(*) FROM read_csv($path, all_varchar = true)", {"path": str(path)}).fetchone()[0]
    entries = []
    for half, (start, stop) in enumerate([(0, rows // 2), (rows // 2, rows)], start=1):
        part = path.with_suffix(f".half{half}.csv")
        duckdb.execute(
            f"COPY (SELECT * FROM read_csv($path, all_varchar = true) WHERE contract_id >= 'C{start:08d}' "
            f"AND contract_id < 'C{stop:08d}' ORDER BY contract_id) TO '{part}' (HEADER)",
            {"path": str(path)},
        )
        entries.append(f'[[source]]\nname = "half {half}"\npath = "{part.name}"\nformat = "normalised"\n')
    toml.write_text("\n".join(entries))
    return toml


def run_duckdb(path: Path) -> int:
    import duckdb

    from pipeline.lib.procurement.contracts import default_taxonomy

    categories = default_taxonomy().categories
    patterns = default_taxonomy().sql_params()
    params = {name: patterns[f"{name}_patterns"] for name in categories}
    flags = ", ".join(f"regexp_matches(lower({c.field}), ${name}) AS is_{name}" for name, c in categories.items())
    # Every flag is counted, so that none is optimised away.
    counts = ", ".join(f"count(*) FILTER (WHERE is_{name})" for name in categories if name not in ("ai", "ai_firm"))
    query = (
        f"SELECT count(*) FILTER (WHERE is_ai OR is_ai_firm), {counts} "
        f"FROM (SELECT {flags} FROM read_csv($path, all_varchar = true))"
    )
    return duckdb.execute(query, {"path": str(path), **params}).fetchone()[0]


def run_duckdb_stored(path: Path, lake: bool = False) -> int:
    import duckdb

    from pipeline.lib import warehouse
    from pipeline.lib.procurement.contracts import default_taxonomy

    categories = default_taxonomy().categories
    patterns = default_taxonomy().sql_params()
    params = {name: patterns[f"{name}_patterns"] for name in categories}
    flags = ", ".join(f"regexp_matches(lower({c.field}), ${name}) AS is_{name}" for name, c in categories.items())
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "lake") if lake else duckdb.connect(str(Path(tmp) / "w.duckdb"))
        con.execute(
            f"CREATE TABLE contracts AS SELECT *, {flags} FROM read_csv($path, all_varchar = true)",
            {"path": str(path), **params},
        )
        count = con.execute("SELECT count(*) FILTER (WHERE is_ai OR is_ai_firm) FROM contracts").fetchone()[0]
        con.close()
    return count


def run_pandas(path: Path) -> int:
    import pandas as pd

    from pipeline.lib.procurement.contracts import default_taxonomy

    frame = pd.read_csv(path, dtype=str)
    taxonomy = default_taxonomy()
    for name, category in taxonomy.categories.items():
        text = frame[category.field].fillna("").str.lower()
        frame[f"is_{name}"] = False
        for pattern in category.patterns:
            frame[f"is_{name}"] |= text.str.contains(pattern.lower(), regex=False)
    return int((frame["is_ai"] | frame["is_ai_firm"]).sum())


def run_ours(path: Path) -> int:
    from pipeline.lib import warehouse
    from pipeline.lib.procurement.contracts import classify_contract_rows, create_contract_rows, default_taxonomy
    from pipeline.lib.procurement.sources import ContractSource, add_source, read_sources_file

    sources = read_sources_file(path) if path.suffix == ".toml" else [ContractSource(None, path)]
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "lake")
        con.execute("CREATE TABLE regions (region_id VARCHAR, level VARCHAR)")
        create_contract_rows(con)
        for source in sources:
            add_source(con, source)
        classify_contract_rows(con, default_taxonomy())
        count = con.execute("SELECT count(*) FILTER (WHERE is_ai) FROM contracts").fetchone()[0]
        # The generator numbers contract i as C{i:08d}: at this scale DuckDB reads the file in parallel, and
        # every record must still carry its own row (contract_rows keeps the file's order to number them).
        misnumbered = con.execute(
            "SELECT count(*) FROM contracts WHERE source IS NULL AND source_row <> substr(contract_id, 2)::BIGINT + 1"
        ).fetchone()[0]
        if misnumbered:
            raise AssertionError(f"{misnumbered:,} contracts carry another record's source_row")
        con.close()
    return count


METHODS = {
    "duckdb": run_duckdb,
    "duckdb-stored": run_duckdb_stored,
    "duckdb-lake": lambda path: run_duckdb_stored(path, lake=True),
    "pandas": run_pandas,
    "ours": run_ours,
    "ours-2-sources": run_ours,
}


def child(method: str, path: str) -> None:
    import duckdb  # noqa: F401
    import pandas  # noqa: F401

    import pipeline.lib.procurement.sources  # noqa: F401

    measure(METHODS[method], path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    path = generate(args.rows)
    print(f"{args.rows:,} contracts, {path.stat().st_size / 1e6:,.0f} MB CSV")
    results = {}
    for method in METHODS:
        argument = sources_file(path) if method == "ours-2-sources" else path
        results[method] = r = run_median(__file__, method, str(argument), args.repeat)
        runs = ", ".join(f"{s:.2f}" for s in r["all_seconds"])
        print(
            f"  {method:14s} {r['seconds']:7.2f} s   peak {r['peak_mb']:6.0f} MB   result {r['result']:,}   "
            f"(runs: {runs})",
            flush=True,
        )
    seconds = {method: r["seconds"] for method, r in results.items()}
    print(
        f"ours / duckdb: {seconds['ours'] / seconds['duckdb']:.1f}x time; "
        f"ours / duckdb-stored: {seconds['ours'] / seconds['duckdb-stored']:.1f}x; "
        f"ours / duckdb-lake: {seconds['ours'] / seconds['duckdb-lake']:.1f}x; "
        f"pandas / ours: {seconds['pandas'] / seconds['ours']:.1f}x time, "
        f"{results['pandas']['peak_mb'] / results['ours']['peak_mb']:.1f}x memory; "
        f"two sources / one: {seconds['ours-2-sources'] / seconds['ours']:.2f}x time"
    )


if __name__ == "__main__":
    main()
