-- event_windows: the purchases before and after each unrest period. One row per prefecture-period with
-- unrest (prefecture-placed events of the unrest preset $preset) and per k from -$periods_before to $periods_after, where
-- k (rel_period) = contract period minus unrest period ($period: month, quarter or year), so 1 is the
-- period after the unrest and -2 two periods before. Every k of every window has a row, zero when
-- nothing was bought; in_contract_span says whether that period lies inside the contract data at all
-- (outside it the zero means "unknown"). Contracts counted: prefecture-placed, not duplicate
-- publications; a contract counts once in each window it falls in. The outcomes are those of
-- contract_outcomes (sql/panels/contract_outcomes.sql), in its order.
-- Contracts of one prefecture in one period fall in exactly the same windows, so they are counted once
-- per prefecture-period (contract_cells) and those counts joined to the windows: the sums equal those over
-- every contract-event pair (about 12 million for AI-tocracy's data) without making the pairs. The view
-- contract_windows lists the pairs on demand. Periods are numbered (period_index, sql/macros/periods.sql) so
-- that the join is on integers.
CREATE OR REPLACE TABLE event_windows AS
WITH unrest AS (
    SELECT prefecture_id AS region_id,
           period_start_of($period, event_date) AS unrest_period,
           period_index($period, event_date) AS unrest_index,
           count(*) AS unrest_events
    FROM unrest_events
    WHERE prefecture_id IS NOT NULL AND preset = $preset
    GROUP BY ALL
),
contract_cells AS (
    SELECT buyer_region_id AS region_id,
           period_index($period, award_date) AS contract_index,
           count(*) AS contracts_total,
           count_if(COLUMNS('^outcome_(.*)$'))::BIGINT AS '\1',
           coalesce(sum(ps_ai_amount_value), 0) AS ps_ai_amount
    FROM contract_outcomes
    WHERE buyer_region_level = 'prefecture'
    GROUP BY ALL
),
span AS (
    SELECT min(contract_index) AS first_index, max(contract_index) AS last_index FROM contract_cells
)
SELECT
    u.region_id,
    u.unrest_period,
    u.unrest_events,
    k.rel_period,
    period_at_index($period, u.unrest_index + k.rel_period) AS contract_period,
    $period AS period,
    $preset AS unrest_preset,
    u.unrest_index + k.rel_period BETWEEN s.first_index AND s.last_index AS in_contract_span,
    coalesce(COLUMNS(p.* EXCLUDE (region_id, contract_index)), 0)
FROM unrest AS u
CROSS JOIN range(-$periods_before, $periods_after + 1) AS k(rel_period)
CROSS JOIN span AS s
LEFT JOIN contract_cells AS p ON p.region_id = u.region_id AND p.contract_index = u.unrest_index + k.rel_period
ORDER BY u.region_id, u.unrest_period, k.rel_period;
