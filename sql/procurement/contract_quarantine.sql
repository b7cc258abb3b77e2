-- contract_quarantine: contract records that cannot be used, with the reason and the raw values.
CREATE OR REPLACE TABLE contract_quarantine AS
SELECT source, source_file, source_row, quarantine_reason,
       contract_id, award_date, award_date_precision, buyer_name, buyer_region_id, supplier_name, amount, currency,
       title, notice_type
FROM contract_rows
WHERE quarantine_reason IS NOT NULL
ORDER BY record_order;  -- sources as listed, then file and row; unique, so the order is reproducible
