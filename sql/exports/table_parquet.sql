-- The export of table $table to the Parquet file $path, sorted on all its columns, so that the same rows give the
-- same file (the bytes DuckDB's write_parquet gives too).
COPY (SELECT * FROM query_table($table) ORDER BY ALL) TO $path (FORMAT parquet);
