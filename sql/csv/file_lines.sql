-- csv_file_lines (temporary): for each start of a record csv/read left out (its 1-based byte position,
-- $starts), the file's line there ($lines, counted by pipeline/lib/procurement/csv_records.py).
CREATE OR REPLACE TEMP TABLE csv_file_lines AS
SELECT unnest($starts::BIGINT[]) AS line_start, unnest($lines::BIGINT[]) AS file_line;
