-- The rows of a parsed batch (the registered relation parsed_rows) in the scope $countries, $root_codes, in their
-- order (the connection runs one thread).
SELECT *
FROM parsed_rows
WHERE in_gdelt_scope(ActionGeo_CountryCode, EventRootCode, $countries::VARCHAR[], $root_codes::VARCHAR[]);
