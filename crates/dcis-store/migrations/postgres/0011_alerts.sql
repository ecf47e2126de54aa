-- Early warnings (docs/alerts.md). One row per alert; an alert is
-- identified by its rule, its subject and its period (the month, YYYY-MM),
-- so running the rules again on the same data raises nothing new.
-- province_code is the province the alert concerns (NULL: national), which
-- decides who may see it. figures holds what made it fire (observed,
-- expected, threshold…) as JSON; case_ids, as a JSON array, the cases
-- behind an alert from few cases (for the disclosure rule of
-- docs/access-policy.md, "Alerts"); case_count how many cases in all.

CREATE TABLE alert (
    id              TEXT PRIMARY KEY,
    rule            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    period          TEXT NOT NULL,
    province_code   TEXT REFERENCES province (code),
    figures         TEXT NOT NULL,
    case_ids        TEXT NOT NULL,
    case_count      BIGINT NOT NULL,
    raised_at       BIGINT NOT NULL,
    acknowledged_by TEXT REFERENCES app_user (id),
    acknowledged_at BIGINT,
    UNIQUE (rule, subject, period)
);
CREATE INDEX alert_by_period ON alert (period, raised_at);
CREATE INDEX alert_by_province ON alert (province_code, acknowledged_at);
