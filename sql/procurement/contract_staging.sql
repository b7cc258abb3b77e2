-- contract_staging (temporary): every record of the contracts file, typed, with the reason it
-- cannot be used (NULL when it can): a problem the reader found (source_problem), or a missing or bad value. contracts and contract_quarantine both read it, so the
-- rules are written once.
CREATE OR REPLACE TEMP TABLE contract_staging AS
SELECT
    *,
    nullif(trim(contract_id), '') AS id_value,
    CASE WHEN regexp_full_match(trim(award_date), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
         THEN try_strptime(trim(award_date), '%Y-%m-%d')::DATE END AS award_date_value,
    TRY_CAST(replace(trim(amount), ',', '') AS DECIMAL(18, 2)) AS amount_value,
    upper(trim(currency)) AS currency_value,
    CASE
        WHEN source_problem IS NOT NULL THEN source_problem
        WHEN nullif(trim(contract_id), '') IS NULL THEN 'no contract_id'
        WHEN nullif(trim(award_date), '') IS NULL THEN 'no award_date'
        WHEN NOT regexp_full_match(trim(award_date), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
             OR try_strptime(trim(award_date), '%Y-%m-%d') IS NULL
            THEN 'award_date ''' || award_date || ''' is not YYYY-MM-DD'
        WHEN nullif(trim(amount), '') IS NULL THEN 'no amount'
        WHEN TRY_CAST(replace(trim(amount), ',', '') AS DECIMAL(18, 2)) IS NULL
            THEN 'amount ''' || amount || ''' is not a number'
        WHEN NOT coalesce(list_contains($known_currencies, upper(trim(currency))), false)
            THEN 'currency ''' || coalesce(currency, '') || ''' is not known'
    END AS quarantine_reason
FROM contract_rows;
