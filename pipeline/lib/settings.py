"""The pipeline's settings: environment variables, each with its meaning and, where it has one, its default.

Precedence, highest first: a variable already set in the environment (the shell), then the settings file
(`pipeline.env` in the working directory, or the file PIPELINE_ENV_FILE names), then the default here. The file
is deliberately not called `.env`: Dagster's command-line tools load a `.env` in the working directory *over*
the shell's variables, so `CONTRACTS_PATH=/my/file.csv dagster asset materialize ...` would silently read the
demo file instead.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

ENV_FILE = "pipeline.env"
ENV_FILE_VARIABLE = "PIPELINE_ENV_FILE"
# Where each setting came from, recorded by load() for the processes it starts (a run worker inherits the
# environment, not the knowledge of which values were the shell's).
ORIGINS_VARIABLE = "PIPELINE_SETTING_ORIGINS"


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    default: str | None = None  # None: required, from the environment or the settings file


SETTINGS = (
    Setting(
        "WAREHOUSE_PATH",
        "the warehouse's directory (a DuckLake): its catalog, its Parquet data, exports and figures",
    ),
    Setting(
        "WAREHOUSE_CATALOG",
        "the warehouse's catalog: empty for WAREHOUSE_PATH/catalog.sqlite, or postgres:<libpq connection string>",
        "",
    ),
    Setting(
        "WAREHOUSE_DATA_PATH",
        "where the warehouse's Parquet files go: empty for WAREHOUSE_PATH/data/, or a directory or object-store URL",
        "",
    ),
    Setting(
        "GDELT_BASE_URL",
        "where GDELT 2.0 files are read from: http://data.gdeltproject.org/gdeltv2/, an "
        "HTTP mirror, or a local directory",
    ),
    Setting(
        "CONTRACTS_PATH",
        "the contracts file (normalised CSV, Chinese notices or OCDS; see the procurement config's format)",
    ),
    Setting("DEMO_DIR", "the directory the demo_truth asset writes the demo world into"),
    Setting("TRADE_DEALS_PATH", "AI export deals for the trade design; empty: none", ""),
    Setting("COVARIATES_PATH", "covariates by region and year (Polity scores, cameras, population); empty: none", ""),
    Setting(
        "GDELT_V1_BASE_URL",
        "where GDELT 1.0 files (before 2015-02-19) are read from",
        "http://data.gdeltproject.org/events/",
    ),
    Setting("GDELT_CACHE_DIR", "the download cache of verified GDELT zips and file lists", "data/cache/gdelt"),
    Setting("GDELT_HTTP_ATTEMPTS", "attempts per GDELT file before it is recorded as failed", "4"),
    Setting("GDELT_HTTP_TIMEOUT_SECONDS", "seconds without data before a GDELT download attempt times out", "60"),
    Setting(
        "GDELT_BQ_PROJECT", "the Google Cloud project billed for BigQuery queries; empty: the credentials' own", ""
    ),
    Setting(
        "GDELT_BQ_MAXIMUM_BYTES_BILLED",
        "the most bytes one BigQuery query may scan; larger ones are refused after their dry run",
        "50000000000",
    ),
    Setting(
        "GDELT_BQ_REPORTING_LAG_DAYS",
        "days of BigQuery partitions read after a month's end, for events GDELT loaded late",
        "3",
    ),
    Setting("GDELT_BQ_API_ENDPOINT", "another BigQuery API endpoint (a local stand-in); empty: Google's", ""),
    Setting(
        "WAREHOUSE_LOCK_TIMEOUT_SECONDS",
        "how long a writer waits for another process writing the warehouse before it fails",
        "1800",
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}
# The paths a run names first thing in its log, so that a wrong file is seen before it is read.
LOGGED_FIRST = (
    "WAREHOUSE_PATH",
    "WAREHOUSE_CATALOG",
    "CONTRACTS_PATH",
    "GDELT_BASE_URL",
    "GDELT_V1_BASE_URL",
    "TRADE_DEALS_PATH",
    "COVARIATES_PATH",
)


class SettingsError(ValueError):
    """A settings file with a name it does not know, or a required setting given nowhere."""


def env_file_path() -> Path:
    return Path(os.environ.get(ENV_FILE_VARIABLE, ENV_FILE))


def load(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Fill `environ` (default os.environ) from the settings file and the defaults, never replacing a value
    already set; return where each setting came from (environment, the file's path, or default)."""
    environ = os.environ if environ is None else environ
    # What a parent process recorded: a value it passed on unchanged keeps the origin the parent saw.
    inherited = json.loads(environ.get(ORIGINS_VARIABLE, "{}"))
    path = env_file_path()
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    unknown = sorted(set(from_file) - set(BY_NAME))
    if unknown:
        hints = [
            f"{name} (did you mean {', '.join(difflib.get_close_matches(name, BY_NAME, 1)) or 'nothing'}?)"
            for name in unknown
        ]
        raise SettingsError(f"{path}: unknown setting {'; '.join(hints)}. Known settings: {', '.join(BY_NAME)}")
    shadowing = sorted(set(dotenv_values(".env")) & set(BY_NAME)) if Path(".env").is_file() else []
    if shadowing:
        raise SettingsError(
            f"{Path('.env').resolve()} sets {', '.join(shadowing)}: Dagster's commands load .env over the shell's "
            f"variables, so a value set in the shell would be ignored. Move these lines to {ENV_FILE}, where the "
            f"shell wins, and delete them from .env"
        )
    origins = {}
    for setting in SETTINGS:
        name = setting.name
        if name in environ:
            recorded = inherited.get(name)
            origins[name] = recorded[0] if recorded and recorded[1] == environ[name] else "environment"
        elif name in from_file:
            environ[name], origins[name] = from_file[name], str(path)
        elif setting.default is not None:
            environ[name], origins[name] = setting.default, "default"
    missing = [s.name for s in SETTINGS if s.name not in environ]
    if missing:
        raise SettingsError(
            f"{', '.join(missing)} not set: set them in the shell or in {path.resolve()} "
            f"(the repository's pipeline.env has the demo world's values)"
        )
    environ[ORIGINS_VARIABLE] = json.dumps({name: [origin, environ[name]] for name, origin in origins.items()})
    return origins


def describe(environ: dict[str, str] | None = None, in_use: dict[str, str] | None = None) -> str:
    """One line naming the paths a run uses and where each came from, for the first line of its log.

    `in_use` holds values a resource actually has, which win when run config gave the resource another value.
    """
    environ = os.environ if environ is None else environ
    origins = {
        name: origin
        for name, (origin, value) in json.loads(environ.get(ORIGINS_VARIABLE, "{}")).items()
        if environ.get(name) == value
    }
    parts = []
    for name in LOGGED_FIRST:
        value, origin = environ.get(name, ""), origins.get(name, "environment")
        if in_use and name in in_use and in_use[name] != value:
            value, origin = in_use[name], "resource config"
        shown = value or "(empty)"
        if value and "://" not in value and not Path(value).is_absolute():
            shown = f"{value} (= {Path(value).resolve()})"
        parts.append(f"{name}={shown} [{origin}]")
    return "settings: " + "; ".join(parts)
