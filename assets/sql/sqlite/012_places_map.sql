-- 012_places_map.sql - schema 12: the public places as a register (a kind, optional WGS84
-- coordinates, an optional licensing authority), coordinates for venues, officers' own records
-- of incidents in public places (superseded, never deleted) and the offline map's background
-- image. The kiosks' place sync reads id and name only and is unchanged. Applied by
-- server/store/sqlite/sq_migrate.c inside one transaction, which then sets user_version = 12.

-- kind: park | street | taxi_rank | transport_hub | other. lat and lon are both NULL (no
-- coordinates) or both set. authority "" = a place of the whole scheme.
ALTER TABLE places ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind IN ('park', 'street', 'taxi_rank', 'transport_hub', 'other'));
ALTER TABLE places ADD COLUMN lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90);
ALTER TABLE places ADD COLUMN lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180);
ALTER TABLE places ADD COLUMN authority TEXT NOT NULL DEFAULT '';

-- a venue's position on the map; no row = none recorded
CREATE TABLE venue_coords (
    venue_id   INTEGER PRIMARY KEY,
    lat        REAL    NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon        REAL    NOT NULL CHECK (lon BETWEEN -180 AND 180),
    updated_at INTEGER NOT NULL
);

-- An officer's record of an incident in a public place: when, what kind, a short note (no
-- victim identity), who recorded it. A correction is a new row; the old one is marked
-- superseded_by it and kept. authority: the place's, else the recording officer's.
CREATE TABLE place_incidents (
    id            INTEGER PRIMARY KEY,
    place_id      INTEGER NOT NULL,
    place_name    TEXT    NOT NULL,
    authority     TEXT    NOT NULL DEFAULT '',
    occurred_at   INTEGER NOT NULL,
    night         INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 31),
    note          TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 280),
    officer_id    INTEGER NOT NULL,
    recorded_by   TEXT    NOT NULL,
    recorded_at   INTEGER NOT NULL,
    supersedes    INTEGER NOT NULL DEFAULT 0,
    superseded_by INTEGER NOT NULL DEFAULT 0,
    superseded_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX place_incidents_by_night ON place_incidents (night, place_id);

-- The map's background: one current image (PNG or JPEG, bounded) and the WGS84 box it shows.
CREATE TABLE map_image (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    mime        TEXT    NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),
    data        BLOB    NOT NULL,
    width       INTEGER NOT NULL CHECK (width > 0),
    height      INTEGER NOT NULL CHECK (height > 0),
    north       REAL    NOT NULL,
    south       REAL    NOT NULL,
    west        REAL    NOT NULL,
    east        REAL    NOT NULL,
    uploaded_at INTEGER NOT NULL,
    uploaded_by TEXT    NOT NULL
);
