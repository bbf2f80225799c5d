-- 018_place_correction.sql (PostgreSQL) - schema 18: why an officer's record of an incident in a
-- public place was corrected (assets/sql/sqlite/018_place_correction.sql says more). Applied by
-- server/store/pg/pg_migrate.c inside one transaction, which then sets schema_version.version =
-- 18.
ALTER TABLE place_incidents ADD COLUMN reason TEXT NOT NULL DEFAULT ''
    CHECK (length(reason) <= 280);
