-- Rows geocoded only to a province (ActionGeo_Type 2, 5) that event_places put in a prefecture, other than by the
-- naive rule that says so in its note ($naive_rule_note): 0 under the precision policy.
SELECT count(*)
FROM event_places
WHERE action_geo_type IN (2, 5) AND prefecture_id IS NOT NULL AND placement_note IS DISTINCT FROM $naive_rule_note;
