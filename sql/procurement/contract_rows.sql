-- contract_rows (temporary): every record of every source, as its reader gave it (READER_SCHEMA, all text; for
-- a usable record, contract_id, award_date, amount and currency only as typed, in the *_value columns),
-- record_order: the records' order, sources in the order listed, then each source's records by file and row
-- (which decides which of two publications of an award is the original); and, typed as each source is added
-- (procurement/contract_rows_from_csv, _from_frame), the values and the reason the record cannot be used.
CREATE OR REPLACE TEMP TABLE contract_rows (
    source VARCHAR, source_file VARCHAR, source_row BIGINT,
    contract_id VARCHAR, award_date VARCHAR, award_date_precision VARCHAR, buyer_name VARCHAR,
    buyer_region_id VARCHAR, supplier_name VARCHAR, amount VARCHAR, currency VARCHAR, title VARCHAR,
    notice_type VARCHAR, buyer_region_source VARCHAR, source_problem VARCHAR,
    record_order BIGINT,
    id_value VARCHAR, award_date_value DATE, amount_value DECIMAL(18, 2), currency_value VARCHAR,
    quarantine_reason VARCHAR
);
