-- covariates: the usable records of covariate_staging, typed, in file order (long format: one value per region,
-- year and covariate; year NULL means every year).
CREATE OR REPLACE TABLE covariates AS
SELECT region_code AS region_id, year_value AS year, covariate_name AS covariate, numeric_value AS value,
       $source_file AS source_file, source_row
FROM covariate_staging
WHERE quarantine_reason IS NULL
ORDER BY source_row;
