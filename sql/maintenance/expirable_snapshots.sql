-- The snapshots maintenance may expire: committed more than $retention_days days ago, not the current one, and
-- cited by no export manifest (export_manifests, when the lake has it: $has_manifests), so that every export a
-- manifest describes can be read again as it was.
SELECT snapshot_id
FROM lake.snapshots()
WHERE snapshot_time < now() - to_days(CAST($retention_days AS INTEGER))
  AND snapshot_id < (SELECT id FROM lake.current_snapshot())
  AND NOT ($has_manifests AND snapshot_id IN (SELECT lake_snapshot FROM query_table('export_manifests')))
ORDER BY snapshot_id;
