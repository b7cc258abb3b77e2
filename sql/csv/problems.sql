-- csv_problems (temporary): one row per record csv/read left out, with its record number (the header not
-- counted; DuckDB's `line` counts records, the header as 1), the file's line where it starts (csv_file_lines)
-- and what is wrong with it, e.g. "line 9: 10 fields where the header has 8". Where a record has several
-- faults, the first in the line.
-- The offending byte is read from the file itself (csv_bytes), as DuckDB shows it as '?'.
CREATE OR REPLACE TEMP TABLE csv_problems AS
WITH faults AS (
    SELECT line, error_type, min(byte_position) AS byte_position, any_value(line_byte_position) AS line_start,
           min(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS fewest_fields,
           max(TRY_CAST(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) AS most_fields,
           any_value(regexp_extract(error_message, 'Expected Number of Columns: ([0-9]+)', 1)) AS header_fields,
           any_value(split_part(error_message, chr(10), 1)) AS message
    FROM csv_reject_errors
    GROUP BY line, error_type
),
first_fault AS (
    SELECT * FROM faults QUALIFY row_number() OVER (PARTITION BY line ORDER BY byte_position, error_type) = 1
)
SELECT line - 1 AS record, file_line AS line,
       'line ' || file_line || ': ' || CASE error_type
           WHEN 'TOO MANY COLUMNS' THEN most_fields || ' fields where the header has ' || header_fields
           WHEN 'MISSING COLUMNS' THEN fewest_fields || ' fields where the header has ' || header_fields
           -- A quote opened and never closed takes the lines after it into its field, up to the next quote.
           WHEN 'UNQUOTED VALUE' THEN 'a quoted field is not closed where it ends (a quote missing, or text after '
               || 'the closing quote); a quote never closed takes the lines after it with it'
           WHEN 'INVALID ENCODING' THEN
               'byte 0x' || lower(hex(content[byte_position:byte_position])) || ' at column '
               || (length(decode(content[line_start:byte_position - 1])) + 1) || ' is not ' || $encoding || $hint
           ELSE message
       END AS problem
FROM first_fault JOIN csv_file_lines USING (line_start) LEFT JOIN csv_bytes ON true
ORDER BY line;
