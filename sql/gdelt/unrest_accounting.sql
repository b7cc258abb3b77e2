-- What every_event_screened compares: gdelt_events rows, unrest definitions, unrest_screening rows, the rows it keeps,
-- and unrest_events rows. Screening is complete when screened = gdelt_rows x definitions, and unrest_events holds
-- exactly the kept rows (each placed by event_places) when events = kept.
SELECT
    (SELECT count(*) FROM gdelt_events) AS gdelt_events,
    (SELECT count(*) FROM unrest_definitions) AS definitions,
    (SELECT count(*) FROM unrest_screening) AS screened,
    (SELECT count(*) FROM unrest_screening WHERE exclusion_reason IS NULL) AS kept,
    (SELECT count(*) FROM unrest_events) AS unrest_events;
