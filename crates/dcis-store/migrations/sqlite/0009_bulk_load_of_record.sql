-- The bulk load that created a case or a person: the entity id of the
-- batch's `bulk_load` audit entry (`synth-{seed}-{batch}` from dcis generate,
-- `import-{id}-{batch}` from an import); NULL for records created one by one.
-- A batch's entry names none of its records (an audit-log reader must not
-- learn of records they may not read), so this is how a record's history
-- finds the entry that created it (docs/audit-chain.md).

ALTER TABLE law_case ADD COLUMN bulk_load_id TEXT;
ALTER TABLE person ADD COLUMN bulk_load_id TEXT;
