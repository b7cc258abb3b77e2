-- How the FIPS ADM1 codes outside China were matched to ISO 3166-2 (exact, contains, similar, postal code,
-- unmatched), one row per method.
SELECT coalesce(match, 'unmatched') AS method, count(*) AS codes
FROM fips_adm1_iso_crosswalk
GROUP BY ALL
ORDER BY method;
