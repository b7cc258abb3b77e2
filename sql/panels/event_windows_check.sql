-- event_windows_check: windows, windows without exactly one row for each k from -$periods_before to
-- $periods_after, contracts counted in event_windows, and pairs listed by the view contract_windows (these two
-- must be equal).
WITH windows AS (
    SELECT region_id, unrest_period, count(*) AS rows, count(DISTINCT rel_period) AS ks,
           min(rel_period) AS first_k, max(rel_period) AS last_k
    FROM event_windows
    GROUP BY ALL
)
SELECT
    (SELECT count(*) FROM windows) AS windows,
    (SELECT count(*) FROM windows
     WHERE rows <> ks OR ks <> $periods_before + $periods_after + 1
        OR first_k <> -$periods_before OR last_k <> $periods_after) AS windows_missing_a_k,
    (SELECT coalesce(sum(contracts_total), 0) FROM event_windows) AS contracts_in_event_windows,
    (SELECT count(*) FROM contract_windows) AS pairs_in_contract_windows,
    $periods_before AS periods_before,
    $periods_after AS periods_after;
