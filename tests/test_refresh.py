"""Refreshing costs what is new: GDELT 2.0's file list is cached and extended, and the sensor batches its runs.

A fake GDELT server on 127.0.0.1 serves a master list the size of GDELT's (119 MB, 1.1 million lines), real
zipped exports for a recent month, and counts the bytes it sends per file.
"""

import hashlib
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
from conftest import GDELT_URL, REAL_EXPORT, zipped
from dagster._core.test_utils import create_run_for_test  # a run record in a given status, without running it
from gdelt_server import FakeGdelt

from pipeline.definitions import defs
from pipeline.defs.gdelt.assets import gdelt_ingest
from pipeline.defs.gdelt.schedules import IN_FLIGHT
from pipeline.defs.resources import GdeltMirrorResource, WarehouseResource
from pipeline.lib import warehouse
from pipeline.lib.gdelt.filelist import parse_v2_list, parse_v2_list_months
from pipeline.lib.gdelt.listcache import current_list
from pipeline.lib.gdelt.source import Mirror, RetryPolicy

MASTER = "masterfilelist.txt"
JOB = "gdelt_refresh_job"
LISTS = (MASTER, "lastupdate.txt")
GDELT_V2_FIRST_STAMP = datetime(2015, 2, 19)
RECENT_MONTH = datetime(2025, 9, 1)  # the generated history ends the moment before it
STEP = timedelta(minutes=15)
FAST_RETRY = RetryPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=30)
QUARTERS = [f"{hour:02d}{minute:02d}00" for hour in range(24) for minute in (0, 15, 30, 45)]


def _stamps(first: datetime, count: int) -> list[str]:
    """`count` 15-minute time stamps from `first` (itself on a quarter hour), as GDELT names its files."""
    midnight = first.replace(hour=0, minute=0)
    offset = (first - midnight) // STEP
    days = (offset + count) // len(QUARTERS) + 1
    return [f"{midnight + timedelta(days=d):%Y%m%d}{quarter}" for d in range(days) for quarter in QUARTERS][
        offset : offset + count
    ]


def _made_up_lines(stamp: str, digits: str, size: int) -> str:
    """An export's, a mentions file's and a GKG file's line; 96 hex digits make their md5s."""
    return (
        f"{100000 + size} {digits[:32]} {GDELT_URL}{stamp}.export.CSV.zip\n"
        f"{200000 + 3 * size} {digits[32:64]} {GDELT_URL}{stamp}.mentions.CSV.zip\n"
        f"{5000000 + 50 * size} {digits[64:]} {GDELT_URL}{stamp}.gkg.csv.zip\n"
    )


def history(first: datetime, count: int, seed: int = 13) -> bytes:
    """Lines as GDELT's master list has them, three files every 15 minutes from `first`. None of these files is
    served: their sizes and md5s are made up."""
    draw = random.Random(seed)
    digits, sizes = draw.randbytes(48 * count).hex(), draw.choices(range(10000, 100000), k=count)
    return "".join(
        [_made_up_lines(stamp, digits[96 * i : 96 * i + 96], sizes[i]) for i, stamp in enumerate(_stamps(first, count))]
    ).encode()


@pytest.fixture(scope="module")
def gdelt_history() -> bytes:
    """GDELT 2.0's master list from its first day to the end of August 2025: 1,107,936 lines, 119 MB."""
    return history(GDELT_V2_FIRST_STAMP, (RECENT_MONTH - GDELT_V2_FIRST_STAMP) // STEP)


class Gdelt:
    """What GDELT serves, growing as GDELT grows it: every 15 minutes an export (real rows, zipped) and its
    mentions and GKG files (listed, not served) are appended to the master list and named by lastupdate.txt."""

    def __init__(self, master: bytes):
        self.files = {MASTER: master}
        self.rows: dict[str, int] = {}  # export name -> its rows
        self.real_lines = REAL_EXPORT.read_bytes().splitlines(keepends=True)
        self.moment = RECENT_MONTH
        self.random = random.Random(26)

    def publish(self) -> None:
        stamp = self.moment.strftime("%Y%m%d%H%M%S")
        name, rows = f"{stamp}.export.CSV.zip", 20 + 7 * len(self.rows)
        data = zipped(f"{stamp}.export.CSV", b"".join(self.real_lines[:rows]))
        made_up = _made_up_lines(stamp, self.random.randbytes(48).hex(), self.random.randrange(10000, 100000))
        newest = f"{len(data)} {hashlib.md5(data).hexdigest()} {GDELT_URL}{name}\n".encode()
        newest += made_up.split("\n", 1)[1].encode()  # its mentions and GKG files
        self.files.update({name: data, MASTER: self.files[MASTER] + newest, "lastupdate.txt": newest})
        self.rows[name] = rows
        self.moment += STEP


def _resource(server: FakeGdelt, tmp_path: Path) -> GdeltMirrorResource:
    return GdeltMirrorResource(
        base_url=server.base_url, cache_dir=str(tmp_path / "cache"), attempts=2, backoff_seconds=0.01
    )


def _sensor_tick(resource: GdeltMirrorResource, instance: dg.DagsterInstance, cursor: str | None):
    repository = defs.get_repository_def()
    with dg.build_sensor_context(
        cursor=cursor, resources={"gdelt": resource}, instance=instance, repository_def=repository
    ) as context:
        return repository.get_sensor_def("gdelt_lastupdate_sensor").evaluate_tick(context)


def _materialise(
    resource: GdeltMirrorResource, instance: dg.DagsterInstance, database: Path, partition: str, **config
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [gdelt_ingest],
        partition_key=partition,
        instance=instance,
        resources={
            "warehouse": WarehouseResource(path=str(database)),
            "gdelt": resource,
            "gdelt_bigquery": dg.ResourceDefinition.none_resource(),
        },
        run_config={"ops": {"gdelt_ingest": {"config": {"countries": [], **config}}}},
    )


def _rows_by_file(database: Path) -> dict[str, int]:
    con = warehouse.connect(database, read_only=True)
    try:
        return dict(con.execute("SELECT source_file, count(*) FROM gdelt_events GROUP BY ALL").fetchall())
    finally:
        con.close()


def _list_read(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> str:
    [message] = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message.startswith(f"{MASTER}: ")]
    return message


def test_ten_ticks_after_the_first_read_under_a_megabyte_of_lists(tmp_path, gdelt_history):
    gdelt = Gdelt(gdelt_history)
    for _ in range(4):
        gdelt.publish()
    first_list = len(gdelt.files[MASTER])
    database = tmp_path / "lake"
    with FakeGdelt(gdelt.files) as server, dg.DagsterInstance.ephemeral() as instance:
        resource, cursor, sent, reads = _resource(server, tmp_path), None, [], []
        for tick in range(11):
            if tick:
                gdelt.publish()  # GDELT's next 15 minutes
            before = dict(server.bytes_sent)
            evaluation = _sensor_tick(resource, instance, cursor)
            [request] = evaluation.run_requests
            assert request.partition_key == "2025-09-01" and evaluation.cursor == max(gdelt.rows)
            cursor = evaluation.cursor
            result = _materialise(resource, instance, database, request.partition_key)
            assert result.success
            sent.append({name: server.bytes_sent[name] - before.get(name, 0) for name in LISTS})
            reads.append(_list_read(instance, result))
            assert _rows_by_file(database) == gdelt.rows  # every export's rows, the new one's too
    assert sent[0][MASTER] == first_list and server.requests[MASTER] == 11  # read in full once, then by range
    assert "read in full (nothing cached yet); 1,107,948 files listed, 12 of them in the months asked" in reads[0]
    assert "new bytes by range request" in reads[1] and "1,107,951 files listed, 15 of them" in reads[1]
    assert sum(sum(tick.values()) for tick in sent[1:]) < 1_000_000
    assert (Path(resource.cache_dir) / "v2" / MASTER).read_bytes() == gdelt.files[MASTER]


SMALL_START = RECENT_MONTH - 40 * STEP  # 120 lines, 13 kB: longer than the overlap checked


@pytest.fixture
def small_list() -> bytes:
    return history(SMALL_START, 40)


def _read(server: FakeGdelt, cache: Path) -> tuple[bytes, str, int]:
    """The current list, what was read to make it so, and the list bytes the server sent for it."""
    before = server.bytes_sent[MASTER]
    current = current_list(Mirror(server.base_url, cache, FAST_RETRY), MASTER)
    return current.data, current.report, server.bytes_sent[MASTER] - before


def test_a_current_cache_reads_only_lastupdate_and_a_new_export_only_what_is_new(tmp_path, small_list):
    gdelt = Gdelt(small_list)
    gdelt.publish()
    with FakeGdelt(gdelt.files) as server:
        data, report, sent = _read(server, tmp_path)
        assert data == gdelt.files[MASTER] and sent == len(data) and "nothing cached" in report
        data, report, sent = _read(server, tmp_path)
        assert data == gdelt.files[MASTER] and sent == 0 and "cached copy is current" in report
        gdelt.publish()
        data, report, sent = _read(server, tmp_path)
        new = len(gdelt.files["lastupdate.txt"])
        assert data == gdelt.files[MASTER] and report.startswith(f"{new:,} new bytes by range request")
        assert sent < new + 2048  # the new lines and the overlap
    assert (tmp_path / MASTER).read_bytes() == data and [p.name for p in tmp_path.iterdir()] == [MASTER]


def _last_md5_changed(old: bytes) -> bytes:
    head, last = old[:-1].rsplit(b"\n", 1)
    size, _, url = last.split()
    return b"%s\n%s %s %s\n" % (head, size, b"f" * 32, url)


@pytest.mark.parametrize(
    "rewrite, why",
    [
        # A line the cache already holds changed, and new lines came.
        (lambda old: _last_md5_changed(old) + history(RECENT_MONTH, 2, seed=7), "rewritten"),
        # 416: the list now ends before the cached copy's overlap starts.
        (lambda old: b"".join(old.splitlines(keepends=True)[:20]), "now shorter than"),
    ],
)
def test_a_rewritten_list_is_read_in_full(tmp_path, small_list, rewrite, why):
    with FakeGdelt({MASTER: small_list}) as server:
        _read(server, tmp_path)
        server.files[MASTER] = rewritten = rewrite(small_list)
        data, report, sent = _read(server, tmp_path)
    assert data == rewritten and why in report and "read in full" in report
    assert sent >= len(rewritten)
    assert (tmp_path / MASTER).read_bytes() == rewritten


def test_a_server_that_ignores_ranges_still_works(tmp_path, small_list):
    gdelt = Gdelt(small_list)
    with FakeGdelt(gdelt.files, ranges=False) as server:
        _read(server, tmp_path)
        gdelt.publish()
        data, report, sent = _read(server, tmp_path)
    assert data == gdelt.files[MASTER] and sent == len(data) and "ignored the range request" in report
    assert (tmp_path / MASTER).read_bytes() == data


def test_a_list_cut_mid_line_keeps_its_complete_lines_and_reads_the_rest_next_time(tmp_path, small_list):
    complete = small_list + history(RECENT_MONTH, 1, seed=3)
    with FakeGdelt({MASTER: complete[:-40]}) as server:  # read while GDELT was writing its last line
        data, _, _ = _read(server, tmp_path)
        assert data == complete[: complete[:-40].rfind(b"\n") + 1]
        server.files[MASTER] = complete
        data, report, sent = _read(server, tmp_path)
    assert data == complete and "new bytes by range request" in report and sent < 2048


def test_a_local_mirror_is_read_in_place(tmp_path, small_list):
    (tmp_path / MASTER).write_bytes(small_list)
    current = current_list(Mirror(str(tmp_path)), MASTER)
    assert current.data == small_list and current.report == f"read in place from {tmp_path}"
    assert [p.name for p in tmp_path.iterdir()] == [MASTER]  # no cache


def test_refetch_file_list_reads_the_list_in_full(tmp_path, small_list):
    gdelt = Gdelt(small_list)
    gdelt.publish()
    with FakeGdelt(gdelt.files) as server, dg.instance_for_test() as instance:
        resource = _resource(server, tmp_path)
        current_list(resource.mirror(), MASTER)  # now the cache is current: lastupdate.txt names the files it lists
        before = server.bytes_sent[MASTER]
        result = _materialise(resource, instance, tmp_path / "lake", "2025-09-01", refetch_file_list=True)
        assert result.success and server.bytes_sent[MASTER] - before == len(gdelt.files[MASTER])
        assert "read in full (a full read was asked for)" in _list_read(instance, result)
    assert _rows_by_file(tmp_path / "lake") == gdelt.rows


def test_reading_some_months_parses_only_their_lines():
    lines = history(datetime(2018, 1, 1), 90 * 96).splitlines(keepends=True)
    march = next(i for i, line in enumerate(lines) if b"/201803" in line)
    lines[march + 5] = lines[march + 5].replace(b" ", b"  x ", 1)  # malformed, in March
    lines[10] = b"not a line\n"  # malformed, in January
    lines.insert(march + 100, b"123 http://data.gdeltproject.org/gdeltv2/20180310000000.export.CSV.zip\n")
    data = b"".join(lines)
    whole = parse_v2_list(data.decode(), "list")
    for months in ([date(2018, 3, 1)], [date(2018, 1, 1), date(2018, 3, 1)]):
        stamps = tuple(f"{m:%Y%m}" for m in months)
        some = parse_v2_list_months(data, "list", months)
        assert some.files == tuple(f for f in whole.files if f.name.startswith(stamps))
        assert some.newest_day == whole.newest_day == date(2018, 3, 31)
        assert some.problems == tuple(p for p in whole.problems if any(f"/{s}" in p for s in stamps))
    assert [p.split(":")[0] for p in some.problems] == [f"list line {march + 6}", f"list line {march + 101}"]


# A QUEUED run record needs a code location's origin, which a test instance has not; the sensor asks for all four.
@pytest.mark.parametrize("status", [s for s in IN_FLIGHT if s != dg.DagsterRunStatus.QUEUED])
def test_the_sensor_waits_while_a_run_of_the_month_is_in_flight(tmp_path, status):
    newest = "20250901001500.export.CSV.zip"
    (tmp_path / "lastupdate.txt").write_text(f"1000 {'a' * 32} {GDELT_URL}{newest}\n")
    resource = GdeltMirrorResource(base_url=str(tmp_path), cache_dir=str(tmp_path / "cache"))
    with dg.instance_for_test() as instance:
        create_run_for_test(instance, JOB, status=dg.DagsterRunStatus.STARTED, tags={"dagster/partition": "2025-08-01"})
        create_run_for_test(instance, "another_job", status=status, tags={"dagster/partition": "2025-09-01"})
        run = create_run_for_test(instance, JOB, status=status, tags={"dagster/partition": "2025-09-01"})
        waiting = _sensor_tick(resource, instance, "20250901000000.export.CSV.zip")
        assert waiting.run_requests == [] and waiting.cursor == "20250901000000.export.CSV.zip"
        assert waiting.skip_message == (
            f"run {run.run_id} of 2025-09-01 is {status.value}: {newest} waits for the next run"
        )
        instance.report_run_failed(run)
        done = _sensor_tick(resource, instance, waiting.cursor)
    assert [r.partition_key for r in done.run_requests] == ["2025-09-01"] and done.cursor == newest
