-- Why the records of each trade file were quarantined, with how many, by quarantine table.
SELECT 'trade_deal_quarantine' AS table_name, quarantine_reason, count(*) AS records
FROM trade_deal_quarantine GROUP BY ALL
UNION ALL
SELECT 'covariate_quarantine', quarantine_reason, count(*)
FROM covariate_quarantine GROUP BY ALL
ORDER BY 1, 2;
