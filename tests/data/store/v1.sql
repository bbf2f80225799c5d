-- v1.sql - a database at schema version 1 (made by the schema-1 store: two venues, staff,
-- training, a reissued badge, two kiosks and a few events), for the migration test.
PRAGMA user_version = 1;
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
);
INSERT INTO venues VALUES(1,'The Crown',1,300,'Centre',1795690829);
INSERT INTO venues VALUES(2,'Club Nova',3,900,'Riverside',1795690829);
CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    name        TEXT    NOT NULL,
    role        INTEGER NOT NULL CHECK (role BETWEEN 1 AND 4),
    sia_number  TEXT    NOT NULL DEFAULT '',
    sia_expires INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
INSERT INTO staff VALUES(1,1,'Sam Door',1,'1234567812345678',20939,1795690829);
INSERT INTO staff VALUES(2,1,'Alex Bar',2,'',0,1795690829);
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
) WITHOUT ROWID;
INSERT INTO badges VALUES(X'1111111111111111',1,X'dce6f895',1793221200,1821733200,1794949200);
INSERT INTO badges VALUES(X'a1b2c3d4e5f60718',1,X'dce6f895',1794949200,1821733200,0);
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
);
INSERT INTO kiosks VALUES(1,1,X'134e7e26635fe0b2d8d6786ebdf637a878cdbdedf189882df806b88734f0bf43',1795690829,1795834810,6,0);
INSERT INTO kiosks VALUES(2,2,X'642bcada9a8713ea333a4f139f98920c234409273ff19bc22cf6425a2fa4fd74',1795690829,1795815200,2,0);
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
INSERT INTO events VALUES(1,1,1,'93c900ad-81d5-45f0-a83a-7b95518eb5d5',1,1,'1',1795813200,1795834810,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-27T21:00:00Z","recorded_at":"2026-11-27T21:00:00Z","role":"door","seq":1,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_in","uuid":"93c900ad-81d5-45f0-a83a-7b95518eb5d5","verdict":"green"}',X'b1fd0120e5e77a65eb953cbcd2451c2433886ffd9b0fe9bc9c868608f326bd8a');
INSERT INTO events VALUES(2,1,2,'a2baa59a-eb39-42aa-8ee3-9c52c76e075e',1,1,'2',1795813260,1795834810,'{"badge_serial":"0102030405060708","occurred_at":"2026-11-27T21:01:00Z","recorded_at":"2026-11-27T21:01:00Z","role":"bar","seq":2,"sia_expires":null,"sia_number":"","sia_status":"not_required","staff_id":"2","type":"sign_in","uuid":"a2baa59a-eb39-42aa-8ee3-9c52c76e075e","verdict":"green"}',X'd1d89a294eb5623e775bc09c20a24ab6383035415ff3a7851da6b76443098ef4');
INSERT INTO events VALUES(3,1,3,'a10cd6d9-31f4-4c0e-adf3-7077ff85b7f7',4,1,'1',1795816800,1795834810,'{"complete":false,"kind":"spiking","occurred_at":"2026-11-27T22:00:00Z","outcome":"open","place":"bar","police_called":false,"recorded_at":"2026-11-27T22:01:40Z","report_id":"6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","sealed":"","seq":3,"severity":4,"staff_id":"1","type":"incident","uuid":"a10cd6d9-31f4-4c0e-adf3-7077ff85b7f7"}',X'bc9ab68b0cd212e78d8dfbbea09e76367a3ed86b0c80200a84edac4a69cb77f8');
INSERT INTO events VALUES(4,1,4,'29bc132e-dd04-48e1-b6e4-897d7a3f0418',4,1,'1',1795816800,1795834810,'{"complete":true,"kind":"spiking","occurred_at":"2026-11-27T22:00:00Z","outcome":"ambulance","place":"bar","police_called":false,"recorded_at":"2026-11-27T22:23:20Z","report_id":"6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","sealed":"","seq":4,"severity":4,"staff_id":"1","type":"incident","uuid":"29bc132e-dd04-48e1-b6e4-897d7a3f0418"}',X'd690a240be9a21ceb7238497dd48aaddd095416572bdedff8508824bd9a2cba9');
INSERT INTO events VALUES(5,1,5,'fe88458b-ea9c-400d-b3bf-d02ef560234c',5,1,'2',1795813320,1795834810,'{"kind":"count","occurred_at":"2026-11-27T21:02:00Z","quantity":150,"recorded_at":"2026-11-27T21:02:00Z","seq":5,"staff_id":"2","type":"stock","uuid":"fe88458b-ea9c-400d-b3bf-d02ef560234c"}',X'75c097152d9aeb088dcfe42ecec0b1b03f9184a3a378cb61329651ec475b8024');
INSERT INTO events VALUES(6,1,6,'8793dabf-c976-40e3-8c1c-c2043b72c813',2,1,'1',1795834800,1795834810,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-28T03:00:00Z","recorded_at":"2026-11-28T03:00:00Z","role":"door","seq":6,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_out","uuid":"8793dabf-c976-40e3-8c1c-c2043b72c813","verdict":"green"}',X'4b79c1e9063434d1aefd419f2bbf9a3d77506a32f0ec21e5b954b9156ffdb2a2');
INSERT INTO events VALUES(7,2,1,'f3c3bf7f-8243-444f-bf0a-bd17ca4cea73',1,2,'1',1795815000,1795815200,'{"badge_serial":"a1b2c3d4e5f60718","occurred_at":"2026-11-27T21:30:00Z","recorded_at":"2026-11-27T21:30:00Z","role":"door","seq":1,"sia_expires":"2027-05-01","sia_number":"1234567812345678","sia_status":"valid","staff_id":"1","type":"sign_in","uuid":"f3c3bf7f-8243-444f-bf0a-bd17ca4cea73","verdict":"green"}',X'0fbc03bb2d9c4f9afc61d54e65c5ba0dfb7862f28096755b30267612dcbf5d99');
INSERT INTO events VALUES(8,2,2,'7c15d5a5-7c2a-40f1-a55b-e531cb0b5723',3,2,NULL,1795815100,1795815200,'{"occurred_at":"2026-11-27T21:31:40Z","reason":"expired","recorded_at":"2026-11-27T21:31:40Z","seq":2,"type":"badge_refused","uuid":"7c15d5a5-7c2a-40f1-a55b-e531cb0b5723"}',X'b6a28ea41e4018a52ed592cea4343ead4ae9e96f8f590b14883196db9c0c6363');
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
);
INSERT INTO audit_log VALUES(1,1795690829,'system','scheme.init','scheme WTN, signing key dce6f895');
INSERT INTO audit_log VALUES(2,1795690829,'system','venue.add','venue 1 "The Crown" pub, capacity 300, area "Centre"');
INSERT INTO audit_log VALUES(3,1795690829,'system','venue.add','venue 2 "Club Nova" nightclub, capacity 900, area "Riverside"');
INSERT INTO audit_log VALUES(4,1795690829,'system','staff.add','staff 1 "Sam Door" door at venue 1, SIA licence recorded');
INSERT INTO audit_log VALUES(5,1795690829,'system','staff.add','staff 2 "Alex Bar" bar at venue 1');
INSERT INTO audit_log VALUES(6,1795690829,'system','training.add','staff 1 completed wave on 2026-01-10');
INSERT INTO audit_log VALUES(7,1795690829,'system','training.add','staff 1 completed angela on 2026-01-10');
INSERT INTO audit_log VALUES(8,1795690829,'system','training.add','staff 2 completed bystander on 2026-01-10');
INSERT INTO audit_log VALUES(9,1795690829,'system','badge.issue','badge 1111111111111111 for staff 1');
INSERT INTO audit_log VALUES(10,1795690829,'system','badge.revoke','badge 1111111111111111 of staff 1: reissued');
INSERT INTO audit_log VALUES(11,1795690829,'system','badge.issue','badge a1b2c3d4e5f60718 for staff 1');
INSERT INTO audit_log VALUES(12,1795690829,'system','kiosk.add','enrolment code for venue 1, valid until 2026-11-26T12:00:29Z');
INSERT INTO audit_log VALUES(13,1795690829,'system','kiosk.enrol','kiosk 1 enrolled at venue 1');
INSERT INTO audit_log VALUES(14,1795690829,'system','kiosk.add','enrolment code for venue 2, valid until 2026-11-26T12:00:29Z');
INSERT INTO audit_log VALUES(15,1795690829,'system','kiosk.enrol','kiosk 2 enrolled at venue 2');
CREATE INDEX staff_by_venue ON staff (venue_id);
CREATE INDEX training_by_staff ON training (staff_id, course, completed);
CREATE INDEX badges_by_staff ON badges (staff_id);
CREATE INDEX badges_revoked ON badges (expires_at) WHERE revoked_at <> 0;
CREATE INDEX kiosks_by_venue ON kiosks (venue_id);
CREATE INDEX events_by_venue_time ON events (venue_id, occurred_at);
CREATE INDEX events_by_time ON events (occurred_at);
CREATE INDEX event_conflicts_by_key ON event_conflicts (kiosk_id, seq);
CREATE INDEX audit_log_by_time ON audit_log (at);
COMMIT;
