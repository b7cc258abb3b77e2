-- regions: every region id the warehouse uses, one row each.
--   countries:   ISO 3166-1 alpha-3 (from GeoNames countryInfo, which also gives the FIPS 10-4 code GDELT uses)
--   provinces:   GB/T 2260 six-digit codes (440000), with the FIPS ADM1 codes (current and retired) that map to them,
--                their seat, and the prefecture that holds the seat (capital_prefecture_id, from province_capitals)
--   prefectures: GB/T 2260 six-digit codes (440100), with their seat (a representative point)
--   subdivisions: ISO 3166-2 codes (US-NY) of other countries' first-level units that a FIPS ADM1 code maps to
--                 (fips_adm1_iso_crosswalk)
-- Seat coordinates are WGS84 (converted from the GCJ-02 of their source).
CREATE OR REPLACE TABLE regions AS
WITH countries AS (
    SELECT column01 AS region_id, 'country' AS level, NULL AS name_zh, column04 AS name_en,
           NULL AS parent_id, column03 AS fips_codes, NULL::DOUBLE AS seat_lon, NULL::DOUBLE AS seat_lat,
           NULL AS capital_prefecture_id
    FROM read_csv($countries_path, delim = '\t', header = false, comment = '#', all_varchar = true,
                  quote = '', null_padding = true)
    WHERE column03 IS NOT NULL
),
fips AS (
    SELECT province_id, string_agg(fips_adm1, ',' ORDER BY fips_adm1) AS fips_codes,
           any_value(fips_name) FILTER (WHERE fips_current = 'true') AS name_en
    FROM read_csv($fips_adm1_path, all_varchar = true)
    GROUP BY province_id
),
provinces AS (
    SELECT p.code || '0000' AS region_id, 'province' AS level, p.name AS name_zh, f.name_en,
           'CHN' AS parent_id, f.fips_codes, s.seat_lon::DOUBLE, s.seat_lat::DOUBLE, c.capital_prefecture_id
    FROM read_csv($provinces_path, all_varchar = true) AS p
    LEFT JOIN fips AS f ON f.province_id = p.code || '0000'
    LEFT JOIN read_csv($province_seats_path, all_varchar = true) AS s ON s.province_id = p.code || '0000'
    LEFT JOIN province_capitals AS c ON c.province_id = p.code || '0000'
),
prefectures AS (
    SELECT prefecture_id AS region_id, 'prefecture' AS level, name_zh, NULL AS name_en,
           province_id AS parent_id, NULL AS fips_codes, TRY_CAST(seat_lon AS DOUBLE), TRY_CAST(seat_lat AS DOUBLE),
           NULL AS capital_prefecture_id
    FROM read_csv($prefectures_path, all_varchar = true)
),
subdivisions AS (
    SELECT iso_3166_2 AS region_id, 'subdivision' AS level, NULL AS name_zh, any_value(iso_name) AS name_en,
           any_value(country_id) AS parent_id, string_agg(fips_adm1, ',' ORDER BY fips_adm1) AS fips_codes,
           NULL::DOUBLE AS seat_lon, NULL::DOUBLE AS seat_lat, NULL AS capital_prefecture_id
    FROM fips_adm1_iso_crosswalk
    WHERE iso_3166_2 IS NOT NULL
    GROUP BY iso_3166_2
)
SELECT * FROM countries
UNION ALL SELECT * FROM provinces
UNION ALL SELECT * FROM prefectures
UNION ALL SELECT * FROM subdivisions
ORDER BY level, region_id;
