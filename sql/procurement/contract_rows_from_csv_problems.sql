-- Append the records of a contracts CSV that DuckDB could not read (csv_problems) to contract_rows, each with
-- its line and reason (`line 9: 10 fields where the header has 8`) as its source_problem and quarantine reason.
INSERT INTO contract_rows BY NAME
SELECT $source::VARCHAR AS source, $source_file::VARCHAR AS source_file, record AS source_row,
       problem AS source_problem, problem AS quarantine_reason, $first_order + record AS record_order
FROM csv_problems;
