-- The ledger: one row per export file the file list promised for an ingested month,
-- with what became of it and how its rows were accounted for.
CREATE TABLE IF NOT EXISTS gdelt_files (
    partition_month   VARCHAR,
    file_name         VARCHAR,
    url               VARCHAR,
    expected_size     BIGINT,
    expected_md5      VARCHAR,
    status            VARCHAR,
    detail            VARCHAR,
    zipped_bytes      BIGINT,
    rows_read         BIGINT,
    rows_kept         BIGINT,
    rows_out_of_scope BIGINT,
    rows_rejected     BIGINT,
    scope             VARCHAR
);
