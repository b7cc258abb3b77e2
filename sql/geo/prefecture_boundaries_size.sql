-- The source of the prefecture layer and its size in WKB bytes (the prefecture_boundaries asset's metadata).
SELECT any_value(source) AS source, sum(octet_length(geometry_wkb)) AS wkb_bytes FROM prefecture_boundaries;
