-- taxonomy_rule(text, patterns, exclusions): the first pattern contained in text (case-insensitive),
-- or NULL when none is, or when an exclusion is contained too. Patterns come lower-cased.
CREATE OR REPLACE TEMP MACRO taxonomy_rule(text, patterns, exclusions) AS
    CASE WHEN len(list_filter(exclusions, p -> contains(lower(coalesce(text, '')), p))) = 0
         THEN list_filter(patterns, p -> contains(lower(coalesce(text, '')), p))[1]
    END;
