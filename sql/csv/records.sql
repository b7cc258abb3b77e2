-- csv_records (temporary view): csv_read with each record's number in the file (the header not counted),
-- counting the records csv/problems holds. The k-th record read is record k plus the number of left-out records
-- before it; csv_skips holds, for each left-out record, how many records were read before it (ASOF finds
-- the last such point below k).
CREATE OR REPLACE TEMP VIEW csv_records AS
WITH skips AS (
    SELECT record - row_number() OVER (ORDER BY record) AS read_before, count(*) OVER (ORDER BY record) AS skipped
    FROM csv_problems
),
points AS (SELECT read_before, max(skipped) AS skipped FROM skips GROUP BY read_before),
numbered AS (SELECT rowid + 1 AS nth_read, * FROM csv_read)
SELECT numbered.* EXCLUDE (nth_read), nth_read + coalesce(points.skipped, 0) AS record
FROM numbered ASOF LEFT JOIN points ON numbered.nth_read > points.read_before;
