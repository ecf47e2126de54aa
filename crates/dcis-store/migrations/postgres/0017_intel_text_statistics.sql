-- The report search tests LOWER(title) and LOWER(reference) with LIKE '%…%'. Without statistics
-- on those expressions PostgreSQL guesses from the pattern alone that a word such as "heroin"
-- matches a few reports in a million, where it matches one in ten; it then plans a page of the
-- search as "read every match and sort", 0.8 s, instead of walking the date index until the page
-- is full, a few ms (BENCHMARKS.md, "Access policy filter"). With statistics on the expressions
-- (gathered by ANALYZE, which autovacuum runs) it estimates the match from a sample of titles.
CREATE STATISTICS intelligence_report_lower_title ON (LOWER(title)) FROM intelligence_report;
CREATE STATISTICS intelligence_report_lower_reference ON (LOWER(reference)) FROM intelligence_report;
