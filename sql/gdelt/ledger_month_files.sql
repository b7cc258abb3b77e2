-- The ledger's files of one month ($partition_month): name, md5 and status as last checked, the scope they were
-- ingested with, and their row counts; what an unchanged month's refresh compares the file list against.
SELECT file_name, expected_md5, status, scope, rows_read, rows_kept, rows_out_of_scope, rows_other_months,
       rows_rejected, zipped_bytes
FROM gdelt_files
WHERE partition_month = $partition_month
ORDER BY file_name;
