-- Number the records procurement/contract_rows_from_csv just added (those from row $first_order on): source_row,
-- the record's number in the file (the header not counted), and record_order, $first_order plus it. The k-th
-- record read is record k plus the number of records left out before it (csv_problems): points holds, for
-- each left-out record, how many records were read before it, and ASOF finds the last such point below k.
UPDATE contract_rows
SET source_row = numbered.record, record_order = $first_order + numbered.record
FROM (
    WITH skips AS (
        SELECT record - row_number() OVER (ORDER BY record) AS read_before, count(*) OVER (ORDER BY record) AS skipped
        FROM csv_problems
    ),
    points AS (SELECT read_before, max(skipped) AS skipped FROM skips GROUP BY read_before),
    read AS (
        SELECT rowid AS row_id, rowid - $first_order + 1 AS nth_read FROM contract_rows WHERE rowid >= $first_order
    )
    SELECT row_id, nth_read + coalesce(points.skipped, 0) AS record
    FROM read ASOF LEFT JOIN points ON read.nth_read > points.read_before
) AS numbered
WHERE contract_rows.rowid = numbered.row_id;
