-- The region a panel at `level` (prefecture, province or country) counts an event or a contract in, the one
-- definition unrest_panel and its check use; NULL when the panel has no region for it. GB/T 2260 codes nest
-- (440100 in 440000), so a prefecture's events and contracts count in its province, and every Chinese one in
-- CHN. An event is placed by its prefecture_id, province_id and country_id (unrest_events); a contract by its
-- buyer's region and that region's level (contracts), and a country-level buyer counts only in a country panel.
-- Macros of every warehouse connection, as periods.sql.
CREATE OR REPLACE TEMP MACRO event_region_at(level, prefecture_id, province_id, country_id) AS
    CASE level WHEN 'prefecture' THEN prefecture_id WHEN 'province' THEN province_id
               WHEN 'country' THEN country_id
               ELSE error('level ''' || level || ''' is not prefecture, province or country') END;
CREATE OR REPLACE TEMP MACRO buyer_region_at(level, buyer_region_id, buyer_region_level) AS
    CASE
        WHEN level = 'prefecture' AND buyer_region_level = 'prefecture' THEN buyer_region_id
        WHEN level = 'province' AND buyer_region_level IN ('prefecture', 'province')
            THEN left(buyer_region_id, 2) || '0000'
        WHEN level = 'country' AND buyer_region_level IN ('prefecture', 'province') THEN 'CHN'
        WHEN level = 'country' AND buyer_region_level = 'country' THEN buyer_region_id
    END;
