-- taxonomy_rule(text, pattern, exclusion): the taxonomy pattern found in text (case-insensitive), or NULL
-- when none is, or when the exclusion matches too. pattern and exclusion are regular expressions of
-- alternated literal patterns (lower-cased, escaped; see Taxonomy.sql_params): one pass per category,
-- and where several patterns occur, the leftmost occurrence in the text is the rule.
CREATE OR REPLACE TEMP MACRO taxonomy_rule(text, pattern, exclusion) AS
    CASE WHEN NOT regexp_matches(lower(coalesce(text, '')), exclusion)
         THEN nullif(regexp_extract(lower(coalesce(text, '')), pattern, 0), '')
    END;
