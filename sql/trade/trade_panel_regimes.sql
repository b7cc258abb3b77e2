-- The countries of trade_panel by regime ('unknown': no value of the regime covariate).
SELECT coalesce(regime, 'unknown') AS regime, count(DISTINCT region_id) AS countries
FROM trade_panel
GROUP BY ALL
ORDER BY 1;
