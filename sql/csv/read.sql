-- csv_read (temporary): every record of a CSV file that splits into the header's fields, all as text, in file
-- order (rowid). Records that do not (too many or too few fields, bytes that are not text in the encoding,
-- a quote left open) are left out and listed in csv_reject_errors, which csv/problems turns into reasons.
-- The dialect is fixed (comma, double quote, header row) so that no file is guessed into another shape.
CREATE OR REPLACE TEMP TABLE csv_read AS
SELECT * FROM read_csv($path, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
                       store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans');
