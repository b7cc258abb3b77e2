-- The 20 buyers with the most contracts whose region was not found, with the regions their names could be.
SELECT buyer_name, any_value(buyer_region_candidates) AS candidates, count(*) AS contracts
FROM contracts
WHERE buyer_region_id IS NULL
GROUP BY ALL
ORDER BY contracts DESC, buyer_name
LIMIT 20;
