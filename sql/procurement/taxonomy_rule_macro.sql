-- taxonomy_rule(lowered, pattern, exclusion): the taxonomy pattern found in `lowered` (a text already
-- lower-cased, once, by the caller: lowering it in each of the macro's three uses was a third of its cost), or
-- NULL when none is, or when the exclusion matches too. pattern and exclusion are regular expressions of
-- alternated literal patterns (lower-cased, escaped; see Taxonomy.sql_params): one pass per category, and
-- where several patterns occur, the leftmost occurrence in the text is the rule. The pattern is extracted only
-- from the texts it matches: finding a match costs a fifth of extracting one, and most texts match nothing.
CREATE OR REPLACE TEMP MACRO taxonomy_rule(lowered, pattern, exclusion) AS
    CASE WHEN regexp_matches(lowered, pattern) AND NOT regexp_matches(lowered, exclusion)
         THEN regexp_extract(lowered, pattern, 0)
    END;
