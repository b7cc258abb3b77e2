-- Move a month's staged rejected lines (Parquet, in list order) into gdelt_rejects.
INSERT INTO gdelt_rejects BY NAME
SELECT *, $partition_month AS partition_month
FROM read_parquet($staged);
