-- The ledger's rows of one month ($partition_month), as last checked: what an unchanged month's refresh compares
-- the file list against (names, md5s, status, scope), and its counts.
SELECT *
FROM gdelt_files
WHERE partition_month = $partition_month
ORDER BY file_name;
