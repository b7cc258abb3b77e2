"""Benchmark: linking 3 million contracts to 10,000 unrest events and building the panel, beside pandas.

    .venv/bin/python benchmarks/panel_link.py [--contracts 3000000] [--events 10000] [--regions 340]

Generates (once, under benchmarks/.data/) a DuckDB file with `contracts` and `unrest_events` over 340
prefectures and 28 quarters (2013-2019), then runs each method in a fresh process and reports time,
peak memory and ratios. Both methods make the same link: each prefecture-quarter with unrest, and the
same prefecture's contracts from 2 quarters before to 3 after (about 11 million contract-event pairs),
counted per window and k for the eight outcomes of event_windows; then the balanced prefecture x quarter
panel. Their results (pairs, window rows, public-security AI contracts in windows, panel rows) must agree.

  ours     what the event_windows and unrest_panel assets run, in DuckDB (memory_limit 1 GB): the window
           counts (sql/panels/event_windows.sql), the pair view and its check that the pairs number the
           contracts counted (contract_windows.sql, event_windows_check.sql), and the panel (unrest_panel.sql)
  pandas   the same link as a notebook would write it: group events by prefecture-quarter, merge with all
           contracts on prefecture, filter on the relative quarter, group by window and k and fill the
           missing k with zeros; then the panel with groupby and reindex
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from harness import ROOT, measure, run_fresh

DATA = ROOT / "benchmarks" / ".data"


def generate(contracts: int, events: int, regions: int) -> Path:
    path = DATA / f"link-v4-{contracts}-{events}-{regions}.duckdb"
    if path.is_file():
        return path
    import duckdb

    DATA.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(
        """
        CREATE TABLE contracts AS
        SELECT 'C' || i AS contract_id,
               DATE '2013-01-01' + CAST(hash(i, 'day') % 2556 AS INTEGER) AS award_date,
               CAST(110100 + (hash(i, 'region') % $regions) * 100 AS VARCHAR) AS buyer_region_id,
               'prefecture' AS buyer_region_level,
               hash(i, 'ai') % 10 = 0 AS is_ai,
               hash(i, 'ps') % 3 = 0 AS is_public_security_buyer,
               (hash(i, 'ai') % 10 = 0) AND (hash(i, 'ps') % 3 = 0) AS is_public_security_ai,
               CAST(1000 + hash(i, 'amount') % 100000 AS DECIMAL(18, 2)) AS amount,
               'CNY' AS currency,
               false AS is_duplicate,
               false AS award_date_implausible,
               CASE hash(i, 'ps') % 3 WHEN 0 THEN 'public_security' WHEN 1 THEN 'hospital' END AS buyer_sector
        FROM range($contracts) AS t(i)""",
        {"contracts": contracts, "regions": regions},
    )
    con.execute(
        """
        CREATE TABLE unrest_events AS
        SELECT i AS event_id,
               DATE '2013-01-01' + CAST(hash(i, 'eday') % 2556 AS INTEGER) AS event_date,
               CAST(110100 + (hash(i, 'eregion') % $regions) * 100 AS VARCHAR) AS prefecture_id,
               NULL::VARCHAR AS province_id,
               'aitocracy' AS preset,
               'CHN' AS country_id
        FROM range($events) AS t(i)""",
        {"events": events, "regions": regions},
    )
    con.execute("CREATE TABLE covariates (region_id VARCHAR, year INTEGER, covariate VARCHAR, value DOUBLE)")
    con.close()
    return path


WINDOW = {"preset": "aitocracy", "period": "quarter", "periods_before": 2, "periods_after": 3}


def run_ours(path: Path) -> dict:
    import duckdb

    from pipeline.lib import sql, warehouse

    con = duckdb.connect(str(path), config=warehouse.SETTINGS)
    sql.run(con, "panels/contract_outcomes")
    sql.run(con, "panels/event_windows", WINDOW)
    sql.run(con, "panels/contract_windows")
    _, incomplete, counted, pairs, _ = sql.run(con, "panels/event_windows_check", WINDOW).fetchone()
    assert incomplete == 0 and counted == pairs
    sql.run(
        con,
        "panels/unrest_panel",
        {
            "preset": "aitocracy",
            "level": "prefecture",
            "period": "quarter",
            "start": None,
            "end": None,
            "high_unrest_rule": "mean_plus_sd",
            "high_unrest_percentile": 0.9,
            "cameras_covariate": "cameras",
            "population_covariate": "population",
        },
    )
    windows_rows, ps_ai = con.execute("SELECT count(*), sum(ps_ai_contracts) FROM event_windows").fetchone()
    panel_rows = con.execute("SELECT count(*) FROM unrest_panel").fetchone()[0]
    con.close()
    return {"pairs": pairs, "window_rows": windows_rows, "ps_ai_in_windows": int(ps_ai), "panel_rows": panel_rows}


def run_pandas(path: Path) -> dict:
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(path), read_only=True)
    contracts = con.execute("SELECT * FROM contracts").df()
    events = con.execute("SELECT * FROM unrest_events").df()
    con.close()
    started = time.perf_counter()

    def quarter_index(dates):
        dates = pd.to_datetime(dates)
        return dates.dt.year * 4 + (dates.dt.month - 1) // 3

    events["q"] = quarter_index(events["event_date"])
    unrest = events.groupby(["prefecture_id", "q"]).size().rename("unrest_events").reset_index()
    contracts["q"] = quarter_index(contracts["award_date"])
    # The outcome flags once per contract, before the merge multiplies the rows.
    contracts["ps_ai_amount"] = contracts["amount"].where(contracts["is_public_security_ai"], 0)
    contracts["placebo_ai"] = contracts["is_ai"] & ~contracts["is_public_security_buyer"]
    for sector in ("bank", "hospital", "education"):
        contracts[f"{sector}_ai"] = contracts["is_ai"] & (contracts["buyer_sector"] == sector)
    pairs = unrest.merge(contracts, left_on="prefecture_id", right_on="buyer_region_id")
    pairs["rel_period"] = pairs["q_y"] - pairs["q_x"]
    pairs = pairs[(pairs["rel_period"] >= -2) & (pairs["rel_period"] <= 3)]
    windows = pairs.groupby(["prefecture_id", "q_x", "rel_period"]).agg(
        contracts_total=("contract_id", "size"),
        ai_contracts=("is_ai", "sum"),
        ps_ai_contracts=("is_public_security_ai", "sum"),
        ps_ai_amount=("ps_ai_amount", "sum"),
        placebo_ai_contracts=("placebo_ai", "sum"),
        bank_ai_contracts=("bank_ai", "sum"),
        hospital_ai_contracts=("hospital_ai", "sum"),
        education_ai_contracts=("education_ai", "sum"),
    )
    every_k = pd.MultiIndex.from_tuples(
        [(r, q, k) for r, q in zip(unrest["prefecture_id"], unrest["q"], strict=True) for k in range(-2, 4)],
        names=windows.index.names,
    )
    windows = windows.reindex(every_k, fill_value=0)
    regions = pd.Index(sorted(set(contracts["buyer_region_id"]) | set(events["prefecture_id"])), name="region_id")
    quarters = pd.RangeIndex(contracts["q"].min(), contracts["q"].max() + 1, name="q")
    grid = pd.MultiIndex.from_product([regions, quarters])
    flows = contracts.groupby(["buyer_region_id", "q"]).agg(
        contracts_total=("contract_id", "size"), ps_ai_contracts=("is_public_security_ai", "sum")
    )
    panel = flows.reindex(grid, fill_value=0)
    panel["unrest_count"] = unrest.set_index(["prefecture_id", "q"])["unrest_events"].reindex(grid, fill_value=0)
    panel["ps_ai_contracts_cum"] = panel.groupby(level=0)["ps_ai_contracts"].cumsum()
    print(json.dumps({"pandas_compute_seconds": time.perf_counter() - started}), file=sys.stderr)
    return {
        "pairs": len(pairs),
        "window_rows": len(windows),
        "ps_ai_in_windows": int(windows["ps_ai_contracts"].sum()),
        "panel_rows": len(panel),
    }


METHODS = {"ours": run_ours, "pandas": run_pandas}


def child(method: str, path: str) -> None:
    import duckdb  # noqa: F401
    import pandas  # noqa: F401

    import pipeline.lib.sql  # noqa: F401

    measure(METHODS[method], path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=3_000_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--regions", type=int, default=340)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    path = generate(args.contracts, args.events, args.regions)
    print(f"{args.contracts:,} contracts, {args.events:,} events, {args.regions} prefectures")
    results = {}
    for method in METHODS:
        # Each method works on its own copy, so that one's tables do not change the other's input.
        copy = path.with_name(f"{path.stem}-{method}.duckdb")
        copy.write_bytes(path.read_bytes())
        results[method] = r = run_fresh(__file__, method, str(copy))
        extra = r["stderr"].splitlines()[-1] if method == "pandas" and r["stderr"] else ""
        print(f"  {method:7s} {r['seconds']:7.2f} s   peak {r['peak_mb']:6.0f} MB   {r['result']}  {extra}", flush=True)
        copy.unlink()
    if results["ours"]["result"] != results["pandas"]["result"]:
        sys.exit("the two methods disagree: see their results above")
    print(
        f"pandas / ours: {results['pandas']['seconds'] / results['ours']['seconds']:.1f}x time, "
        f"{results['pandas']['peak_mb'] / results['ours']['peak_mb']:.1f}x memory"
    )


if __name__ == "__main__":
    main()
