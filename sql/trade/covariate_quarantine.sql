-- covariate_quarantine: the records of covariate_staging that cannot be used, with the reason and the raw values.
CREATE OR REPLACE TABLE covariate_quarantine AS
SELECT $source_file AS source_file, source_row, quarantine_reason, region_id, year, covariate, value
FROM covariate_staging
WHERE quarantine_reason IS NOT NULL
ORDER BY source_row;
