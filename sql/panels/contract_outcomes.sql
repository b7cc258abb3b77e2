-- contract_outcomes: the contracts the panels count (duplicate publications and implausible award dates left
-- out), each with a boolean
-- column outcome_<name> per contract outcome it counts toward, and the amount that ps_ai_amount adds up.
-- event_windows and unrest_panel both count count_if(COLUMNS('^outcome_(.*)$')), so an outcome is defined
-- here once, and a new one reaches both. A view of the warehouse (not of a connection), so that the view
-- contract_windows reads these contracts too, under the same rule.
CREATE OR REPLACE VIEW contract_outcomes AS
SELECT
    contract_id,
    award_date,
    buyer_region_id,
    buyer_region_level,
    is_public_security_ai,
    CASE WHEN is_public_security_ai THEN amount END AS ps_ai_amount_value,
    is_ai AS outcome_ai_contracts,
    is_public_security_ai AS outcome_ps_ai_contracts,
    is_ai AND NOT is_public_security_buyer AS outcome_placebo_ai_contracts,
    is_ai AND buyer_sector = 'bank' AS outcome_bank_ai_contracts,
    is_ai AND buyer_sector = 'hospital' AS outcome_hospital_ai_contracts,
    is_ai AND buyer_sector = 'education' AS outcome_education_ai_contracts
FROM contracts
WHERE NOT is_duplicate AND NOT award_date_implausible;
