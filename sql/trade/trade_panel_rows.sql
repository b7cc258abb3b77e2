-- trade_panel as the trade event study reads it: every row, by country and year.
SELECT * FROM trade_panel ORDER BY region_id, year;
