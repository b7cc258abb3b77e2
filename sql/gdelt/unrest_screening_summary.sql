-- How many gdelt_events rows each rule of each unrest definition excluded (NULL: kept as unrest events).
SELECT preset, coalesce(exclusion_reason, 'kept') AS outcome, count(*) AS rows
FROM unrest_screening
GROUP BY ALL
ORDER BY preset, rows DESC, outcome;
