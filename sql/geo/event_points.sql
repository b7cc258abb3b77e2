-- The distinct coordinates of the gdelt_events rows geocoded to a city (ActionGeo_Type 3, 4) in the country whose
-- prefectures the warehouse holds ($prefecture_country, GDELT's FIPS 10-4 code for China): the points to place in
-- prefecture polygons. GDELT repeats a city's coordinates for every event there, so each is placed once.
SELECT row_number() OVER (ORDER BY lon, lat) AS point_id, lon, lat
FROM (
    SELECT DISTINCT ActionGeo_Long AS lon, ActionGeo_Lat AS lat
    FROM gdelt_events
    WHERE ActionGeo_Type IN (3, 4) AND ActionGeo_CountryCode = $prefecture_country
)
ORDER BY point_id;
