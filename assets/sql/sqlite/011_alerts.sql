-- 011_alerts.sql - schema 11: alerts. What an officer asked to be told about, each thing
-- that happened raised once, and the inbox that holds it until someone acknowledges it.
-- Delivery by email and webhook keeps its own tables and reads these. Applied by
-- server/store/sqlite/sq_migrate.c inside one transaction, which then sets user_version = 11.

-- One row per subscription: an officer, one kind of alert, for every venue the officer may
-- see (venue_id 0) or for one venue. Ended, never deleted.
--   kind: venue_red | serious_report | door_refused | unlicensed_other_duties |
--         kiosk_silent | cup_covers_low
CREATE TABLE alert_subscriptions (
    id         INTEGER PRIMARY KEY,
    officer_id INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 31),
    venue_id   INTEGER NOT NULL DEFAULT 0 CHECK (venue_id >= 0),
    by_email   INTEGER NOT NULL DEFAULT 0 CHECK (by_email IN (0, 1)),
    created_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_subscriptions_by_kind ON alert_subscriptions (kind, ended_at);

-- One row per thing that happened. dedup names the thing ("serious_report:incident:340",
-- "venue_red:12:2026-12-04"), so the same thing is never raised twice. summary and link carry
-- no incident detail: the kind, the venue, the time, and the dashboard path to look.
CREATE TABLE alerts (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    dedup     TEXT    NOT NULL UNIQUE,
    authority TEXT    NOT NULL DEFAULT '',
    venue_id  INTEGER NOT NULL DEFAULT 0,
    summary   TEXT    NOT NULL,
    link      TEXT    NOT NULL,
    raised_at INTEGER NOT NULL
);
CREATE INDEX alerts_by_time ON alerts (raised_at);

-- The inbox: one row per officer an alert is for, written in the transaction that raises
-- it. by_email is copied from the subscription that matched, for the email sender to read.
CREATE TABLE alert_inbox (
    alert_id   INTEGER NOT NULL,
    officer_id INTEGER NOT NULL,
    by_email   INTEGER NOT NULL DEFAULT 0 CHECK (by_email IN (0, 1)),
    acked_at   INTEGER NOT NULL DEFAULT 0,
    acked_by   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (alert_id, officer_id)
) WITHOUT ROWID;
CREATE INDEX alert_inbox_by_officer ON alert_inbox (officer_id, acked_at);
