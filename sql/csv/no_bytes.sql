-- csv_bytes (temporary), empty: csv/read found every byte to be text in the file's encoding.
CREATE OR REPLACE TEMP TABLE csv_bytes (content BLOB);
