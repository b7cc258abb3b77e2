-- Append incoming_contract_rows (procurement/contract_rows_from_csv or _from_frame) to contract_rows, typed,
-- with the reason a record cannot be used (NULL when it can): a problem the reader found (source_problem), or
-- a missing or bad value. The currency is checked once all sources are in (procurement/contract_currency_check).
-- Typed here, as the records are copied in, so that no pass over all records is spent on typing alone;
-- contract_duplicates, contracts and contract_quarantine all read the typed values.
INSERT INTO contract_rows
WITH typed AS (
    SELECT
        *,
        nullif(trim(contract_id), '') AS id_value,
        regexp_full_match(trim(award_date), '[0-9]{4}-[0-9]{2}-[0-9]{2}') AS award_date_shaped,
        CASE WHEN award_date_shaped THEN try_strptime(trim(award_date), '%Y-%m-%d')::DATE END AS award_date_value,
        TRY_CAST(replace(trim(amount), ',', '') AS DECIMAL(18, 2)) AS amount_value,
        upper(trim(currency)) AS currency_value
    FROM incoming_contract_rows
)
SELECT
    * EXCLUDE (award_date_shaped),
    CASE
        WHEN source_problem IS NOT NULL THEN source_problem
        WHEN id_value IS NULL THEN 'no contract_id'
        WHEN nullif(trim(award_date), '') IS NULL THEN 'no award_date'
        WHEN award_date_value IS NULL THEN 'award_date ''' || award_date || ''' is not YYYY-MM-DD'
        WHEN nullif(trim(amount), '') IS NULL THEN 'no amount'
        WHEN amount_value IS NULL THEN 'amount ''' || amount || ''' is not a number'
    END AS quarantine_reason
FROM typed;
