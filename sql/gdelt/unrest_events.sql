-- unrest_events: the rows unrest_screening keeps, one row per event and preset that keeps it, with the place
-- event_places gives the row (placement is defined there, once, whatever the preset). The join is inner: a row
-- that event_places lacks (a stale event_places) is missing here, and the every_event_screened check fails.
CREATE OR REPLACE TABLE unrest_events AS
SELECT
    s.preset,
    e.GLOBALEVENTID AS event_id,
    strptime(CAST(e.SQLDATE AS VARCHAR), '%Y%m%d')::DATE AS event_date,
    e.EventCode AS event_code,
    e.EventRootCode AS event_root_code,
    e.Actor1Code AS actor1_code,
    e.Actor1Type1Code AS actor1_type1_code,
    e.ActionGeo_Type AS action_geo_type,
    e.ActionGeo_FullName AS action_geo_full_name,
    e.ActionGeo_ADM1Code AS action_geo_adm1_code,
    e.ActionGeo_Lat AS action_geo_lat,
    e.ActionGeo_Long AS action_geo_long,
    p.geo_level,
    p.country_id,
    p.province_id,
    p.prefecture_id,
    p.placement_note,
    e.NumMentions AS num_mentions,
    e.NumSources AS num_sources,
    e.NumArticles AS num_articles,
    e.GoldsteinScale AS goldstein_scale,
    e.AvgTone AS avg_tone,
    e.DATEADDED AS date_added,
    e.SOURCEURL AS source_url,
    e.partition_month,
    e.source_file,
    e.source_line
FROM gdelt_events AS e
JOIN unrest_screening AS s USING (partition_month, source_file, source_line)
JOIN event_places AS p USING (partition_month, source_file, source_line)
WHERE s.exclusion_reason IS NULL
ORDER BY s.preset, event_date, event_id;
