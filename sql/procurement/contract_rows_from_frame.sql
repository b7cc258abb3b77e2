-- Append a reader's frame (reader_rows: READER_SCHEMA and reader_index, the reader's order) to contract_rows,
-- typed (contract_typed, procurement/contract_value_macros), named $source where the reader did not name its
-- records. Records follow the $first_order records already in contract_rows, by file and row, then in the
-- reader's order (the awards of one OCDS document share a row).
INSERT INTO contract_rows BY NAME
SELECT coalesce(source, $source::VARCHAR) AS source,
       * EXCLUDE (source, reader_index, contract_id, award_date, amount, currency),
       $first_order + row_number() OVER (ORDER BY source_file, source_row, reader_index) AS record_order,
       unnest(contract_typed(contract_id, award_date, amount, currency, source_problem,
                             $known_currencies::VARCHAR[]))
FROM reader_rows;
