import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, ContractsFileResource
from pipeline.lib import sql
from pipeline.lib.procurement.contracts import ContractFileError, default_taxonomy, read_contract_rows

KNOWN_CURRENCIES = ["CNY", "USD", "EUR", "GBP", "HKD", "TWD", "PYG", "MXN"]


@dg.multi_asset(
    name="procurement",
    specs=[
        dg.AssetSpec("contracts", group_name="procurement", deps=["regions"],
                     description="Normalised contracts with buyer region and category flags (AI, public-security "
                                 "buyer, public-security AI), each flag with the taxonomy rule that set it."),
        dg.AssetSpec("contract_quarantine", group_name="procurement",
                     description="Contract records that cannot be used, with the reason and the raw values."),
    ],
    check_specs=[
        dg.AssetCheckSpec("records_accounted", asset="contracts", blocking=True,
                          description="Records read = contracts kept + records quarantined."),
    ],
    pool=WAREHOUSE_POOL,
)
def procurement(context: dg.AssetExecutionContext, warehouse: DuckDBResource, contracts_file: ContractsFileResource):
    try:
        rows = read_contract_rows(contracts_file.path)
    except ContractFileError as err:
        raise dg.Failure(str(err)) from None
    taxonomy = default_taxonomy()
    with warehouse.get_connection() as con:
        con.register("contract_rows", rows.to_arrow())
        sql.run(con, "procurement/contract_staging", {"known_currencies": KNOWN_CURRENCIES})
        con.unregister("contract_rows")
        sql.run(con, "procurement/contracts", taxonomy.sql_params())
        sql.run(con, "procurement/contract_quarantine")
        kept, quarantined = con.execute(
            "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_quarantine)").fetchone()
        flags = con.execute(
            "SELECT count(*) FILTER (WHERE is_ai), count(*) FILTER (WHERE is_public_security_buyer), "
            "count(*) FILTER (WHERE is_public_security_ai), count(*) FILTER (WHERE buyer_region_id IS NULL) FROM contracts"
        ).fetchone()
        reasons = dict(con.execute("SELECT quarantine_reason, count(*) FROM contract_quarantine GROUP BY ALL").fetchall())
        contracts_meta = table_metadata(con, "contracts", date_column="award_date")
        quarantine_meta = table_metadata(con, "contract_quarantine")
    context.log.info(f"{contracts_file.path}: {rows.height} records, {kept} kept, {quarantined} quarantined")
    yield dg.MaterializeResult(asset_key="contracts", metadata={
        **contracts_meta, "source": contracts_file.path, "taxonomy_version": taxonomy.version,
        "records_read": rows.height, "ai": flags[0], "public_security_buyer": flags[1],
        "public_security_ai": flags[2], "without_region": flags[3]})
    yield dg.MaterializeResult(asset_key="contract_quarantine", metadata={
        **quarantine_meta, "reasons": dg.MetadataValue.json(reasons)})
    yield dg.AssetCheckResult(check_name="records_accounted", asset_key="contracts",
                              passed=rows.height == kept + quarantined,
                              metadata={"read": rows.height, "kept": kept, "quarantined": quarantined})


defs = dg.Definitions(assets=[procurement])
