-- event_places: where each gdelt_events row happened, one row per row (its key: partition_month, source_file,
-- source_line), at the level its geocode allows (the precision policy, defined here only):
--   city-level geocodes (ActionGeo_Type 3, 4): country, prefecture (the polygon that holds the point, from
--       point_placements) and that prefecture's province; when the point is in no prefecture, the province from
--       the FIPS ADM1 code;
--   ADM1-level geocodes (ActionGeo_Type 5, 2): country and province (FIPS ADM1 -> GB/T 2260) only, never a
--       prefecture; unless $province_events_to_capital, the naive rule kept for comparison, which puts them in
--       the province capital's prefecture;
--   country-level geocodes: country only.
-- geo_level names the finest level placed (prefecture, province, country, or unplaced); placement_note says why a
-- point was not placed, or where its coordinates and its ADM1 code disagree.
CREATE OR REPLACE TABLE event_places AS
WITH located AS (
    SELECT e.partition_month, e.source_file, e.source_line, e.GLOBALEVENTID AS event_id, e.ActionGeo_Type,
           c.region_id AS country_id, x.province_id AS adm1_province_id,
           p.prefecture_id AS point_prefecture_id, p.placement_note, capital.capital_prefecture_id
    FROM gdelt_events AS e
    LEFT JOIN regions AS c ON c.level = 'country' AND c.fips_codes = e.ActionGeo_CountryCode
    LEFT JOIN fips_adm1_crosswalk AS x
        ON x.fips_adm1 = e.ActionGeo_ADM1Code AND e.ActionGeo_Type IN (2, 3, 4, 5)
    LEFT JOIN point_placements AS p
        ON e.ActionGeo_Type IN (3, 4) AND e.ActionGeo_CountryCode = $prefecture_country
       AND p.lon IS NOT DISTINCT FROM e.ActionGeo_Long AND p.lat IS NOT DISTINCT FROM e.ActionGeo_Lat
    LEFT JOIN regions AS capital ON capital.region_id = x.province_id AND capital.level = 'province'
),
placed AS (
    SELECT *,
           CASE
               WHEN ActionGeo_Type IN (3, 4) THEN point_prefecture_id
               WHEN ActionGeo_Type IN (2, 5) AND $province_events_to_capital THEN capital_prefecture_id
           END AS prefecture_id
    FROM located
)
SELECT
    l.partition_month,
    l.source_file,
    l.source_line,
    l.event_id,
    l.ActionGeo_Type AS action_geo_type,
    CASE
        WHEN l.prefecture_id IS NOT NULL THEN 'prefecture'
        WHEN coalesce(pref.parent_id, l.adm1_province_id) IS NOT NULL THEN 'province'
        WHEN l.country_id IS NOT NULL THEN 'country'
        ELSE 'unplaced'
    END AS geo_level,
    l.country_id,
    coalesce(pref.parent_id, l.adm1_province_id) AS province_id,
    l.prefecture_id,
    CASE
        WHEN pref.parent_id IS NOT NULL AND l.adm1_province_id IS NOT NULL AND pref.parent_id <> l.adm1_province_id
            THEN 'coordinates in ' || pref.parent_id || ', ADM1 code says ' || l.adm1_province_id
        WHEN l.ActionGeo_Type IN (2, 5) AND $province_events_to_capital AND l.prefecture_id IS NOT NULL
            THEN $naive_rule_note
        ELSE l.placement_note
    END AS placement_note
FROM placed AS l
LEFT JOIN regions AS pref ON pref.region_id = l.prefecture_id AND pref.level = 'prefecture'
ORDER BY l.partition_month, l.source_file, l.source_line;
