-- 004_integrity.sql - schema 4: records the server can stand behind.
-- Applied by server/sq_core.c inside one transaction, which then sets user_version = 4.
-- Each topic keeps its statements in a block of its own.

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
