-- The ledger: one row per events file that holds an ingested month (as the file lists promise it),
-- with what became of it and how its rows were accounted for:
--   rows_read = rows_kept + rows_out_of_scope + rows_other_months + rows_rejected
CREATE TABLE IF NOT EXISTS gdelt_files (
    partition_month   VARCHAR,
    file_name         VARCHAR,
    url               VARCHAR,
    layout            VARCHAR,
    expected_size     BIGINT,
    expected_md5      VARCHAR,
    status            VARCHAR,
    detail            VARCHAR,
    attempts          BIGINT,
    zipped_bytes      BIGINT,
    rows_read         BIGINT,
    rows_kept         BIGINT,
    rows_out_of_scope BIGINT,
    rows_other_months BIGINT,
    rows_rejected     BIGINT,
    scope             VARCHAR,
    checked_at        TIMESTAMP
);
