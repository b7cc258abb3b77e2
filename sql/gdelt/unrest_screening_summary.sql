-- How many gdelt_events rows each rule of the unrest definition excluded (NULL: kept as unrest events).
SELECT coalesce(exclusion_reason, 'kept') AS outcome, count(*) AS rows
FROM unrest_screening
GROUP BY ALL
ORDER BY rows DESC, outcome;
