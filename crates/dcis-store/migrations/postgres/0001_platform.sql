-- dcis platform schema, PostgreSQL.
-- Times are integer milliseconds since the Unix epoch (UTC). Ids are UUIDv7
-- in text form. Every record carries the installation that created it.

CREATE TABLE installation (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE province (
    code        TEXT PRIMARY KEY CHECK (length(code) = 2),
    iso_code    TEXT NOT NULL UNIQUE,
    name_en     TEXT NOT NULL,
    name_lo     TEXT NOT NULL
);

CREATE TABLE district (
    code          TEXT PRIMARY KEY CHECK (length(code) = 4),
    province_code TEXT NOT NULL REFERENCES province (code),
    name_en       TEXT NOT NULL,
    name_lo       TEXT NOT NULL,
    CHECK (substr(code, 1, 2) = province_code)
);
CREATE INDEX district_province ON district (province_code);

CREATE TABLE village (
    id              TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    district_code   TEXT NOT NULL REFERENCES district (code),
    name_en         TEXT NOT NULL,
    name_lo         TEXT NOT NULL,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    created_at      BIGINT NOT NULL,
    UNIQUE (district_code, name_en)
);

CREATE TABLE border_crossing (
    id                  TEXT PRIMARY KEY,
    installation_id     TEXT NOT NULL,
    name_en             TEXT NOT NULL UNIQUE,
    name_lo             TEXT NOT NULL,
    province_code       TEXT NOT NULL REFERENCES province (code),
    district_code       TEXT REFERENCES district (code),
    counterpart_country TEXT NOT NULL,
    counterpart_name    TEXT NOT NULL,
    border_type         TEXT NOT NULL,
    has_blo             BIGINT NOT NULL CHECK (has_blo IN (0, 1)),
    latitude            DOUBLE PRECISION,
    longitude           DOUBLE PRECISION,
    notes               TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE organisation (
    id              TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    code            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    name_lo         TEXT NOT NULL,
    province_code   TEXT REFERENCES province (code),
    created_at      BIGINT NOT NULL
);

CREATE TABLE unit (
    id              TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisation (id),
    name_en         TEXT NOT NULL,
    name_lo         TEXT NOT NULL,
    province_code   TEXT REFERENCES province (code),
    district_code   TEXT REFERENCES district (code),
    created_at      BIGINT NOT NULL,
    UNIQUE (organisation_id, name_en)
);
CREATE INDEX unit_organisation ON unit (organisation_id);

CREATE TABLE app_user (
    id                  TEXT PRIMARY KEY,
    installation_id     TEXT NOT NULL,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    unit_id             TEXT NOT NULL REFERENCES unit (id),
    role                TEXT NOT NULL,
    scope               TEXT NOT NULL,
    clearance           TEXT NOT NULL,
    language            TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    disabled_at         BIGINT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX app_user_unit ON app_user (unit_id);

-- Server-side sessions. The cookie holds a random secret; only its SHA-256
-- is stored, so a copy of the database does not let anyone log in.
CREATE TABLE session (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    address      TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);
CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES app_user (id),
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE login_failure (
    id       BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX login_failure_username ON login_failure (username, at);
CREATE INDEX login_failure_address ON login_failure (address, at);

-- The audit chain. `audit_head` holds the last sequence number and hash;
-- every append updates it in the same transaction as the change.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_entry (
    seq             BIGINT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    at              BIGINT NOT NULL,
    installation_id TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    actor_name      TEXT NOT NULL,
    action          TEXT NOT NULL,
    entity_type     TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    before_json     TEXT NOT NULL,
    after_json      TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_entry_entity ON audit_entry (entity_type, entity_id, seq);
CREATE INDEX audit_entry_actor ON audit_entry (actor_id, seq);
