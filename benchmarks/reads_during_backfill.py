"""Benchmark: a reader's panel query while a 12-month backfill writes the lake, beside the same query on an idle lake.

    .venv/bin/python benchmarks/reads_during_backfill.py [--files-per-day 24] [--queries 40]

Writes a demo world of 2018 (pipeline/demo/world.py; --files-per-day exports a day) under benchmarks/.data/,
ingests January into a lake, then measures one query, in a reader process of its own that attaches the lake
read-only once (pipeline.lib.warehouse.connect) and asks it again and again:

  idle      the lake with nobody writing (the limit)
  backfill  while gdelt_ingest backfills February to December in one run (dg.materialize, in another process),
            committing month by month

The query is a panel of the ingested events: events by month and ActionGeo country, with their mean Goldstein
score, over gdelt_events (the panel assets need tables a backfill does not build). Reported per mode: queries
answered, failures, and the median, 95th percentile and maximum latency; and the backfill's ratios to idle.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ROOT

DATA = ROOT / "benchmarks" / ".data" / "reads_during_backfill"
PANEL_QUERY = (
    "SELECT partition_month, ActionGeo_CountryCode, count(*) AS events, avg(GoldsteinScale) AS goldstein "
    "FROM gdelt_events GROUP BY ALL ORDER BY ALL"
)


def backfill(lake: Path, mirror: Path, first: str, last: str, files_per_day: int) -> None:
    import dagster as dg

    from pipeline.defs.gdelt.assets import gdelt_ingest
    from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
    from pipeline.demo.run import PARTITION_RANGE_END, PARTITION_RANGE_START

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [gdelt_ingest],
            instance=instance,
            tags={PARTITION_RANGE_START: first, PARTITION_RANGE_END: last},
            resources={
                "warehouse": WarehouseResource(path=str(lake)),
                "gdelt": GdeltMirrorResource(base_url=str(mirror), cache_dir=str(lake.parent / "cache")),
                "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
            },
            run_config={
                "ops": {"gdelt_ingest": {"config": {"countries": [], "expected_files_per_day": files_per_day}}}
            },
        )
    if not result.success:
        raise SystemExit("the backfill failed")


def read_until(lake: Path, stop_file: Path | None, queries: int) -> None:
    """Ask PANEL_QUERY until `queries` answers (stop_file None: idle) or until stop_file exists (during a
    backfill); print the latencies and failures as one JSON line."""
    from pipeline.lib import warehouse

    con = warehouse.connect(lake, read_only=True)
    latencies, failures = [], []
    while (len(latencies) < queries) if stop_file is None else not stop_file.exists():
        started = time.perf_counter()
        try:
            con.execute(PANEL_QUERY).fetchall()
            latencies.append(time.perf_counter() - started)
        except Exception as err:  # a benchmark counts what a reader would meet, whatever it is
            failures.append(str(err).splitlines()[0])
    print(json.dumps({"latencies": latencies, "failures": failures}))


def summary(name: str, measured: dict) -> dict:
    latencies = sorted(measured["latencies"])
    row = {
        "answered": len(latencies),
        "failed": len(measured["failures"]),
        "median": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "max": latencies[-1],
    }
    print(
        f"  {name:9s} {row['answered']:5d} answered, {row['failed']} failed; median {row['median'] * 1000:7.1f} ms, "
        f"p95 {row['p95'] * 1000:7.1f} ms, max {row['max'] * 1000:7.1f} ms",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files-per-day", type=int, default=24)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "backfill":
            backfill(Path(rest[0]), Path(rest[1]), rest[2], rest[3], int(rest[4]))
        else:
            read_until(Path(rest[0]), Path(rest[1]) if rest[1] != "-" else None, int(rest[2]))
        return
    from pipeline.demo.world import DemoSpec, generate

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    world = DATA / "world"
    generate(world, DemoSpec(years=1, country_start_year=2018, country_years=1, files_per_day=args.files_per_day))
    lake, stop = DATA / "lake", DATA / "backfill.done"
    script = [sys.executable, __file__, "--child"]
    ingest = [*script, "backfill", str(lake), str(world / "gdelt")]
    subprocess.run([*ingest, "2018-01-01", "2018-01-01", str(args.files_per_day)], check=True)

    def reader(stop_file: str) -> subprocess.Popen:
        return subprocess.Popen([*script, "read", str(lake), stop_file, str(args.queries)], stdout=subprocess.PIPE)

    idle = reader("-")
    idle_row = summary("idle", json.loads(idle.communicate()[0]))
    started = time.perf_counter()
    during = reader(str(stop))
    subprocess.run([*ingest, "2018-02-01", "2018-12-01", str(args.files_per_day)], check=True)
    backfill_seconds = time.perf_counter() - started
    stop.touch()
    busy_row = summary("backfill", json.loads(during.communicate()[0]))
    print(
        f"backfill of 11 months: {backfill_seconds:.1f} s; during it, median "
        f"{busy_row['median'] / idle_row['median']:.1f}x idle, p95 {busy_row['p95'] / idle_row['p95']:.1f}x, "
        f"max {busy_row['max'] / idle_row['max']:.1f}x; "
        f"{busy_row['failed']} queries failed"
    )
    shutil.rmtree(DATA)


if __name__ == "__main__":
    main()
