-- events_in_scope: the GDELT events added from $first_added (inclusive) to $end_added (exclusive), both
-- DATEADDED values, whose action country and CAMEO root code are in the ingest scope ($countries,
-- $root_codes; an empty list keeps all, a NULL code is out of scope when a list is given), in the order
-- DATEADDED, GLOBALEVENTID. The month an export file holds is the month of its rows' DATEADDED, so this is
-- the file path's month and scope, written as one query.
-- This is the one definition of the extraction. It is written for DuckDB (over a table gdelt_source);
-- pipeline/lib/gdelt/bigquery.py transpiles it with sqlglot to BigQuery's dialect, names GDELT's table,
-- lists the columns to read in place of *, and adds the filter on the partition column.
SELECT *
FROM gdelt_source
WHERE DATEADDED >= $first_added AND DATEADDED < $end_added
  AND (array_length($countries) = 0 OR list_contains($countries, ActionGeo_CountryCode))
  AND (array_length($root_codes) = 0 OR list_contains($root_codes, EventRootCode))
ORDER BY DATEADDED, GLOBALEVENTID;
