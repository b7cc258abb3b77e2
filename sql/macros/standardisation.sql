-- Standardising a count over the cells of a panel, the one definition both panels (unrest_panel, trade_panel) use:
-- the mean and the sample standard deviation of x over the rows aggregated, from exact integer sums, so that the
-- result does not depend on the order in which parallel threads add floating-point numbers (same inputs, same bytes
-- out; x must be an integer count for that). standardised() is (x - mean) / sd, NULL when sd is 0 (every cell
-- equal); above_mean_plus_sd() is the high-unrest rule of AI-tocracy. Macros of every warehouse
-- connection, as periods.sql.
CREATE OR REPLACE TEMP MACRO exact_mean(x) AS sum(x)::DOUBLE / count(x);
CREATE OR REPLACE TEMP MACRO exact_sd(x) AS
    sqrt((count(x) * sum(x * x) - sum(x) * sum(x))::DOUBLE / (count(x) * (count(x) - 1)));
CREATE OR REPLACE TEMP MACRO standardised(x, mean, sd) AS (x - mean) / nullif(sd, 0);
CREATE OR REPLACE TEMP MACRO above_mean_plus_sd(x, mean, sd) AS x > mean + sd;
