-- trade_panel_shape: for the asset's metadata, the panel's countries and years.
SELECT count(DISTINCT region_id) AS countries, count(DISTINCT year) AS years FROM trade_panel;
