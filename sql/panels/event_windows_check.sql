-- event_windows_check: windows, windows without exactly one row for each k from -$periods_before to
-- $periods_after, contracts counted in event_windows, pairs listed by
-- the view contract_windows (these two must be equal), and the mean public-security AI contracts per window
-- at each k (a JSON object keyed by k).
WITH windows AS (
    SELECT region_id, unrest_period, count(*) AS rows, count(DISTINCT rel_period) AS ks,
           min(rel_period) AS first_k, max(rel_period) AS last_k
    FROM event_windows
    GROUP BY ALL
),
by_k AS (
    SELECT json_group_object(rel_period, round(mean_ps_ai, 6)) AS mean_ps_ai_by_k
    FROM (SELECT rel_period, avg(ps_ai_contracts) AS mean_ps_ai FROM event_windows GROUP BY ALL ORDER BY rel_period)
)
SELECT
    (SELECT count(*) FROM windows) AS windows,
    (SELECT count(*) FROM windows
     WHERE rows <> ks OR ks <> $periods_before + $periods_after + 1
        OR first_k <> -$periods_before OR last_k <> $periods_after) AS incomplete,
    (SELECT coalesce(sum(contracts_total), 0) FROM event_windows) AS counted,
    (SELECT count(*) FROM contract_windows) AS pairs,
    (SELECT mean_ps_ai_by_k FROM by_k) AS mean_ps_ai_by_k;
