-- in_gdelt_scope: whether a GDELT row is in an ingest scope, the one definition of the scope filter. Its action
-- country (ActionGeo_CountryCode, FIPS 10-4) must be in `countries` and its CAMEO root code in `root_codes`; an
-- empty list keeps all, and a NULL code is out of scope when a list is given. The file path filters each parsed
-- batch with it (sql/gdelt/rows_in_scope.sql), and the BigQuery extraction (sql/gdelt/events_in_scope.sql) calls
-- it too: pipeline/lib/gdelt/bigquery.py writes this body in place of the call when it transpiles.
CREATE OR REPLACE TEMP MACRO in_gdelt_scope(country, root_code, countries, root_codes) AS
    (array_length(countries) = 0 OR coalesce(list_contains(countries, country), false))
    AND (array_length(root_codes) = 0 OR coalesce(list_contains(root_codes, root_code), false));
