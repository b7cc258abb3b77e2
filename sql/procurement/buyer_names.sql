-- The distinct buyer names of contract_rows, for pipeline/lib/geo/buyers.py to resolve once each.
SELECT DISTINCT buyer_name FROM contract_rows WHERE buyer_name IS NOT NULL;
