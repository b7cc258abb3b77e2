-- known_currencies as one list, the parameter the statements adding records to contract_rows take.
SELECT list(code ORDER BY code) FROM known_currencies;
