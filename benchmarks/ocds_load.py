"""Benchmark: reading a 1 GB OCDS release package into awards, beside DuckDB's JSON reader and ocdskit.

    .venv/bin/python benchmarks/ocds_load.py [--ocids 410000] [--only ours duckdb ocdskit]

Generates (once, under benchmarks/.data/) one OCDS 1.1 release package of three releases an ocid (tender,
award, contract: parties, buyer, tender value, an award with a supplier and value, a signed contract), the
releases of an ocid far apart in the file as a feed publishes them; about 2 KB an ocid, 1 GB at the default.
Installs ocdskit, once, into its own environment under benchmarks/.data/ (it is not a dependency of the
project). Then runs each method in a fresh process and reports time, peak memory and ratios:

  duckdb   the limit: DuckDB's read_json of the package, releases unnested, awards counted (no merge)
  ocdskit  the peer: `ocdskit compile --root-path releases.item` (streams the releases, compiles each ocid with
           ocdsmerge in its SQLite store), compiled releases written to /dev/null; its peak memory is the
           command's own, read by /usr/bin/time
  ours     read_ocds: streams the package, compiles each ocid, one row an award, every release accounted for
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from harness import ROOT, measure, run_fresh

DATA = ROOT / "benchmarks" / ".data"
OCDSKIT = DATA / "ocdskit-venv"
SCHEMA = ROOT / "pipeline" / "data" / "ocds" / "release-schema-1.1.5.json"
LAG = 500  # an ocid's award comes 500 tenders after its tender, its contract 500 after that


def _party(kind: str, n: int, roles: list[str]) -> dict:
    return {
        "id": f"{kind}-{n}",
        "name": f"{kind.title()} {n} of the Republic",
        "roles": roles,
        "identifier": {"scheme": "XX-REG", "id": f"{kind}-{n}"},
        "address": {"streetAddress": f"{n} Main Street", "locality": "Capital", "countryName": "Republic"},
    }


def _release(n: int, stage: str) -> dict:
    ocid = f"ocds-bench1-{n:08d}"
    buyer, supplier = _party("buyer", n % 997, ["buyer", "procuringEntity"]), _party("supplier", n % 7919, ["supplier"])
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{stage}",
        "date": f"2023-{(n % 12) + 1:02d}-15T10:00:00Z",
        "tag": [stage],
        "initiationType": "tender",
        "language": "en",
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "parties": [buyer],
    }
    if stage == "tender":
        release["tender"] = {
            "id": f"{ocid}-t",
            "title": f"Supply of equipment, lot {n}",
            "status": "active",
            "procurementMethod": "open",
            "value": {"amount": 1000 + n % 100000, "currency": "EUR"},
            "items": [{"id": "1", "description": "Equipment", "quantity": n % 50 + 1}],
        }
    elif stage == "award":
        release["parties"].append(supplier)
        release["awards"] = [
            {
                "id": f"{ocid}-a1",
                "title": f"Award of lot {n}",
                "status": "active",
                "date": f"2023-{(n % 12) + 1:02d}-20T10:00:00Z",
                "value": {"amount": 900 + n % 100000, "currency": "EUR"},
                "suppliers": [{"id": supplier["id"], "name": supplier["name"]}],
            }
        ]
    else:
        release["contracts"] = [
            {
                "id": f"{ocid}-c1",
                "awardID": f"{ocid}-a1",
                "status": "active",
                "dateSigned": f"2023-{(n % 12) + 1:02d}-28T10:00:00Z",
                "value": {"amount": 900 + n % 100000, "currency": "EUR"},
            }
        ]
    return release


def generate(ocids: int) -> Path:
    path = DATA / f"ocds-release-package-{ocids}.json"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(
            '{"uri": "https://example.org/package.json", "version": "1.1", '
            '"publishedDate": "2024-01-01T00:00:00Z", "publisher": {"name": "Benchmark"}, "releases": [\n'
        )
        first = True
        for step in range(ocids + 2 * LAG):
            for n, stage in ((step, "tender"), (step - LAG, "award"), (step - 2 * LAG, "contract")):
                if 0 <= n < ocids:
                    out.write(("" if first else ",\n") + json.dumps(_release(n, stage)))
                    first = False
        out.write("\n]}\n")
    partial.rename(path)
    return path


def run_duckdb(path: Path) -> int:
    import duckdb

    return duckdb.sql(
        f"SELECT sum(len(r.awards)) FROM (SELECT unnest(releases) AS r FROM read_json('{path}', "
        f"format = 'auto', maximum_object_size = {path.stat().st_size + 1}))"
    ).fetchone()[0]


def run_ocdskit(path: Path) -> dict:
    # The command runs under /usr/bin/time, whose own few MB are all it inherits: a child forked from this Python
    # process would count this process's memory as its own (Linux carries the peak across exec).
    with path.open("rb") as package, tempfile.NamedTemporaryFile("r") as peak:
        subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                "-o",
                peak.name,
                OCDSKIT / "bin" / "ocdskit",
                "compile",
                "--root-path",
                "releases.item",
                "--schema",
                SCHEMA,
            ],
            stdin=package,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        return {"peak_mb_of_cli": int(peak.read().split()[-1]) / 1024}


def run_ours(path: Path) -> int:
    from pipeline.lib.procurement.ocds import read_ocds

    rows = read_ocds(path)
    return rows["source_problem"].null_count()


METHODS = {"duckdb": run_duckdb, "ocdskit": run_ocdskit, "ours": run_ours}


def child(method: str, path: str) -> None:
    import duckdb  # noqa: F401

    import pipeline.lib.procurement.ocds  # noqa: F401

    measure(METHODS[method], path)


def ensure_ocdskit() -> None:
    if not (OCDSKIT / "bin" / "ocdskit").is_file():
        uv = ROOT / ".venv" / "bin" / "uv"
        subprocess.run([uv, "venv", "--quiet", "--python", "3.11", OCDSKIT], check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", OCDSKIT / "bin" / "python", "ocdskit"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocids", type=int, default=410_000)
    parser.add_argument("--only", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    ensure_ocdskit()
    path = generate(args.ocids)
    print(f"{args.ocids:,} ocids, {3 * args.ocids:,} releases, {path.stat().st_size / 1e6:,.0f} MB package")
    results = {}
    for method in args.only:
        try:
            r = run_fresh(__file__, method, str(path))
        except subprocess.CalledProcessError as err:
            print(f"  {method:8s} failed: {err.stderr.strip().splitlines()[-1]}", flush=True)
            continue
        if isinstance(r["result"], dict):  # a command's peak is its own, not that of the process waiting for it
            r["peak_mb"] = r["result"]["peak_mb_of_cli"]
        results[method] = r
        print(f"  {method:8s} {r['seconds']:8.2f} s   peak {r['peak_mb']:7.0f} MB   result {r['result']}", flush=True)
    ours = results.get("ours")
    for other in ("duckdb", "ocdskit"):
        if ours and other in results:
            print(
                f"ours / {other}: {ours['seconds'] / results[other]['seconds']:.2f}x time, "
                f"{ours['peak_mb'] / results[other]['peak_mb']:.2f}x memory"
            )


if __name__ == "__main__":
    main()
