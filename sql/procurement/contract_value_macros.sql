-- The typing of a contract record, the one definition the statements that add records to contract_rows share
-- (procurement/contract_rows_from_csv, _from_frame): contract_typed(...) is a struct those statements unnest
-- into columns: the typed values (id_value, award_date_value, amount_value, currency_value); the reason the
-- record cannot be used (quarantine_reason, NULL when it can): a problem the reader found, a missing or bad
-- value, or a currency not in the list known_currencies (a list, not a table: a semi-join would shuffle the
-- records, which must keep the file's order); and the text as read of the typed fields, kept only for the
-- records that cannot be used (contract_quarantine shows it; the others need only their typed values, a
-- quarter less for contract_rows to hold). The repeated expressions below are computed once (DuckDB finds
-- common subexpressions).
CREATE OR REPLACE TEMP MACRO contract_award_date(text) AS
    CASE WHEN regexp_full_match(trim(text), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
         THEN try_strptime(trim(text), '%Y-%m-%d')::DATE END;
CREATE OR REPLACE TEMP MACRO contract_amount(text) AS TRY_CAST(replace(trim(text), ',', '') AS DECIMAL(18, 2));
CREATE OR REPLACE TEMP MACRO contract_problem(source_problem, id_value, award_date, award_date_value, amount,
                                              amount_value, currency, currency_value, known_currencies) AS
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
CREATE OR REPLACE TEMP MACRO contract_record(reason, id_value, award_date_value, amount_value, currency_value,
                                             contract_id, award_date, amount, currency) AS {
    'id_value': id_value, 'award_date_value': award_date_value, 'amount_value': amount_value,
    'currency_value': currency_value, 'quarantine_reason': reason,
    'contract_id': CASE WHEN reason IS NOT NULL THEN contract_id END,
    'award_date': CASE WHEN reason IS NOT NULL THEN award_date END,
    'amount': CASE WHEN reason IS NOT NULL THEN amount END,
    'currency': CASE WHEN reason IS NOT NULL THEN currency END
};
CREATE OR REPLACE TEMP MACRO contract_typed_values(contract_id, award_date, amount, currency, source_problem,
                                                   known_currencies, id_value, award_date_value, amount_value,
                                                   currency_value) AS
    contract_record(contract_problem(source_problem, id_value, award_date, award_date_value, amount, amount_value,
                                     currency, currency_value, known_currencies),
                    id_value, award_date_value, amount_value, currency_value, contract_id, award_date, amount,
                    currency);
CREATE OR REPLACE TEMP MACRO contract_typed(contract_id, award_date, amount, currency, source_problem,
                                            known_currencies) AS
    contract_typed_values(contract_id, award_date, amount, currency, source_problem, known_currencies,
                          nullif(trim(contract_id), ''), contract_award_date(award_date), contract_amount(amount),
                          upper(trim(currency)));
