-- incoming_contract_rows (temporary view): a normalised contracts CSV just read (csv_records, csv_problems; see
-- pipeline/lib/procurement/csv_records.py), the records read and the records that could not be, with their
-- reason, for procurement/contract_rows_insert; named, and numbered after the sources before, by
-- incoming_source.
CREATE OR REPLACE TEMP VIEW incoming_contract_rows AS
SELECT i.source, i.source_file, record AS source_row,
       contract_id, award_date, NULL AS award_date_precision, buyer_name, buyer_region_id, supplier_name, amount,
       currency, title, NULL AS notice_type, NULL AS buyer_region_source, NULL AS source_problem,
       i.first_order + record AS record_order
FROM csv_records, incoming_source AS i
UNION ALL
SELECT i.source, i.source_file, record, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, problem,
       i.first_order + record
FROM csv_problems, incoming_source AS i;
