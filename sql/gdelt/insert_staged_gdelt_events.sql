-- Move a month's staged events (Parquet, in list order) into gdelt_events.
INSERT INTO gdelt_events BY NAME
SELECT *, $partition_month AS partition_month
FROM read_parquet($staged);
