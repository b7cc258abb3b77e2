-- The compiled releases publishers ship: ocid, file, document, JSON; by ocid, in the order read.
SELECT ocid, file, document, data FROM compiled ORDER BY ocid, seq;
