-- gdelt_events rows that event_places lacks, and event_places keys held more than once (both 0 when every row has
-- exactly one place).
SELECT
    (SELECT count(*) FROM gdelt_events AS e
     ANTI JOIN event_places AS p USING (partition_month, source_file, source_line)) AS rows_without_place,
    (SELECT count(*) FROM (
        SELECT partition_month, source_file, source_line FROM event_places GROUP BY ALL HAVING count(*) > 1))
        AS repeated_keys;
