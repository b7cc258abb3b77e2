-- csv_read(path, header_columns) (temporary table macro): every record of the CSV file at path that splits
-- into the header's fields (header_columns: the header's names, each 'VARCHAR'), all as text, in file order.
-- Records that do not (too many or too few fields, bytes that are not text in the encoding, a quote not closed
-- where its field ends) are left out and listed in csv_reject_errors as it is scanned, which csv/problems turns
-- into reasons. Nothing is guessed: the dialect is fixed (comma, double quote, header row) so that no file is
-- read into another shape, and the header is read by pipeline/lib/procurement/csv_records.py. A macro rather
-- than a table: the statement that needs the records reads them straight from the file.
CREATE OR REPLACE TEMP MACRO csv_read(path, header_columns) AS TABLE
SELECT * FROM read_csv(path, columns = header_columns, auto_detect = false, header = true, delim = ',', quote = '"',
                       escape = '"', store_rejects = true, rejects_table = 'csv_reject_errors',
                       rejects_scan = 'csv_reject_scans');
