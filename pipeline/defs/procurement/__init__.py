import tomllib
from pathlib import Path
from typing import Literal

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.defs.metadata import table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, ContractsFileResource
from pipeline.lib.procurement.contracts import (
    ContractFileError,
    build_contracts,
    default_taxonomy,
    read_contract_rows,
)
from pipeline.lib.procurement.notices import read_notices
from pipeline.lib.procurement.ocds import read_ocds
from pipeline.lib.warehouse import EmptyReplacementError, frame_markdown


class ProcurementConfig(dg.Config):
    """How to read CONTRACTS_PATH: the normalised CSV, Chinese procurement notices (CSV or Excel), or OCDS
    (a JSON file or a directory of them)."""

    format: Literal["normalised", "cn_notices", "ocds"] = "normalised"
    mapping_path: str | None = None  # a TOML column mapping for cn_notices; default pipeline/data/cn_notice_columns.toml
    ocds_release_schema: str | None = None  # another release-schema.json; default: the shipped 1.0.3 or 1.1.5
    allow_empty: bool = False  # let a file without usable contracts replace the contracts the warehouse holds


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
def procurement(context: dg.AssetExecutionContext, config: ProcurementConfig, warehouse: DuckDBResource,
                contracts_file: ContractsFileResource):
    try:
        if config.format == "cn_notices":
            mapping = tomllib.loads(Path(config.mapping_path).read_text(encoding="utf-8")) if config.mapping_path else None
            rows = read_notices(contracts_file.path, mapping)
        elif config.format == "ocds":
            rows = read_ocds(contracts_file.path, config.ocds_release_schema)
        else:
            rows = read_contract_rows(contracts_file.path)
    except ContractFileError as err:
        raise dg.Failure(str(err)) from None
    taxonomy = default_taxonomy()
    with warehouse.get_connection() as con:
        try:
            build_contracts(con, rows, taxonomy, allow_empty=config.allow_empty)
        except EmptyReplacementError as err:
            raise dg.Failure(f"{contracts_file.path}: {err}") from None
        kept, quarantined = con.execute(
            "SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_quarantine)").fetchone()
        flags = con.execute(
            "SELECT count(*) FILTER (WHERE is_ai), count(*) FILTER (WHERE is_public_security_buyer), "
            "count(*) FILTER (WHERE is_public_security_ai), count(*) FILTER (WHERE buyer_region_id IS NULL), "
            "count(*) FILTER (WHERE is_duplicate), count(*) FILTER (WHERE award_date_implausible) FROM contracts"
        ).fetchone()
        region_sources = dict(con.execute(
            "SELECT coalesce(buyer_region_source, 'unresolved'), count(*) FROM contracts GROUP BY ALL").fetchall())
        unresolved = con.execute(
            "SELECT buyer_name, any_value(buyer_region_candidates) AS candidates, count(*) AS contracts FROM contracts "
            "WHERE buyer_region_id IS NULL GROUP BY ALL ORDER BY contracts DESC, buyer_name LIMIT 20").pl()
        reasons = dict(con.execute("SELECT quarantine_reason, count(*) FROM contract_quarantine GROUP BY ALL").fetchall())
        contracts_meta = table_metadata(con, "contracts", date_column="award_date")
        quarantine_meta = table_metadata(con, "contract_quarantine")
    context.log.info(f"{contracts_file.path}: {rows.height} records, {kept} kept, {quarantined} quarantined")
    yield dg.MaterializeResult(asset_key="contracts", metadata={
        **contracts_meta, "source": contracts_file.path, "taxonomy_version": taxonomy.version,
        "records_read": rows.height, "ai": flags[0], "public_security_buyer": flags[1],
        "public_security_ai": flags[2], "without_region": flags[3], "duplicates": flags[4],
        "implausible_award_dates": flags[5],
        "buyer_region_sources": dg.MetadataValue.json(region_sources),
        "share_with_region": round(1 - flags[3] / max(kept, 1), 4),
        "unresolved_buyers": dg.MetadataValue.md(frame_markdown(unresolved))})
    yield dg.MaterializeResult(asset_key="contract_quarantine", metadata={
        **quarantine_meta, "reasons": dg.MetadataValue.json(reasons)})
    yield dg.AssetCheckResult(check_name="records_accounted", asset_key="contracts",
                              passed=rows.height == kept + quarantined,
                              metadata={"read": rows.height, "kept": kept, "quarantined": quarantined})


defs = dg.Definitions(assets=[procurement])
