-- An order-independent digest of the rows of table $table: the md5 over the sorted md5s of its rows (each row as
-- text), so the same rows in any order give the same digest, and any changed value another.
SELECT md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS digest
FROM (SELECT md5(CAST(t AS VARCHAR)) AS h FROM query_table($table) AS t);
