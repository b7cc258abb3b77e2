from pathlib import Path

import dagster as dg
from pydantic import Field

from pipeline.defs.metadata import column_schema, table_metadata
from pipeline.defs.resources import WAREHOUSE_POOL, ContractsFileResource, WarehouseResource
from pipeline.lib import sql
from pipeline.lib.procurement.contracts import (
    ContractFileError,
    classify_contract_rows,
    create_contract_rows,
    default_taxonomy,
)
from pipeline.lib.procurement.currency import CurrencyRatesError
from pipeline.lib.procurement.sources import (
    FORMATS,
    ContractSource,
    add_source,
    is_sources_file,
    read_sources_file,
)
from pipeline.lib.warehouse import EmptyReplacementError, frame_markdown

# The run config's settings that a sources file sets per source instead.
PER_SOURCE_SETTINGS = ("format", "mapping_path", "encoding", "ocds_release_schema")


class ProcurementConfig(dg.Config):
    """How to read CONTRACTS_PATH when it is one path: the normalised CSV, Chinese procurement notices (CSV or
    Excel), or OCDS (a JSON file or a directory of them). A sources file (CONTRACTS_PATH ending in .toml) sets
    these per source, so here they must be left unset."""

    # Optional Literal choices are not a Dagster config type, so format is a string checked in code.
    format: str | None = Field(default=None, description="normalised (when unset), cn_notices or ocds")
    mapping_path: str | None = Field(
        default=None,
        description=(
            "a TOML of layouts (column mappings) for cn_notices; default pipeline/data/cn_notice_layouts.toml"
        ),
    )
    encoding: str | None = Field(
        default=None, description=("the file's encoding (normalised, cn_notices), e.g. gbk or gb18030; default UTF-8")
    )
    ocds_release_schema: str | None = Field(
        default=None,
        description=(
            "another release-schema.json; default: the shipped 1.0.3 or 1.1.5, by the version a package declares"
        ),
    )
    currency_rates_path: str | None = Field(
        default=None, description=("a CSV of rates (currency, period, rate) to convert amounts with; needs convert_to")
    )
    convert_to: str | None = Field(
        default=None, description=("the currency those rates convert to, e.g. USD; unset: nothing is converted")
    )
    allow_empty: bool = Field(
        default=False, description=("let a file without usable contracts replace the contracts the warehouse holds")
    )


def contract_sources(path: str, config: ProcurementConfig) -> list[ContractSource]:
    """The sources CONTRACTS_PATH names; a setting given both in a sources file and in the run config is refused."""
    if is_sources_file(path):
        given = [key for key in PER_SOURCE_SETTINGS if getattr(config, key) is not None]
        if given:
            raise ContractFileError(
                f"{path}: a sources file sets format, mapping, encoding and release_schema per source, and the "
                f"run config sets {', '.join(given)} too; remove {', '.join(given)} from the run config (or set "
                f"it per source in {Path(path).name})"
            )
        return read_sources_file(path)
    if config.format not in (None, *FORMATS):
        raise ContractFileError(f"run config: format {config.format!r} is not one of {', '.join(FORMATS)}")
    return [
        ContractSource(
            None,
            Path(path),
            config.format or "normalised",
            Path(config.mapping_path) if config.mapping_path else None,
            config.encoding,
            Path(config.ocds_release_schema) if config.ocds_release_schema else None,
        )
    ]


@dg.multi_asset(
    name="procurement",
    specs=[
        dg.AssetSpec(
            "contracts",
            metadata=column_schema("contracts"),
            group_name="procurement",
            deps=["regions"],
            kinds={"duckdb"},
            description="Normalised contracts with buyer region and category flags (AI, public-security "
            "buyer, public-security AI), each flag with the taxonomy rule that set it.",
        ),
        dg.AssetSpec(
            "contract_quarantine",
            metadata=column_schema("contract_quarantine"),
            group_name="procurement",
            kinds={"duckdb"},
            description="Contract records that cannot be used, with the reason and the raw values.",
        ),
    ],
    # Inside the asset: it adds up the records this run read (contract_rows, a TEMP table of its connection), which a
    # check run alone has not read.
    check_specs=[
        dg.AssetCheckSpec(
            "records_accounted",
            asset="contracts",
            blocking=True,
            description="Records read = contracts kept + records quarantined.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def procurement(
    context: dg.AssetExecutionContext,
    config: ProcurementConfig,
    warehouse: WarehouseResource,
    contracts_file: ContractsFileResource,
):
    taxonomy = default_taxonomy()
    with warehouse.get_connection() as con:
        try:
            create_contract_rows(con)
            for source in contract_sources(contracts_file.path, config):
                add_source(con, source)
        except ContractFileError as err:
            raise dg.Failure(str(err)) from None
        read_by_source = dict(sql.run(con, "procurement_metadata/records_read_by_source").fetchall())
        try:
            classify_contract_rows(
                con,
                taxonomy,
                allow_empty=config.allow_empty,
                rates_path=config.currency_rates_path,
                convert_to=config.convert_to,
            )
        except EmptyReplacementError as err:
            raise dg.Failure(f"{contracts_file.path}: {err}") from None
        except CurrencyRatesError as err:
            raise dg.Failure(str(err)) from None
        accounted = sql.run(con, "procurement_metadata/records_kept_by_source").fetchall()
        kept, quarantined = sum(r[1] for r in accounted), sum(r[2] for r in accounted)
        by_source = {name: {"read": read, "kept": 0, "quarantined": 0} for name, read in read_by_source.items()}
        for name, kept_here, quarantined_here in accounted:
            by_source.setdefault(name, {"read": 0})  # a source in the tables that was never read fails the check
            by_source[name].update(kept=kept_here, quarantined=quarantined_here)
        # The faults of unreadable lines, as file:line: reason, for the run's log (the first 20).
        unreadable = sql.run(con, "procurement_metadata/unreadable_lines").fetchall()
        flags = sql.one_row(con, "procurement_metadata/contract_flags")  # its columns are the metadata's keys
        region_sources = dict(sql.run(con, "procurement_metadata/buyer_region_sources").fetchall())
        unresolved = sql.run(con, "procurement_metadata/unresolved_buyers").pl()
        reasons = dict(sql.run(con, "procurement_metadata/quarantine_reasons").fetchall())
        contracts_meta = table_metadata(con, "contracts", date_column="award_date")
        quarantine_meta = table_metadata(con, "contract_quarantine")
    records_read = sum(read_by_source.values())
    context.log.info(f"{contracts_file.path}: {records_read} records, {kept} kept, {quarantined} quarantined")
    for (line,) in unreadable:
        context.log.warning(line)
    yield dg.MaterializeResult(
        asset_key="contracts",
        metadata={
            **contracts_meta,
            "source": contracts_file.path,
            "taxonomy_version": taxonomy.version,
            "records_read": records_read,
            **flags,
            "buyer_region_sources": dg.MetadataValue.json(region_sources),
            "share_with_region": round(1 - flags["without_region"] / max(kept, 1), 4),
            "unresolved_buyers": dg.MetadataValue.md(frame_markdown(unresolved)),
        },
    )
    yield dg.MaterializeResult(
        asset_key="contract_quarantine", metadata={**quarantine_meta, "reasons": dg.MetadataValue.json(reasons)}
    )
    yield dg.AssetCheckResult(
        check_name="records_accounted",
        asset_key="contracts",
        passed=all(c["read"] == c["kept"] + c["quarantined"] for c in by_source.values()),
        metadata={
            "read": records_read,
            "kept": kept,
            "quarantined": quarantined,
            "by_source": dg.MetadataValue.json(by_source),
        },
    )


defs = dg.Definitions(assets=[procurement])
