-- Append a reader's frame (reader_rows: READER_SCHEMA and reader_index, the reader's order) to contract_rows,
-- typed, named $source where the reader did not name its records. Records follow the $first_order records
-- already in contract_rows, by file and row, then in the reader's order (the awards of one OCDS document share
-- a row).
INSERT INTO contract_rows BY NAME
SELECT coalesce(source, $source::VARCHAR) AS source, * EXCLUDE (source, reader_index),
       $first_order + row_number() OVER (ORDER BY source_file, source_row, reader_index) AS record_order,
       nullif(trim(contract_id), '') AS id_value,
       contract_award_date(award_date) AS award_date_value,
       contract_amount(amount) AS amount_value,
       upper(trim(currency)) AS currency_value,
       contract_problem(source_problem, id_value, award_date, award_date_value, amount, amount_value)
           AS quarantine_reason
FROM reader_rows;
