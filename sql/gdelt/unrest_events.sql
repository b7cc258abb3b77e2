-- unrest_events: the rows unrest_screening keeps, each placed in regions at the level its geocode allows:
--   ActionGeo_Type 4 (world city): country, province (FIPS ADM1 -> GB/T 2260) and prefecture
--                                  (nearest prefecture seat within that province);
--   ActionGeo_Type 5 (world state/ADM1): country and province only, never a prefecture;
--   anything else: country only.
CREATE OR REPLACE TABLE unrest_events AS
WITH kept AS (
    SELECT e.*
    FROM gdelt_events AS e
    JOIN unrest_screening AS s USING (partition_month, source_file, source_line)
    WHERE s.exclusion_reason IS NULL
),
located AS (
    SELECT k.*, c.region_id AS country_id, x.province_id
    FROM kept AS k
    LEFT JOIN regions AS c ON c.level = 'country' AND c.fips_codes = k.ActionGeo_CountryCode
    LEFT JOIN fips_adm1_crosswalk AS x
        ON x.fips_adm1 = k.ActionGeo_ADM1Code AND k.ActionGeo_Type IN (4, 5)
),
seat_distances AS (
    SELECT l.GLOBALEVENTID, r.region_id,
           2 * 6371.0088 * asin(sqrt(
               pow(sin(radians(r.seat_lat - l.ActionGeo_Lat) / 2), 2)
               + cos(radians(l.ActionGeo_Lat)) * cos(radians(r.seat_lat))
                 * pow(sin(radians(r.seat_lon - l.ActionGeo_Long) / 2), 2))) AS km
    FROM located AS l
    JOIN regions AS r
        ON r.level = 'prefecture' AND r.parent_id = l.province_id AND r.seat_lat IS NOT NULL
    WHERE l.ActionGeo_Type = 4 AND l.ActionGeo_Lat IS NOT NULL AND l.ActionGeo_Long IS NOT NULL
),
nearest_seat AS (
    SELECT GLOBALEVENTID, arg_min(region_id, km) AS prefecture_id, min(km) AS seat_distance_km
    FROM seat_distances
    GROUP BY GLOBALEVENTID
)
SELECT
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
        WHEN n.prefecture_id IS NOT NULL THEN 'prefecture'
        WHEN l.province_id IS NOT NULL THEN 'province'
        WHEN l.country_id IS NOT NULL THEN 'country'
        ELSE 'unplaced'
    END AS geo_level,
    l.country_id,
    l.province_id,
    n.prefecture_id,
    n.seat_distance_km,
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
FROM located AS l
LEFT JOIN nearest_seat AS n USING (GLOBALEVENTID)
ORDER BY event_date, event_id;
