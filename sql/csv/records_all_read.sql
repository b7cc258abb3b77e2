-- csv_records (temporary view) when csv/read left no record out: the k-th record read is record k.
CREATE OR REPLACE TEMP VIEW csv_records AS SELECT *, rowid + 1 AS record FROM csv_read;
