-- csv_bytes (temporary): the bytes of the file csv/read read, for csv/problems to show the bytes that are not
-- text in its encoding. Read only when there are such bytes (csv/no_bytes otherwise): it is the whole file.
CREATE OR REPLACE TEMP TABLE csv_bytes AS SELECT content FROM read_blob($path);
