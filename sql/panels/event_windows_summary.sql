-- event_windows_summary: for the asset's metadata, the windows, and the mean public-security AI contracts per
-- window at each k (a JSON object keyed by k).
SELECT
    (SELECT count(*) FROM (SELECT DISTINCT region_id, unrest_period FROM event_windows)) AS windows,
    (SELECT json_group_object(rel_period, round(mean_ps_ai, 6))
     FROM (SELECT rel_period, avg(ps_ai_contracts) AS mean_ps_ai FROM event_windows GROUP BY ALL ORDER BY rel_period))
        AS mean_ps_ai_by_k;
