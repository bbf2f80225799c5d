-- 006_places_welfare.sql - the town's named public places (synced to the kiosks), the street
-- welfare log recorded at hub kiosks, and who signed a person out when a manager did it for
-- them. Applied by server/store/sqlite/sq_migrate.c; sets user_version = 6.

-- the manager's staff id when a manager signed this person out (they left without scanning)
ALTER TABLE shifts ADD COLUMN off_by TEXT NOT NULL DEFAULT '';

-- a park, a street, a taxi rank: where street welfare happens (lanternctl place add)
CREATE TABLE places (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 47),
    created_at INTEGER NOT NULL
);

-- one row per welfare event: where, what happened, the outcome; nothing about the person
CREATE TABLE welfare (
    id          INTEGER PRIMARY KEY,
    venue_id    INTEGER NOT NULL,
    kiosk_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    staff_id    TEXT    NOT NULL,
    place       TEXT    NOT NULL,
    what        TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL
);
CREATE INDEX welfare_by_time ON welfare (occurred_at);
CREATE INDEX welfare_by_place ON welfare (place, occurred_at);
