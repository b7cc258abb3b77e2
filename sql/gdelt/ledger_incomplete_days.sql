-- Days ($days: every day of the months $partition_months, from pipeline/lib/gdelt/dates.py) that have fewer
-- verified files than GDELT publishes for a day: $v2_files_per_day 15-minute files from $gdelt_v2_start (GDELT
-- 2.0), one file before (a GDELT 1.0 daily, monthly or yearly file covering the day). A BigQuery query (file_name
-- `YYYYMMDD-YYYYMMDD.<table>`) covers every day of its range. Days after $last_listed_day are not due yet.
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
covering AS (
    SELECT d.day, count(*) FILTER (WHERE f.status = 'ok') AS ok_files, count(f.stamp) AS listed_files,
           count(*) FILTER (WHERE f.status = 'ok' AND f.queried_from <> '') AS ok_queries
    FROM days AS d
    LEFT JOIN files AS f ON
        (length(f.stamp) IN (8, 14) AND left(f.stamp, 8) = strftime(d.day, '%Y%m%d'))
        OR (length(f.stamp) = 6 AND f.stamp = strftime(d.day, '%Y%m'))
        OR (length(f.stamp) = 4 AND f.stamp = strftime(d.day, '%Y'))
        OR (f.queried_from <> '' AND strftime(d.day, '%Y%m%d') BETWEEN f.queried_from AND f.queried_to)
    GROUP BY d.day
)
SELECT day,
       CASE WHEN day >= $gdelt_v2_start::DATE THEN $v2_files_per_day ELSE 1 END AS expected_files,
       listed_files,
       ok_files
FROM covering
WHERE day <= $last_listed_day::DATE AND ok_queries = 0
  AND ok_files < CASE WHEN day >= $gdelt_v2_start::DATE THEN $v2_files_per_day ELSE 1 END
ORDER BY day;
