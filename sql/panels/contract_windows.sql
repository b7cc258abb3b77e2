-- contract_windows: for each region-period with unrest (prefecture level), the contracts bought in
-- the same region from $periods_before periods before to $periods_after periods after.
-- rel_period = contract period minus unrest period ($period: month, quarter or year), so 1 is the
-- period after the unrest and -2 two periods before. A contract appears once per unrest period it
-- falls near.
CREATE OR REPLACE TABLE contract_windows AS
WITH unrest AS (
    SELECT prefecture_id AS region_id,
           date_trunc($period, event_date)::DATE AS unrest_period,
           count(*) AS unrest_events
    FROM unrest_events
    WHERE prefecture_id IS NOT NULL
    GROUP BY ALL
)
SELECT
    u.region_id,
    u.unrest_period,
    u.unrest_events,
    c.contract_id,
    c.award_date,
    date_trunc($period, c.award_date)::DATE AS contract_period,
    datediff($period, u.unrest_period, c.award_date) AS rel_period,
    c.amount,
    c.currency,
    c.is_ai,
    c.is_public_security_buyer,
    c.is_public_security_ai
FROM unrest AS u
JOIN contracts AS c
    ON c.buyer_region_id = u.region_id AND NOT c.is_duplicate
   AND datediff($period, u.unrest_period, c.award_date) BETWEEN -$periods_before AND $periods_after
ORDER BY u.region_id, u.unrest_period, rel_period, c.contract_id;
