-- currency_rate_rows (temporary): the records of the user's rates table (csv_read($path, $columns),
-- sql/csv/read.sql), in file order, for procurement/currency_rates.
CREATE OR REPLACE TEMP TABLE currency_rate_rows AS SELECT * FROM csv_read($path, $columns);
