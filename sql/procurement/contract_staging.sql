-- contract_staging (temporary): every record of contract_rows, typed, with the reason it cannot be used
-- (NULL when it can): a problem the reader found (source_problem), or a missing or bad value.
-- contract_duplicates, contracts and contract_quarantine all read it, so the rules are written, and the
-- values typed, once.
CREATE OR REPLACE TEMP TABLE contract_staging AS
WITH typed AS (
    SELECT
        *,
        nullif(trim(contract_id), '') AS id_value,
        regexp_full_match(trim(award_date), '[0-9]{4}-[0-9]{2}-[0-9]{2}') AS award_date_shaped,
        CASE WHEN award_date_shaped THEN try_strptime(trim(award_date), '%Y-%m-%d')::DATE END AS award_date_value,
        TRY_CAST(replace(trim(amount), ',', '') AS DECIMAL(18, 2)) AS amount_value,
        upper(trim(currency)) AS currency_value
    FROM contract_rows
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
        WHEN NOT coalesce(currency_value IN (SELECT code FROM known_currencies), false)
            THEN 'currency ''' || coalesce(currency, '') || ''' is not known'
    END AS quarantine_reason
FROM typed;
