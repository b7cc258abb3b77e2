-- Files of the given months that the list promised but that did not verify (size or md5 disagrees).
SELECT partition_month, file_name, status, detail
FROM gdelt_files
WHERE list_contains($partition_months, partition_month) AND status IN ('size-mismatch', 'md5-mismatch')
ORDER BY partition_month, file_name;
