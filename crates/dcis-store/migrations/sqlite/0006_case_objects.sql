-- Vehicles, phones, bank accounts and assets of a case. The search key (a
-- plate without spaces, a phone in E.164, an account number) recognises
-- the same object across cases.

CREATE TABLE case_object (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES law_case (id),
    kind        TEXT NOT NULL,
    position    BIGINT NOT NULL,
    fields_json TEXT NOT NULL,
    search_key  TEXT NOT NULL,
    label       TEXT NOT NULL,
    person_id   TEXT REFERENCES person (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX case_object_case ON case_object (case_id, position);
CREATE INDEX case_object_key ON case_object (kind, search_key);
