#!/usr/bin/env python3
"""Set-up and everyday commands, needing nothing but python3 (3.11+).

    python3 dev.py demo    create .venv, install the locked dependencies, materialise every asset on the demo world
    python3 dev.py test    the same set-up, then the test suite (extra arguments go to pytest)
    python3 dev.py ui      the Dagster UI at http://127.0.0.1:3000, reading pipeline.env (the shell wins)

Set-up is idempotent: the virtual environment is rebuilt only when requirements.lock or pyproject.toml change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
DAGSTER_HOME = ROOT / ".dagster_home"
UV_VERSION = "0.13.9"


def run(*args: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    stamp = hashlib.sha256((ROOT / "requirements.lock").read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp_file = VENV / ".installed-lock-sha256"
    if not PYTHON.exists():
        print("creating .venv", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        print("installing the locked dependencies into .venv", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
        uv = VENV / "bin" / "uv"
        run(uv, "pip", "sync", "--quiet", "--python", PYTHON, "requirements.lock")
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


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "ui"):
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        args = [PYTHON, "-m", "pipeline.demo.run", *rest]
    elif command == "test":
        args = [PYTHON, "-m", "pytest", *rest]
    else:
        args = [VENV / "bin" / "dagster", "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", "3000", *rest]
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=command_env()).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
