-- Persons and their part in cases. A person is a record under the access
-- policy (same id in record_access); lists (aliases, documents, addresses)
-- are kept as typed in JSON, with documents also in their own table so that
-- a document number can be searched.

CREATE TABLE person (
    id             TEXT PRIMARY KEY REFERENCES record_access (record_id),
    name           TEXT NOT NULL,
    latin_name     TEXT NOT NULL,
    -- '|key|key|': the name, Latin name and aliases folded for search.
    search_keys    TEXT NOT NULL,
    sex            TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    age            TEXT NOT NULL,
    age_as_of      TEXT NOT NULL,
    nationality    TEXT NOT NULL,
    aliases_json   TEXT NOT NULL,
    documents_json TEXT NOT NULL,
    addresses_json TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE person_document (
    person_id       TEXT NOT NULL REFERENCES person (id),
    kind            TEXT NOT NULL,
    number          TEXT NOT NULL,
    issuing_country TEXT NOT NULL,
    PRIMARY KEY (person_id, kind, number, issuing_country)
);
CREATE INDEX person_document_number ON person_document (number);

CREATE TABLE case_person (
    case_id      TEXT NOT NULL REFERENCES law_case (id),
    person_id    TEXT NOT NULL REFERENCES person (id),
    position     BIGINT NOT NULL,
    role         TEXT NOT NULL,
    outcome_json TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_person_person ON case_person (person_id);
