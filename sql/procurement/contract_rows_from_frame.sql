-- incoming_contract_rows (temporary view): a reader's frame (reader_rows: READER_SCHEMA and reader_index, the
-- reader's order) for procurement/contract_rows_insert; incoming_source names the records the reader did not
-- name. Records follow those already in contract_rows (incoming_source.first_order of them), by file and row,
-- then in the reader's order (the awards of one OCDS document share a row).
CREATE OR REPLACE TEMP VIEW incoming_contract_rows AS
SELECT coalesce(r.source, i.source) AS source, r.* EXCLUDE (source, reader_index),
       i.first_order + row_number() OVER (ORDER BY r.source_file, r.source_row, r.reader_index) AS record_order
FROM reader_rows AS r, incoming_source AS i;
