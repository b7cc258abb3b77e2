import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.resources import WAREHOUSE_POOL
from pipeline.defs.metadata import table_metadata
from pipeline.lib import sql
from pipeline.lib.geo import data_files


@dg.multi_asset(
    name="geography",
    specs=[
        dg.AssetSpec("regions", group_name="geo",
                     description="Every region id: countries (ISO 3166-1 alpha-3), Chinese provinces and prefectures "
                                 "(GB/T 2260 six-digit codes), with FIPS codes and prefecture seat coordinates."),
        dg.AssetSpec("fips_adm1_crosswalk", group_name="geo",
                     description="GDELT's FIPS 10-4 ADM1 codes for China (CH01..CH33, retired included) to GB/T 2260 provinces."),
    ],
    pool=WAREHOUSE_POOL,
)
def geography(warehouse: DuckDBResource):
    with warehouse.get_connection() as con:
        sql.run(con, "geo/regions", data_files.sql_params())
        sql.run(con, "geo/fips_adm1_crosswalk", data_files.sql_params())
        levels = dict(con.execute("SELECT level, count(*) FROM regions GROUP BY ALL ORDER BY 1").fetchall())
        regions_meta = table_metadata(con, "regions", order_by="level, region_id")
        crosswalk_meta = table_metadata(con, "fips_adm1_crosswalk", preview_rows=40)
    yield dg.MaterializeResult(asset_key="regions", metadata={**regions_meta, "regions_by_level": dg.MetadataValue.json(levels)})
    yield dg.MaterializeResult(asset_key="fips_adm1_crosswalk", metadata=crosswalk_meta)


defs = dg.Definitions(assets=[geography])
