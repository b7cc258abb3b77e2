#!/usr/bin/env python3
"""Set-up and everyday commands, needing nothing but python3 (3.11+).

    python3 dev.py demo    create .venv, install the locked dependencies, materialise every asset on the demo world
    python3 dev.py test    the same set-up, then ruff (lint and format check) and the test suite
                           (extra arguments go to pytest)
    python3 dev.py ui      the Dagster UI at http://127.0.0.1:3000, reading pipeline.env (the shell wins)
    python3 dev.py sql     the DuckDB shell on the warehouse (the lake), read-only (arguments go to the shell)
    python3 dev.py docs    write docs/warehouse.md from the warehouse reference, pipeline/data/warehouse_columns.toml

Set-up is idempotent: the virtual environment is rebuilt only when requirements.lock or pyproject.toml change.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
DAGSTER_HOME = ROOT / ".dagster_home"
UV_VERSION = "0.13.9"
# Compiled at install, as pip does and uv does only when asked: where PYTHONDONTWRITEBYTECODE is set (containers, CI)
# Python would otherwise compile Dagster's sources in every process it starts, about 2.5 s each. Part of the stamp, so
# that a change here reinstalls.
UV_SYNC_OPTIONS = ("--compile-bytecode",)


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs under whichever python3 the user has)
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    stamp = hashlib.sha256(
        (ROOT / "requirements.lock").read_bytes()
        + (ROOT / "pyproject.toml").read_bytes()
        + " ".join(UV_SYNC_OPTIONS).encode()
    ).hexdigest()
    stamp_file = VENV / ".installed-lock-sha256"
    if not PYTHON.exists():
        print("creating .venv", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        print("installing the locked dependencies into .venv", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
        uv = VENV / "bin" / "uv"
        run(uv, "pip", "sync", "--quiet", *UV_SYNC_OPTIONS, "--python", PYTHON, "requirements.lock")
        run(uv, "pip", "install", "--quiet", "--python", PYTHON, "--no-deps", "-e", ".")
        stamp_file.write_text(stamp)
    DAGSTER_HOME.mkdir(exist_ok=True)
    link = DAGSTER_HOME / "dagster.yaml"
    if not link.is_symlink():
        link.unlink(missing_ok=True)
        link.symlink_to(ROOT / "dagster.yaml")


def command_env() -> dict:
    env = dict(os.environ, DAGSTER_HOME=str(DAGSTER_HOME))
    env.pop("PYTHONPATH", None)
    return env


def run_command(args: list[str | Path]) -> int:
    """Runs a command in a process group of its own, given the terminal when dev.py has it, and waits for it.

    Ctrl-C in the terminal then signals the command's group alone, once, as if the command had been typed in the
    shell (a second SIGINT would cut short dagster dev's shutdown of its services), and a SIGINT or SIGTERM sent to
    dev.py is passed on to that group, so killing dev.py never leaves the command running without it.
    """
    # An ignored signal stays ignored in the command: Ctrl-Z would stop the command and not dev.py, which the shell
    # waits for, leaving the terminal to a stopped process. Ctrl-C stops it instead.
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)
    command = subprocess.Popen([str(a) for a in args], cwd=ROOT, env=command_env(), process_group=0)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, _: _signal_group(command.pid, signum))
    terminal = _foreground_terminal()
    if terminal is not None:
        os.tcsetpgrp(terminal, command.pid)  # the command, still starting Python, has not read the terminal yet
    try:
        return command.wait()
    finally:
        if terminal is not None:
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # dev.py is in the background until it takes the terminal
            os.tcsetpgrp(terminal, os.getpgrp())


def _foreground_terminal() -> int | None:
    """stdin, when it is a terminal and dev.py is in its foreground (typed in a shell, not run with & or by a
    program)."""
    try:
        return 0 if os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp() else None
    except OSError:
        return None


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:  # the command has just ended
        pass


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "ui", "sql", "docs"):
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        args = [PYTHON, "-m", "pipeline.demo.run", *rest]
    elif command == "test":
        for lint in (["check"], ["format", "--check"]):  # a second or two; the suite takes minutes
            if subprocess.run([VENV / "bin" / "ruff", *lint, "."], cwd=ROOT).returncode:
                print(
                    f"ruff {' '.join(lint)} failed: `.venv/bin/ruff check --fix .` and `.venv/bin/ruff format .`"
                    " fix most of it",
                    file=sys.stderr,
                )
                return 1
        args = [PYTHON, "-m", "pytest", *rest]
    elif command == "sql":
        args = [PYTHON, "-m", "pipeline.lib.shell", *rest]
    elif command == "docs":
        args = [PYTHON, "-m", "pipeline.lib.warehouse_columns", ROOT / "docs" / "warehouse.md"]
    else:
        args = [VENV / "bin" / "dagster", "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", "3000", *rest]
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
