-- currency_rates (temporary): the user's rates table (procurement/currency_rate_rows), one rate per currency and
-- period: a year (2019, an annual average) or a day (2019-05-01). rate is the amount of the target currency
-- ($convert_to) one unit of the currency buys. problem says why a row cannot be used (NULL when it can);
-- pipeline/lib/procurement/currency.py refuses a table with any.
CREATE OR REPLACE TEMP TABLE currency_rates AS
WITH typed AS (
    -- Numbered by their order: a table with a record left out was refused before (currency.py).
    SELECT rowid + 1 AS record, upper(trim(currency)) AS currency, trim(period) AS period, trim(rate) AS rate_text,
           CASE WHEN regexp_full_match(trim(period), '[0-9]{4}') THEN trim(period)::INTEGER END AS year,
           CASE WHEN regexp_full_match(trim(period), '[0-9]{4}-[0-9]{2}-[0-9]{2}')
                THEN try_strptime(trim(period), '%Y-%m-%d')::DATE END AS day,
           TRY_CAST(trim(rate) AS DECIMAL(24, 10)) AS rate
    FROM currency_rate_rows
)
SELECT record, currency, year, day, rate,
       CASE
           WHEN nullif(currency, '') IS NULL THEN 'no currency'
           WHEN year IS NULL AND day IS NULL THEN 'period ''' || coalesce(period, '') || ''' is not a year or YYYY-MM-DD'
           WHEN rate IS NULL OR rate <= 0 THEN 'rate ''' || coalesce(rate_text, '') || ''' is not a positive number'
           WHEN count(*) OVER (PARTITION BY currency, year, day) > 1 THEN 'a second rate for ' || currency || ' '
               || period
       END AS problem
FROM typed;
