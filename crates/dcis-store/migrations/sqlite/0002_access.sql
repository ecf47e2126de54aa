-- Record-level access: the facts every record kind shares, the shares that
-- open records to others, sharing groups and access requests.

CREATE TABLE sharing_group (
    id              TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    code            TEXT NOT NULL UNIQUE,
    name_en         TEXT NOT NULL,
    name_lo         TEXT NOT NULL,
    description     TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- A member is a user, a unit or a whole organisation.
CREATE TABLE sharing_group_member (
    group_id    TEXT NOT NULL REFERENCES sharing_group (id),
    member_kind TEXT NOT NULL CHECK (member_kind IN ('user', 'unit', 'organisation')),
    member_id   TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (group_id, member_kind, member_id)
);
CREATE INDEX sharing_group_member_by_member ON sharing_group_member (member_kind, member_id);

-- One row per record under the policy, whatever its kind. Record tables
-- join here; the read filter is applied to these columns.
CREATE TABLE record_access (
    record_id             TEXT PRIMARY KEY,
    record_kind           TEXT NOT NULL,
    installation_id       TEXT NOT NULL,
    owner_organisation_id TEXT NOT NULL REFERENCES organisation (id),
    owner_unit_id         TEXT NOT NULL REFERENCES unit (id),
    province_code         TEXT REFERENCES province (code),
    classification_rank   BIGINT NOT NULL CHECK (classification_rank BETWEEN 0 AND 3),
    tlp                   TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    created_at            BIGINT NOT NULL
);
CREATE INDEX record_access_owner_unit ON record_access (owner_unit_id);
CREATE INDEX record_access_owner_org ON record_access (owner_organisation_id, province_code);
CREATE INDEX record_access_listing ON record_access (record_kind, classification_rank, province_code);

CREATE TABLE record_share (
    id          TEXT PRIMARY KEY,
    record_id   TEXT NOT NULL REFERENCES record_access (record_id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('user', 'unit', 'organisation', 'group')),
    target_id   TEXT NOT NULL,
    basis       TEXT NOT NULL CHECK (basis IN ('release', 'need_to_know', 'access_grant')),
    handling    TEXT NOT NULL,
    shared_by   TEXT NOT NULL,
    shared_at   BIGINT NOT NULL,
    expires_at  BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX record_share_target ON record_share (target_kind, target_id, record_id);
CREATE INDEX record_share_record ON record_share (record_id);

CREATE TABLE access_request (
    id               TEXT PRIMARY KEY,
    record_id        TEXT NOT NULL REFERENCES record_access (record_id),
    requester_id     TEXT NOT NULL REFERENCES app_user (id),
    reason           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused', 'withdrawn')),
    requested_at     BIGINT NOT NULL,
    decided_by       TEXT,
    decided_at       BIGINT,
    decision_note    TEXT NOT NULL,
    grant_expires_at BIGINT
);
CREATE INDEX access_request_record ON access_request (record_id, status);
CREATE INDEX access_request_requester ON access_request (requester_id, status);

-- Registered intelligence sources. Reports carry the code; the identity is
-- shown only to source handlers of the handling unit.
CREATE TABLE intel_source (
    code            TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    handler_unit_id TEXT NOT NULL REFERENCES unit (id),
    identity        TEXT NOT NULL,
    notes           TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- Intelligence reports: one row per report, its access facts in
-- record_access (same id).
CREATE TABLE intelligence_report (
    id                     TEXT PRIMARY KEY REFERENCES record_access (record_id),
    reference              TEXT NOT NULL UNIQUE,
    title                  TEXT NOT NULL,
    body                   TEXT NOT NULL,
    reported_on            TEXT NOT NULL,
    source_code            TEXT NOT NULL REFERENCES intel_source (code),
    source_evaluation      TEXT NOT NULL,
    information_assessment TEXT NOT NULL,
    handling_code          TEXT NOT NULL,
    handling_conditions    TEXT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE INDEX intelligence_report_date ON intelligence_report (reported_on);

-- Links from a report to other records (cases, persons…), by record id.
CREATE TABLE record_link (
    from_id    TEXT NOT NULL REFERENCES record_access (record_id),
    to_id      TEXT NOT NULL REFERENCES record_access (record_id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
