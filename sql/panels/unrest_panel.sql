-- unrest_panel: a balanced region x period panel at $level (prefecture, province or country), counting
-- the unrest events of the preset $preset.
--   regions: every region of that level with a contract or an unrest event placed at that level or below
--            (a prefecture's contracts and events count in its province: GB/T 2260 codes nest, 440100 in 440000);
--   periods: every $period from $start to $end (defaults: the first and last period with a contract,
--            since outcomes outside the contract data are unknown, not zero).
-- Unrest: counts, standardised over all region-periods of the panel (z), and a high-unrest flag by
-- $high_unrest_rule: above the panel mean plus one standard deviation (mean_plus_sd), above the median
-- (above_median), or above the $high_unrest_percentile quantile (above_percentile). Outcomes: contract flows per period
-- and the cumulative count of public-security AI contracts since the panel start; the placebo outcomes
-- are AI bought by other buyers, and by banks, hospitals and schools (buyer_sector). The contract outcomes are
-- defined once, in contract_outcomes (sql/panels/contract_outcomes.sql), which event_windows counts too. Data-rich and
-- data-scarce public-security AI contracts (Beraja, Yang and Yuchtman, REStud 2023): the buyer's region
-- (buyer_region_id) has more, or no more, of covariate $cameras_covariate than the average region with a value
-- (covariates; a region's values over years are averaged); contracts of regions without a value are in neither.
-- Per capita: public-security AI contracts per million people, with covariate $population_covariate of the
-- region in the period's year (a value without a year counts for every year); NULL without a population.
CREATE OR REPLACE TABLE unrest_panel AS
WITH cameras AS (
    SELECT region_id, avg(value) AS cameras FROM covariates WHERE covariate = $cameras_covariate GROUP BY ALL
),
data_intensity AS (
    SELECT region_id, cameras > (SELECT avg(cameras) FROM cameras) AS data_rich FROM cameras
),
contract_periods AS (
    SELECT buyer_region_at($level, buyer_region_id, buyer_region_level) AS region_id,
           period_start_of($period, award_date) AS period_start, c.*, d.data_rich
    FROM contract_outcomes AS c
    LEFT JOIN data_intensity AS d ON d.region_id = c.buyer_region_id
),
contract_periods_at_level AS (
    SELECT * FROM contract_periods WHERE region_id IS NOT NULL
),
unrest_periods AS (
    SELECT event_region_at($level, prefecture_id, province_id, country_id) AS region_id,
           period_start_of($period, event_date) AS period_start
    FROM unrest_events
    WHERE event_region_at($level, prefecture_id, province_id, country_id) IS NOT NULL
      AND preset = $preset
),
bounds AS (
    SELECT coalesce(period_start_of($period, $start::DATE), min(period_start)) AS first_period,
           coalesce(period_start_of($period, $end::DATE), max(period_start)) AS last_period
    FROM contract_periods_at_level
),
periods AS (
    SELECT period_at_index($period, i) AS period_start
    FROM (SELECT unnest(range(period_index($period, first_period), period_index($period, last_period) + 1)) AS i
          FROM bounds)
),
panel_regions AS (
    SELECT region_id FROM contract_periods_at_level
    UNION
    SELECT region_id FROM unrest_periods
),
unrest_counts AS (
    SELECT region_id, period_start, count(*) AS unrest_count FROM unrest_periods GROUP BY ALL
),
contract_counts AS (
    SELECT region_id, period_start,
           count(*) AS contracts_total,
           count_if(COLUMNS('^outcome_(.*)$'))::BIGINT AS '\1',
           coalesce(sum(ps_ai_amount_value), 0) AS ps_ai_amount,
           count_if(is_public_security_ai AND data_rich)::BIGINT AS ps_ai_contracts_data_rich,
           count_if(is_public_security_ai AND NOT data_rich)::BIGINT AS ps_ai_contracts_data_scarce
    FROM contract_periods_at_level
    GROUP BY ALL
),
grid AS (
    SELECT r.region_id, p.period_start,
           coalesce(u.unrest_count, 0) AS unrest_count,
           coalesce(COLUMNS(c.* EXCLUDE (region_id, period_start)), 0)
    FROM panel_regions AS r
    CROSS JOIN periods AS p
    LEFT JOIN unrest_counts AS u USING (region_id, period_start)
    LEFT JOIN contract_counts AS c USING (region_id, period_start)
),
-- Standardisation: sql/macros/standardisation.sql.
unrest_stats AS (
    SELECT exact_mean(unrest_count) AS mean,
           exact_sd(unrest_count) AS sd,
           quantile_disc(unrest_count, 0.5) AS median,
           quantile_disc(unrest_count, $high_unrest_percentile) AS percentile
    FROM grid
)
SELECT
    region_id,
    period_start,
    period_label($period, period_start) AS period_label,
    $preset AS unrest_preset,
    unrest_count,
    standardised(unrest_count, mean, sd) AS unrest_z,
    CASE $high_unrest_rule
        WHEN 'above_median' THEN unrest_count > median
        WHEN 'above_percentile' THEN unrest_count > percentile
        ELSE above_mean_plus_sd(unrest_count, mean, sd)
    END AS high_unrest,
    contracts_total,
    ai_contracts,
    ps_ai_contracts,
    ps_ai_amount,
    sum(ps_ai_contracts) OVER (PARTITION BY region_id ORDER BY period_start) AS ps_ai_contracts_cum,
    placebo_ai_contracts,
    bank_ai_contracts,
    hospital_ai_contracts,
    education_ai_contracts,
    ps_ai_contracts_data_rich,
    ps_ai_contracts_data_scarce,
    ps_ai_contracts * 1e6 / nullif((
        SELECT any_value(v.value ORDER BY v.year NULLS LAST) FROM covariates AS v
        WHERE v.region_id = grid.region_id AND v.covariate = $population_covariate
          AND (v.year = year(grid.period_start) OR v.year IS NULL)), 0) AS ps_ai_contracts_per_million
FROM grid, unrest_stats
ORDER BY region_id, period_start;
