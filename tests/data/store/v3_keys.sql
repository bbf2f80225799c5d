-- v3_keys.sql - a database at schema version 3 (made by the schema-3 lanternctl: init, a venue, a
-- door supervisor, a signing key rotation, a badge, an enrolment code). Its signing_keys and
-- box_key tables still hold the secret halves, for the test that moves them to the key file.
PRAGMA user_version = 3;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE scheme (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO scheme VALUES(1,'WTN',1796448811);
CREATE TABLE signing_keys (
    kid        BLOB    PRIMARY KEY CHECK (length(kid) = 4),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 64),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) WITHOUT ROWID;
INSERT INTO signing_keys VALUES(X'693d266a',X'938d60ea542784579aa5521163fad89e28189bc3e7e66c93ab8f80e1c64ff4e0',X'9526eb2feb4e20ac337e0f2f2c0f1ceb3ce9b1d066d7c1410e46d97ff2471cbd938d60ea542784579aa5521163fad89e28189bc3e7e66c93ab8f80e1c64ff4e0',1796448811,1796448813);
INSERT INTO signing_keys VALUES(X'c4387098',X'c1a4dee611994ff9de62708be6374acc0208c6c779c20e3444749a884fba9bde',X'18cd01d4a096852df48563258caf6ca1f1f6275fe8af27f5ed965acde7cb09bbc1a4dee611994ff9de62708be6374acc0208c6c779c20e3444749a884fba9bde',1796448813,NULL);
CREATE TABLE box_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 32),
    created_at INTEGER NOT NULL
);
INSERT INTO box_key VALUES(1,X'dd6e49313f8289e00dbbfc03e4b443294d7e251379eb237329edf5f12ad6bc3f',X'a622159560bb439aa768865d7bc95b4207e88865d93c3c8de5ef05f0c22236c9',1796448811);
CREATE TABLE venues (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    category   INTEGER NOT NULL CHECK (category BETWEEN 1 AND 4),
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    area       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
, authority TEXT NOT NULL DEFAULT '', trading TEXT NOT NULL DEFAULT '', cup_cover_threshold INTEGER NOT NULL DEFAULT 100
    CHECK (cup_cover_threshold >= 0), closed_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO venues VALUES(1,'The Crown',1,300,'Centre',1796448811,'','Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30',100,0);
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    name        TEXT    NOT NULL,
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
    sia_number  TEXT    NOT NULL DEFAULT '',
    sia_expires INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
, left_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO staff VALUES(1,1,'Dee Okafor',1,'1234567812345678',21274,1796448812,0);
CREATE TABLE training (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    course     INTEGER NOT NULL CHECK (course BETWEEN 1 AND 7),
    completed  INTEGER NOT NULL,
    expires    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE badges (
    serial     BLOB    PRIMARY KEY CHECK (length(serial) = 8),
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    kid        BLOB    NOT NULL REFERENCES signing_keys (kid),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
, revoke_version INTEGER NOT NULL DEFAULT 0, revoke_reason TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
INSERT INTO badges VALUES(X'42437d3b47cb4c94',1,X'c4387098',1796448814,1827984814,0,0,'');
CREATE TABLE enroll_codes (
    code_sha256 BLOB    PRIMARY KEY CHECK (length(code_sha256) = 32),
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    kiosk_id    INTEGER REFERENCES kiosks (id)
) WITHOUT ROWID;
INSERT INTO enroll_codes VALUES(X'9f2ffbec0ab6244246a69737c440031987fbde18511dadb7ffd442632b51ddb5',1,1796448815,1797053615,0,NULL);
CREATE TABLE kiosks (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    pk          BLOB    NOT NULL UNIQUE CHECK (length(pk) = 32),
    enrolled_at INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
, backlog INTEGER NOT NULL DEFAULT -1, backlog_at INTEGER NOT NULL DEFAULT 0, seq_gaps INTEGER NOT NULL DEFAULT 0, seq_backwards INTEGER NOT NULL DEFAULT 0, last_anomaly_at INTEGER NOT NULL DEFAULT 0, revoked_at INTEGER NOT NULL DEFAULT 0);
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
    UNIQUE (kiosk_id, seq)
);
CREATE TABLE event_conflicts (
    id          INTEGER PRIMARY KEY,
    kiosk_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    body        TEXT    NOT NULL
);
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT    NOT NULL,
    action TEXT    NOT NULL,
    detail TEXT    NOT NULL
, object TEXT NOT NULL DEFAULT '');
INSERT INTO audit_log VALUES(1,1796448811,'lanternctl (uid 0)','scheme.init','scheme WTN, signing key 693d266a','WTN');
INSERT INTO audit_log VALUES(2,1796448811,'lanternctl (uid 0)','venue.add','"The Crown" pub, capacity 300, area "Centre", authority "", trading "Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30", cup covers 100','venue 1');
INSERT INTO audit_log VALUES(3,1796448812,'lanternctl (uid 0)','staff.add','"Dee Okafor" door at venue 1, SIA licence recorded','staff 1');
INSERT INTO audit_log VALUES(4,1796448813,'lanternctl (uid 0)','key.rotate','new current signing key; the previous one stays trusted for 397 days','key c4387098');
INSERT INTO audit_log VALUES(5,1796448814,'lanternctl (uid 0)','badge.issue','for staff 1','badge 42437d3b47cb4c94');
INSERT INTO audit_log VALUES(6,1796448815,'lanternctl (uid 0)','kiosk.add','enrolment code valid until 2026-12-12T05:33:35Z','venue 1');
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters VALUES('revocation',0);
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
CREATE TABLE sessions (
    id_sha256  BLOB    PRIMARY KEY CHECK (length(id_sha256) = 32),
    officer_id INTEGER NOT NULL REFERENCES officers (id),
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    email TEXT    NOT NULL,
    addr  TEXT    NOT NULL
);
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
CREATE TABLE rollup_hour (
    venue_id INTEGER NOT NULL,
    hour     INTEGER NOT NULL,
    type     INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, hour, type, kind)
) WITHOUT ROWID;
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
CREATE TABLE rollup_night_kind (
    venue_id INTEGER NOT NULL,
    night    INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, night, kind)
) WITHOUT ROWID;
CREATE INDEX staff_by_venue ON staff (venue_id);
CREATE INDEX badges_by_staff ON badges (staff_id);
CREATE INDEX badges_revoked ON badges (expires_at) WHERE revoked_at <> 0;
CREATE INDEX kiosks_by_venue ON kiosks (venue_id);
CREATE INDEX events_by_venue_time ON events (venue_id, occurred_at);
CREATE INDEX events_by_time ON events (occurred_at);
CREATE INDEX event_conflicts_by_key ON event_conflicts (kiosk_id, seq);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX venues_by_authority ON venues (authority, id);
CREATE INDEX badges_by_revoke_version ON badges (revoke_version) WHERE revoke_version <> 0;
CREATE INDEX findings_by_venue ON findings (venue_id, found_on);
CREATE INDEX sessions_by_officer ON sessions (officer_id);
CREATE INDEX sessions_by_created ON sessions (created_at);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_addr ON login_failures (addr, at);
CREATE INDEX login_failures_by_time ON login_failures (at);
CREATE INDEX shifts_by_venue_time ON shifts (venue_id, on_at);
CREATE INDEX shifts_by_staff ON shifts (staff_id, on_at);
CREATE INDEX flags_by_venue_time ON flags (venue_id, at);
CREATE INDEX flags_by_other_venue ON flags (other_venue_id, at) WHERE other_venue_id <> 0;
CREATE INDEX incidents_by_venue_time ON incidents (venue_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at);
CREATE INDEX stock_ledger_by_venue_time ON stock_ledger (venue_id, at);
CREATE INDEX volunteer_shifts_by_venue_time ON volunteer_shifts (venue_id, at);
CREATE INDEX volunteer_shifts_by_night ON volunteer_shifts (night);
CREATE INDEX volunteer_shifts_open ON volunteer_shifts (venue_id, staff_id, start_at) WHERE end_at = 0;
CREATE INDEX rollup_hour_by_hour ON rollup_hour (hour, type);
CREATE INDEX rollup_night_by_night ON rollup_night (night);
CREATE INDEX rollup_night_kind_by_night ON rollup_night_kind (night, kind);
CREATE INDEX training_by_staff ON training (staff_id, course, completed, expires);
COMMIT;
