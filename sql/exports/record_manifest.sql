-- One manifest written: table $table, read from snapshot $lake_snapshot, exported as $export_sha256 with $rows rows.
INSERT INTO export_manifests VALUES ($table, $lake_snapshot, $export_sha256, $rows);
