-- 005_retention_received.sql (PostgreSQL) - schema 5: retention counts from when the server received a
-- record, not from the time its kiosk claimed.
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 5.
--
-- A kiosk states when its records happened and were saved, and the server checks only that
-- the time is not in the future. Counting retention from those claims let a kiosk date its
-- own report years back and have its details purged at the next run. The receipt time is
-- the server's own clock: a record is kept for its full period from the day it arrived.

-- When the first save of each report arrived: its first part's receipt. A report with no
-- parts left (none can be without its details) keeps its first claimed time.
ALTER TABLE incidents ADD COLUMN first_received_at BIGINT NOT NULL DEFAULT 0;
UPDATE incidents SET first_received_at = coalesce(
    (SELECT min(p.received_at) FROM incident_parts p WHERE p.incident_id = incidents.id),
    first_recorded_at);
CREATE INDEX incidents_by_received ON incidents (first_received_at);

-- Raw events are purged by their receipt too.
CREATE INDEX events_by_received ON events (received_at);
