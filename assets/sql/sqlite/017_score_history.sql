-- 017_score_history.sql - schema 17: each venue's standing over time, so a case can rest on what
-- the score was on a given night and not only on what it is now. Applied by
-- server/store/sqlite/sq_migrate.c inside one transaction, which then sets user_version = 17.
--
-- The alert scanner (server/alerts) scores every open venue on each pass; when a venue's band,
-- its review flag or its award differs from its newest row here, it appends a row. A venue's
-- first row (first = 1) is the standing the scanner first saw, not a change: on an upgraded
-- database that is each venue's standing on the first pass after the upgrade.
--   band, old_band:     none (not yet scored) | green | amber | red
--   review, old_review: flagged for review (two consecutive Red windows)
--   award, old_award:   the Best Bar None award, '' = none
--   risk_milli:         the risk points at `at`, in thousandths
--   risk_version, bbn_version: the versions of the scoring rules that gave it
-- The old_* columns repeat the row before, so one row reads on its own. Rows are never deleted
-- or rewritten.
CREATE TABLE score_history (
    id           INTEGER PRIMARY KEY,
    venue_id     INTEGER NOT NULL REFERENCES venues (id),
    at           INTEGER NOT NULL,
    first        INTEGER NOT NULL CHECK (first IN (0, 1)),
    old_band     TEXT    NOT NULL CHECK (old_band IN ('none', 'green', 'amber', 'red')),
    band         TEXT    NOT NULL CHECK (band IN ('none', 'green', 'amber', 'red')),
    old_review   INTEGER NOT NULL CHECK (old_review IN (0, 1)),
    review       INTEGER NOT NULL CHECK (review IN (0, 1)),
    old_award    TEXT    NOT NULL DEFAULT '',
    award        TEXT    NOT NULL DEFAULT '',
    risk_milli   INTEGER NOT NULL,
    risk_version TEXT    NOT NULL DEFAULT '',
    bbn_version  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX score_history_by_venue ON score_history (venue_id, id);

CREATE TRIGGER score_history_no_delete BEFORE DELETE ON score_history
BEGIN
    SELECT RAISE(ABORT, 'score history is never deleted');
END;
CREATE TRIGGER score_history_no_update BEFORE UPDATE ON score_history
BEGIN
    SELECT RAISE(ABORT, 'score history is never rewritten');
END;
