-- The GDELT ledger, created (if absent) from the registered empty relation ledger_schema: its columns and types are
-- defined once, in pipeline/data/warehouse_columns.toml (read by pipeline/lib/gdelt/ledger.py, LEDGER_SCHEMA).
CREATE TABLE IF NOT EXISTS gdelt_files AS
SELECT * FROM ledger_schema;
