-- incoming_source (temporary): the source being added to contract_rows: its name ($source, NULL for a single
-- path), its file's name ($source_file, for a CSV) and the number of records already in contract_rows from the
-- sources listed before ($first_order). A table, as the views that read it cannot take parameters.
CREATE OR REPLACE TEMP TABLE incoming_source AS
SELECT $source::VARCHAR AS source, $source_file::VARCHAR AS source_file, $first_order::BIGINT AS first_order;
