-- Append the records of a normalised contracts CSV (csv_read($path, $columns), sql/csv/read.sql) to contract_rows,
-- typed as they are read, named $source, from file $source_file. Records keep the file's order, so that
-- procurement/contract_rows_numbered can number them; the records DuckDB could not read are added after
-- (procurement/contract_rows_from_csv_problems).
INSERT INTO contract_rows BY NAME
SELECT $source::VARCHAR AS source, $source_file::VARCHAR AS source_file,
       buyer_name, buyer_region_id, supplier_name, title,
       nullif(trim(contract_id), '') AS id_value,
       contract_award_date(award_date) AS award_date_value,
       contract_amount(amount) AS amount_value,
       upper(trim(currency)) AS currency_value,
       contract_problem(NULL, id_value, award_date, award_date_value, amount, amount_value, currency,
                        currency_value, $known_currencies::VARCHAR[]) AS quarantine_reason,
       -- The text as read is kept for the records that cannot be used (contract_quarantine shows it); the
       -- others keep their typed values only: a quarter less for contract_rows to hold.
       CASE WHEN quarantine_reason IS NOT NULL THEN contract_id END AS contract_id,
       CASE WHEN quarantine_reason IS NOT NULL THEN award_date END AS award_date,
       CASE WHEN quarantine_reason IS NOT NULL THEN amount END AS amount,
       CASE WHEN quarantine_reason IS NOT NULL THEN currency END AS currency
FROM csv_read($path, $columns);
