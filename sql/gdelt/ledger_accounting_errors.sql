-- Ledger rows whose counts do not add up, and months whose ledger disagrees with the tables.
-- An empty result proves the row accounting of gdelt_ingest for the given months.
WITH files AS (
    SELECT * FROM gdelt_files WHERE list_contains($partition_months, partition_month)
),
per_file AS (
    SELECT partition_month, file_name,
           'rows_read ' || rows_read || ' <> kept ' || rows_kept || ' + out of scope ' || rows_out_of_scope
               || ' + other months ' || rows_other_months || ' + rejected ' || rows_rejected AS problem
    FROM files
    WHERE rows_read <> rows_kept + rows_out_of_scope + rows_other_months + rows_rejected
),
ledger AS (
    SELECT partition_month, sum(rows_kept) AS kept, sum(rows_rejected) AS rejected FROM files GROUP BY ALL
),
tables AS (
    SELECT l.partition_month, l.kept, l.rejected,
           (SELECT count(*) FROM gdelt_events AS e WHERE e.partition_month = l.partition_month) AS events,
           (SELECT count(*) FROM gdelt_rejects AS r WHERE r.partition_month = l.partition_month) AS rejects
    FROM ledger AS l
)
SELECT * FROM per_file
UNION ALL
SELECT partition_month, NULL,
       'ledger kept ' || kept || ' / rejected ' || rejected || ' but tables hold ' || events || ' / ' || rejects
FROM tables
WHERE kept <> events OR rejected <> rejects
ORDER BY 1, 2;
