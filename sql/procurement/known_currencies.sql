-- known_currencies (temporary): the currency codes a contract may be in ($known_currencies), for the
-- statements that add records to contract_rows (procurement/contract_rows_from_csv, _from_frame).
CREATE OR REPLACE TEMP TABLE known_currencies AS SELECT unnest($known_currencies::VARCHAR[]) AS code;
