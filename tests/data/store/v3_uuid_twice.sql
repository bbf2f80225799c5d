-- v3.sql - a database at schema version 3: tests/data/store/v1.sql migrated by the schema-3 store,
-- after a kiosk sent one stock delivery twice under two sequence numbers (one uuid, so the
-- level counts it twice) and another kiosk sent an event whose uuid collides with the first
-- kiosk's; for the schema-4 migration test.
PRAGMA user_version = 3;
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE scheme (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO scheme VALUES(1,'WTN',1795690829);
CREATE TABLE signing_keys (
    kid        BLOB    PRIMARY KEY CHECK (length(kid) = 4),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 64),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) WITHOUT ROWID;
INSERT INTO signing_keys VALUES(X'dce6f895',X'e3654d14b34378cede8d65c1f12d43b106670c3bd2962ad050cab3fb6d4ebc80',X'b62d42835cf4dd9159fc4b605e48119f21499caf87fdfd0fa0e25f8020f5d414e3654d14b34378cede8d65c1f12d43b106670c3bd2962ad050cab3fb6d4ebc80',1795690829,NULL);
CREATE TABLE box_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pk         BLOB    NOT NULL CHECK (length(pk) = 32),
    sk         BLOB    NOT NULL CHECK (length(sk) = 32),
    created_at INTEGER NOT NULL
);
INSERT INTO box_key VALUES(1,X'c7921e64f568908b11a1332dabd6163167b2eab8f1b9017932a207bdb101760a',X'9a463762e71edd9e36e2e7108321978d35313139f06ddad4ebecd76eb8c1daa0',1795690829);
CREATE TABLE venues (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    category   INTEGER NOT NULL CHECK (category BETWEEN 1 AND 4),
    capacity   INTEGER NOT NULL CHECK (capacity >= 0),
    area       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
, authority TEXT NOT NULL DEFAULT '', trading TEXT NOT NULL DEFAULT '', cup_cover_threshold INTEGER NOT NULL DEFAULT 100
    CHECK (cup_cover_threshold >= 0), closed_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO venues VALUES(1,'The Crown',1,300,'Centre',1795690829,'','Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30',100,0);
INSERT INTO venues VALUES(2,'Club Nova',3,900,'Riverside',1795690829,'','Thu-Sat 22:00-04:00',100,0);
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    name        TEXT    NOT NULL,
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
    sia_number  TEXT    NOT NULL DEFAULT '',
    sia_expires INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
, left_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO staff VALUES(1,1,'Sam Door',1,'1234567812345678',20939,1795690829,0);
INSERT INTO staff VALUES(2,1,'Alex Bar',2,'',0,1795690829,0);
CREATE TABLE training (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    course     INTEGER NOT NULL CHECK (course BETWEEN 1 AND 7),
    completed  INTEGER NOT NULL,
    expires    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
INSERT INTO training VALUES(1,1,2,20463,20828,1795690829);
INSERT INTO training VALUES(2,1,3,20463,20828,1795690829);
INSERT INTO training VALUES(3,2,1,20463,20828,1795690829);
CREATE TABLE badges (
    serial     BLOB    PRIMARY KEY CHECK (length(serial) = 8),
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    kid        BLOB    NOT NULL REFERENCES signing_keys (kid),
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
, revoke_version INTEGER NOT NULL DEFAULT 0, revoke_reason TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
INSERT INTO badges VALUES(X'1111111111111111',1,X'dce6f895',1793221200,1821733200,1794949200,1,'reissued');
INSERT INTO badges VALUES(X'a1b2c3d4e5f60718',1,X'dce6f895',1794949200,1821733200,0,0,'');
CREATE TABLE enroll_codes (
    code_sha256 BLOB    PRIMARY KEY CHECK (length(code_sha256) = 32),
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL DEFAULT 0,
    kiosk_id    INTEGER REFERENCES kiosks (id)
) WITHOUT ROWID;
INSERT INTO enroll_codes VALUES(X'5638ab3c9b2350d98a52b2eba1ba244c49e75dd5d4432d7028c65f82a3c79bb9',1,1795690829,1795694429,1795690829,1);
INSERT INTO enroll_codes VALUES(X'79f48f9560a9ffaf93649cfeb551c41cf8f6a5c39d95c4e67e2c9c72c89ebab6',2,1795690829,1795694429,1795690829,2);
CREATE TABLE kiosks (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    pk          BLOB    NOT NULL UNIQUE CHECK (length(pk) = 32),
    enrolled_at INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
, backlog INTEGER NOT NULL DEFAULT -1, backlog_at INTEGER NOT NULL DEFAULT 0, seq_gaps INTEGER NOT NULL DEFAULT 0, seq_backwards INTEGER NOT NULL DEFAULT 0, last_anomaly_at INTEGER NOT NULL DEFAULT 0, revoked_at INTEGER NOT NULL DEFAULT 0);
INSERT INTO kiosks VALUES(1,1,X'134e7e26635fe0b2d8d6786ebdf637a878cdbdedf189882df806b88734f0bf43',1795690829,1795835100,8,0,-1,0,0,0,0,0);
INSERT INTO kiosks VALUES(2,2,X'642bcada9a8713ea333a4f139f98920c234409273ff19bc22cf6425a2fa4fd74',1795690829,1795835200,3,0,-1,0,0,0,0,0);
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
INSERT INTO events VALUES(1,1,1,'93c900ad-81d5-45f0-a83a-7b95518eb5d5',1,1,'1',1795813200,1795834810,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-27T21:00:00Z","recorded_at":"2026-11-27T21:00:00Z","role":"door","seq":1,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_in","uuid":"93c900ad-81d5-45f0-a83a-7b95518eb5d5","verdict":"green"}');
INSERT INTO events VALUES(2,1,2,'a2baa59a-eb39-42aa-8ee3-9c52c76e075e',1,1,'2',1795813260,1795834810,'{"badge_serial":"0102030405060708","occurred_at":"2026-11-27T21:01:00Z","recorded_at":"2026-11-27T21:01:00Z","role":"bar","seq":2,"sia_expires":null,"sia_number":"","sia_status":"not_required","staff_id":"2","type":"sign_in","uuid":"a2baa59a-eb39-42aa-8ee3-9c52c76e075e","verdict":"green"}');
INSERT INTO events VALUES(3,1,3,'a10cd6d9-31f4-4c0e-adf3-7077ff85b7f7',4,1,'1',1795816800,1795834810,'{"complete":false,"kind":"spiking","occurred_at":"2026-11-27T22:00:00Z","outcome":"open","place":"bar","police_called":false,"recorded_at":"2026-11-27T22:01:40Z","report_id":"6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","sealed":"","seq":3,"severity":4,"staff_id":"1","type":"incident","uuid":"a10cd6d9-31f4-4c0e-adf3-7077ff85b7f7"}');
INSERT INTO events VALUES(4,1,4,'29bc132e-dd04-48e1-b6e4-897d7a3f0418',4,1,'1',1795816800,1795834810,'{"complete":true,"kind":"spiking","occurred_at":"2026-11-27T22:00:00Z","outcome":"ambulance","place":"bar","police_called":false,"recorded_at":"2026-11-27T22:23:20Z","report_id":"6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","sealed":"","seq":4,"severity":4,"staff_id":"1","type":"incident","uuid":"29bc132e-dd04-48e1-b6e4-897d7a3f0418"}');
INSERT INTO events VALUES(5,1,5,'fe88458b-ea9c-400d-b3bf-d02ef560234c',5,1,'2',1795813320,1795834810,'{"kind":"count","occurred_at":"2026-11-27T21:02:00Z","quantity":150,"recorded_at":"2026-11-27T21:02:00Z","seq":5,"staff_id":"2","type":"stock","uuid":"fe88458b-ea9c-400d-b3bf-d02ef560234c"}');
INSERT INTO events VALUES(6,1,6,'8793dabf-c976-40e3-8c1c-c2043b72c813',2,1,'1',1795834800,1795834810,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-28T03:00:00Z","recorded_at":"2026-11-28T03:00:00Z","role":"door","seq":6,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_out","uuid":"8793dabf-c976-40e3-8c1c-c2043b72c813","verdict":"green"}');
INSERT INTO events VALUES(7,2,1,'f3c3bf7f-8243-444f-bf0a-bd17ca4cea73',1,2,'1',1795815000,1795815200,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-27T21:30:00Z","recorded_at":"2026-11-27T21:30:00Z","role":"door","seq":1,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_in","uuid":"f3c3bf7f-8243-444f-bf0a-bd17ca4cea73","verdict":"green"}');
INSERT INTO events VALUES(8,2,2,'7c15d5a5-7c2a-40f1-a55b-e531cb0b5723',3,2,NULL,1795815100,1795815200,'{"occurred_at":"2026-11-27T21:31:40Z","reason":"expired","recorded_at":"2026-11-27T21:31:40Z","seq":2,"type":"badge_refused","uuid":"7c15d5a5-7c2a-40f1-a55b-e531cb0b5723"}');
INSERT INTO events VALUES(9,1,7,'c0ffee00-0000-4000-8000-000000000001',5,1,'2',1795820400,1795835000,'{"kind":"delivery","occurred_at":"2026-11-27T23:00:00Z","quantity":40,"recorded_at":"2026-11-27T23:00:00Z","seq":7,"staff_id":"2","type":"stock","uuid":"c0ffee00-0000-4000-8000-000000000001"}');
INSERT INTO events VALUES(10,1,8,'c0ffee00-0000-4000-8000-000000000001',5,1,'2',1795820400,1795835100,'{"kind":"delivery","occurred_at":"2026-11-27T23:00:00Z","quantity":40,"recorded_at":"2026-11-27T23:00:00Z","seq":8,"staff_id":"2","type":"stock","uuid":"c0ffee00-0000-4000-8000-000000000001"}');
INSERT INTO events VALUES(11,2,3,'93c900ad-81d5-45f0-a83a-7b95518eb5d5',5,2,'1',1795822200,1795835200,'{"kind":"count","occurred_at":"2026-11-27T23:30:00Z","quantity":90,"recorded_at":"2026-11-27T23:30:00Z","seq":3,"staff_id":"1","type":"stock","uuid":"93c900ad-81d5-45f0-a83a-7b95518eb5d5"}');
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
INSERT INTO audit_log VALUES(1,1795690829,'system','scheme.init','scheme WTN, signing key dce6f895','');
INSERT INTO audit_log VALUES(2,1795690829,'system','venue.add','venue 1 "The Crown" pub, capacity 300, area "Centre"','');
INSERT INTO audit_log VALUES(3,1795690829,'system','venue.add','venue 2 "Club Nova" nightclub, capacity 900, area "Riverside"','');
INSERT INTO audit_log VALUES(4,1795690829,'system','staff.add','staff 1 "Sam Door" door at venue 1, SIA licence recorded','');
INSERT INTO audit_log VALUES(5,1795690829,'system','staff.add','staff 2 "Alex Bar" bar at venue 1','');
INSERT INTO audit_log VALUES(6,1795690829,'system','training.add','staff 1 completed wave on 2026-01-10','');
INSERT INTO audit_log VALUES(7,1795690829,'system','training.add','staff 1 completed angela on 2026-01-10','');
INSERT INTO audit_log VALUES(8,1795690829,'system','training.add','staff 2 completed bystander on 2026-01-10','');
INSERT INTO audit_log VALUES(9,1795690829,'system','badge.issue','badge 1111111111111111 for staff 1','');
INSERT INTO audit_log VALUES(10,1795690829,'system','badge.revoke','badge 1111111111111111 of staff 1: reissued','');
INSERT INTO audit_log VALUES(11,1795690829,'system','badge.issue','badge a1b2c3d4e5f60718 for staff 1','');
INSERT INTO audit_log VALUES(12,1795690829,'system','kiosk.add','enrolment code for venue 1, valid until 2026-11-26T12:00:29Z','');
INSERT INTO audit_log VALUES(13,1795690829,'system','kiosk.enrol','kiosk 1 enrolled at venue 1','');
INSERT INTO audit_log VALUES(14,1795690829,'system','kiosk.add','enrolment code for venue 2, valid until 2026-11-26T12:00:29Z','');
INSERT INTO audit_log VALUES(15,1795690829,'system','kiosk.enrol','kiosk 2 enrolled at venue 2','');
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters VALUES('revocation',1);
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
INSERT INTO shifts VALUES(1,1,1,'1','a1b2c3d4e5f60718',1,'1234567812345678',2,1,1795813200,1795834800,20784,1,1,0,1);
INSERT INTO shifts VALUES(2,1,1,'2','0102030405060708',2,'',1,1,1795813260,NULL,20784,1,0,1,0);
INSERT INTO shifts VALUES(3,2,2,'1','a1b2c3d4e5f60718',1,'1234567812345678',2,1,1795815000,NULL,20784,1,1,0,1);
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
INSERT INTO flags VALUES(1,1,2,1,2,'1','a1b2c3d4e5f60718',1795815000,1,1);
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
INSERT INTO incidents VALUES(1,'6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f',1,1,'spiking',4,'bar','ambulance',0,1,'1',1795816800,1795816900,1795818200,4,2,20784,1,NULL);
CREATE TABLE stock_levels (
    venue_id   INTEGER PRIMARY KEY,
    level      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO stock_levels VALUES(1,230,1795820400);
INSERT INTO stock_levels VALUES(2,90,1795822200);
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
INSERT INTO stock_ledger VALUES(1,1,1,1795813320,'count',150,150,'2');
INSERT INTO stock_ledger VALUES(2,1,1,1795820400,'delivery',40,190,'2');
INSERT INTO stock_ledger VALUES(3,1,1,1795820400,'delivery',40,230,'2');
INSERT INTO stock_ledger VALUES(4,2,2,1795822200,'count',90,90,'1');
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
INSERT INTO rollup_hour VALUES(1,498837,1,'',2);
INSERT INTO rollup_hour VALUES(1,498837,5,'',1);
INSERT INTO rollup_hour VALUES(1,498838,4,'',2);
INSERT INTO rollup_hour VALUES(1,498838,4,'spiking',1);
INSERT INTO rollup_hour VALUES(1,498839,5,'',2);
INSERT INTO rollup_hour VALUES(1,498843,2,'',1);
INSERT INTO rollup_hour VALUES(2,498837,1,'',1);
INSERT INTO rollup_hour VALUES(2,498837,3,'',1);
INSERT INTO rollup_hour VALUES(2,498839,5,'',1);
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
INSERT INTO rollup_night VALUES(1,20784,8,2,1,1,1,1,2,1,1,1,1,1,1,0,0,3,230);
INSERT INTO rollup_night VALUES(2,20784,3,1,1,1,1,1,1,0,1,0,0,0,0,0,1,1,90);
CREATE TABLE rollup_night_kind (
    venue_id INTEGER NOT NULL,
    night    INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (venue_id, night, kind)
) WITHOUT ROWID;
INSERT INTO rollup_night_kind VALUES(1,20784,'spiking',1);
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
