-- trade_deal_quarantine: the records of trade_deal_staging that cannot be used, with the reason and the raw values.
CREATE OR REPLACE TABLE trade_deal_quarantine AS
SELECT $source_file AS source_file, source_row, quarantine_reason,
       deal_id, exporter, importer, year, technology, smart_city, firm
FROM trade_deal_staging
WHERE quarantine_reason IS NOT NULL
ORDER BY source_row;
