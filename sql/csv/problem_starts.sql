-- Where each record csv/read left out starts in the file (DuckDB's 1-based byte position), in order.
SELECT DISTINCT line_byte_position FROM csv_reject_errors ORDER BY line_byte_position;
