"""Materialise every asset on the demo world, offline, in the project's Dagster instance.

    python -m pipeline.demo.run

Points the sources at the demo world (unless the environment already says otherwise), then runs
four materialisations a user could launch from the UI: the demo world and its truth; every GDELT
month of the demo as one backfill run; everything downstream; the lake's maintenance.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import dagster as dg

from pipeline.demo.world import DemoSpec
from pipeline.lib.dead_runs import recover_dead_runs

PARTITION_RANGE_START = "dagster/asset_partition_range_start"
PARTITION_RANGE_END = "dagster/asset_partition_range_end"
# Progress at INFO (files, rows, checks) without Dagster's step-by-step DEBUG events.
INFO_LOGS = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def demo_environment(root: Path) -> dict[str, str]:
    demo_dir = root / "data" / "demo"
    return {
        "WAREHOUSE_PATH": str(root / "data" / "lake"),
        "DEMO_DIR": str(demo_dir),
        "GDELT_BASE_URL": str(demo_dir / "gdelt"),
        "CONTRACTS_PATH": str(demo_dir / "contracts.csv"),
        "TRADE_DEALS_PATH": str(demo_dir / "trade_deals.csv"),
        "COVARIATES_PATH": str(demo_dir / "covariates.csv"),
    }


def materialize_demo(instance: dg.DagsterInstance, spec: DemoSpec = DemoSpec(), log=print) -> None:
    from pipeline.definitions import defs  # after the environment is set

    assets = [*defs.assets, *defs.asset_checks]  # the checks too: a blocking check stops a step that fails it
    resources = defs.resources
    first_year, last_year = spec.gdelt_span()
    first_month, last_month = f"{first_year}-01-01", f"{last_year}-12-01"
    steps = [
        (
            "demo world and its planted truth",
            dg.AssetSelection.assets("demo_truth"),
            {},
            {"ops": {"demo_truth": {"config": {"seed": spec.seed, "effect": spec.effect}}}, **INFO_LOGS},
        ),
        (
            f"GDELT months {first_month[:7]}..{last_month[:7]} (one backfill run)",
            dg.AssetSelection.assets("gdelt_files", "gdelt_events", "gdelt_rejects"),
            {PARTITION_RANGE_START: first_month, PARTITION_RANGE_END: last_month},
            # Every country: the trade design counts unrest abroad.
            {
                "ops": {"gdelt_ingest": {"config": {"expected_files_per_day": spec.files_per_day, "countries": []}}},
                **INFO_LOGS,
            },
        ),
        (
            "regions, unrest, contracts, panels and estimates",
            dg.AssetSelection.all()
            - dg.AssetSelection.assets(
                "demo_truth", "gdelt_files", "gdelt_events", "gdelt_rejects", "warehouse_maintenance"
            ),
            {},
            {"ops": {"unrest": {"config": {"presets": ["aitocracy", "trade"]}}}, **INFO_LOGS},
        ),
        (
            "lake maintenance (small files merged; nothing is old enough to expire)",
            dg.AssetSelection.assets("warehouse_maintenance"),
            {},
            INFO_LOGS,
        ),
    ]
    for label, selection, tags, run_config in steps:
        started = time.monotonic()
        result = dg.materialize(
            assets,
            selection=selection,
            instance=instance,
            resources=resources,
            tags=tags,
            run_config=run_config,
            raise_on_error=False,
        )
        if not result.success:
            raise SystemExit(f"demo step failed: {label} (run {result.run_id}); see the run in the Dagster UI")
        evaluations = result.get_asset_check_evaluations()
        failed = [e.check_name for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
        if failed:
            raise SystemExit(f"demo step {label}: asset checks failed: {', '.join(failed)}")
        for warning in (e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.WARN):
            log(f"warning: asset check {warning.check_name} did not pass; see its metadata in the UI")
        log(f"done: {label} in {time.monotonic() - started:.1f}s (run {result.run_id})")


def main() -> int:
    root = Path.cwd()
    for key, value in demo_environment(root).items():
        os.environ.setdefault(key, value)
    if "DAGSTER_HOME" not in os.environ:
        sys.exit("DAGSTER_HOME is not set: run the demo with `python3 dev.py demo`")
    with dg.DagsterInstance.get() as instance:
        # A run killed earlier (kill -9, a crash, a machine switched off) may still hold the warehouse pool.
        for recovered in recover_dead_runs(instance, "the demo, before its first run"):
            print(recovered)
        materialize_demo(instance)
    print(f"warehouse: {os.environ['WAREHOUSE_PATH']} (a DuckLake); query it with `python3 dev.py sql`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
