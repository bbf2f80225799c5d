-- 014_alerts_more.sql (PostgreSQL) - schema 14: where the raising of alerts starts. Alerts are raised for
-- what arrives from now on, not for the years of reports, flags and refusals a database
-- already holds: each source's cursor (counters table) starts at its newest row.
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 14.
INSERT INTO counters (name, value) VALUES
    ('alerts.incident_parts', (SELECT coalesce(max(id), 0) FROM incident_parts)),
    ('alerts.flags', (SELECT coalesce(max(id), 0) FROM flags)),
    ('alerts.events', (SELECT coalesce(max(id), 0) FROM events))
ON CONFLICT (name) DO NOTHING;
