-- unrest_screening: one row per gdelt_events row and unrest definition (unrest_definitions, one row per
-- preset in force), with the first rule of that definition that excludes the row; exclusion_reason IS
-- NULL means the row is an unrest event under that preset. Rules apply in this order, so each excluded
-- row is counted under exactly one reason. An empty list in a definition means "any".
CREATE OR REPLACE TABLE unrest_screening AS
SELECT
    d.name AS preset,
    e.GLOBALEVENTID,
    e.partition_month,
    e.source_file,
    e.source_line,
    CASE
        WHEN len(d.countries) > 0 AND NOT coalesce(list_contains(d.countries, e.ActionGeo_CountryCode), false)
            THEN 'action country not in definition'
        WHEN len(d.root_codes) > 0 AND NOT coalesce(list_contains(d.root_codes, e.EventRootCode), false)
            THEN 'CAMEO root code not in definition'
        WHEN len(d.event_code_prefixes) > 0
             AND NOT coalesce(len(list_filter(d.event_code_prefixes, p -> starts_with(e.EventCode, p))) > 0, false)
            THEN 'CAMEO event code not in definition'
        WHEN coalesce(list_contains(d.state_actor_types, e.Actor1Type1Code), false)
            THEN 'Actor1 is a state actor'
        WHEN e.ActionGeo_Type IS NULL OR e.ActionGeo_Type < d.min_geo_type
            THEN 'geocoded below the minimum precision'
        WHEN try_strptime(CAST(e.SQLDATE AS VARCHAR), '%Y%m%d') IS NULL
            THEN 'SQLDATE is not a date'
        WHEN row_number() OVER (
                PARTITION BY d.name, e.GLOBALEVENTID ORDER BY e.DATEADDED, e.source_file, e.source_line) > 1
            THEN 'duplicate GLOBALEVENTID'
    END AS exclusion_reason
FROM gdelt_events AS e
CROSS JOIN unrest_definitions AS d
ORDER BY preset, e.partition_month, e.source_file, e.source_line;
