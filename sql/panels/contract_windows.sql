-- contract_windows: the contract-event pairs behind event_windows, as a view computed when read (with
-- millions of pairs, storing them costs more than joining them again). For each prefecture-period with
-- unrest and each k of its window, the contracts of that prefecture in that period, read from
-- contract_outcomes as event_windows reads them: so count(*) by region_id, unrest_period and rel_period equals its contracts_total.
CREATE OR REPLACE VIEW contract_windows AS
WITH window_period AS (
    -- event_windows holds one period unit (month, quarter or year).
    SELECT any_value(period) AS unit FROM event_windows
),
contract_periods AS (
    SELECT contract_id, award_date, is_public_security_ai, buyer_region_id AS region_id,
           -- period_start_of(unit, award_date), written out: a DuckLake view cannot call a macro.
           date_trunc(unit, award_date)::DATE AS contract_period
    FROM contract_outcomes, window_period
    WHERE buyer_region_level = 'prefecture'
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
