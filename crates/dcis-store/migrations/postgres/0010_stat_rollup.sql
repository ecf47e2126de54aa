-- Analysis (docs/analysis.md). Three derived columns of a seized item, read
-- from its as-entered fields when it is stored: purity in thousandths of a
-- per cent, a price per unit in minor units of its currency, and that
-- price's currency and unit ('THB/tablets'; empty without a unit price).
ALTER TABLE seizure_item ADD COLUMN purity_milli BIGINT;
ALTER TABLE seizure_item ADD COLUMN price_minor BIGINT;
ALTER TABLE seizure_item ADD COLUMN price_key TEXT NOT NULL DEFAULT '';

-- The roll-up: one row per month x province x agency x (dimension, value),
-- with the additive totals of every measure. 'cases' counts distinct cases
-- within the row. Derived data: rebuilt from the raw tables, never audited.
CREATE TABLE stat_cell (
    month          TEXT NOT NULL,
    province_code  TEXT NOT NULL,
    agency_id      TEXT NOT NULL,
    dim            TEXT NOT NULL,
    value          TEXT NOT NULL,
    cases          BIGINT NOT NULL,
    items          BIGINT NOT NULL,
    mass_ug        BIGINT NOT NULL,
    tablets        BIGINT NOT NULL,
    volume_ul      BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    plants         BIGINT NOT NULL,
    area_m2        BIGINT NOT NULL,
    persons        BIGINT NOT NULL,
    purity_milli   BIGINT NOT NULL,
    purity_n       BIGINT NOT NULL,
    price_minor    BIGINT NOT NULL,
    price_n        BIGINT NOT NULL,
    PRIMARY KEY (dim, month, province_code, agency_id, value)
);
CREATE INDEX stat_cell_partition ON stat_cell (month, province_code);

-- The same totals without the agency, by month and by calendar year: what
-- a dashboard over years reads when it neither filters nor splits by
-- agency (a case has one agency, so the sums stay exact).
CREATE TABLE stat_month (
    month          TEXT NOT NULL,
    province_code  TEXT NOT NULL,
    dim            TEXT NOT NULL,
    value          TEXT NOT NULL,
    cases          BIGINT NOT NULL,
    items          BIGINT NOT NULL,
    mass_ug        BIGINT NOT NULL,
    tablets        BIGINT NOT NULL,
    volume_ul      BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    plants         BIGINT NOT NULL,
    area_m2        BIGINT NOT NULL,
    persons        BIGINT NOT NULL,
    purity_milli   BIGINT NOT NULL,
    purity_n       BIGINT NOT NULL,
    price_minor    BIGINT NOT NULL,
    price_n        BIGINT NOT NULL,
    PRIMARY KEY (dim, month, province_code, value)
);
CREATE INDEX stat_month_partition ON stat_month (month, province_code);

CREATE TABLE stat_year (
    year           TEXT NOT NULL,
    province_code  TEXT NOT NULL,
    dim            TEXT NOT NULL,
    value          TEXT NOT NULL,
    cases          BIGINT NOT NULL,
    items          BIGINT NOT NULL,
    mass_ug        BIGINT NOT NULL,
    tablets        BIGINT NOT NULL,
    volume_ul      BIGINT NOT NULL,
    units          BIGINT NOT NULL,
    plants         BIGINT NOT NULL,
    area_m2        BIGINT NOT NULL,
    persons        BIGINT NOT NULL,
    purity_milli   BIGINT NOT NULL,
    purity_n       BIGINT NOT NULL,
    price_minor    BIGINT NOT NULL,
    price_n        BIGINT NOT NULL,
    PRIMARY KEY (dim, year, province_code, value)
);
CREATE INDEX stat_year_partition ON stat_year (year, province_code);

-- Partitions (month, province) whose roll-up rows are out of date: marked
-- in the same transaction as the change, rebuilt before the next read.
CREATE TABLE stat_dirty (
    month         TEXT NOT NULL,
    province_code TEXT NOT NULL,
    PRIMARY KEY (month, province_code)
);

-- Every partition that already holds cases starts out of date.
INSERT INTO stat_dirty (month, province_code)
SELECT DISTINCT substr(occurred_on, 1, 7), province_code FROM law_case;
