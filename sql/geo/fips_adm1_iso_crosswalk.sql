-- fips_adm1_iso_crosswalk: FIPS 10-4 first-level divisions outside China (as GDELT's ADM1 codes name them)
-- to ISO 3166-2 codes, with how each was matched; iso_3166_2 is NULL where no match was found.
CREATE OR REPLACE TABLE fips_adm1_iso_crosswalk AS
SELECT fips_adm1, fips_name, country_id, iso_3166_2, iso_name, match
FROM iso_crosswalk_rows
ORDER BY fips_adm1;
