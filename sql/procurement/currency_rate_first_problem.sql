-- The first row of the user's rates table that cannot be used: its line (the header is line 1) and why.
SELECT record + 1, problem FROM currency_rates WHERE problem IS NOT NULL ORDER BY record LIMIT 1;
