-- contract_duplicates (temporary): the usable records that repeat an award published before, and the
-- contract_id of its first publication. The same award: the same notice id, or the same buyer, supplier
-- (both named), amount and date. The first is the first by record_order (sources in the order listed, then
-- file and row). Most records repeat nothing: the windows run only over the records whose id or award occurs
-- more than once, found by two aggregates over hashes (integers group faster than text; a collision only
-- makes a record a candidate, the windows compare the values themselves).
CREATE OR REPLACE TEMP TABLE contract_duplicates AS
WITH records AS (
    SELECT record_order, id_value AS contract_id, nullif(trim(buyer_name), '') AS buyer_name,
           nullif(trim(supplier_name), '') AS supplier_name, amount_value AS amount, award_date_value AS award_date
    FROM contract_rows
    WHERE quarantine_reason IS NULL
),
repeated_ids AS (SELECT hash(contract_id) AS id_hash FROM records GROUP BY id_hash HAVING count(*) > 1),
repeated_awards AS (
    SELECT hash(buyer_name, supplier_name, amount, award_date) AS award_hash
    FROM records
    WHERE buyer_name IS NOT NULL AND supplier_name IS NOT NULL
    GROUP BY award_hash
    HAVING count(*) > 1
),
candidates AS (
    SELECT * FROM records
    WHERE hash(contract_id) IN (SELECT id_hash FROM repeated_ids)
       OR (buyer_name IS NOT NULL AND supplier_name IS NOT NULL
           AND hash(buyer_name, supplier_name, amount, award_date) IN (SELECT award_hash FROM repeated_awards))
)
SELECT record_order,
       CASE WHEN row_number() OVER same_id > 1 THEN contract_id
            WHEN buyer_name IS NOT NULL AND supplier_name IS NOT NULL AND row_number() OVER same_award > 1
                THEN first_value(contract_id) OVER same_award
       END AS duplicate_of
FROM candidates
WINDOW same_id AS (PARTITION BY contract_id ORDER BY record_order),
       same_award AS (PARTITION BY buyer_name, supplier_name, amount, award_date ORDER BY record_order)
QUALIFY duplicate_of IS NOT NULL;
