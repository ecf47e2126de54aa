-- The words a case's narrative and operation name, and a person's names,
-- are searched by (docs/search.md): segmented (Lao has no spaces between
-- words) and folded by dcis, stored as ' w1 w2 … ' so that a query word
-- that starts a stored word is LIKE '% w%'. dcis writes the column with
-- every case and person; NULL marks a row written before this migration,
-- which dcis fills when it opens the database (the words are computed in
-- Rust, not in SQL).

ALTER TABLE law_case ADD COLUMN search_words TEXT;
ALTER TABLE person ADD COLUMN search_words TEXT;

-- Rows still to fill: empty once filled, so the check at each start is free.
CREATE INDEX law_case_search_unfilled ON law_case (id) WHERE search_words IS NULL;
CREATE INDEX person_search_unfilled ON person (id) WHERE search_words IS NULL;
