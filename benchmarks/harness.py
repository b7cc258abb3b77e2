"""What every benchmark here shares: each method runs in a fresh process, so that its peak memory is its own.

A script calls `run_fresh(__file__, method, argument)` from its main process; the child process, started
as `script --child METHOD ARGUMENT`, pays its imports first and then calls `measure`, which times the method
and prints one JSON line: seconds, the method's result, and peak resident memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(method: Callable[[Path], object], argument: str) -> None:
    started = time.perf_counter()
    result = method(Path(argument))
    print(json.dumps({"seconds": time.perf_counter() - started, "result": result, "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """This process's peak resident memory. On Linux, VmHWM: ru_maxrss carries over from the parent that forked
    the process, so a child started by a script that had just generated a large file reported the script's
    peak instead of its own."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except OSError:  # no /proc: ru_maxrss (kilobytes on Linux and the BSDs)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_fresh(script: str, method: str, argument: str) -> dict:
    """Run `script --child method argument` in a new process; its measurement, and whatever it wrote to stderr."""
    out = subprocess.run(
        [sys.executable, script, "--child", method, argument], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "stderr": out.stderr.strip()}


def run_median(script: str, method: str, argument: str, repeat: int) -> dict:
    """run_fresh `repeat` times: the median time (a shared machine's noise, about a tenth here, would otherwise
    decide a ratio near its target), the highest peak memory, and every time measured."""
    runs = sorted((run_fresh(script, method, argument) for _ in range(repeat)), key=lambda r: r["seconds"])
    return {
        **runs[len(runs) // 2],
        "peak_mb": max(r["peak_mb"] for r in runs),
        "all_seconds": [r["seconds"] for r in runs],
    }
