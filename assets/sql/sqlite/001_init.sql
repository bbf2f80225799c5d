-- 001_init.sql - the server's first schema: scheme and keys, registers, kiosks, events, audit.
-- Applied by server/store/sqlite/sq_migrate.c inside one transaction, which then sets
-- user_version = 1.
-- Times are unix seconds (INTEGER); calendar dates are days since 1970-01-01 (INTEGER).

-- The one scheme this database serves (a single row).
CREATE TABLE scheme (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Badge signing keys (Ed25519). The current key has retired_at NULL; retired keys
-- stay trusted until every badge they signed has expired.
CREATE TABLE signing_keys (
    kid        BLOB    PRIMARY KEY CHECK (length(kid) = 4),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 64),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) WITHOUT ROWID;

-- The X25519 key kiosks seal incident details to (a single row).
CREATE TABLE box_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 32),
    created_at INTEGER NOT NULL
);

CREATE TABLE venues (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    category   INTEGER NOT NULL CHECK (category BETWEEN 1 AND 4),
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    area       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    name        TEXT    NOT NULL,
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
    sia_number  TEXT    NOT NULL DEFAULT '',
    sia_expires INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX staff_by_venue ON staff (venue_id);

-- Every training record is kept; the latest per (staff, course) is the one that counts.
CREATE TABLE training (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    course     INTEGER NOT NULL CHECK (course BETWEEN 1 AND 7),
    completed  INTEGER NOT NULL,
    expires    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX training_by_staff ON training (staff_id, course, completed);

CREATE TABLE badges (
    serial     BLOB    PRIMARY KEY CHECK (length(serial) = 8),
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    kid        BLOB    NOT NULL REFERENCES signing_keys (kid),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX badges_by_staff ON badges (staff_id);
CREATE INDEX badges_revoked ON badges (expires_at) WHERE revoked_at <> 0;

-- One-time kiosk enrolment codes, stored only as SHA-256 of the normalised code.
CREATE TABLE enroll_codes (
    code_sha256 BLOB    PRIMARY KEY CHECK (length(code_sha256) = 32),
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    kiosk_id    INTEGER REFERENCES kiosks (id)
) WITHOUT ROWID;

CREATE TABLE kiosks (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    pk          BLOB    NOT NULL UNIQUE CHECK (length(pk) = 32),
    enrolled_at INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX kiosks_by_venue ON kiosks (venue_id);

-- Events as the kiosks sent them: body is the canonical JSON of one event.
-- venue_id is the kiosk's venue when the event arrived.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    kiosk_id    INTEGER NOT NULL REFERENCES kiosks (id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    uuid        TEXT    NOT NULL,
    type        INTEGER NOT NULL,
    venue_id    INTEGER NOT NULL,
    staff_id    TEXT,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    body_sha256 BLOB    NOT NULL CHECK (length(body_sha256) = 32),
    UNIQUE (kiosk_id, seq)
);
CREATE INDEX events_by_venue_time ON events (venue_id, occurred_at);
CREATE INDEX events_by_time ON events (occurred_at);

-- The same (kiosk_id, seq) arriving again with different content: kept, never merged.
CREATE TABLE event_conflicts (
    id          INTEGER PRIMARY KEY,
    kiosk_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX event_conflicts_by_key ON event_conflicts (kiosk_id, seq);

-- One row per administrative change.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    detail TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);
