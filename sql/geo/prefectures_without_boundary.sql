-- Prefecture-level units with no polygon in prefecture_boundaries (there should be none).
-- Whether each polygon holds its own seat is checked in Python, where the geometry is.
SELECT r.region_id
FROM regions AS r
LEFT JOIN prefecture_boundaries AS b USING (region_id)
WHERE r.level = 'prefecture' AND b.region_id IS NULL
ORDER BY r.region_id;
