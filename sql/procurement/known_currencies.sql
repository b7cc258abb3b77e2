-- known_currencies (temporary): the currency codes a contract may be in ($known_currencies), for
-- procurement/contract_currency_check.
CREATE OR REPLACE TEMP TABLE known_currencies AS SELECT unnest($known_currencies::VARCHAR[]) AS code;
