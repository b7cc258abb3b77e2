-- contracts: usable contract records, normalised and classified by the taxonomy.
-- Each flag has a *_rule column holding the taxonomy pattern that set it.
-- Buyer region: the file's buyer_region_id when it is a known region id; otherwise the region resolved
-- from the buyer's name (buyer_resolutions, see pipeline/lib/geo/buyers.py); otherwise NULL, with the
-- candidate regions when the name was ambiguous. buyer_region_given keeps what the file said.
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
    nullif(trim(classified.buyer_name), '') AS buyer_name,
    coalesce(r.region_id, b.resolved_region_id) AS buyer_region_id,
    coalesce(r.level, b.resolved_level) AS buyer_region_level,
    CASE WHEN r.region_id IS NOT NULL THEN 'given' WHEN b.resolved_region_id IS NOT NULL THEN 'buyer name' END
        AS buyer_region_source,
    CASE WHEN r.region_id IS NULL AND b.resolved_region_id IS NULL THEN nullif(b.candidates, '') END
        AS buyer_region_candidates,
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
LEFT JOIN buyer_resolutions AS b ON b.buyer_name = classified.buyer_name
ORDER BY award_date, contract_id, source_row;
