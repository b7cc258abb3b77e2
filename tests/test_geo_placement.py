"""Placing events by prefecture polygons, at the level their geocode allows."""

from datetime import date

import numpy as np
import polars as pl
import pytest
from conftest import copy_geography, write_mirror, zipped

from pipeline.lib import warehouse
from pipeline.lib.gdelt.filelist import files_for_month
from pipeline.lib.gdelt.ingest import ingest_month
from pipeline.lib.gdelt.scope import Scope
from pipeline.lib.gdelt.source import Mirror
from pipeline.lib.gdelt.unrest import STATE_ACTOR_TYPES, UnrestDefinition, build_unrest
from pipeline.lib.geo.boundaries import gcj02_to_wgs84
from pipeline.lib.geo.event_places import build_event_places, placement_problems
from pipeline.lib.geo.layer import load_layer
from pipeline.lib.geo.placement import place_points

# WGS84 coordinates of well-known places, and the GB/T 2260 prefecture that holds each.
PLACES = [
    ("Beijing, Tiananmen", 116.3975, 39.9087, "110100"),
    ("Guangzhou, Yuexiu", 113.2644, 23.1291, "440100"),
    ("Shenzhen, Futian", 114.0579, 22.5431, "440300"),
    ("Wuhan, Jianghan", 114.2700, 30.5928, "420100"),
    ("Urumqi", 87.6168, 43.8256, "650100"),
    ("Lhasa", 91.1409, 29.6456, "540100"),
    ("Kashgar", 75.9896, 39.4704, "653100"),
    ("Luohu, Shenzhen, 1 km from the Hong Kong border", 114.1180, 22.5380, "440300"),
    ("Shanhaiguan, on the Hebei side of the Liaoning border", 119.7540, 40.0100, "130300"),
    # Province-administered county-level cities are units of their own; Chongqing's counties are in 500100.
    ("Xiantao, Hubei", 113.4540, 30.3620, "429004"),
    ("Shennongjia, Hubei", 110.6700, 31.7450, "429021"),
    ("Wenchang, Hainan", 110.7530, 19.6130, "469005"),
    ("Shihezi, Xinjiang", 86.0410, 44.3060, "659001"),
    ("Fengdu county, Chongqing", 107.7310, 29.8640, "500100"),
]


@pytest.fixture(scope="module")
def geo_db(tmp_path_factory, geography_db):
    con = warehouse.connect(tmp_path_factory.mktemp("geo") / "lake")
    copy_geography(con, geography_db)  # conftest's build, which asserts build_geography returned no problems
    yield con
    con.close()


@pytest.fixture(scope="module")
def layer(geo_db):
    return load_layer(geo_db)


def test_known_places_land_in_their_prefecture(layer):
    points = pl.DataFrame(
        {"point_id": range(len(PLACES)), "lon": [p[1] for p in PLACES], "lat": [p[2] for p in PLACES]}
    )
    placed = place_points(points, layer)["prefecture_id"].to_list()
    assert placed == [p[3] for p in PLACES], [p[0] for p, got in zip(PLACES, placed, strict=False) if got != p[3]]


def test_points_outside_mainland_prefectures_are_placed_nowhere(layer):
    points = pl.DataFrame(
        {"point_id": [1, 2, 3, 4], "lon": [115.0, 114.17, 121.56, None], "lat": [15.0, 22.30, 25.04, None]}
    )  # South China Sea, Hong Kong, Taipei, no coordinates
    placed = place_points(points, layer)
    assert placed["prefecture_id"].to_list() == [None, None, None, None]
    assert placed["placement_note"].to_list() == ["inside no prefecture (at sea or outside mainland China)"] * 3 + [
        "no coordinates"
    ]


def test_gcj02_conversion_moves_a_beijing_point_by_the_known_offset():
    ((lon, lat),) = gcj02_to_wgs84(np.array([[116.404, 39.915]]))
    assert lon == pytest.approx(116.3978, abs=2e-4) and lat == pytest.approx(39.9136, abs=2e-4)


def test_province_capitals(geo_db):
    capitals = dict(
        geo_db.execute("SELECT region_id, capital_prefecture_id FROM regions WHERE level = 'province'").fetchall()
    )
    assert capitals["440000"] == "440100" and capitals["420000"] == "420100" and capitals["650000"] == "650100"
    assert capitals["540000"] == "540100" and capitals["110000"] == "110100"
    assert all(capitals.values())


EVERYTHING_IN_CHINA = UnrestDefinition("all-china", tuple(f"{i:02d}" for i in range(1, 21)), ("CH",), (), 1)


def test_every_china_row_of_the_real_export_is_placed_at_its_level(tmp_path, geo_db, real_export_bytes):
    name = "20180326044500.export.CSV"
    mirror = write_mirror(tmp_path / "m", {f"{name}.zip": zipped(name, real_export_bytes)})
    source = Mirror(str(mirror))
    ingest_month(
        geo_db,
        source,
        files_for_month(date(2018, 3, 1), source.read_v2_list(), None),
        date(2018, 3, 1),
        Scope(countries=("CH",)),
        log=lambda m: None,
    )
    build_event_places(geo_db)
    build_unrest(geo_db, [EVERYTHING_IN_CHINA])
    assert placement_problems(geo_db) == {"rows_without_one_place": 0, "province_geocodes_in_prefectures": 0}
    # event_places: one row per gdelt_events row, whatever the unrest definitions; unrest_events takes its places.
    assert geo_db.execute("SELECT geo_level, count(*) FROM event_places GROUP BY ALL ORDER BY ALL").fetchall() == [
        ("country", 16),
        ("prefecture", 9),
    ]
    assert geo_db.execute("""
        SELECT count(*) FROM unrest_events AS u JOIN event_places AS p USING (partition_month, source_file, source_line)
        WHERE u.geo_level = p.geo_level AND u.prefecture_id IS NOT DISTINCT FROM p.prefecture_id""").fetchone() == (25,)
    rows = geo_db.execute("""
        SELECT action_geo_type, action_geo_full_name, geo_level, country_id, province_id, prefecture_id
        FROM unrest_events ORDER BY source_line""").fetchall()
    assert len(rows) == 25  # every CH row of the file
    for geo_type, place, level, country, province, prefecture in rows:
        assert country == "CHN"
        if geo_type == 1:
            assert (level, province, prefecture) == ("country", None, None), place
        elif geo_type == 5:
            assert level == "province" and province and prefecture is None, place
        else:
            assert level == "prefecture" and prefecture[:2] == province[:2], place
    by_place = {r[1]: r[5] for r in rows if r[0] == 4}
    assert by_place == {
        "Shanghai, Shanghai, China": "310100",
        "Beijing, Beijing, China": "110100",
        "Yan Liang, Shaanxi, China": "610100",
        "Yueyang, Hunan, China": "430600",
    }


def test_the_naive_rule_puts_province_events_in_the_capital(tmp_path, geo_db):
    fields = ["1", "20200101", "202001", "2020", "2020.0027", "CHNCVL", "CHINA", "CHN", "", "", "", "", "CVL"]
    fields += [""] * (25 - len(fields)) + ["1", "141", "141", "14", "4", "-6.5", "5", "2", "3", "-4.0"]
    fields += [""] * (51 - len(fields)) + [
        "5",
        "Guangdong, China",
        "CH",
        "CH30",
        "",
        "23.0",
        "113.5",
        "CH30",
        "20200101000000",
        "https://demo.invalid/1",
    ]
    assert len(fields) == 61
    name = "20200101000000.export.CSV"
    mirror = write_mirror(tmp_path / "m2", {f"{name}.zip": zipped(name, ("\t".join(fields) + "\n").encode())})
    source = Mirror(str(mirror))
    ingest_month(
        geo_db,
        source,
        files_for_month(date(2020, 1, 1), source.read_v2_list(), None),
        date(2020, 1, 1),
        Scope(countries=("CH",)),
        log=lambda m: None,
    )
    definition = UnrestDefinition("aitocracy", ("14",), ("CH",), STATE_ACTOR_TYPES, 2)
    build_event_places(geo_db)
    build_unrest(geo_db, [definition])
    strict = geo_db.execute(
        "SELECT geo_level, province_id, prefecture_id FROM unrest_events WHERE event_id = 1"
    ).fetchone()
    build_event_places(geo_db, province_events_to_capital=True)
    assert placement_problems(geo_db)["province_geocodes_in_prefectures"] == 0  # the naive rule says so in its note
    build_unrest(geo_db, [definition])
    naive = geo_db.execute(
        "SELECT geo_level, province_id, prefecture_id, placement_note FROM unrest_events WHERE event_id = 1"
    ).fetchone()
    assert strict == ("province", "440000", None)
    assert naive == (
        "prefecture",
        "440000",
        "440100",
        "province-level geocode put in the capital's prefecture (naive rule)",
    )
