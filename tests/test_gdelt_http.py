"""GDELT acquisition over HTTP against a local server that injects faults."""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, GDELT_URL, zipped
from gdelt_server import FakeGdelt

from pipeline.lib import warehouse
from pipeline.lib.gdelt.filelist import files_for_month
from pipeline.lib.gdelt.ingest import ingest_month
from pipeline.lib.gdelt.scope import Scope
from pipeline.lib.gdelt.source import Mirror, RetryPolicy

MARCH_2018 = date(2018, 3, 1)
FAST_RETRY = RetryPolicy(attempts=3, backoff_seconds=0.01, timeout_seconds=0.5)


def _export(stamp: str, real: bytes, lines: int) -> tuple[str, bytes]:
    content = b"".join(real.splitlines(keepends=True)[:lines])
    return f"{stamp}.export.CSV.zip", zipped(f"{stamp}.export.CSV", content)


def _master_list(files: dict[str, bytes], wrong_md5: set[str] = frozenset()) -> bytes:
    lines = []
    for name, data in files.items():
        md5 = "0" * 32 if name in wrong_md5 else hashlib.md5(data).hexdigest()
        lines.append(f"{len(data)} {md5} {GDELT_URL}{name}\n")
    return "".join(lines).encode()


@pytest.fixture
def month_of_files(real_export_bytes):
    names = [
        "20180301000000",
        "20180301001500",
        "20180301003000",
        "20180301004500",
        "20180301010000",
        "20180301011500",
        "20180301013000",
        "20180301014500",
    ]
    files = dict(_export(stamp, real_export_bytes, 100 + i) for i, stamp in enumerate(names))
    files["20180326191500.export.CSV.zip"] = (FIXTURES / "not-a-zip" / "20180326191500.export.CSV.zip").read_bytes()
    return files


def _ingest(base_url: str, cache: Path, db: Path):
    mirror = Mirror(base_url, cache, FAST_RETRY)
    con = warehouse.connect(db)
    try:
        files = files_for_month(MARCH_2018, mirror.read_v2_list(), None)
        summary = ingest_month(con, mirror, files, MARCH_2018, Scope(), log=lambda m: None)
        ledger = {
            r[0]: r[1:]
            for r in con.execute("SELECT file_name, status, attempts, rows_read, rows_kept FROM gdelt_files").fetchall()
        }
        events = con.execute("SELECT count(*) FROM gdelt_events").fetchone()[0]
    finally:
        con.close()
    return summary, ledger, events


def test_every_fault_ends_in_the_ledger(tmp_path, month_of_files):
    names = list(month_of_files)
    faults = {names[1]: "404", names[2]: "500-then-200", names[3]: "truncated", names[5]: "slow"}
    served = dict(month_of_files)
    served["masterfilelist.txt"] = _master_list(month_of_files, wrong_md5={names[4]})
    with FakeGdelt(served, faults, slow_seconds=2.0) as server:
        summary, ledger, events = _ingest(server.base_url, tmp_path / "cache", tmp_path / "lake")
    assert {name: row[0] for name, row in ledger.items()} == {
        names[0]: "ok",
        names[1]: "missing",
        names[2]: "ok",
        names[3]: "truncated",
        names[4]: "md5-mismatch",
        names[5]: "timeout",
        names[6]: "ok",
        names[7]: "ok",
        names[8]: "bad-zip",
    }
    assert ledger[names[2]][1] == 2  # the 500 was retried once
    assert ledger[names[1]][1] == ledger[names[3]][1] == ledger[names[5]][1] == FAST_RETRY.attempts
    assert ledger[names[4]][1] == 2  # a file that does not verify is downloaded once more before giving up
    good = [names[0], names[2], names[6], names[7]]
    assert events == sum(ledger[n][3] for n in good) == sum(ledger[n][2] for n in good) == 100 + 102 + 106 + 107
    assert all(ledger[n][2] == 0 for n in names if n not in good)  # failed files add no rows, and say so
    assert summary.files_listed == len(names) == len(ledger)
    # Only verified files are in the cache; nothing partial is left behind.
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(good)


def test_a_second_run_reads_verified_files_from_the_cache(tmp_path, real_export_bytes):
    files = dict([_export("20180301000000", real_export_bytes, 50), _export("20180301001500", real_export_bytes, 60)])
    served = {**files, "masterfilelist.txt": _master_list(files)}
    with FakeGdelt(served) as server:
        _ingest(server.base_url, tmp_path / "cache", tmp_path / "lake")
        _, ledger, events = _ingest(server.base_url, tmp_path / "cache", tmp_path / "lake")
        assert all(server.requests[name] == 1 for name in files)
    assert events == 110 and {row[1] for row in ledger.values()} == {0}  # zero attempts: served from the cache


def test_killed_mid_file_then_rerun_matches_an_uninterrupted_run(tmp_path, month_of_files):
    good = {k: v for k, v in month_of_files.items() if not k.startswith("20180326")}
    served = {**good, "masterfilelist.txt": _master_list(good)}
    hang = list(good)[4]
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_gdelt_http import _ingest
        from pathlib import Path
        _ingest(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
    """)
    with FakeGdelt(served, {hang: "hang"}) as server:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                script,
                server.base_url,
                str(tmp_path / "cache"),
                str(tmp_path / "interrupted-lake"),
            ]
        )
        assert server.hanging.wait(60), "the ingest never reached the hanging file"
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert any(p.name.endswith(".part") for p in (tmp_path / "cache").iterdir())  # killed mid-file
        server.faults.clear()
        server.release.set()
        _ingest(server.base_url, tmp_path / "cache", tmp_path / "interrupted-lake")
        _ingest(server.base_url, tmp_path / "fresh-cache", tmp_path / "uninterrupted-lake")

    def contents(db):
        con = warehouse.connect(db, read_only=True)
        rows = {
            t: con.execute(
                f"SELECT * EXCLUDE (checked_at, attempts) FROM {t} ORDER BY ALL"
                if t == "gdelt_files"
                else f"SELECT * FROM {t} ORDER BY ALL"
            ).fetchall()
            for t in ("gdelt_files", "gdelt_events", "gdelt_rejects")
        }
        con.close()
        return rows

    assert contents(tmp_path / "interrupted-lake") == contents(tmp_path / "uninterrupted-lake")
    assert len(contents(tmp_path / "uninterrupted-lake")["gdelt_events"]) == sum(100 + i for i in range(8))


def test_only_names_under_the_base_are_fetched(tmp_path):
    mirror = Mirror("http://127.0.0.1:9/gdeltv2/", tmp_path, FAST_RETRY)
    for name in ("../masterfilelist.txt", "a/b.zip", ".hidden", ""):
        with pytest.raises(ValueError, match="refusing file name"):
            mirror.read_text(name)
