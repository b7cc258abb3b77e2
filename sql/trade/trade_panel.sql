-- trade_panel: a balanced importer x year panel for the trade design (Beraja, Kao, Yang and Yuchtman, NBER w31676).
--   countries: every importer in trade_deals other than $exporter (ISO 3166-1 alpha-3);
--   years:     $start_year to $end_year (defaults: the first and last year of trade_deals).
-- Unrest: events of the preset $preset placed in the country (unrest_events.country_id, mapped from GDELT's
-- FIPS country code), counted by year and standardised over all cells (unrest_z); high_unrest is above the
-- mean plus one standard deviation. Imports: deals of the year from $exporter, from the comparison exporters
-- ($comparison_exporters), and from all other exporters. Regime: the country's mean of covariate $regime_covariate
-- over the panel's years (covariates; a value with no year counts for every year); below $regime_cutoff is
-- 'autocracy_or_weak_democracy', at or above it 'mature_democracy', NULL when the country has no value.
CREATE OR REPLACE TABLE trade_panel AS
WITH bounds AS (
    SELECT coalesce($start_year, min(year)) AS first_year, coalesce($end_year, max(year)) AS last_year
    FROM trade_deals
),
years AS (
    SELECT unnest(range(first_year, last_year + 1)) AS year FROM bounds
),
countries AS (
    SELECT DISTINCT importer AS region_id FROM trade_deals WHERE importer <> $exporter
),
unrest AS (
    SELECT country_id AS region_id, year(event_date) AS year, count(*) AS unrest_count
    FROM unrest_events
    WHERE preset = $preset AND country_id IS NOT NULL
    GROUP BY ALL
),
deals AS (
    SELECT importer AS region_id, year,
           count(*) FILTER (WHERE exporter = $exporter) AS imports_from_exporter,
           count(*) FILTER (WHERE exporter = $exporter AND smart_city) AS smart_city_imports_from_exporter,
           count(*) FILTER (WHERE list_contains($comparison_exporters, exporter)) AS imports_from_comparison,
           count(*) FILTER (WHERE exporter <> $exporter) AS imports_from_others
    FROM trade_deals
    GROUP BY ALL
),
grid AS (
    SELECT c.region_id, y.year,
           coalesce(u.unrest_count, 0) AS unrest_count,
           coalesce(d.imports_from_exporter, 0) AS imports_from_exporter,
           coalesce(d.smart_city_imports_from_exporter, 0) AS smart_city_imports_from_exporter,
           coalesce(d.imports_from_comparison, 0) AS imports_from_comparison,
           coalesce(d.imports_from_others, 0) AS imports_from_others
    FROM countries AS c
    CROSS JOIN years AS y
    LEFT JOIN unrest AS u USING (region_id, year)
    LEFT JOIN deals AS d USING (region_id, year)
),
regime AS (
    SELECT g.region_id, avg(v.value) AS regime_score
    FROM grid AS g
    JOIN covariates AS v
        ON v.region_id = g.region_id AND v.covariate = $regime_covariate AND (v.year = g.year OR v.year IS NULL)
    GROUP BY ALL
),
-- Standardisation: sql/macros/standardisation.sql, as in unrest_panel.
unrest_stats AS (
    SELECT exact_mean(unrest_count) AS mean, exact_sd(unrest_count) AS sd
    FROM grid
)
SELECT
    g.region_id,
    make_date(g.year, 1, 1) AS period_start,
    g.year,
    $preset AS unrest_preset,
    g.unrest_count,
    standardised(g.unrest_count, s.mean, s.sd) AS unrest_z,
    above_mean_plus_sd(g.unrest_count, s.mean, s.sd) AS high_unrest,
    $exporter AS exporter,
    g.imports_from_exporter,
    g.smart_city_imports_from_exporter,
    g.imports_from_comparison,
    g.imports_from_others,
    r.regime_score,
    CASE WHEN r.regime_score IS NULL THEN NULL
         WHEN r.regime_score < $regime_cutoff THEN 'autocracy_or_weak_democracy'
         ELSE 'mature_democracy' END AS regime
FROM grid AS g
CROSS JOIN unrest_stats AS s
LEFT JOIN regime AS r USING (region_id)
ORDER BY g.region_id, g.year;
