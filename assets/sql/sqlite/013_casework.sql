-- 013_casework.sql - schema 13: casework on each venue. Visits, letters and warnings, action
-- plans and their items, notes and the review history. Applied by
-- server/store/sqlite/sq_migrate.c inside one transaction, which then sets user_version = 13.
--
-- Nothing here is ever deleted or rewritten: a record is one row of casework, and each change
-- to it (created, edited, closed) is a new row of casework_versions that supersedes the one
-- before. The triggers below refuse a DELETE and any UPDATE but the one that marks a version
-- superseded, so the history of a record is always all of it.

-- One row per record. type: visit | letter | plan | item | note | review.
-- plan_id: the plan an item belongs to (0 for every other type).
CREATE TABLE casework (
    id         INTEGER PRIMARY KEY,
    venue_id   INTEGER NOT NULL REFERENCES venues (id),
    type       TEXT    NOT NULL CHECK (type IN ('visit', 'letter', 'plan', 'item', 'note',
                                                'review')),
    plan_id    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL
);
CREATE INDEX casework_by_venue ON casework (venue_id, type);
CREATE INDEX casework_by_plan ON casework (plan_id);

-- One row per version of a record; the current one has superseded_at = 0. Which fields a type
-- uses is the store's rule (server/store/store_casework.h); the others stay empty.
--   on_date:   days; a visit's or letter's date, an item's due date, a review's application
--   kind:      a visit's (bbn_assessment | licensing_inspection | police_visit | test_purchase)
--              or a letter's (advice_letter | warning_letter | final_warning | other)
--   title:     a plan's title
--   body:      what a visit found, a letter's text, an item's text, a note, a plan's aim
--   officers:  who made a visit;  findings: the finding ids it links ("12,14")
--   owner_id:  the officer who owns an item;  status: open | done | dropped;  evidence: of done
--   hearing_on, outcome, conditions: a review's hearing date, its outcome and the conditions
--              added or changed
--   pdf_sha256: a letter's attached PDF (casework_files), '' = none
--   closed_at, closed_by: set on the version that closed the record, and kept by none after it
CREATE TABLE casework_versions (
    id            INTEGER PRIMARY KEY,
    record_id     INTEGER NOT NULL REFERENCES casework (id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    at            INTEGER NOT NULL,
    by            TEXT    NOT NULL,
    on_date       INTEGER NOT NULL DEFAULT 0,
    kind          TEXT    NOT NULL DEFAULT '',
    title         TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL DEFAULT '',
    officers      TEXT    NOT NULL DEFAULT '',
    findings      TEXT    NOT NULL DEFAULT '',
    owner_id      INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL DEFAULT '',
    evidence      TEXT    NOT NULL DEFAULT '',
    hearing_on    INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT    NOT NULL DEFAULT '',
    conditions    TEXT    NOT NULL DEFAULT '',
    pdf_sha256    TEXT    NOT NULL DEFAULT '',
    closed_at     INTEGER NOT NULL DEFAULT 0,
    closed_by     TEXT    NOT NULL DEFAULT '',
    superseded_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (record_id, version)
);
CREATE INDEX casework_versions_current ON casework_versions (record_id, superseded_at);
CREATE INDEX casework_versions_owner ON casework_versions (owner_id, superseded_at);

-- Attached PDFs, by content: a new version that keeps its attachment names the same row.
CREATE TABLE casework_files (
    sha256     TEXT    PRIMARY KEY,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TRIGGER casework_no_delete BEFORE DELETE ON casework
BEGIN
    SELECT RAISE(ABORT, 'casework is never deleted');
END;
CREATE TRIGGER casework_no_update BEFORE UPDATE ON casework
BEGIN
    SELECT RAISE(ABORT, 'casework is never rewritten');
END;
CREATE TRIGGER casework_versions_no_delete BEFORE DELETE ON casework_versions
BEGIN
    SELECT RAISE(ABORT, 'casework is never deleted');
END;
CREATE TRIGGER casework_versions_no_rewrite BEFORE UPDATE ON casework_versions
WHEN OLD.superseded_at != 0 OR NEW.superseded_at = 0 OR NEW.id != OLD.id
  OR NEW.record_id != OLD.record_id OR NEW.version != OLD.version OR NEW.at != OLD.at
  OR NEW.by != OLD.by OR NEW.on_date != OLD.on_date OR NEW.kind != OLD.kind
  OR NEW.title != OLD.title OR NEW.body != OLD.body OR NEW.officers != OLD.officers
  OR NEW.findings != OLD.findings OR NEW.owner_id != OLD.owner_id OR NEW.status != OLD.status
  OR NEW.evidence != OLD.evidence OR NEW.hearing_on != OLD.hearing_on
  OR NEW.outcome != OLD.outcome OR NEW.conditions != OLD.conditions
  OR NEW.pdf_sha256 != OLD.pdf_sha256
  OR NEW.closed_at != OLD.closed_at OR NEW.closed_by != OLD.closed_by
BEGIN
    SELECT RAISE(ABORT, 'a casework version is never rewritten, only superseded');
END;
CREATE TRIGGER casework_files_no_delete BEFORE DELETE ON casework_files
BEGIN
    SELECT RAISE(ABORT, 'casework is never deleted');
END;
