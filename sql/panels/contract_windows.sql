-- contract_windows: for each region-period with unrest (prefecture level), the contracts bought in
-- the same region from $periods_before periods before to $periods_after periods after.
-- rel_period = contract period minus unrest period ($period: month, quarter or year), so 1 is the
-- period after the unrest and -2 two periods before. A contract appears once per unrest period it
-- falls near; duplicate publications are left out. Periods are numbered from 1970 so that the window
-- is a range on integers, which DuckDB joins much faster than a date function per pair.
-- The table is a lean link (join contracts on contract_id for anything else) and is not sorted: with
-- millions of pairs, sorting and wide rows cost more than the join itself. Use ORDER BY when reading.
CREATE OR REPLACE TABLE contract_windows AS
WITH unrest AS (
    SELECT prefecture_id AS region_id,
           date_trunc($period, event_date)::DATE AS unrest_period,
           datediff($period, DATE '1970-01-01', event_date) AS unrest_index,
           count(*) AS unrest_events
    FROM unrest_events
    WHERE prefecture_id IS NOT NULL
    GROUP BY ALL
),
indexed AS (
    SELECT *, datediff($period, DATE '1970-01-01', award_date) AS contract_index
    FROM contracts
    WHERE NOT is_duplicate
)
SELECT
    u.region_id,
    u.unrest_period,
    u.unrest_events,
    c.contract_id,
    c.award_date,
    c.contract_index - u.unrest_index AS rel_period,
    c.is_public_security_ai
FROM unrest AS u
JOIN indexed AS c
    ON c.buyer_region_id = u.region_id
   AND c.contract_index BETWEEN u.unrest_index - $periods_before AND u.unrest_index + $periods_after;
