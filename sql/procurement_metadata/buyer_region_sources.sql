-- How the contracts' buyer regions were found (buyer_region_source), and how many were not ('unresolved').
SELECT coalesce(buyer_region_source, 'unresolved') AS buyer_region_source, count(*) AS contracts
FROM contracts
GROUP BY ALL
ORDER BY ALL;
