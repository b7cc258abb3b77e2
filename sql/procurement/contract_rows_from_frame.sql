-- Append a reader's frame (reader_rows: READER_SCHEMA and reader_index, the reader's order) to contract_rows,
-- typed, named $source where the reader did not name its records. Records follow the $first_order records
-- already in contract_rows, by file and row, then in the reader's order (the awards of one OCDS document share
-- a row).
INSERT INTO contract_rows BY NAME
SELECT coalesce(source, $source::VARCHAR) AS source,
       * EXCLUDE (source, reader_index, contract_id, award_date, amount, currency),
       $first_order + row_number() OVER (ORDER BY source_file, source_row, reader_index) AS record_order,
       nullif(trim(contract_id), '') AS id_value,
       contract_award_date(award_date) AS award_date_value,
       contract_amount(amount) AS amount_value,
       upper(trim(currency)) AS currency_value,
       contract_problem(source_problem, id_value, award_date, award_date_value, amount, amount_value, currency,
                        currency_value, $known_currencies::VARCHAR[]) AS quarantine_reason,
       -- The text as read is kept for the records that cannot be used (contract_quarantine shows it); the
       -- others keep their typed values only, a quarter less for contract_rows to hold.
       CASE WHEN quarantine_reason IS NOT NULL THEN contract_id END AS contract_id,
       CASE WHEN quarantine_reason IS NOT NULL THEN award_date END AS award_date,
       CASE WHEN quarantine_reason IS NOT NULL THEN amount END AS amount,
       CASE WHEN quarantine_reason IS NOT NULL THEN currency END AS currency
FROM reader_rows;
