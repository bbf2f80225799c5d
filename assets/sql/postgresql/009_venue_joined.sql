-- 009_venue_joined.sql (PostgreSQL) - schema 9: the night a venue joined the scheme, when the scheme
-- sets it (`lanternctl venue add|edit --joined DATE`).
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 9.

-- Days since 1970-01-01 of the first night of the venue's evidence window; 0 = not set:
-- the window then starts with its first kiosk's enrolment (docs/scoring.md).
ALTER TABLE venues ADD COLUMN joined_on BIGINT NOT NULL DEFAULT 0 CHECK (joined_on >= 0);
