-- The last quarantine reason, once every source is in contract_rows: a usable record whose currency is not
-- one of known_currencies. An update of the few records it finds, rather than another copy of all of them.
UPDATE contract_rows
SET quarantine_reason = 'currency ''' || coalesce(currency, '') || ''' is not known'
WHERE quarantine_reason IS NULL AND NOT coalesce(currency_value IN (SELECT code FROM known_currencies), false);
