-- procurement/contract_rows_numbered when no record of the file was left out: the k-th record read is record k.
UPDATE contract_rows
SET source_row = rowid - $first_order + 1, record_order = rowid + 1
WHERE rowid >= $first_order;
