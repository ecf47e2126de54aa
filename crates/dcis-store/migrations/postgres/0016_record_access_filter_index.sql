-- The record filter tests each joined record's access row (classification, province, owning
-- unit and organisation). Through the primary key alone, PostgreSQL fetches every such row from
-- the heap: about 100,000 random reads for a search matching one report in ten of a million
-- (BENCHMARKS.md, "Access policy filter"). With the tested columns in the index, the join is an
-- index-only scan, as the unfiltered query's is. (SQLite has had the same index since 0004.)
CREATE INDEX record_access_filter ON record_access (record_id)
    INCLUDE (classification_rank, province_code, owner_unit_id, owner_organisation_id);
