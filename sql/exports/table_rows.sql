-- The rows of table $table.
SELECT count(*) AS rows FROM query_table($table);
