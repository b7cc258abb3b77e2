-- How many gdelt_events rows event_places placed at each level, by ActionGeo_Type (the asset's metadata).
SELECT action_geo_type, geo_level, count(*) AS rows
FROM event_places
GROUP BY ALL
ORDER BY action_geo_type, geo_level;
