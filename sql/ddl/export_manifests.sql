-- Every export manifest written (pipeline/lib/exports.py): the snapshot it cites, which the warehouse's
-- maintenance never expires, so that every cited panel can be read again as it was exported.
CREATE TABLE IF NOT EXISTS export_manifests (
    table_name    VARCHAR,
    lake_snapshot BIGINT,
    export_sha256 VARCHAR,
    rows          BIGINT
);
