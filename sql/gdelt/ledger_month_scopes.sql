-- The scope each GDELT month of the ledger was ingested with (a month ingested under two scopes lists both).
-- BigQuery's ledger rows add a note to the scope; it is cut here so that both sources compare equal.
SELECT DISTINCT partition_month, split_part(scope, ' (applied in BigQuery', 1) AS scope
FROM gdelt_files
ORDER BY partition_month, scope
