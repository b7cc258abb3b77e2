-- Proof that unrest_panel is balanced and loses nothing inside its span: cell counts, and the
-- totals of unrest events of preset $preset placed at $level and of public-security AI contracts at or below it in the span.
WITH span AS (
    SELECT min(period_start) AS first_period, max(period_start) AS last_period FROM unrest_panel
),
panel_regions AS (SELECT DISTINCT region_id FROM unrest_panel)
SELECT
    (SELECT count(*) FROM unrest_panel) AS rows,
    (SELECT count(*) FROM panel_regions) AS regions,
    (SELECT count(DISTINCT period_start) FROM unrest_panel) AS periods,
    (SELECT count(*) FROM (SELECT DISTINCT region_id, period_start FROM unrest_panel)) AS distinct_cells,
    (SELECT coalesce(sum(unrest_count), 0) FROM unrest_panel) AS unrest_in_panel,
    (SELECT count(*) FROM unrest_events, span
      WHERE event_region_at($level, prefecture_id, province_id, country_id) IS NOT NULL
        AND preset = $preset
        AND period_start_of($period, event_date) BETWEEN first_period AND last_period) AS unrest_in_span,
    (SELECT coalesce(sum(ps_ai_contracts), 0) FROM unrest_panel) AS ps_ai_in_panel,
    (SELECT count(*) FROM contract_outcomes, span
      WHERE is_public_security_ai
        AND buyer_region_at($level, buyer_region_id, buyer_region_level) IS NOT NULL
        AND period_start_of($period, award_date) BETWEEN first_period AND last_period) AS ps_ai_in_span;
