"""The demo world: a seeded, offline stand-in for GDELT and a procurement source, with a planted effect.

It writes what the real sources publish, so the pipeline reads it through its normal code path:
  gdelt/masterfilelist.txt, gdelt/lastupdate.txt   `size md5 url` lines, URLs as GDELT writes them
  gdelt/YYYYMMDDHHMMSS.export.CSV.zip              61 tab-separated columns, no header, one member
  contracts.csv                                    the normalised contracts format (CONTRACT_COLUMNS)
  trade_deals.csv, covariates.csv                  the trade design's AI export deals and Polity scores
  truth.json                                       the planted effect, which the demo_truth table holds

Planted: prefectures with unrest in quarter q buy more public-security AI contracts in quarter q+1:
E[ps_ai_contracts(r, q)] = base(r) + season(q) + effect * unrest_z(r, q - 1), where unrest_z is the
prefecture-quarter count of aitocracy unrest events, standardised over the panel. Nothing else
depends on unrest: no pre-trend, and AI purchases by other buyers (the placebo) are flat.
The country world of the trade design (_country_world) plants country-level unrest in 80 importers over
2016-2025 and a same-year jump in AI imports from China per SD of unrest, in low-Polity importers only.
Around the planted events it adds what the pipeline must screen out: state actors, other CAMEO roots,
province- and country-level geocodes, other countries, repeated events and malformed lines.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely

from pipeline.data import csv_rows
from pipeline.demo import dgp
from pipeline.lib.gdelt.schema import events_v2_columns
from pipeline.lib.geo.boundaries import prefecture_layer
from pipeline.lib.geo.countries import countries
from pipeline.lib.procurement.contracts import CONTRACT_COLUMNS
from pipeline.lib.trade.files import COVARIATE_COLUMNS, TRADE_DEAL_COLUMNS

GDELT_URL = "http://data.gdeltproject.org/gdeltv2/"


@dataclass(frozen=True)
class DemoSpec:
    seed: int = 2023
    start_year: int = 2018
    years: int = 3
    provinces: tuple[str, ...] = ("440000", "430000", "420000", "330000")  # Guangdong, Hunan, Hubei, Zhejiang
    effect: float = 1.0  # extra public-security AI contracts in q+1 per SD of unrest in q
    files_per_day: int = 4  # the mirror publishes an export every 6 hours (GDELT: every 15 minutes)
    outcome: str = "ps_ai_contracts"
    placebo_outcome: str = "placebo_ai_contracts"
    # The country-level world of the trade design: importers, years, and the planted same-year jump in AI
    # imports from China per SD of unrest, in low-Polity importers only.
    country_start_year: int = 2016
    country_years: int = 10
    low_polity_importers: int = 40
    mature_democracy_importers: int = 40
    trade_effect: float = 1.0

    def quarters(self) -> list[date]:
        return [date(self.start_year + y, 1 + 3 * i, 1) for y in range(self.years) for i in range(4)]

    def country_year_list(self) -> list[int]:
        return list(range(self.country_start_year, self.country_start_year + self.country_years))

    def gdelt_span(self) -> tuple[int, int]:
        """First and last year of the GDELT mirror: both worlds' years."""
        return (
            min(self.start_year, self.country_start_year),
            max(self.start_year + self.years, self.country_start_year + self.country_years) - 1,
        )


def truth_rows(spec: DemoSpec, rel_periods=range(-2, 4), trade_rel_periods=(-2, 0, 1, 2)) -> list[dict]:
    rows = []
    for outcome, effect in ((spec.outcome, spec.effect), (spec.placebo_outcome, 0.0)):
        for k in rel_periods:
            rows.append(
                {
                    "design": "prefecture",
                    "split": "all",
                    "outcome": outcome,
                    "rel_period": k,
                    "planted_effect": effect if k == 1 else 0.0,
                }
            )
    for split, effect in (("autocracy_or_weak_democracy", spec.trade_effect), ("mature_democracy", 0.0)):
        for outcome, jump in (("imports_from_exporter", effect), ("imports_from_comparison", 0.0)):
            for k in trade_rel_periods:
                rows.append(
                    {
                        "design": "trade",
                        "split": split,
                        "outcome": outcome,
                        "rel_period": k,
                        "planted_effect": jump if k == 0 else 0.0,
                    }
                )
    return rows


def _prefectures(provinces: tuple[str, ...]) -> list[dict]:
    return [
        {**r, "lon": float(r["seat_lon"]), "lat": float(r["seat_lat"])}
        for r in csv_rows("china_prefecture_seats.csv")
        if r["province_id"] in provinces and r["seat_lon"]
    ]


def _province_fips(provinces: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    return {
        r["province_id"]: (r["fips_adm1"], r["fips_name"])
        for r in csv_rows("fips_ch_adm1_to_gbt2260.csv")
        if r["province_id"] in provinces and r["fips_current"] == "true"
    }


class _World:
    def __init__(self, spec: DemoSpec):
        self.spec = spec
        self.rng = np.random.default_rng(spec.seed)
        self.prefs = _prefectures(spec.provinces)
        self.boundaries = prefecture_layer([p["prefecture_id"] for p in self.prefs])
        self.fips = _province_fips(spec.provinces)
        self.quarters = spec.quarters()
        self.next_event_id = 750_000_000
        self.rows: list[tuple[str, str]] = []  # (DATEADDED stamp, tab-separated line)

    # -- places -------------------------------------------------------------------------------
    def city_point(self, pref: dict) -> tuple[float, float]:
        """A point within 15 km of the prefecture's seat and inside its boundary (WGS84, as GDELT's are)."""
        polygon = self.boundaries[pref["prefecture_id"]]
        radius_km = 15.0
        while True:
            bearing, dist = self.rng.uniform(0, 2 * math.pi), self.rng.uniform(0, radius_km)
            lat = round(pref["lat"] + dist / 111.0 * math.cos(bearing), 4)
            lon = round(pref["lon"] + dist / (111.0 * math.cos(math.radians(pref["lat"]))) * math.sin(bearing), 4)
            if shapely.contains_xy(polygon, lon, lat):
                return lat, lon
            radius_km /= 2

    def province_point(self, province_id: str) -> tuple[float, float]:
        members = [p for p in self.prefs if p["province_id"] == province_id]
        return round(sum(p["lat"] for p in members) / len(members), 4), round(
            sum(p["lon"] for p in members) / len(members), 4
        )

    # -- events -------------------------------------------------------------------------------
    def stamp_in(self, quarter: date) -> str:
        days = (date(quarter.year + (quarter.month == 10), (quarter.month + 2) % 12 + 1, 1) - quarter).days
        slot_hours = 24 // self.spec.files_per_day
        moment = datetime.combine(quarter, datetime.min.time()) + timedelta(
            days=int(self.rng.integers(days)), hours=slot_hours * int(self.rng.integers(self.spec.files_per_day))
        )
        return moment.strftime("%Y%m%d%H%M%S")

    def event(self, stamp: str, code: str, actor_type: str | None, geo: dict) -> str:
        self.next_event_id += 1
        day = datetime.strptime(stamp[:8], "%Y%m%d")
        root = code[:2]
        quad = 1 if root <= "05" else 2 if root <= "08" else 3 if root <= "13" else 4
        mentions = int(self.rng.integers(1, 20))
        actor_code = ("CHN" if geo["country"] == "CH" else "") + (actor_type or "")
        values = {
            "GLOBALEVENTID": self.next_event_id,
            "SQLDATE": stamp[:8],
            "MonthYear": stamp[:6],
            "Year": stamp[:4],
            "FractionDate": f"{day.year + (day.month * 30 + day.day) / 365:.4f}",
            "Actor1Code": actor_code,
            "Actor1Name": "CHINA" if actor_code else "",
            "Actor1CountryCode": "CHN" if actor_code.startswith("CHN") else "",
            "Actor1Type1Code": actor_type or "",
            "IsRootEvent": int(self.rng.integers(2)),
            "EventCode": code,
            "EventBaseCode": code[:3],
            "EventRootCode": root,
            "QuadClass": quad,
            "GoldsteinScale": {"14": -6.5, "10": -5.0, "13": -4.4}.get(root, 1.0),
            "NumMentions": mentions,
            "NumSources": max(1, mentions // 4),
            "NumArticles": max(1, mentions // 2),
            "AvgTone": f"{self.rng.uniform(-8, 2):.6f}",
            "DATEADDED": stamp,
            "SOURCEURL": f"https://demo.invalid/news/{self.next_event_id}",
        }
        for prefix in ("Actor1Geo", "ActionGeo"):
            values |= {
                f"{prefix}_Type": geo["type"],
                f"{prefix}_FullName": geo["name"],
                f"{prefix}_CountryCode": geo["country"],
                f"{prefix}_ADM1Code": geo["adm1"],
                f"{prefix}_Lat": geo["lat"],
                f"{prefix}_Long": geo["lon"],
                f"{prefix}_FeatureID": geo["feature"],
            }
        line = "\t".join(str(values.get(c.name, "")) for c in events_v2_columns())
        self.rows.append((stamp, line))
        return line

    def city_geo(self, pref: dict) -> dict:
        fips_code, fips_name = self.fips[pref["province_id"]]
        lat, lon = self.city_point(pref)
        return {
            "type": 4,
            "name": f"{pref['name_zh']}, {fips_name}, China",
            "country": "CH",
            "adm1": fips_code,
            "lat": lat,
            "lon": lon,
            "feature": int(self.rng.integers(-2_000_000, 2_000_000)),
        }

    def province_geo(self, province_id: str) -> dict:
        fips_code, fips_name = self.fips[province_id]
        lat, lon = self.province_point(province_id)
        return {
            "type": 5,
            "name": f"{fips_name}, China",
            "country": "CH",
            "adm1": fips_code,
            "lat": lat,
            "lon": lon,
            "feature": fips_code,
        }


UNREST_CODES = (("141", "1411", "143", "145", "140"), ("100", "101", "104"), ("130", "138", "131"))
OTHER_CODES = ("010", "020", "036", "040", "042", "043", "051", "057", "061", "090", "190")
CIVIL_TYPES = ("CVL", "LAB", "BUS", "EDU", "REL", "OPP", None)
FOREIGN_PLACES = (
    ("US", "USNY", "New York, New York, United States", 40.7142, -74.0059),
    ("IN", "IN07", "New Delhi, Delhi, India", 28.6, 77.2),
    ("FR", "FRA8", "Paris, Ile-de-France, France", 48.8667, 2.3333),
)


def _plant_events(world: _World) -> np.ndarray:
    """Write the unrest and noise events; return unrest counts per (prefecture, quarter)."""
    rng, prefs, quarters = world.rng, world.prefs, world.quarters
    counts = dgp.unrest_counts(rng, len(prefs), len(quarters))
    for qi, quarter in enumerate(quarters):
        for pi, pref in enumerate(prefs):
            for _ in range(counts[pi, qi]):
                family = UNREST_CODES[int(rng.choice(3, p=[0.6, 0.2, 0.2]))]
                actor = CIVIL_TYPES[int(rng.integers(len(CIVIL_TYPES)))]
                world.event(
                    world.stamp_in(quarter), family[int(rng.integers(len(family)))], actor, world.city_geo(pref)
                )
        planted_lines = [line for _, line in world.rows[-int(counts[:, qi].sum()) :]] if counts[:, qi].sum() else []
        for _ in range(30):  # protests by the state itself: excluded by the non-government rule
            pref = prefs[int(rng.integers(len(prefs)))]
            world.event(
                world.stamp_in(quarter), "141", ("GOV", "COP", "MIL")[int(rng.integers(3))], world.city_geo(pref)
            )
        for _ in range(100):  # other CAMEO roots: excluded by the root-code rule
            pref = prefs[int(rng.integers(len(prefs)))]
            world.event(
                world.stamp_in(quarter), OTHER_CODES[int(rng.integers(len(OTHER_CODES)))], "CVL", world.city_geo(pref)
            )
        for _ in range(20):  # geocoded to a province only: counted at province level, never in a prefecture
            province = world.spec.provinces[int(rng.integers(len(world.spec.provinces)))]
            world.event(world.stamp_in(quarter), "141", "CVL", world.province_geo(province))
        for _ in range(10):  # geocoded to the country only: excluded by the precision rule
            world.event(
                world.stamp_in(quarter),
                "140",
                "CVL",
                {"type": 1, "name": "China", "country": "CH", "adm1": "CH", "lat": 35, "lon": 105, "feature": "CH"},
            )
        for _ in range(40):  # other countries: out of the ingest scope
            country, adm1, name, lat, lon = FOREIGN_PLACES[int(rng.integers(len(FOREIGN_PLACES)))]
            world.event(
                world.stamp_in(quarter),
                "141",
                "CVL",
                {"type": 4, "name": name, "country": country, "adm1": adm1, "lat": lat, "lon": lon, "feature": -1},
            )
        for line in planted_lines[:3]:  # the same event published again in a later file: deduplicated
            world.rows.append((world.stamp_in(quarter), line))
        stamp = world.stamp_in(quarter)  # one truncated line per quarter: rejected with its file and line
        world.rows.append((stamp, "\t".join(world.rows[-1][1].split("\t")[:30])))
    return counts


def _write_mirror(rows: list[tuple[str, str]], directory: Path, spec: DemoSpec) -> int:
    """One zip per slot of the demo's cadence, every day of its years (a slot with no events gets an empty export)."""
    directory.mkdir(parents=True, exist_ok=True)
    first_year, last_year = spec.gdelt_span()
    start, end = datetime(first_year, 1, 1), datetime(last_year + 1, 1, 1)
    step = timedelta(hours=24 // spec.files_per_day)
    by_file: dict[str, list[str]] = {}
    moment = start
    while moment < end:
        by_file[moment.strftime("%Y%m%d%H%M%S")] = []
        moment += step
    for stamp, line in rows:
        by_file[stamp].append(line)
    listing = []
    for stamp in sorted(by_file):
        name = f"{stamp}.export.CSV"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(name, date_time=datetime.strptime(stamp, "%Y%m%d%H%M%S").timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "".join(line + "\n" for line in by_file[stamp]))
        data = buffer.getvalue()
        (directory / f"{name}.zip").write_bytes(data)
        listing.append(f"{len(data)} {hashlib.md5(data).hexdigest()} {GDELT_URL}{name}.zip\n")
    (directory / "masterfilelist.txt").write_text("".join(listing))
    (directory / "lastupdate.txt").write_text(listing[-1])
    return len(listing)


AI_TITLES = ("人脸识别系统采购项目", "视频结构化分析平台建设项目", "人像比对系统升级项目", "人工智能视频分析服务采购")
PS_OTHER_TITLES = ("办公家具采购项目", "警用车辆采购项目", "摄像机维修服务项目", "执法记录仪采购项目")
PLACEBO_AI_TITLES = ("人工智能辅助诊断系统采购", "智能分析教学平台采购项目", "人脸识别考勤系统采购")
OTHER_TITLES = ("道路维修工程", "办公用品采购", "绿化养护服务", "物业管理服务")
PS_BUYERS = ("公安局", "公安局交通警察支队", "公安局经济开发区分局")
PLACEBO_BUYERS = ("人民医院", "第一中学", "中心医院", "职业技术学院")
OTHER_BUYERS = ("财政局", "教育局", "住房和城乡建设局", "交通运输局")
AI_SUPPLIERS = (
    "海康威视数字技术股份有限公司",
    "浙江大华技术股份有限公司",
    "北京旷视科技有限公司",
    "深圳市商汤科技有限公司",
)
OTHER_SUPPLIERS = ("广州市建筑工程有限公司", "湖南省办公设备有限公司", "武汉市绿化工程有限公司", "杭州物业服务有限公司")


def _contracts(world: _World, z: np.ndarray) -> list[dict]:
    rng, spec = world.rng, world.spec
    means = dgp.ps_ai_means(rng, z, spec.effect)
    rows = []
    for pi, pref in enumerate(world.prefs):
        for qi, quarter in enumerate(world.quarters):
            batches = (
                (rng.poisson(means[pi, qi]), AI_TITLES, PS_BUYERS, AI_SUPPLIERS),
                (rng.poisson(3.0), PS_OTHER_TITLES, PS_BUYERS, OTHER_SUPPLIERS),
                (rng.poisson(1.5), PLACEBO_AI_TITLES, PLACEBO_BUYERS, AI_SUPPLIERS),
                (rng.poisson(4.0), OTHER_TITLES, OTHER_BUYERS, OTHER_SUPPLIERS),
            )
            for n, titles, buyers, suppliers in batches:
                for _ in range(n):
                    stamp = world.stamp_in(quarter)
                    rows.append(
                        {
                            "contract_id": f"DEMO-{pref['prefecture_id']}-{len(rows) + 1:06d}",
                            "award_date": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}",
                            "buyer_name": pref["name_zh"] + buyers[int(rng.integers(len(buyers)))],
                            "buyer_region_id": pref["prefecture_id"],
                            "supplier_name": suppliers[int(rng.integers(len(suppliers)))],
                            "amount": f"{rng.lognormal(12.5, 1.0):.2f}",
                            "currency": "CNY",
                            "title": pref["name_zh"] + titles[int(rng.integers(len(titles)))],
                        }
                    )
    # Records a real export carries that cannot be used; the pipeline must quarantine them with a reason.
    broken = [dict(rows[i]) for i in (5, 50, 500, 1500)]
    broken[0]["award_date"] = "2019-13-45"
    broken[1]["amount"] = "面议"
    broken[2]["contract_id"] = ""
    broken[3]["currency"] = "XYZ"
    for i, row in enumerate(broken):
        row["contract_id"] = row["contract_id"] and f"{row['contract_id']}-BROKEN{i}"
    return rows + broken


COUNTRY_STREAM = 1  # the country world draws from np.random.default_rng([seed, COUNTRY_STREAM])
COMPARISON_EXPORTERS = ("USA", "FRA", "ISR", "JPN", "DEU", "GBR")
NOT_IMPORTERS = {"CHN", "IND", "HKG", "MAC", "TWN", *COMPARISON_EXPORTERS}  # exporters, and the China world's places
TRADE_ROOT_CODES = ("090", "100", "112", "120", "130", "141", "145", "150", "163", "172", "180", "190", "200")
TECHNOLOGIES = ("safe city", "facial recognition", "video analytics", "smart policing platform", "biometric ID")
EXPORTER_FIRMS = {
    "CHN": ("Huawei", "Hikvision", "ZTE", "Dahua", "CloudWalk"),
    "USA": ("Palantir", "Motorola"),
    "FRA": ("Idemia",),
    "ISR": ("Cellebrite",),
    "JPN": ("NEC",),
    "DEU": ("Siemens",),
    "GBR": ("BAE",),
}


def _importers(rng: np.random.Generator, count: int) -> list[tuple[str, str, str]]:
    """(ISO alpha-3, FIPS, name) of `count` countries whose FIPS code is theirs alone, drawn from GeoNames."""
    fips_count: dict[str, int] = {}
    for c in countries():
        fips_count[c.fips] = fips_count.get(c.fips, 0) + 1
    eligible = sorted(
        (c.iso3, c.fips, c.name)
        for c in countries()
        if c.fips and fips_count[c.fips] == 1 and c.iso3 not in NOT_IMPORTERS
    )
    picked = rng.choice(len(eligible), size=count, replace=False)
    return [eligible[i] for i in sorted(picked)]


def _country_world(world: _World, directory: Path) -> dict:
    """The trade design's world: country-level unrest in GDELT, AI export deals, and Polity scores.

    unrest(c, y) ~ Poisson(propensity(c) * shock(y)); unrest_z standardised over all importer-years (as
    trade_panel does); deals from China ~ Poisson(base(c) + effect * unrest_z(c, y)) in low-Polity importers,
    Poisson(base(c)) in mature democracies; deals from the comparison exporters do not depend on unrest.
    """
    spec = world.spec
    rng = np.random.default_rng(
        [spec.seed, COUNTRY_STREAM]
    )  # its own stream: the China world's draws stay as they were
    low, mature = spec.low_polity_importers, spec.mature_democracy_importers
    importers = _importers(rng, low + mature)
    responds = np.zeros(len(importers), dtype=bool)
    responds[rng.choice(len(importers), size=low, replace=False)] = True
    years = spec.country_year_list()
    counts = dgp.country_unrest_counts(rng, len(importers), len(years))
    z = dgp.standardise(counts)
    means = dgp.import_means(rng, z, responds, spec.trade_effect)
    for ci, (_, fips, name) in enumerate(importers):
        geo = {"type": 1, "name": name, "country": fips, "adm1": fips, "lat": 0.0, "lon": 0.0, "feature": fips}
        for yi, year in enumerate(years):
            for _ in range(counts[ci, yi]):
                code = TRADE_ROOT_CODES[int(rng.integers(len(TRADE_ROOT_CODES)))]
                world.event(
                    _stamp_in_year(rng, year, spec.files_per_day),
                    code,
                    CIVIL_TYPES[int(rng.integers(len(CIVIL_TYPES)))],
                    geo,
                )
    deals = []
    for ci, (iso3, _, _) in enumerate(importers):
        for yi, year in enumerate(years):
            by_exporter = [("CHN", int(rng.poisson(means[ci, yi])))]
            by_exporter += [(e, int(rng.poisson(0.4))) for e in COMPARISON_EXPORTERS]
            for exporter, n in by_exporter:
                for _ in range(n):
                    firms = EXPORTER_FIRMS[exporter]
                    deals.append(
                        {
                            "deal_id": f"DEAL-{len(deals) + 1:05d}",
                            "exporter": exporter,
                            "importer": iso3,
                            "year": year,
                            "technology": TECHNOLOGIES[int(rng.integers(len(TECHNOLOGIES)))],
                            "smart_city": "true" if rng.random() < 0.4 else "false",
                            "firm": firms[int(rng.integers(len(firms)))],
                        }
                    )
    # Records a real compilation carries that cannot be used; the pipeline must quarantine them with a reason.
    deals += [{**deals[3], "year": 2019}, {**deals[10], "deal_id": "DEAL-BROKEN-1", "importer": "ZZZ"}]
    polity = {
        iso3: int(rng.integers(-10, 6)) if responds[ci] else int(rng.integers(6, 11))
        for ci, (iso3, _, _) in enumerate(importers)
    }
    covariates = [
        {"region_id": iso3, "year": year, "covariate": "polity", "value": polity[iso3]}
        for iso3, _, _ in importers
        for year in years
    ]
    covariates.append({"region_id": "XK1", "year": years[0], "covariate": "polity", "value": 3})
    # Surveillance cameras and people per prefecture of the China world: the data-rich / data-scarce split,
    # and outcomes per capita.
    covariates += [
        {"region_id": p["prefecture_id"], "year": "", "covariate": "cameras", "value": int(rng.lognormal(8.0, 0.8))}
        for p in world.prefs
    ]
    covariates += [
        {"region_id": p["prefecture_id"], "year": "", "covariate": "population", "value": int(rng.uniform(1e6, 1.2e7))}
        for p in world.prefs
    ]
    _write_csv(directory / "trade_deals.csv", TRADE_DEAL_COLUMNS, deals)
    _write_csv(directory / "covariates.csv", COVARIATE_COLUMNS, covariates)
    return {
        "importers": len(importers),
        "low_polity_importers": low,
        "country_years": len(years),
        "planted_country_unrest_events": int(counts.sum()),
        "trade_deal_records": len(deals),
        "covariate_records": len(covariates),
    }


def _stamp_in_year(rng: np.random.Generator, year: int, files_per_day: int) -> str:
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    moment = datetime(year, 1, 1) + timedelta(
        days=int(rng.integers(days)), hours=24 // files_per_day * int(rng.integers(files_per_day))
    )
    return moment.strftime("%Y%m%d%H%M%S")


def _write_csv(path: Path, columns, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(directory: str | Path, spec: DemoSpec = DemoSpec()) -> dict:
    """Write the demo world under `directory`; return a summary including the planted truth."""
    directory = Path(directory)
    world = _World(spec)
    counts = _plant_events(world)
    z = dgp.standardise(counts)
    contracts = _contracts(world, z)
    directory.mkdir(parents=True, exist_ok=True)
    countries = _country_world(world, directory)
    files = _write_mirror(world.rows, directory / "gdelt", spec)
    _write_csv(directory / "contracts.csv", CONTRACT_COLUMNS, contracts)
    summary = {
        "spec": asdict(spec),
        "prefectures": len(world.prefs),
        "quarters": len(world.quarters),
        "planted_unrest_events": int(counts.sum()),
        "gdelt_lines": len(world.rows),
        "gdelt_files": files,
        "contract_records": len(contracts),
        **countries,
        "truth": truth_rows(spec),
    }
    (directory / "truth.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
