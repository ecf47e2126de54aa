-- Maps (docs/analysis.md, "Maps"). Boundaries loaded by an administrator
-- (a district boundary file; a province's loaded boundary replaces the
-- shipped one): one row per province or district, the shape as the
-- coordinates of a GeoJSON MultiPolygon. Loading a file is one audited
-- change (entity 'geo_boundary').
CREATE TABLE geo_boundary (
    level       TEXT NOT NULL CHECK (level IN ('province', 'district')),
    code        TEXT NOT NULL,
    shape_json  TEXT NOT NULL,
    loaded_at   BIGINT NOT NULL,
    PRIMARY KEY (level, code)
);

-- The roll-up gains the district dimension: every partition that holds
-- cases is rebuilt on the next read.
INSERT INTO stat_dirty (month, province_code)
SELECT DISTINCT substr(occurred_on, 1, 7), province_code FROM law_case WHERE 1 = 1
ON CONFLICT DO NOTHING;
