-- unrest_screening: one row per gdelt_events row, with the first rule of the unrest definition
-- that excludes it; exclusion_reason IS NULL means the row is an unrest event.
-- Rules apply in this order, so each excluded row is counted under exactly one reason.
CREATE OR REPLACE TABLE unrest_screening AS
SELECT
    GLOBALEVENTID,
    partition_month,
    source_file,
    source_line,
    CASE
        WHEN len($countries) > 0 AND NOT coalesce(list_contains($countries, ActionGeo_CountryCode), false)
            THEN 'action country not in definition'
        WHEN NOT coalesce(list_contains($root_codes, EventRootCode), false)
            THEN 'CAMEO root code not in definition'
        WHEN coalesce(list_contains($state_actor_types, Actor1Type1Code), false)
            THEN 'Actor1 is a state actor'
        WHEN ActionGeo_Type IS NULL OR ActionGeo_Type < $min_geo_type
            THEN 'geocoded below the minimum precision'
        WHEN try_strptime(CAST(SQLDATE AS VARCHAR), '%Y%m%d') IS NULL
            THEN 'SQLDATE is not a date'
        WHEN row_number() OVER (
                PARTITION BY GLOBALEVENTID ORDER BY DATEADDED, source_file, source_line) > 1
            THEN 'duplicate GLOBALEVENTID'
    END AS exclusion_reason
FROM gdelt_events
ORDER BY partition_month, source_file, source_line;
