-- Days ($days: every day of the months $partition_months, from pipeline/lib/gdelt/dates.py) that have fewer
-- verified files than GDELT publishes for a day: $v2_files_per_day 15-minute files from $gdelt_v2_start (GDELT
-- 2.0), one file before (a GDELT 1.0 daily, monthly or yearly file covering the day). A BigQuery query (file_name
-- `YYYYMMDD-YYYYMMDD.<table>`) covers every day of its range. Days after $last_listed_day are not due yet.
-- Each file's days are a range joined on (a range join), not a condition tested for every day and file.
WITH days AS (
    SELECT unnest($days::DATE[]) AS day
),
files AS (
    SELECT regexp_extract(file_name, '^([0-9]+)\.', 1) AS stamp,
           regexp_extract(file_name, '^([0-9]{8})-([0-9]{8})\.', 1) AS queried_from,
           regexp_extract(file_name, '^([0-9]{8})-([0-9]{8})\.', 2) AS queried_to,
           status
    FROM gdelt_files
    WHERE list_contains($partition_months, partition_month)
),
spans AS (
    SELECT status,
           queried_from <> '' AS is_query,
           CASE
               WHEN queried_from <> '' THEN try_strptime(queried_from, '%Y%m%d')
               WHEN length(stamp) IN (8, 14) THEN try_strptime(left(stamp, 8), '%Y%m%d')
               WHEN length(stamp) = 6 THEN try_strptime(stamp, '%Y%m')
               WHEN length(stamp) = 4 THEN try_strptime(stamp, '%Y')
           END::DATE AS first_day,
           CASE
               WHEN queried_from <> '' THEN try_strptime(queried_to, '%Y%m%d')
               WHEN length(stamp) IN (8, 14) THEN try_strptime(left(stamp, 8), '%Y%m%d')
               WHEN length(stamp) = 6 THEN last_day(try_strptime(stamp, '%Y%m'))
               WHEN length(stamp) = 4 THEN try_strptime(stamp || '1231', '%Y%m%d')
           END::DATE AS last_day
    FROM files
),
covering AS (
    SELECT d.day,
           CASE WHEN d.day >= $gdelt_v2_start::DATE THEN $v2_files_per_day ELSE 1 END AS expected_files,
           count(*) FILTER (WHERE f.status = 'ok') AS ok_files, count(f.first_day) AS listed_files,
           count(*) FILTER (WHERE f.status = 'ok' AND f.is_query) AS ok_queries
    FROM days AS d
    LEFT JOIN spans AS f ON d.day BETWEEN f.first_day AND f.last_day
    GROUP BY d.day
)
SELECT day, expected_files, listed_files, ok_files
FROM covering
WHERE day <= $last_listed_day::DATE AND ok_queries = 0 AND ok_files < expected_files
ORDER BY day;
