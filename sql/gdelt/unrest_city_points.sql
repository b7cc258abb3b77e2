-- The coordinates of the unrest events geocoded to a city in China, under any preset: the points to place
-- in prefectures. Each preset keeps the first copy of an event, so an event's point is the same in all.
SELECT DISTINCT e.GLOBALEVENTID AS point_id, e.ActionGeo_Long AS lon, e.ActionGeo_Lat AS lat
FROM gdelt_events AS e
JOIN unrest_screening AS s USING (partition_month, source_file, source_line)
WHERE s.exclusion_reason IS NULL AND e.ActionGeo_Type IN (3, 4) AND e.ActionGeo_CountryCode = 'CH'
ORDER BY point_id;
