-- csv_read(path) (temporary table macro): every record of the CSV file at path that splits into the header's
-- fields, all as text, in file order. Records that do not (too many or too few fields, bytes that are not text
-- in the encoding, a quote left open) are left out and listed in csv_reject_errors as it is scanned, which
-- csv/problems turns into reasons. The dialect is fixed (comma, double quote, header row) so that no file is
-- guessed into another shape. A macro rather than a table: the statement that needs the records reads them
-- straight from the file (pipeline/lib/procurement/csv_records.py).
CREATE OR REPLACE TEMP MACRO csv_read(path) AS TABLE
SELECT * FROM read_csv(path, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
                       store_rejects = true, rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans');
