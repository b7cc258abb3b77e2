-- The 50 most frequent reasons records of the contract sources were quarantined, with how many.
SELECT quarantine_reason, count(*) AS records
FROM contract_quarantine
GROUP BY ALL
ORDER BY records DESC, quarantine_reason
LIMIT 50;
