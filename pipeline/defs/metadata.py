"""Metadata helpers shared by the assets: row counts, date ranges, previews and figures for the UI."""

import base64
from pathlib import Path

import dagster as dg

from pipeline.lib import warehouse, warehouse_columns


def table_metadata(con, table: str, order_by: str = "", date_column: str | None = None, preview_rows: int = 10) -> dict:
    rows = warehouse.table_rows(con, table)
    meta = {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/table_name": dg.MetadataValue.text(table),
        "preview": dg.MetadataValue.md(
            warehouse.preview_markdown(
                con, f'SELECT * FROM "{table}"' + (f" ORDER BY {order_by}" if order_by else ""), limit=preview_rows
            )
        ),
    }
    if date_column and rows:
        first, last = con.execute(f'SELECT min("{date_column}"), max("{date_column}") FROM "{table}"').fetchone()
        meta["date_range"] = dg.MetadataValue.text(f"{first} .. {last}")
    return meta


def column_schema(table: str) -> dict[str, dg.MetadataValue]:
    """The definition metadata of the asset that writes `table`: its columns as the warehouse reference
    (pipeline/data/warehouse_columns.toml) describes them, which the UI shows as the asset's column schema."""
    columns = warehouse_columns.table(table).columns
    schema = dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.description) for c in columns])
    return {"dagster/column_schema": dg.MetadataValue.table_schema(schema)}


def figure_metadata(png: bytes, path: Path, caption: str) -> dg.MetadataValue:
    """Save a PNG figure beside the warehouse, and return it as metadata the UI shows as an image."""
    path.write_bytes(png)
    return dg.MetadataValue.md(f"![{caption}](data:image/png;base64,{base64.b64encode(png).decode()})")
