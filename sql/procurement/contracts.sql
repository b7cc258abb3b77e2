-- contracts: usable contract records, normalised and classified by the taxonomy (pipeline/data/taxonomy.toml).
-- Each flag has a *_rule column holding the taxonomy pattern that set it:
--   is_ai: an AI pattern in the title (not a maintenance contract), or a supplier on the AI-firm list;
--   is_public_security_ai: is_ai and a public-security buyer;
--   buyer_sector: public_security, bank, hospital or education (the placebo sectors), from the buyer's name.
-- Duplicates (one award published several times; contract_duplicates) are kept and marked; panels count
-- originals only.
-- Buyer region: the file's buyer_region_id when it is a known region id (buyer_region_source 'given', or how
-- the reader found it: 'region column', 'title'); otherwise the region resolved
-- from the buyer's name (buyer_resolutions, see pipeline/lib/geo/buyers.py); otherwise NULL, with the
-- candidate regions when the name was ambiguous. buyer_region_given keeps what the file said.
CREATE OR REPLACE TABLE contracts AS
WITH classified AS (
    SELECT
        *,
        taxonomy_rule(lowered_title, $ai_patterns, $ai_exclusions) AS title_ai_rule,
        taxonomy_rule(lowered_title, $surveillance_patterns, $surveillance_exclusions) AS surveillance_rule
    FROM (SELECT *, lower(coalesce(title, '')) AS lowered_title FROM contract_rows WHERE quarantine_reason IS NULL)
),
-- Names repeat (a buyer publishes thousands of notices): their rules are found once per distinct name.
buyers AS (
    SELECT
        *,
        taxonomy_rule(lowered_name, $public_security_buyer_patterns, $public_security_buyer_exclusions)
            AS public_security_buyer_rule,
        taxonomy_rule(lowered_name, $bank_buyer_patterns, $bank_buyer_exclusions) AS bank_rule,
        taxonomy_rule(lowered_name, $hospital_buyer_patterns, $hospital_buyer_exclusions) AS hospital_rule,
        taxonomy_rule(lowered_name, $education_buyer_patterns, $education_buyer_exclusions) AS education_rule
    FROM (SELECT *, lower(buyer_name) AS lowered_name FROM buyer_resolutions)
),
suppliers AS (
    SELECT supplier_name, taxonomy_rule(lower(supplier_name), $ai_firm_patterns, $ai_firm_exclusions) AS ai_firm_rule
    FROM (SELECT DISTINCT supplier_name FROM contract_rows WHERE supplier_name IS NOT NULL)
),
normalised AS (
SELECT
    id_value AS contract_id,
    award_date_value AS award_date,
    coalesce(award_date_precision, 'day') AS award_date_precision,
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
    nullif(trim(classified.supplier_name), '') AS supplier_name,
    amount_value AS amount,
    currency_value AS currency,
    -- Converted only when asked for ($convert_to, with the rates in currency_rates): the day's rate, else the
    -- year's; the amount itself when it is in the target currency already.
    CASE WHEN currency_value = $convert_to THEN amount_value
         ELSE round(amount_value * coalesce(day_rate.rate, year_rate.rate), 2)::DECIMAL(18, 2) END AS amount_converted,
    CASE WHEN currency_value = $convert_to OR coalesce(day_rate.rate, year_rate.rate) IS NOT NULL
         THEN $convert_to::VARCHAR END AS converted_currency,
    CASE WHEN $convert_to IS NOT NULL AND currency_value <> $convert_to AND day_rate.rate IS NULL
              AND year_rate.rate IS NULL
         THEN 'no rate for ' || currency_value || ' on ' || award_date_value || ' or in ' || year(award_date_value)
    END AS conversion_problem,
    nullif(trim(title), '') AS title,
    coalesce(title_ai_rule, 'supplier: ' || s.ai_firm_rule) IS NOT NULL AS is_ai,
    surveillance_rule IS NOT NULL AS is_surveillance,
    b.public_security_buyer_rule IS NOT NULL AS is_public_security_buyer,
    coalesce(title_ai_rule, 'supplier: ' || s.ai_firm_rule) IS NOT NULL AND b.public_security_buyer_rule IS NOT NULL
        AS is_public_security_ai,
    CASE
        WHEN b.public_security_buyer_rule IS NOT NULL THEN 'public_security'
        WHEN b.bank_rule IS NOT NULL THEN 'bank'
        WHEN b.hospital_rule IS NOT NULL THEN 'hospital'
        WHEN b.education_rule IS NOT NULL THEN 'education'
    END AS buyer_sector,
    coalesce(title_ai_rule, 'supplier: ' || s.ai_firm_rule) AS ai_rule,
    surveillance_rule,
    b.public_security_buyer_rule,
    coalesce(b.public_security_buyer_rule, b.bank_rule, b.hospital_rule, b.education_rule) AS buyer_sector_rule,
    $taxonomy_version AS taxonomy_version,
    notice_type,
    source,
    source_file,
    source_row,
    record_order
FROM classified
LEFT JOIN regions AS r ON r.region_id = trim(classified.buyer_region_id)
LEFT JOIN buyers AS b ON b.buyer_name = classified.buyer_name
LEFT JOIN suppliers AS s ON s.supplier_name = classified.supplier_name
LEFT JOIN currency_rates AS day_rate
    ON day_rate.currency = currency_value AND day_rate.day = award_date_value
LEFT JOIN currency_rates AS year_rate
    ON year_rate.currency = currency_value AND year_rate.year = year(award_date_value)
),
duplicates AS (SELECT * FROM contract_duplicates)
SELECT n.* EXCLUDE (record_order),
       d.duplicate_of,
       d.record_order IS NOT NULL AS is_duplicate
FROM normalised AS n
LEFT JOIN duplicates AS d ON d.record_order = n.record_order;
-- Stored in no particular order (the joins above shuffle it): sorting 3 million wide rows was a fifth of the
-- load (benchmarks/contracts_load.py). The content is reproducible; a query that wants an order says so
-- (ORDER BY award_date, contract_id; or source, source_file, source_row for the order read).
