-- The typing of a contract record, shared by the statements that add records to contract_rows
-- (procurement/contract_rows_from_csv, _from_frame): the typed values, and the reason a record cannot be used
-- (NULL when it can): a problem the reader found, or a missing or bad value, or a currency not in the list
-- known_currencies. A list, not a table: a semi-join would shuffle the records, which must keep the file's order.
CREATE OR REPLACE TEMP MACRO contract_award_date(text) AS
    CASE WHEN regexp_full_match(trim(text), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_strptime(trim(text), '%Y-%m-%d')::DATE END;
CREATE OR REPLACE TEMP MACRO contract_amount(text) AS TRY_CAST(replace(trim(text), ',', '') AS DECIMAL(18, 2));
CREATE OR REPLACE TEMP MACRO contract_problem(source_problem, id_value, award_date, award_date_value, amount,
                                              amount_value, currency, currency_value,
                                              known_currencies) AS
    CASE
        WHEN source_problem IS NOT NULL THEN source_problem
        WHEN id_value IS NULL THEN 'no contract_id'
        WHEN nullif(trim(award_date), '') IS NULL THEN 'no award_date'
        WHEN award_date_value IS NULL THEN 'award_date ''' || award_date || ''' is not YYYY-MM-DD'
        WHEN nullif(trim(amount), '') IS NULL THEN 'no amount'
        WHEN amount_value IS NULL THEN 'amount ''' || amount || ''' is not a number'
        WHEN NOT coalesce(list_contains(known_currencies, currency_value), false)
            THEN 'currency ''' || coalesce(currency, '') || ''' is not known'
    END;
