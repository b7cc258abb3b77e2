-- contract_rows in READER_SCHEMA's terms, in record order, for read_contract_rows: a usable record's id, date,
-- amount and currency as typed (contract_rows keeps the text as read only for the records that cannot be used).
SELECT * REPLACE (coalesce(contract_id, id_value) AS contract_id,
                  coalesce(award_date, award_date_value::VARCHAR) AS award_date,
                  coalesce(amount, amount_value::VARCHAR) AS amount,
                  coalesce(currency, currency_value) AS currency)
FROM contract_rows
ORDER BY record_order;
