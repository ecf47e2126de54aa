-- Indexes for the record-level read filter (dcis_store::access::filter_sql).
-- Measured in BENCHMARKS.md ("Access policy filter at 1,000,000 records").

-- The live shares to one target, with their record ids, read from the index
-- alone: what a list query collects once to test "shared with the actor".
-- It replaces record_share_target, its prefix.
DROP INDEX record_share_target;
CREATE INDEX record_share_target ON record_share (target_kind, target_id, revoked_at, expires_at, record_id);

-- The access facts the filter tests, by record: a list scans this index
-- instead of the table's rows (SQLite reads whole rows from the table).
CREATE INDEX record_access_filter ON record_access (record_id, classification_rank, province_code, owner_unit_id, owner_organisation_id);
