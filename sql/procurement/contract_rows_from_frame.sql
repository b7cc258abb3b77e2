-- Append a reader's frame (reader_rows: READER_SCHEMA and reader_index, the reader's order) to contract_rows;
-- $source names the records the reader did not name. Records follow those already in contract_rows
-- ($first_order of them), by file and row, then in the reader's order (the awards of one OCDS document share
-- a row).
INSERT INTO contract_rows
SELECT coalesce(source, $source), * EXCLUDE (source, reader_index),
       $first_order + row_number() OVER (ORDER BY source_file, source_row, reader_index)
FROM reader_rows;
