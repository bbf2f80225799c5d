-- 015_alert_delivery.sql - schema 15: delivering alerts by email and webhook. Reads the alert
-- tables of schema 11 and never writes them. Applied by server/store/sqlite/sq_migrate.c inside
-- one transaction, which then sets user_version = 15.

-- How far the sender has read the alerts table: every alert with a larger id is still to be
-- enqueued. Enqueueing an alert and moving the cursor past it happen in one transaction, so
-- each alert is enqueued exactly once. It starts after the alerts raised before this schema:
-- those are in the inboxes already, and emailing a backlog of old alerts would bury the new.
CREATE TABLE alert_delivery_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    alert_id INTEGER NOT NULL
);
INSERT INTO alert_delivery_cursor (id, alert_id) SELECT 1, coalesce(max(id), 0) FROM alerts;

-- One row per message to send: one alert (alert_id) or one digest of held alerts (alert_id 0,
-- its alerts are the rows whose digest_id names it), to one target by one channel.
--   state: pending (waiting for next_at) | held (over the recipient's rate limit: goes into a
--          digest at next_at, the end of the window) | sending (handed to the server: a row
--          left here by a kill is marked failed, never sent again) | sent | failed (gave up) |
--          digested (went out inside digest digest_id)
-- Rows are never deleted: sent, failed and digested are their ends.
CREATE TABLE alert_deliveries (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL DEFAULT 0,
    digest_id  INTEGER NOT NULL DEFAULT 0,
    channel    TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    target     TEXT    NOT NULL CHECK (length(target) BETWEEN 1 AND 254),
    state      TEXT    NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'held', 'sending', 'sent', 'failed', 'digested')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT ''
);
-- at most one message of an alert to a target by a channel
CREATE UNIQUE INDEX alert_deliveries_once ON alert_deliveries (alert_id, channel, target)
    WHERE alert_id <> 0;
CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_at);
CREATE INDEX alert_deliveries_by_target ON alert_deliveries (target, created_at);

-- The webhook of an authority, set by the scheme admin: where its alerts are POSTed and the
-- shared secret they are signed with (HMAC-SHA256). Replaced or cleared by ending the row.
CREATE TABLE alert_webhooks (
    id         INTEGER PRIMARY KEY,
    authority  TEXT    NOT NULL CHECK (length(authority) BETWEEN 1 AND 80),
    url        TEXT    NOT NULL CHECK (length(url) BETWEEN 1 AND 254),
    secret     BLOB    NOT NULL CHECK (length(secret) = 32),
    created_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alert_webhooks_current ON alert_webhooks (authority) WHERE ended_at = 0;
