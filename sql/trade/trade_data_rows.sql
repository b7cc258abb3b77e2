-- The rows of the four tables the trade files load: what the trade_data check adds up against the records read.
SELECT 'trade_deals' AS table_name, count(*) AS rows FROM trade_deals
UNION ALL SELECT 'trade_deal_quarantine', count(*) FROM trade_deal_quarantine
UNION ALL SELECT 'covariates', count(*) FROM covariates
UNION ALL SELECT 'covariate_quarantine', count(*) FROM covariate_quarantine;
