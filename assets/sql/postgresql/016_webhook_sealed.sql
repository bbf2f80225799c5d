-- 016_webhook_sealed.sql (PostgreSQL) - schema 16: an authority's webhook secret is kept sealed,
-- not in clear, so a copy of the database or a backup carries no secret. Applied by
-- server/store/pg/pg_migrate.c inside one transaction, which then sets schema_version.version =
-- 16. The sealing of secrets already kept in clear is the SQLite backend's step; PostgreSQL
-- databases are made new at this schema or later (or copied from SQLite once sealed), so no
-- clear secret reaches this migration.

-- sealed: the wrapping key's kid (4 bytes), the nonce (24) and the secret with its MAC (48).
-- The secret column keeps 32 zero bytes.
ALTER TABLE alert_webhooks ADD COLUMN sealed BYTEA;
