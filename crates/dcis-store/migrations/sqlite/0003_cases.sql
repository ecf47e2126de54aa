-- Cases (incidents) and their seized items. A case's access facts live in
-- record_access (same id): its agency and unit own it, its province places
-- it, and its classification and TLP marking are set by the reporter.

CREATE TABLE law_case (
    id                   TEXT PRIMARY KEY REFERENCES record_access (record_id),
    agency_id            TEXT NOT NULL REFERENCES organisation (id),
    reference            TEXT NOT NULL,
    occurred_on          TEXT NOT NULL,
    occurred_time        TEXT NOT NULL,
    province_code        TEXT NOT NULL REFERENCES province (code),
    district_code        TEXT REFERENCES district (code),
    village_id           TEXT REFERENCES village (id),
    border_crossing_id   TEXT REFERENCES border_crossing (id),
    latitude             DOUBLE PRECISION,
    longitude            DOUBLE PRECISION,
    operation_name       TEXT NOT NULL,
    detection_method     TEXT NOT NULL,
    transport_mode       TEXT NOT NULL,
    concealment_method   TEXT NOT NULL,
    origin_country       TEXT NOT NULL,
    origin_province      TEXT NOT NULL,
    destination_country  TEXT NOT NULL,
    destination_province TEXT NOT NULL,
    status               TEXT NOT NULL,
    narrative            TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (agency_id, reference)
);
CREATE INDEX law_case_occurred ON law_case (occurred_on);
CREATE INDEX law_case_province ON law_case (province_code, occurred_on);

-- A seized item as entered (text columns) and normalised by the documented
-- rules (integer columns: micrograms, microlitres, counts, square metres).
CREATE TABLE seizure_item (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES law_case (id),
    position          BIGINT NOT NULL,
    substance         TEXT NOT NULL,
    form              TEXT NOT NULL,
    quantity          TEXT NOT NULL,
    unit              TEXT NOT NULL,
    tablet_count      TEXT NOT NULL,
    unit_weight_mg    TEXT NOT NULL,
    purity            TEXT NOT NULL,
    lab_reference     TEXT NOT NULL,
    tablet_logo       TEXT NOT NULL,
    tablet_logo_key   TEXT NOT NULL,
    packaging_kind    TEXT NOT NULL,
    packaging_brand   TEXT NOT NULL,
    packaging_key     TEXT NOT NULL,
    price             TEXT NOT NULL,
    price_currency    TEXT NOT NULL,
    price_per         TEXT NOT NULL,
    mass_ug           BIGINT,
    mass_derived      BIGINT NOT NULL CHECK (mass_derived IN (0, 1)),
    volume_ul         BIGINT,
    item_count        BIGINT,
    area_m2           BIGINT,
    created_at        BIGINT NOT NULL
);
CREATE INDEX seizure_item_case ON seizure_item (case_id, position);
CREATE INDEX seizure_item_substance ON seizure_item (substance);
CREATE INDEX seizure_item_logo ON seizure_item (tablet_logo_key);
