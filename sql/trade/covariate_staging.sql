-- covariate_staging: every record of a covariates CSV file ($path; header region_id, year, covariate, value) as
-- read, numbered from 1 after the header, with the first reason it cannot be used (NULL: usable). region_id is
-- any id of `regions` (ISO 3166-1 alpha-3 for countries, GB/T 2260 for provinces and prefectures); an empty
-- year means the value holds for every year (cameras in a police district, say).
CREATE OR REPLACE TEMP TABLE covariate_staging AS
WITH raw AS (
    SELECT row_number() OVER () AS source_row, *
    FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"',
                  columns = {'region_id': 'VARCHAR', 'year': 'VARCHAR', 'covariate': 'VARCHAR', 'value': 'VARCHAR'})
),
checked AS (
    SELECT r.*,
           upper(trim(r.region_id)) AS region_code,
           try_cast(nullif(trim(coalesce(r.year, '')), '') AS INTEGER) AS year_value,
           lower(trim(coalesce(r.covariate, ''))) AS covariate_name,
           try_cast(trim(r.value) AS DOUBLE) AS numeric_value,
           row_number() OVER (PARTITION BY upper(trim(r.region_id)), trim(coalesce(r.year, '')),
                                           lower(trim(coalesce(r.covariate, ''))) ORDER BY r.source_row) AS copy
    FROM raw AS r
)
SELECT
    c.*,
    CASE
        WHEN c.region_code IS NULL OR c.region_code NOT IN (SELECT region_id FROM regions)
            THEN 'region_id is not a region id (ISO 3166-1 alpha-3 or GB/T 2260)'
        WHEN trim(coalesce(c.year, '')) <> '' AND (c.year_value IS NULL OR c.year_value NOT BETWEEN 1900 AND 2100)
            THEN 'year is not a year'
        WHEN c.covariate_name = '' THEN 'covariate is empty'
        WHEN c.numeric_value IS NULL OR NOT isfinite(c.numeric_value) THEN 'value is not a number'
        WHEN c.copy > 1 THEN 'repeats an earlier record for the same region, year and covariate'
    END AS quarantine_reason
FROM checked AS c;
