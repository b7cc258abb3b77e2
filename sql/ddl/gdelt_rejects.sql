-- Lines of export files that could not be typed, each with its reason and raw text.
CREATE TABLE IF NOT EXISTS gdelt_rejects (
    partition_month VARCHAR,
    source_file     VARCHAR,
    source_line     BIGINT,
    reason          VARCHAR,
    raw_line        VARCHAR
);
