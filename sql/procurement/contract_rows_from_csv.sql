-- Append the records of a normalised contracts CSV (csv_read($path), sql/csv/read.sql) to contract_rows,
-- typed as they are read, named $source, from file $source_file. Records keep the file's order, so that
-- procurement/contract_rows_numbered can number them; the records DuckDB could not read are added after
-- (procurement/contract_rows_from_csv_problems).
INSERT INTO contract_rows BY NAME
SELECT $source::VARCHAR AS source, $source_file::VARCHAR AS source_file,
       contract_id, award_date, buyer_name, buyer_region_id, supplier_name, amount, currency, title,
       nullif(trim(contract_id), '') AS id_value,
       contract_award_date(award_date) AS award_date_value,
       contract_amount(amount) AS amount_value,
       upper(trim(currency)) AS currency_value,
       contract_problem(NULL, id_value, award_date, award_date_value, amount, amount_value) AS quarantine_reason
FROM csv_read($path);
