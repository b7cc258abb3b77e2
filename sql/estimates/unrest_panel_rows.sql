-- unrest_panel as the event studies read it: every row, by region and period.
SELECT * FROM unrest_panel ORDER BY region_id, period_start;
