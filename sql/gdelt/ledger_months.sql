-- Every month the ledger holds: what the ledger checks look at when run on their own.
SELECT DISTINCT partition_month FROM gdelt_files ORDER BY partition_month;
