-- Append a normalised contracts CSV just read (csv_records, csv_problems; see pipeline/lib/procurement/
-- csv_records.py) to contract_rows: the records read, and the records that could not be, with their reason.
-- $first_order is the number of records already in contract_rows, from the sources listed before.
INSERT INTO contract_rows
SELECT $source, $source_file, record,
       contract_id, award_date, NULL, buyer_name, buyer_region_id, supplier_name, amount, currency, title,
       NULL, NULL, NULL, $first_order + record
FROM csv_records
UNION ALL
SELECT $source, $source_file, record, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, problem,
       $first_order + record
FROM csv_problems;
