-- Rows the ledger says a GDELT month holds now (0 for a month never ingested).
SELECT coalesce(sum(rows_kept), 0) FROM gdelt_files WHERE partition_month = $partition_month
