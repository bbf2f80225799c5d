-- 004_integrity.sql - schema 4: records that hold up before a licensing sub-committee.
-- Applied by server/store/sqlite/sq_migrate.c inside one transaction, which then sets
-- user_version = 4 (its pre step moves the secret keys to the key file first: see the
-- keys block).
-- Each block below is about one subject and stands on its own.

-- ---- events: one id, one record; flagged sign-ins ----

-- An event's uuid names one record, whichever kiosk and seq it arrives under. A conflict
-- row says which uuid it carried and which stored event (events.id) it collided with
-- (0: a conflict on (kiosk_id, seq) recorded before schema 4).
ALTER TABLE event_conflicts ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE event_conflicts ADD COLUMN stored_id INTEGER NOT NULL DEFAULT 0;
UPDATE event_conflicts SET stored_id = coalesce((SELECT e.id FROM events e
    WHERE e.kiosk_id = event_conflicts.kiosk_id AND e.seq = event_conflicts.seq), 0);

-- Databases from before schema 4 may hold one uuid more than once (a kiosk sending an
-- event again under a new seq). The first stored copy stays; every later copy moves to
-- event_conflicts and is flagged as a conflict (kind 6) at its venue, naming the first
-- copy's seq in `other` and its venue in other_venue_id when that is another venue.
-- What the later copies derived (a second register row, a stock movement counted twice,
-- rollup counts) stays as it was: see docs/admin.md.
CREATE TEMP TABLE uuid_first AS
    SELECT uuid, min(id) AS first_id FROM events GROUP BY uuid HAVING count(*) > 1;
CREATE TEMP TABLE uuid_later AS
    SELECT e.id AS id, f.first_id AS first_id FROM events e JOIN uuid_first f ON f.uuid = e.uuid
    WHERE e.id <> f.first_id;
INSERT INTO event_conflicts (kiosk_id, seq, received_at, body, uuid, stored_id)
    SELECT e.kiosk_id, e.seq, e.received_at, e.body, e.uuid, l.first_id
    FROM uuid_later l JOIN events e ON e.id = l.id ORDER BY e.id;
INSERT INTO flags (kind, venue_id, other_venue_id, kiosk_id, at, seq, other)
    SELECT 6, e.venue_id, CASE WHEN f.venue_id <> e.venue_id THEN f.venue_id ELSE 0 END,
           e.kiosk_id, e.occurred_at, e.seq, f.seq
    FROM uuid_later l JOIN events e ON e.id = l.id JOIN events f ON f.id = l.first_id
    ORDER BY e.id;
DELETE FROM events WHERE id IN (SELECT id FROM uuid_later);
DROP TABLE uuid_later;
DROP TABLE uuid_first;
CREATE UNIQUE INDEX events_by_uuid ON events (uuid);

-- A sign-in whose badge the scheme had revoked before it (1) or never issued (2); the
-- kiosk may have been offline and not known, so the shift is kept and flagged.
ALTER TABLE shifts ADD COLUMN badge_flag INTEGER NOT NULL DEFAULT 0
    CHECK (badge_flag BETWEEN 0 AND 2);
CREATE INDEX shifts_flagged ON shifts (venue_id, night) WHERE badge_flag <> 0;
-- Register rows stored before schema 4 are checked once, here, and flagged the same way
-- (flags kind 7 revoked badge, 8 unknown serial; `other` = the shift's id).
CREATE TEMP TABLE badge_hex AS SELECT lower(hex(serial)) AS serial, revoked_at FROM badges;
CREATE INDEX temp.badge_hex_by_serial ON badge_hex (serial);
UPDATE shifts SET badge_flag = CASE
    WHEN NOT EXISTS (SELECT 1 FROM badge_hex b WHERE b.serial = shifts.serial) THEN 2
    WHEN EXISTS (SELECT 1 FROM badge_hex b WHERE b.serial = shifts.serial
                 AND b.revoked_at <> 0 AND b.revoked_at <= shifts.on_at) THEN 1
    ELSE 0 END;
INSERT INTO flags (kind, venue_id, kiosk_id, staff_id, serial, at, seq, other)
    SELECT 6 + badge_flag, venue_id, kiosk_id, staff_id, serial, on_at, 0, id
    FROM shifts WHERE badge_flag <> 0 ORDER BY id;
DROP TABLE badge_hex;

-- ---- incidents: ownership and parts ----
-- A report belongs to the venue whose kiosk saved it first (incidents.venue_id); saves
-- from any other venue's kiosk are refused at ingest and never reach these tables.
-- Every save of a report is kept as a part, in the order the server received them,
-- so a report saved "finish later" and completed afterwards keeps both sets of answers
-- after the raw events are purged. sealed is NULL when the save carried no details.
-- Parts are deleted with their incident's sealed details (retention incident_details).
CREATE TABLE incident_parts (
    id          INTEGER PRIMARY KEY,   -- order of receipt
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kiosk_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,      -- the kiosk's claim
    received_at INTEGER NOT NULL,      -- the server's clock
    complete    INTEGER NOT NULL CHECK (complete IN (0, 1)),
    sealed      TEXT
);
-- Opening one report reads its parts in order through this index.
CREATE INDEX incident_parts_by_incident ON incident_parts (incident_id, id);

-- The saves still held as raw events, in the order they arrived, each under the report
-- of its own venue (a save another venue's kiosk sent is not a part of that report).
INSERT INTO incident_parts (incident_id, kiosk_id, seq, recorded_at, received_at, complete,
                            sealed)
SELECT i.id, e.kiosk_id, e.seq,
       CAST(strftime('%s', json_extract(e.body, '$.recorded_at')) AS INTEGER),
       e.received_at,
       CASE WHEN json_extract(e.body, '$.complete') THEN 1 ELSE 0 END,
       nullif(json_extract(e.body, '$.sealed'), '')
FROM events e
JOIN incidents i ON i.report_id = json_extract(e.body, '$.report_id') AND i.venue_id = e.venue_id
WHERE e.type = 4
ORDER BY e.id;

-- Saves another venue's kiosk made to a report before this schema were applied like the
-- owner's own; the raw events still held show which. Each is written to the audit log,
-- as a refused save is now, and the report's summary is set back to its own venue's
-- latest save still held (the order of receipt), its counts moving with it.
CREATE TEMP TABLE incident_foreign AS
SELECT i.id AS incident_id, e.id AS event_id, e.kiosk_id, e.venue_id, e.seq, i.report_id,
       i.venue_id AS owner
FROM events e
JOIN incidents i ON i.report_id = json_extract(e.body, '$.report_id') AND i.venue_id <> e.venue_id
WHERE e.type = 4;

INSERT INTO audit_log (at, actor, action, object, detail)
SELECT CAST(strftime('%s', 'now') AS INTEGER), 'system', 'incident.conflict', report_id,
       'kiosk ' || kiosk_id || ' (venue ' || venue_id || ') sent seq ' || seq ||
       ' changing this incident of venue ' || owner || ' before such saves were refused ' ||
       '(schema 4); the summary is set back to the venue''s own latest save still held'
FROM incident_foreign
ORDER BY event_id;

CREATE TEMP TABLE incident_repair AS
SELECT i.id, i.venue_id, i.night, i.occurred_at, i.kind AS old_kind,
       i.complete AS old_complete,
       (SELECT count(*) FROM incident_foreign f WHERE f.incident_id = i.id) AS foreign_saves,
       (SELECT count(*) FROM incident_parts p WHERE p.incident_id = i.id) AS own_saves,
       (SELECT e.body FROM incident_parts p JOIN events e ON e.kiosk_id = p.kiosk_id
          AND e.seq = p.seq WHERE p.incident_id = i.id ORDER BY p.id DESC LIMIT 1) AS body,
       (SELECT p.kiosk_id FROM incident_parts p WHERE p.incident_id = i.id
          ORDER BY p.id DESC LIMIT 1) AS kiosk_id,
       (SELECT p.sealed FROM incident_parts p WHERE p.incident_id = i.id
          AND p.sealed IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS sealed
FROM incidents i
WHERE i.id IN (SELECT incident_id FROM incident_foreign);
DELETE FROM incident_repair WHERE body IS NULL;

-- what each repaired report added to its night, hour and kind, and what it adds now
UPDATE rollup_night
SET spiking = rollup_night.spiking + d.spiking,
    spiking_complete = rollup_night.spiking_complete + d.spiking_complete,
    angela = rollup_night.angela + d.angela
FROM (SELECT venue_id, night,
             sum((json_extract(body, '$.kind') = 'spiking') - (old_kind = 'spiking')) AS spiking,
             sum((json_extract(body, '$.kind') = 'spiking' AND json_extract(body, '$.complete'))
                 - (old_kind = 'spiking' AND old_complete)) AS spiking_complete,
             sum((json_extract(body, '$.kind') = 'angela') - (old_kind = 'angela')) AS angela
      FROM incident_repair GROUP BY venue_id, night) AS d
WHERE rollup_night.venue_id = d.venue_id AND rollup_night.night = d.night;

UPDATE rollup_night_kind SET count = rollup_night_kind.count - d.n
FROM (SELECT venue_id, night, old_kind AS kind, count(*) AS n FROM incident_repair
      WHERE old_kind <> json_extract(body, '$.kind') GROUP BY venue_id, night, old_kind) AS d
WHERE rollup_night_kind.venue_id = d.venue_id AND rollup_night_kind.night = d.night
  AND rollup_night_kind.kind = d.kind;
INSERT INTO rollup_night_kind (venue_id, night, kind, count)
SELECT venue_id, night, json_extract(body, '$.kind'), count(*) FROM incident_repair
WHERE old_kind <> json_extract(body, '$.kind')
GROUP BY venue_id, night, json_extract(body, '$.kind')
ON CONFLICT (venue_id, night, kind) DO UPDATE SET count = count + excluded.count;

UPDATE rollup_hour SET count = rollup_hour.count - d.n
FROM (SELECT venue_id,
             CASE WHEN occurred_at >= 0 THEN occurred_at / 3600
                  ELSE -((-occurred_at + 3599) / 3600) END AS hour,
             old_kind AS kind, count(*) AS n FROM incident_repair
      WHERE old_kind <> json_extract(body, '$.kind') GROUP BY 1, 2, 3) AS d
WHERE rollup_hour.venue_id = d.venue_id AND rollup_hour.hour = d.hour AND rollup_hour.type = 4
  AND rollup_hour.kind = d.kind;
INSERT INTO rollup_hour (venue_id, hour, type, kind, count)
SELECT venue_id,
       CASE WHEN occurred_at >= 0 THEN occurred_at / 3600
            ELSE -((-occurred_at + 3599) / 3600) END,
       4, json_extract(body, '$.kind'), count(*) FROM incident_repair
WHERE old_kind <> json_extract(body, '$.kind')
GROUP BY 1, 2, 4
ON CONFLICT (venue_id, hour, type, kind) DO UPDATE SET count = count + excluded.count;

UPDATE incidents
SET kind = json_extract(r.body, '$.kind'), severity = json_extract(r.body, '$.severity'),
    place = json_extract(r.body, '$.place'), outcome = json_extract(r.body, '$.outcome'),
    police_called = CASE WHEN json_extract(r.body, '$.police_called') THEN 1 ELSE 0 END,
    complete = CASE WHEN json_extract(r.body, '$.complete') THEN 1 ELSE 0 END,
    staff_id = json_extract(r.body, '$.staff_id'),
    updated_at = CAST(strftime('%s', json_extract(r.body, '$.recorded_at')) AS INTEGER),
    latest_seq = json_extract(r.body, '$.seq'), kiosk_id = r.kiosk_id, sealed = r.sealed,
    updates = max(r.own_saves, updates - r.foreign_saves)
FROM incident_repair AS r
WHERE incidents.id = r.id;

DROP TABLE incident_repair;
DROP TABLE incident_foreign;

-- ---- keys: secret halves leave the database ----
-- The database keeps only public keys; the secret halves live in the key file
-- (server/store/keyfile.h), so a copy of the database can neither open a sealed
-- incident nor sign a badge. Before this SQL runs, in the same transaction,
-- sq_keys.c has copied every secret key below into the key file and synced it
-- (the database forgets nothing the file does not hold), and it runs with
-- PRAGMA secure_delete on, so the pages that held them are zeroed.

-- Badge signing keys: the public half, by kid, for the kiosks' trust list.
ALTER TABLE signing_keys DROP COLUMN sk;

-- Incident sealing keys, public halves. One current key (retired_at NULL),
-- which kiosks seal to; retired ones are listed for the record, their secret
-- halves stay in the key file so details sealed to them still open.
CREATE TABLE box_keys (
    pk         BLOB    PRIMARY KEY CHECK (length(pk) = 32),
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) WITHOUT ROWID;
INSERT INTO box_keys (pk, created_at) SELECT pk, created_at FROM box_key;
DROP TABLE box_key;
