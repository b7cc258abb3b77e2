-- trade_deal_staging: every record of a trade-deals CSV file ($path; header deal_id, exporter, importer, year,
-- technology, smart_city, firm) as read, numbered from 1 after the header, with the first reason it cannot be
-- used (NULL: usable). Countries are ISO 3166-1 alpha-3 codes known to `regions`.
CREATE OR REPLACE TEMP TABLE trade_deal_staging AS
WITH raw AS (
    SELECT row_number() OVER () AS source_row, *
    FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"',
                  columns = {'deal_id': 'VARCHAR', 'exporter': 'VARCHAR', 'importer': 'VARCHAR', 'year': 'VARCHAR',
                             'technology': 'VARCHAR', 'smart_city': 'VARCHAR', 'firm': 'VARCHAR'})
),
countries AS (SELECT region_id FROM regions WHERE level = 'country'),
checked AS (
    SELECT r.*,
           upper(trim(r.exporter)) AS exporter_code, upper(trim(r.importer)) AS importer_code,
           try_cast(trim(r.year) AS INTEGER) AS year_value,
           CASE lower(trim(coalesce(r.smart_city, ''))) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'yes' THEN true
                WHEN 'false' THEN false WHEN '0' THEN false WHEN 'no' THEN false WHEN '' THEN false END AS smart_city_value,
           row_number() OVER (PARTITION BY trim(r.deal_id) ORDER BY r.source_row) AS copy
    FROM raw AS r
)
SELECT
    c.*,
    CASE
        WHEN trim(coalesce(c.deal_id, '')) = '' THEN 'deal_id is empty'
        WHEN c.copy > 1 THEN 'deal_id repeats an earlier record'
        WHEN c.exporter_code NOT IN (SELECT region_id FROM countries) OR c.exporter_code IS NULL
            THEN 'exporter is not an ISO 3166-1 alpha-3 country code'
        WHEN c.importer_code NOT IN (SELECT region_id FROM countries) OR c.importer_code IS NULL
            THEN 'importer is not an ISO 3166-1 alpha-3 country code'
        WHEN c.exporter_code = c.importer_code THEN 'exporter and importer are the same country'
        WHEN c.year_value IS NULL OR c.year_value NOT BETWEEN 1900 AND 2100 THEN 'year is not a year'
        WHEN c.smart_city_value IS NULL THEN 'smart_city is not true or false'
    END AS quarantine_reason
FROM checked AS c;
