-- Per contract source (source '' when CONTRACTS_PATH is one file): the records kept in contracts and those put in
-- contract_quarantine, the other side of the procurement asset's check, read = kept + quarantined.
SELECT coalesce(source, '') AS source,
       count(*) FILTER (WHERE kept) AS kept,
       count(*) FILTER (WHERE NOT kept) AS quarantined
FROM (SELECT source, true AS kept FROM contracts
      UNION ALL
      SELECT source, false FROM contract_quarantine)
GROUP BY ALL
ORDER BY ALL;
