-- Counts of the contracts' flags and gaps, for the contracts asset's metadata.
SELECT count(*) FILTER (WHERE is_ai) AS ai,
       count(*) FILTER (WHERE is_public_security_buyer) AS public_security_buyer,
       count(*) FILTER (WHERE is_public_security_ai) AS public_security_ai,
       count(*) FILTER (WHERE buyer_region_id IS NULL) AS without_region,
       count(*) FILTER (WHERE is_duplicate) AS duplicates,
       count(*) FILTER (WHERE award_date_implausible) AS implausible_award_dates,
       count(amount_converted) AS amounts_converted,
       count(conversion_problem) AS amounts_without_rate
FROM contracts;
