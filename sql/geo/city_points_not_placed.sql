-- City-level geocodes (ActionGeo_Type 3, 4) placed in no prefecture, by the reason event_places gives.
SELECT coalesce(placement_note, 'outside China') AS placement_note, count(*) AS rows
FROM event_places
WHERE action_geo_type IN (3, 4) AND prefecture_id IS NULL
GROUP BY ALL
ORDER BY placement_note;
