-- fips_adm1_crosswalk: GDELT's FIPS 10-4 ADM1 codes for China (CH01..CH33, retired ones included)
-- to GB/T 2260 province codes.
CREATE OR REPLACE TABLE fips_adm1_crosswalk AS
SELECT fips_adm1, fips_name, province_id, fips_current::BOOLEAN AS fips_current
FROM read_csv($fips_adm1_path, all_varchar = true)
ORDER BY fips_adm1;
