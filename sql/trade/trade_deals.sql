-- trade_deals: the usable records of trade_deal_staging, typed, in file order.
CREATE OR REPLACE TABLE trade_deals AS
SELECT trim(deal_id) AS deal_id, exporter_code AS exporter, importer_code AS importer, year_value AS year,
       nullif(trim(technology), '') AS technology, smart_city_value AS smart_city, nullif(trim(firm), '') AS firm,
       $source_file AS source_file, source_row
FROM trade_deal_staging
WHERE quarantine_reason IS NULL
ORDER BY source_row;
