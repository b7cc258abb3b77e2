-- How many unrest events each preset holds at each placement level (the unrest_events asset's metadata).
SELECT preset, geo_level, count(*) AS events
FROM unrest_events
GROUP BY ALL
ORDER BY preset, geo_level;
