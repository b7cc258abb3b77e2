-- gdelt_scope: the scope this warehouse's GDELT months were ingested with (one row), recorded by each ingest that
-- succeeds, so that later runs, the schedule and the sensor keep to it. Empty lists mean every value.
CREATE OR REPLACE TABLE gdelt_scope AS
SELECT
    $countries::VARCHAR[]          AS countries,            -- FIPS 10-4 codes of ActionGeo_CountryCode
    $root_codes::VARCHAR[]         AS root_codes,           -- CAMEO EventRootCode values
    $include_translation::BOOLEAN  AS include_translation,  -- GDELT 2.0's translingual exports too
    $files_per_day::INTEGER        AS expected_files_per_day,
    $description                   AS scope                 -- as the ledger's scope column writes it
