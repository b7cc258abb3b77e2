-- The faults of the records that could not be read as lines of their file, as "file:line: reason" for the run's log
-- (the first 20, in file order).
SELECT source_file || ':' || regexp_replace(quarantine_reason, '^line ([0-9]+): ', '\1: ') AS fault
FROM contract_quarantine
WHERE regexp_matches(quarantine_reason, '^line [0-9]+: ')
ORDER BY source, source_file, source_row
LIMIT 20;
