-- currency_rates (temporary), empty: no conversion was asked for; contracts.amount_converted stays NULL.
CREATE OR REPLACE TEMP TABLE currency_rates (
    record BIGINT, currency VARCHAR, year INTEGER, day DATE, rate DECIMAL(24, 10), problem VARCHAR
);
