-- The first 50 FIPS ADM1 codes outside China with no ISO 3166-2 match.
SELECT fips_adm1, fips_name, country_id
FROM fips_adm1_iso_crosswalk
WHERE iso_3166_2 IS NULL
ORDER BY fips_adm1
LIMIT 50;
