-- events_in_scope: the GDELT events added from $first_added (inclusive) to $end_added (exclusive), both
-- DATEADDED values, in the ingest scope ($countries, $root_codes: see sql/gdelt/scope_macro.sql), in the order
-- DATEADDED, GLOBALEVENTID. The month an export file holds is the month of its rows' DATEADDED, so this is
-- the file path's month and scope, written as one query.
-- This is the one definition of the extraction. It is written for DuckDB (over a table gdelt_source);
-- pipeline/lib/gdelt/bigquery.py transpiles it with sqlglot to BigQuery's dialect, names GDELT's table,
-- writes the scope macro's body in place of its call, lists the columns to read in place of *, and adds the
-- filter on the partition column.
SELECT *
FROM gdelt_source
WHERE DATEADDED >= $first_added AND DATEADDED < $end_added
  AND in_gdelt_scope(ActionGeo_CountryCode, EventRootCode, $countries, $root_codes)
ORDER BY DATEADDED, GLOBALEVENTID;
