-- unrest_panel_shape: for the asset's metadata, the panel's regions and periods.
SELECT count(DISTINCT region_id) AS regions, count(DISTINCT period_start) AS periods FROM unrest_panel;
