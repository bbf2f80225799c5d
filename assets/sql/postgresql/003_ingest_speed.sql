-- 003_ingest_speed.sql (PostgreSQL) - schema 3: less work for every event stored.
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 3.

-- Whether a (kiosk_id, seq) sent again is a duplicate or a conflict is decided by
-- comparing its canonical JSON with the stored body byte for byte, so the body's
-- SHA-256 (computed for every event) is no longer kept. Dropping the column rewrites
-- the events table once.
ALTER TABLE events DROP COLUMN body_sha256;

-- Every sign-in reads the badge subject's vulnerability, Ask-for-Angela and bystander
-- training in date that night; with expires in the index that read never visits the
-- table. Serves the same (staff_id, course, completed) prefix as the index it replaces.
DROP INDEX training_by_staff;
CREATE INDEX training_by_staff ON training (staff_id, course, completed, expires);
