-- `has_shares` is 1 once any share row names the record, and is never reset: a revoked or
-- expired share leaves it set. It is a necessary condition for "a live share opens this record
-- to the actor", so the read filter tests it before it looks the record up in the actor's share
-- set (dcis_store::access::render_filter); nine records in ten were never shared and skip the
-- lookup (BENCHMARKS.md, "Access policy filter"). The trigger keeps the flag for every writer of
-- record_share; a flag wrongly unset would hide a shared record, never show a restricted one.
ALTER TABLE record_access ADD COLUMN has_shares SMALLINT NOT NULL DEFAULT 0 CHECK (has_shares IN (0, 1));
UPDATE record_access SET has_shares = 1 WHERE record_id IN (SELECT record_id FROM record_share);

-- The function names record_access in the schema dcis was migrated into (SET search_path FROM
-- CURRENT), so that it works however the session that writes a share sets its path (pg_restore
-- clears it).
CREATE FUNCTION record_share_marks_record() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE record_access SET has_shares = 1 WHERE record_id = NEW.record_id AND has_shares = 0;
    RETURN NEW;
END
$$;
CREATE TRIGGER record_share_marks_record AFTER INSERT ON record_share
    FOR EACH ROW EXECUTE FUNCTION record_share_marks_record();

-- The filter's index gains the flag, so that the access facts are still read from it alone.
DROP INDEX record_access_filter;
CREATE INDEX record_access_filter ON record_access (record_id)
    INCLUDE (classification_rank, province_code, owner_unit_id, owner_organisation_id, has_shares);
