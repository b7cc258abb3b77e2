-- unrest_events: the rows unrest_screening keeps, one row per event and preset that keeps it, each placed in regions at the level its geocode allows
-- (the precision policy):
--   city-level geocodes (ActionGeo_Type 3, 4): country, prefecture (the polygon that holds the point,
--       from point_placements) and that prefecture's province; when the point is in no prefecture,
--       the province from the FIPS ADM1 code;
--   ADM1-level geocodes (ActionGeo_Type 5, 2): country and province (FIPS ADM1 -> GB/T 2260) only,
--       never a prefecture; unless $province_events_to_capital, the naive rule kept for comparison,
--       which puts them in the province capital's prefecture;
--   country-level geocodes: country only.
CREATE OR REPLACE TABLE unrest_events AS
WITH kept AS (
    SELECT s.preset, e.*
    FROM gdelt_events AS e
    JOIN unrest_screening AS s USING (partition_month, source_file, source_line)
    WHERE s.exclusion_reason IS NULL
),
located AS (
    SELECT k.*, c.region_id AS country_id, x.province_id AS adm1_province_id,
           p.prefecture_id AS point_prefecture_id, p.placement_note, capital.capital_prefecture_id
    FROM kept AS k
    LEFT JOIN regions AS c ON c.level = 'country' AND c.fips_codes = k.ActionGeo_CountryCode
    LEFT JOIN fips_adm1_crosswalk AS x
        ON x.fips_adm1 = k.ActionGeo_ADM1Code AND k.ActionGeo_Type IN (2, 3, 4, 5)
    LEFT JOIN point_placements AS p ON p.point_id = k.GLOBALEVENTID AND k.ActionGeo_Type IN (3, 4)
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
    l.preset,
    l.GLOBALEVENTID AS event_id,
    strptime(CAST(l.SQLDATE AS VARCHAR), '%Y%m%d')::DATE AS event_date,
    l.EventCode AS event_code,
    l.EventRootCode AS event_root_code,
    l.Actor1Code AS actor1_code,
    l.Actor1Type1Code AS actor1_type1_code,
    l.ActionGeo_Type AS action_geo_type,
    l.ActionGeo_FullName AS action_geo_full_name,
    l.ActionGeo_ADM1Code AS action_geo_adm1_code,
    l.ActionGeo_Lat AS action_geo_lat,
    l.ActionGeo_Long AS action_geo_long,
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
            THEN 'province-level geocode put in the capital''s prefecture (naive rule)'
        ELSE l.placement_note
    END AS placement_note,
    l.NumMentions AS num_mentions,
    l.NumSources AS num_sources,
    l.NumArticles AS num_articles,
    l.GoldsteinScale AS goldstein_scale,
    l.AvgTone AS avg_tone,
    l.DATEADDED AS date_added,
    l.SOURCEURL AS source_url,
    l.partition_month,
    l.source_file,
    l.source_line
FROM placed AS l
LEFT JOIN regions AS pref ON pref.region_id = l.prefecture_id AND pref.level = 'prefecture'
ORDER BY l.preset, event_date, event_id;
