-- The search index (docs/search.md): one row per word of a record and the
-- record, so that the records holding a word that starts with a query word
-- are a range of this table's key, read without scanning the records.
--
--   source 'case':      the words of a case's operation name and narrative
--                       and of its items' tablet logos and packaging brands
--                       (record_id: the case), as in law_case.search_words;
--   source 'reference': the endings of a case's reference that start at a
--                       part (record_id: the case), as in
--                       law_case.reference_words;
--   source 'person':    the words of a person's names and aliases
--                       (record_id: the person), as in person.search_words.
--
-- The columns stay the per-record form of the same words: a query tests
-- them on the rows it reads anyway, and uses this table only to find the
-- few records a rare word is in. Terms are compared byte by byte (UTF-8),
-- which is what makes "starts with" a key range on both engines.

CREATE TABLE search_term (
    source TEXT NOT NULL CHECK (source IN ('case', 'reference', 'person')),
    term TEXT COLLATE "C" NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (source, term, record_id)
);

ALTER TABLE law_case ADD COLUMN reference_words TEXT;

-- Plates, phone numbers and accounts are searched by key whatever their kind.
CREATE INDEX case_object_search_key ON case_object (search_key);

-- Every record's words are derived again (now with its items' logos and
-- brands, and its reference) and its terms written, by dcis when it opens
-- the database: NULL marks a row to fill (migration 0007).
UPDATE law_case SET search_words = NULL;
UPDATE person SET search_words = NULL;
