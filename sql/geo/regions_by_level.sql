-- How many regions each level holds (the regions asset's metadata).
SELECT level, count(*) AS regions FROM regions GROUP BY ALL ORDER BY level;
