-- The lake's Parquet data files and delete files, and the snapshots it keeps.
SELECT
    (SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file WHERE end_snapshot IS NULL) AS live_data_files,
    (SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file) AS data_files,
    (SELECT count(*) FROM __ducklake_metadata_lake.ducklake_delete_file) AS delete_files,
    (SELECT count(*) FROM lake.snapshots()) AS snapshots;
