-- The records read from each contract source (source '' when CONTRACTS_PATH is one file), before they are typed:
-- the "read" of the procurement asset's check, read = kept + quarantined per source.
SELECT coalesce(source, '') AS source, count(*) AS records
FROM contract_rows
GROUP BY ALL
ORDER BY ALL;
