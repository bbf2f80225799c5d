-- 010_volunteer_base_leader.sql (PostgreSQL) - schema 10: a volunteer shift's base (where the team works:
-- safe_haven, bus, partner_venue, patrol) and leader (self, other) in columns of their own.
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 10.

ALTER TABLE volunteer_shifts ADD COLUMN base   TEXT NOT NULL DEFAULT '';
ALTER TABLE volunteer_shifts ADD COLUMN leader TEXT NOT NULL DEFAULT '';

-- (The SQLite file also splits teams packed as "base:<code>;leader:<code>" by older kiosks;
-- a PostgreSQL database starts empty, and ingest splits them as they arrive.)
