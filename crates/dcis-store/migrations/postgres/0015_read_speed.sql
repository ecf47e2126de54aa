-- Read speed (docs/analysis.md, "Speed"). The navigation's badge counts
-- the open alerts a user sees on every page request: a partial index holds
-- only the open ones, so the count reads those and nothing else, however
-- many have been acknowledged. (The roll-up's tables are clustered by
-- their primary key on SQLite by this migration; PostgreSQL reads them
-- through that key's index as they are.)
CREATE INDEX alert_open ON alert (province_code) WHERE acknowledged_at IS NULL;
