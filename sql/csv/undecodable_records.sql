-- How many records csv/read left out for bytes that are not text in the file's encoding.
SELECT count(*) FROM csv_reject_errors WHERE error_type = 'INVALID ENCODING';
