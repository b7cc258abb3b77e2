-- Append the records of a normalised contracts CSV (csv_read($path, $columns), sql/csv/read.sql) to
-- contract_rows, typed as they are read (contract_typed, procurement/contract_value_macros), named $source,
-- from file $source_file. Records keep the file's order, so that procurement/contract_rows_numbered can number
-- them; the records DuckDB could not read are added after (procurement/contract_rows_from_csv_problems).
INSERT INTO contract_rows BY NAME
SELECT $source::VARCHAR AS source, $source_file::VARCHAR AS source_file,
       buyer_name, buyer_region_id, supplier_name, title,
       unnest(contract_typed(contract_id, award_date, amount, currency, NULL, $known_currencies::VARCHAR[]))
FROM csv_read($path, $columns);
