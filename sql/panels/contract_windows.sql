-- contract_windows: the contract-event pairs behind event_windows, as a view computed when read (with
-- millions of pairs, storing them costs more than joining them again). For each prefecture-period with
-- unrest and each k of its window, the contracts of that prefecture in that period, under the same rules
-- as event_windows: so count(*) by region_id, unrest_period and rel_period equals its contracts_total.
CREATE OR REPLACE VIEW contract_windows AS
WITH window_period AS (
    -- event_windows holds one period unit (month, quarter or year).
    SELECT any_value(period) AS unit FROM event_windows
),
contract_periods AS (
    SELECT contract_id, award_date, is_public_security_ai, buyer_region_id AS region_id,
           CASE unit WHEN 'month' THEN date_trunc('month', award_date)
                     WHEN 'quarter' THEN date_trunc('quarter', award_date)
                     ELSE date_trunc('year', award_date) END::DATE AS contract_period
    FROM contracts, window_period
    WHERE NOT is_duplicate AND NOT award_date_implausible AND buyer_region_level = 'prefecture'
)
SELECT
    w.region_id,
    w.unrest_period,
    w.unrest_events,
    w.rel_period,
    c.contract_id,
    c.award_date,
    c.is_public_security_ai
FROM event_windows AS w
JOIN contract_periods AS c USING (region_id, contract_period);
