-- Proof that trade_panel is balanced and loses nothing in its span: cells, countries, years, distinct cells, and
-- the deals from $exporter and the unrest events of the importers, in the panel and in the sources.
WITH span AS (SELECT min(year) AS first_year, max(year) AS last_year FROM trade_panel),
importers AS (SELECT DISTINCT region_id FROM trade_panel)
SELECT
    (SELECT count(*) FROM trade_panel) AS rows,
    (SELECT count(*) FROM importers) AS countries,
    (SELECT count(DISTINCT year) FROM trade_panel) AS years,
    (SELECT count(*) FROM (SELECT DISTINCT region_id, year FROM trade_panel)) AS distinct_cells,
    (SELECT coalesce(sum(imports_from_exporter), 0) FROM trade_panel) AS deals_in_panel,
    (SELECT count(*) FROM trade_deals, span
      WHERE exporter = $exporter AND year BETWEEN first_year AND last_year) AS deals_in_span,
    (SELECT coalesce(sum(unrest_count), 0) FROM trade_panel) AS unrest_in_panel,
    (SELECT count(*) FROM unrest_events, span
      WHERE preset = $preset AND country_id IN (SELECT region_id FROM importers)
        AND year(event_date) BETWEEN first_year AND last_year) AS unrest_in_span;
