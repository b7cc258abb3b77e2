-- contract_duplicates (temporary): the usable records that repeat an award published before, and the
-- contract_id of its first publication. The same award: the same notice id, or the same buyer, supplier
-- (both named), amount and date. The first is the first by record_order (sources in the order listed, then
-- file and row). Windows over a narrow projection: sorting the whole records is what made this slow.
CREATE OR REPLACE TEMP TABLE contract_duplicates AS
WITH records AS (
    SELECT record_order, id_value AS contract_id, nullif(trim(buyer_name), '') AS buyer_name,
           nullif(trim(supplier_name), '') AS supplier_name, amount_value AS amount, award_date_value AS award_date
    FROM contract_rows
    WHERE quarantine_reason IS NULL
)
SELECT record_order,
       CASE WHEN row_number() OVER same_id > 1 THEN contract_id
            WHEN buyer_name IS NOT NULL AND supplier_name IS NOT NULL AND row_number() OVER same_award > 1
                THEN first_value(contract_id) OVER same_award
       END AS duplicate_of
FROM records
WINDOW same_id AS (PARTITION BY contract_id ORDER BY record_order),
       same_award AS (PARTITION BY buyer_name, supplier_name, amount, award_date ORDER BY record_order)
QUALIFY duplicate_of IS NOT NULL;
