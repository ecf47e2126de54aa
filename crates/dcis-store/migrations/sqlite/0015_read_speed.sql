-- Read speed (docs/analysis.md, "Speed").
--
-- The roll-up's tables become WITHOUT ROWID tables: their rows are stored
-- in the order of their primary key (dimension, time, province…), so the
-- dashboard's reads (one dimension over a range of months or years) read
-- consecutive rows of one B-tree instead of looking each row up in the
-- table from its index entry. Same columns, keys and indexes; the rows are
-- copied.

CREATE TABLE stat_cell_clustered (
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
) WITHOUT ROWID;
INSERT INTO stat_cell_clustered (month, province_code, agency_id, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n)
SELECT month, province_code, agency_id, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n FROM stat_cell;
DROP TABLE stat_cell;
ALTER TABLE stat_cell_clustered RENAME TO stat_cell;
CREATE INDEX stat_cell_partition ON stat_cell (month, province_code);

CREATE TABLE stat_month_clustered (
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
) WITHOUT ROWID;
INSERT INTO stat_month_clustered (month, province_code, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n)
SELECT month, province_code, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n FROM stat_month;
DROP TABLE stat_month;
ALTER TABLE stat_month_clustered RENAME TO stat_month;
CREATE INDEX stat_month_partition ON stat_month (month, province_code);

CREATE TABLE stat_year_clustered (
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
) WITHOUT ROWID;
INSERT INTO stat_year_clustered (year, province_code, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n)
SELECT year, province_code, dim, value, cases, items, mass_ug, tablets, volume_ul, units, plants, area_m2, persons, purity_milli, purity_n, price_minor, price_n FROM stat_year;
DROP TABLE stat_year;
ALTER TABLE stat_year_clustered RENAME TO stat_year;
CREATE INDEX stat_year_partition ON stat_year (year, province_code);

-- The navigation's badge counts the open alerts a user sees on every page
-- request: a partial index holds only the open ones, so the count reads
-- those and nothing else, however many have been acknowledged.
CREATE INDEX alert_open ON alert (province_code) WHERE acknowledged_at IS NULL;
