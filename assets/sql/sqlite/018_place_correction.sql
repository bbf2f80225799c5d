-- 018_place_correction.sql - schema 18: why an officer's record of an incident in a public place
-- was corrected. The correcting record carries the reason; the record it supersedes is kept as
-- it was, so a record's history reads who corrected it, when and why. Records from before this
-- schema have no reason (''). Applied by server/store/sqlite/sq_migrate.c inside one
-- transaction, which then sets user_version = 18.
ALTER TABLE place_incidents ADD COLUMN reason TEXT NOT NULL DEFAULT ''
    CHECK (length(reason) <= 280);
