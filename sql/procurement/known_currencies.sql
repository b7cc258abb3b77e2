-- known_currencies (temporary): the currency codes a contract may be in ($known_currencies), for
-- contract_staging, which as a view cannot take the list as a parameter.
CREATE OR REPLACE TEMP TABLE known_currencies AS SELECT unnest($known_currencies::VARCHAR[]) AS code;
