-- The first record csv/read left out and why (csv/problems), for a file that must have none.
SELECT problem FROM csv_problems ORDER BY record LIMIT 1;
