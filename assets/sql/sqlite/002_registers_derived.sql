-- 002_registers_derived.sql - schema 2: fuller registers, officers and tokens, data derived
-- from events (door register, incidents, stock, volunteer shifts, flags) and the rollups.
-- Applied by server/store/sqlite/sq_migrate.c inside one transaction, which then replays
-- the events already stored through the derivation code (so a v1 database gains its
-- derived data) and sets user_version = 2.
-- Times are unix seconds (INTEGER); calendar dates and nights are days since 1970-01-01.

-- ---- registers ----

ALTER TABLE venues ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN trading TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN cup_cover_threshold INTEGER NOT NULL DEFAULT 100
    CHECK (cup_cover_threshold >= 0);
ALTER TABLE venues ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;
-- the defaults of common/night.c lnt_trading_default(), by category
UPDATE venues SET trading = CASE category
    WHEN 3 THEN 'Thu-Sat 22:00-04:00'
    WHEN 2 THEN 'Wed-Sat 18:00-02:00'
    WHEN 4 THEN 'Fri-Sat 21:00-04:00'
    ELSE 'Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30' END
WHERE trading = '';
CREATE INDEX venues_by_authority ON venues (authority, id);

ALTER TABLE staff ADD COLUMN left_at INTEGER NOT NULL DEFAULT 0;

-- Revocations carry a version from a monotonic counter, so a kiosk can ask for
-- "revoked since N". Badges revoked under schema 1 all get version 1.
ALTER TABLE badges ADD COLUMN revoke_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE badges ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT '';
UPDATE badges SET revoke_version = 1, revoke_reason = 'reissued' WHERE revoked_at <> 0;
CREATE INDEX badges_by_revoke_version ON badges (revoke_version) WHERE revoke_version <> 0;

-- Named monotonic counters.
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value)
    VALUES ('revocation', (SELECT count(*) > 0 FROM badges WHERE revoked_at <> 0));

ALTER TABLE kiosks ADD COLUMN backlog INTEGER NOT NULL DEFAULT -1;
ALTER TABLE kiosks ADD COLUMN backlog_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosks ADD COLUMN seq_gaps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosks ADD COLUMN seq_backwards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosks ADD COLUMN last_anomaly_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kiosks ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;

ALTER TABLE audit_log ADD COLUMN object TEXT NOT NULL DEFAULT '';

-- Best Bar None criteria judged by an assessor rather than measured by kiosks.
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    criterion   TEXT    NOT NULL,
    met         INTEGER NOT NULL CHECK (met IN (0, 1)),
    evidence    TEXT    NOT NULL,
    assessor    TEXT    NOT NULL,
    found_on    INTEGER NOT NULL,
    valid_until INTEGER NOT NULL CHECK (valid_until >= found_on),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX findings_by_venue ON findings (venue_id, found_on);

-- ---- officers, tokens, sessions ----

CREATE TABLE officers (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),
    authority     TEXT    NOT NULL DEFAULT '',
    venue_id      INTEGER NOT NULL DEFAULT 0,
    pwhash        TEXT    NOT NULL,            -- crypto_pwhash_str (Argon2id)
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER NOT NULL DEFAULT 0,
    last_login_at INTEGER NOT NULL DEFAULT 0
);

-- Bearer tokens, stored only as SHA-256 of their text.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_sha256 BLOB    NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    hint         TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    role         INTEGER NOT NULL CHECK (role BETWEEN 1 AND 5),
    authority    TEXT    NOT NULL DEFAULT '',
    venue_id     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);

-- Dashboard sessions, keyed by SHA-256 of the cookie value.
CREATE TABLE sessions (
    id_sha256  BLOB    PRIMARY KEY CHECK (length(id_sha256) = 32),
    officer_id INTEGER NOT NULL REFERENCES officers (id),
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_officer ON sessions (officer_id);
CREATE INDEX sessions_by_created ON sessions (created_at);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    email TEXT    NOT NULL,
    addr  TEXT    NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_addr ON login_failures (addr, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

-- ---- derived from events, in the ingest transaction ----
-- Every index here costs each ingest; rows arrive roughly in time order, so the
-- retention purge walks them by rowid rather than by a time index of their own.

-- The door-supervisor / staff register: one row per sign_in; off_at NULL = never signed out.
CREATE TABLE shifts (
    id                INTEGER PRIMARY KEY,
    venue_id          INTEGER NOT NULL,
    kiosk_id          INTEGER NOT NULL,
    staff_id          TEXT    NOT NULL,
    serial            TEXT    NOT NULL,
    role              INTEGER NOT NULL,
    sia_number        TEXT    NOT NULL,
    sia_status        INTEGER NOT NULL,
    verdict           INTEGER NOT NULL,
    on_at             INTEGER NOT NULL,
    off_at            INTEGER,
    night             INTEGER NOT NULL,
    vuln_trained      INTEGER NOT NULL,
    angela_trained    INTEGER NOT NULL,
    bystander_trained INTEGER NOT NULL,
    sia_ok            INTEGER NOT NULL
);
CREATE INDEX shifts_by_venue_time ON shifts (venue_id, on_at);
-- A person's recent shifts: sign-outs find their shift here, and a badge signing in
-- elsewhere while its holder (the same subject) is on shift is found here too.
CREATE INDEX shifts_by_staff ON shifts (staff_id, on_at);

-- Copied badges and other anomalies found at ingest.
CREATE TABLE flags (
    id             INTEGER PRIMARY KEY,
    kind           INTEGER NOT NULL,
    venue_id       INTEGER NOT NULL,
    other_venue_id INTEGER NOT NULL DEFAULT 0,
    kiosk_id       INTEGER NOT NULL,
    staff_id       TEXT    NOT NULL DEFAULT '',
    serial         TEXT    NOT NULL DEFAULT '',
    at             INTEGER NOT NULL,
    seq            INTEGER NOT NULL DEFAULT 0,
    other          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX flags_by_venue_time ON flags (venue_id, at);
CREATE INDEX flags_by_other_venue ON flags (other_venue_id, at) WHERE other_venue_id <> 0;

-- One row per incident report: its latest save. sealed is NULL when there are
-- no details or they were purged.
CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY,
    report_id         TEXT    NOT NULL UNIQUE,
    venue_id          INTEGER NOT NULL,
    kiosk_id          INTEGER NOT NULL,
    kind              TEXT    NOT NULL,
    severity          INTEGER NOT NULL,
    place             TEXT    NOT NULL,
    outcome           TEXT    NOT NULL,
    police_called     INTEGER NOT NULL,
    complete          INTEGER NOT NULL,
    staff_id          TEXT    NOT NULL,
    occurred_at       INTEGER NOT NULL,
    first_recorded_at INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    latest_seq        INTEGER NOT NULL,
    updates           INTEGER NOT NULL,
    night             INTEGER NOT NULL,
    within_hour       INTEGER NOT NULL,
    sealed            TEXT
);
CREATE INDEX incidents_by_venue_time ON incidents (venue_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at);

-- Cup-cover stock: the current level per venue and the ledger that led to it.
CREATE TABLE stock_levels (
    venue_id   INTEGER PRIMARY KEY,
    level      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE stock_ledger (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL,
    kiosk_id    INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    quantity    INTEGER NOT NULL,
    level_after INTEGER NOT NULL,
    staff_id    TEXT    NOT NULL
);
CREATE INDEX stock_ledger_by_venue_time ON stock_ledger (venue_id, at);

-- NTE volunteer shifts at hubs. at = start_at, or end_at for an end without a start.
CREATE TABLE volunteer_shifts (
    id           INTEGER PRIMARY KEY,
    venue_id     INTEGER NOT NULL,
    kiosk_id     INTEGER NOT NULL,
    staff_id     TEXT    NOT NULL,
    call_sign    TEXT    NOT NULL,
    team         TEXT    NOT NULL,
    team_size    INTEGER NOT NULL,
    start_at     INTEGER NOT NULL,
    end_at       INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    night        INTEGER NOT NULL,
    water        INTEGER NOT NULL DEFAULT 0,
    flip_flops   INTEGER NOT NULL DEFAULT 0,
    blankets     INTEGER NOT NULL DEFAULT 0,
    bottles      INTEGER NOT NULL DEFAULT 0,
    first_aid    INTEGER NOT NULL DEFAULT 0,
    cctv_calls   INTEGER NOT NULL DEFAULT 0,
    police_calls INTEGER NOT NULL DEFAULT 0,
    calmed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX volunteer_shifts_by_venue_time ON volunteer_shifts (venue_id, at);
CREATE INDEX volunteer_shifts_by_night ON volunteer_shifts (night);
CREATE INDEX volunteer_shifts_open ON volunteer_shifts (venue_id, staff_id, start_at) WHERE end_at = 0;

-- ---- rollups: aggregates without personal data, never purged ----

-- (a) per venue, UTC hour (unix / 3600), event type and kind. kind '' counts events of
-- the type; a non-empty kind (type 4 only) counts incident reports of that kind.
CREATE TABLE rollup_hour (
    venue_id INTEGER NOT NULL,
    hour     INTEGER NOT NULL,
    type     INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, hour, type, kind)
) WITHOUT ROWID;
CREATE INDEX rollup_hour_by_hour ON rollup_hour (hour, type);

-- (b) per venue and trading night (lnt_night_of). cup_level NULL = no stock event that night.
CREATE TABLE rollup_night (
    venue_id              INTEGER NOT NULL,
    night                 INTEGER NOT NULL,
    contacts              INTEGER NOT NULL DEFAULT 0,
    sign_ins              INTEGER NOT NULL DEFAULT 0,
    door_shifts           INTEGER NOT NULL DEFAULT 0,
    door_sia_ok           INTEGER NOT NULL DEFAULT 0,
    door_vuln_trained     INTEGER NOT NULL DEFAULT 0,
    angela_on_shift       INTEGER NOT NULL DEFAULT 0,
    staff_shifts          INTEGER NOT NULL DEFAULT 0,
    staff_bystander       INTEGER NOT NULL DEFAULT 0,
    open_shifts           INTEGER NOT NULL DEFAULT 0,
    incidents             INTEGER NOT NULL DEFAULT 0,
    incidents_within_hour INTEGER NOT NULL DEFAULT 0,
    spiking               INTEGER NOT NULL DEFAULT 0,
    spiking_complete      INTEGER NOT NULL DEFAULT 0,
    angela                INTEGER NOT NULL DEFAULT 0,
    refused               INTEGER NOT NULL DEFAULT 0,
    stock_events          INTEGER NOT NULL DEFAULT 0,
    cup_level             INTEGER,
    PRIMARY KEY (venue_id, night)
) WITHOUT ROWID;
CREATE INDEX rollup_night_by_night ON rollup_night (night);

-- Incident reports per venue, night and (latest) kind: repeat locations, monthly trends.
CREATE TABLE rollup_night_kind (
    venue_id INTEGER NOT NULL,
    night    INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, night, kind)
) WITHOUT ROWID;
CREATE INDEX rollup_night_kind_by_night ON rollup_night_kind (night, kind);
