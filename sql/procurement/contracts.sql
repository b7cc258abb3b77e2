-- contracts: usable contract records, normalised and classified by the taxonomy (pipeline/data/taxonomy.toml).
-- Each flag has a *_rule column holding the taxonomy pattern that set it:
--   is_ai: an AI pattern in the title (not a maintenance contract), or a supplier on the AI-firm list;
--   is_public_security_ai: is_ai and a public-security buyer;
--   buyer_sector: public_security, bank, hospital or education (the placebo sectors), from the buyer's name.
-- Duplicates (one award published several times) are kept and marked; panels count originals only.
-- Buyer region: the file's buyer_region_id when it is a known region id (buyer_region_source 'given', or how
-- the reader found it: 'region column', 'title'); otherwise the region resolved
-- from the buyer's name (buyer_resolutions, see pipeline/lib/geo/buyers.py); otherwise NULL, with the
-- candidate regions when the name was ambiguous. buyer_region_given keeps what the file said.
CREATE OR REPLACE TABLE contracts AS
WITH classified AS (
    SELECT
        *,
        coalesce(taxonomy_rule(title, $ai_patterns, $ai_exclusions),
                 'supplier: ' || taxonomy_rule(supplier_name, $ai_firm_patterns, $ai_firm_exclusions)) AS ai_rule,
        taxonomy_rule(title, $surveillance_patterns, $surveillance_exclusions) AS surveillance_rule,
        taxonomy_rule(buyer_name, $public_security_buyer_patterns, $public_security_buyer_exclusions)
            AS public_security_buyer_rule,
        taxonomy_rule(buyer_name, $bank_buyer_patterns, $bank_buyer_exclusions) AS bank_rule,
        taxonomy_rule(buyer_name, $hospital_buyer_patterns, $hospital_buyer_exclusions) AS hospital_rule,
        taxonomy_rule(buyer_name, $education_buyer_patterns, $education_buyer_exclusions) AS education_rule
    FROM contract_staging
    WHERE quarantine_reason IS NULL
),
normalised AS (
SELECT
    id_value AS contract_id,
    award_date_value AS award_date,
    -- Before 1990 or more than a year ahead: a typo (2105 for 2015) more often than a contract; kept, flagged,
    -- and left out of the panels (contract_outcomes), which would otherwise stretch their span to it.
    award_date_value < DATE '1990-01-01' OR award_date_value > current_date + INTERVAL 1 YEAR AS award_date_implausible,
    nullif(trim(classified.buyer_name), '') AS buyer_name,
    coalesce(r.region_id, b.resolved_region_id) AS buyer_region_id,
    coalesce(r.level, b.resolved_level) AS buyer_region_level,
    CASE WHEN r.region_id IS NOT NULL THEN coalesce(classified.buyer_region_source, 'given')
         WHEN b.resolved_region_id IS NOT NULL THEN 'buyer name' END AS buyer_region_source,
    CASE WHEN r.region_id IS NULL AND b.resolved_region_id IS NULL THEN nullif(b.candidates, '') END
        AS buyer_region_candidates,
    nullif(trim(classified.buyer_region_id), '') AS buyer_region_given,
    nullif(trim(supplier_name), '') AS supplier_name,
    amount_value AS amount,
    currency_value AS currency,
    nullif(trim(title), '') AS title,
    ai_rule IS NOT NULL AS is_ai,
    surveillance_rule IS NOT NULL AS is_surveillance,
    public_security_buyer_rule IS NOT NULL AS is_public_security_buyer,
    ai_rule IS NOT NULL AND public_security_buyer_rule IS NOT NULL AS is_public_security_ai,
    CASE
        WHEN public_security_buyer_rule IS NOT NULL THEN 'public_security'
        WHEN bank_rule IS NOT NULL THEN 'bank'
        WHEN hospital_rule IS NOT NULL THEN 'hospital'
        WHEN education_rule IS NOT NULL THEN 'education'
    END AS buyer_sector,
    ai_rule,
    surveillance_rule,
    public_security_buyer_rule,
    coalesce(public_security_buyer_rule, bank_rule, hospital_rule, education_rule) AS buyer_sector_rule,
    $taxonomy_version AS taxonomy_version,
    notice_type,
    source,
    source_file,
    source_row
FROM classified
LEFT JOIN regions AS r ON r.region_id = trim(classified.buyer_region_id)
LEFT JOIN buyer_resolutions AS b ON b.buyer_name = classified.buyer_name
),
-- The same award published more than once: the same notice id, or the same buyer, supplier, amount and
-- date. The first record (by file and row) is the original; the others stay, marked with duplicate_of.
first_by_id AS (
    SELECT *, first_value(contract_id) OVER same_id AS first_id,
           row_number() OVER same_id AS nth_with_id,
           first_value(contract_id) OVER same_award AS first_award_id,
           row_number() OVER same_award AS nth_award
    FROM normalised
    WINDOW same_id AS (PARTITION BY contract_id ORDER BY source_file, source_row),
           same_award AS (PARTITION BY buyer_name, supplier_name, amount, award_date ORDER BY source_file, source_row)
)
SELECT * EXCLUDE (first_id, nth_with_id, first_award_id, nth_award),
       CASE
           WHEN nth_with_id > 1 THEN first_id
           WHEN nth_award > 1 AND buyer_name IS NOT NULL AND supplier_name IS NOT NULL THEN first_award_id
       END AS duplicate_of,
       nth_with_id > 1 OR (nth_award > 1 AND buyer_name IS NOT NULL AND supplier_name IS NOT NULL) AS is_duplicate
FROM first_by_id
ORDER BY award_date, contract_id, source_file, source_row;
