"""Resolving Chinese buyer names to GB/T 2260 regions (广州市公安局 -> 440100, 广东省公安厅 -> 440000).

A name is searched for the names of provinces, prefectures and counties (full names, such as 广州市 or
天河区, and for provinces and prefectures also their short forms, such as 广州). Overlapping matches
keep the longest (吉林省 wins over 吉林). A county rolls up to its prefecture. The answer is the one
prefecture consistent with every match (天河区 and 广州市 agree; 朝阳区 alone is Beijing or Changchun, so it
stays unresolved with both candidates); failing that, the one province; failing that, nothing, with the
candidates listed. Prefecture-level units are those of pipeline.lib.geo.units: a municipality (北京市) is
resolved to its prefecture-level code (110100), a province-administered county-level city (仙桃市) to its own
code (429004).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import polars as pl

from pipeline.data import csv_rows
from pipeline.lib.geo.units import prefecture_of

# Suffixes stripped to make short names. Ethnic autonomous names lose the ethnic part as well.
PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$")
PREFECTURE_SUFFIX = re.compile(r"((?:[^\s]{1,8}?族)+自治州|自治州|地区|盟|市)$")
# Words that begin with a place's short name but are not about that place (a university, a park).
NOT_PLACES = ("中山大学", "中山医院", "中山公园", "中山路", "长安大学", "黄山路", "延安路", "南京路", "北京路")


@dataclass(frozen=True)
class Unit:
    code: str  # six digits
    level: str  # province | prefecture | county
    prefecture: str | None
    province: str


@dataclass(frozen=True)
class Resolution:
    region_id: str | None
    level: str | None
    candidates: tuple[str, ...]  # when unresolved: the regions the name could mean
    matched: tuple[str, ...]  # the place names found in the buyer name


@cache
def _full_names() -> frozenset[str]:
    return frozenset(
        [r["name"] for r in csv_rows("gbt2260_provinces.csv")]
        + [r["name_zh"] for r in csv_rows("china_prefecture_seats.csv")]
        + [r["name"] for r in csv_rows("gbt2260_counties.csv")]
    )


@cache
def _index() -> dict[str, tuple[Unit, ...]]:
    index: dict[str, list[Unit]] = {}

    def add(name: str, unit: Unit) -> None:
        if len(name) >= 2 and unit not in index.setdefault(name, []):
            index[name].append(unit)

    for row in csv_rows("gbt2260_provinces.csv"):
        unit = Unit(row["code"] + "0000", "province", None, row["code"] + "0000")
        add(row["name"], unit)
        add(PROVINCE_SUFFIX.sub("", row["name"]), unit)
    for row in csv_rows("china_prefecture_seats.csv"):
        unit = Unit(row["prefecture_id"], "prefecture", row["prefecture_id"], row["province_id"])
        add(row["name_zh"], unit)
        add(PREFECTURE_SUFFIX.sub("", row["name_zh"]), unit)
    for row in csv_rows("gbt2260_counties.csv"):
        prefecture = prefecture_of(row["code"])
        if prefecture == row["code"]:
            continue  # a province-administered county-level unit: a prefecture-level unit, added above
        add(row["name"], Unit(row["code"], "county", prefecture, row["provinceCode"] + "0000"))
    return {name: tuple(units) for name, units in index.items()}


def _matches(name: str) -> list[tuple[int, int, str]]:
    """(start, end, place name) for every place name in `name`, keeping the longest of overlapping ones."""
    index = _index()
    for word in NOT_PLACES:
        name = name.replace(word, "\u3000" * len(word))
    found = [
        (i, j, name[i:j])
        for i in range(len(name))
        for j in range(i + 2, min(len(name), i + 12) + 1)
        if name[i:j] in index
    ]
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, word in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, word))
    return sorted(kept)


def _consistent(unit: Unit, other: tuple[Unit, ...]) -> bool:
    return any(
        unit.province == o.province
        and (unit.prefecture is None or o.prefecture is None or unit.prefecture == o.prefecture)
        for o in other
    )


def _narrow(options: list[tuple[Unit, ...]]) -> list[tuple[Unit, ...]]:
    """For each matched word, the units consistent with at least one unit of every other word."""
    return [
        tuple(u for u in units if all(_consistent(u, other) for k, other in enumerate(options) if k != i))
        for i, units in enumerate(options)
    ]


def resolve_buyer(name: str | None) -> Resolution:
    if not name:
        return Resolution(None, None, (), ())
    words = tuple(word for _, _, word in _matches(name))
    if not words:
        return Resolution(None, None, (), ())
    options = [_index()[word] for word in words]
    narrowed = _narrow(options)
    if any(not units for units in narrowed):
        # A short name that contradicts the rest is a word that only looks like a place (北京市公安局朝阳分局:
        # 朝阳 is the district's short name here, not 朝阳市); the full names decide.
        full = [(w, o) for w, o in zip(words, options, strict=True) if w in _full_names()]
        if full and len(full) < len(words):
            words, options = tuple(w for w, _ in full), [o for _, o in full]
            narrowed = _narrow(options)
    prefectures = {u.prefecture for units in narrowed for u in units if u.prefecture}
    provinces = {u.province for units in narrowed for u in units}
    if any(not units for units in narrowed):  # the names contradict each other
        every = sorted({u.prefecture or u.province for units in options for u in units})
        return Resolution(None, None, tuple(every), words)
    if len(prefectures) == 1:
        return Resolution(prefectures.pop(), "prefecture", (), words)
    if not prefectures and len(provinces) == 1:
        return Resolution(provinces.pop(), "province", (), words)
    return Resolution(None, None, tuple(sorted(prefectures or provinces)), words)


def resolve_buyers(names: list[str | None]) -> pl.DataFrame:
    """buyer_name, resolved_region_id, resolved_level, candidates, matched: one row per distinct name."""
    distinct = sorted({n for n in names if n})
    resolved = [resolve_buyer(n) for n in distinct]
    return pl.DataFrame(
        {
            "buyer_name": distinct,
            "resolved_region_id": [r.region_id for r in resolved],
            "resolved_level": [r.level for r in resolved],
            "candidates": [",".join(r.candidates) for r in resolved],
            "matched": [",".join(r.matched) for r in resolved],
        },
        schema={
            "buyer_name": pl.String,
            "resolved_region_id": pl.String,
            "resolved_level": pl.String,
            "candidates": pl.String,
            "matched": pl.String,
        },
    )
