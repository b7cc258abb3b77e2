-- contracts: usable contract records, normalised and classified by the taxonomy.
-- Each flag has a *_rule column holding the taxonomy pattern that set it. buyer_region_id is NULL
-- when the file's region id is not in regions; buyer_region_given keeps what the file said.
CREATE OR REPLACE TABLE contracts AS
WITH classified AS (
    SELECT
        *,
        list_filter($ai_patterns, p -> contains(lower(coalesce(title, '')), p))[1] AS ai_rule,
        list_filter($public_security_buyer_patterns, p -> contains(lower(coalesce(buyer_name, '')), p))[1]
            AS public_security_buyer_rule
    FROM contract_staging
    WHERE quarantine_reason IS NULL
)
SELECT
    id_value AS contract_id,
    award_date_value AS award_date,
    nullif(trim(buyer_name), '') AS buyer_name,
    r.region_id AS buyer_region_id,
    r.level AS buyer_region_level,
    nullif(trim(classified.buyer_region_id), '') AS buyer_region_given,
    nullif(trim(supplier_name), '') AS supplier_name,
    amount_value AS amount,
    currency_value AS currency,
    nullif(trim(title), '') AS title,
    ai_rule IS NOT NULL AS is_ai,
    public_security_buyer_rule IS NOT NULL AS is_public_security_buyer,
    ai_rule IS NOT NULL AND public_security_buyer_rule IS NOT NULL AS is_public_security_ai,
    ai_rule,
    public_security_buyer_rule,
    $taxonomy_version AS taxonomy_version,
    source_file,
    source_row
FROM classified
LEFT JOIN regions AS r ON r.region_id = trim(classified.buyer_region_id)
ORDER BY award_date, contract_id, source_row;
