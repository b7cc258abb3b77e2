"""Reference data shipped inside the package (provenance: docs/provenance.md), read the same way everywhere."""

import csv
from importlib import resources


def path(name: str) -> str:
    return str(resources.files(__name__).joinpath(name))


def text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text(name).splitlines()))
