-- 007_door_rules.sql (PostgreSQL) - schema 7: the scheme's door rules (required training per role, SIA
-- licences it lists as suspended or revoked) and what a sign-in lacked.
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 7.

-- The training a role must hold in date (course codes as in docs/badge-format.md). Sent to
-- kiosks in the sync reply; a badge without one is never GREEN there.
CREATE TABLE required_training (
    role   BIGINT NOT NULL CHECK (role BETWEEN 1 AND 4),
    course BIGINT NOT NULL CHECK (course BETWEEN 1 AND 7),
    PRIMARY KEY (role, course)
);
-- A new scheme (no venue yet) starts with WAVE (2) for every role; a scheme that already
-- has venues keeps working as before (nothing required) until an administrator says
-- otherwise (docs/admin.md).
INSERT INTO required_training (role, course)
    SELECT r.role, 2 FROM (SELECT 1 AS role UNION ALL SELECT 2 UNION ALL SELECT 3
                           UNION ALL SELECT 4) r
    WHERE NOT EXISTS (SELECT 1 FROM venues);

-- SIA licence numbers the scheme lists with a status from a date: 0 valid, 1 suspended,
-- 2 revoked (`lanternctl sia set-status`). One row per number: the latest word.
CREATE TABLE sia_listed (
    number   TEXT    PRIMARY KEY CHECK (length(number) = 16),
    status   BIGINT NOT NULL CHECK (status BETWEEN 0 AND 2),
    from_day BIGINT NOT NULL,
    set_at   BIGINT NOT NULL
);

-- What a sign-in lacked and what it was for: required courses absent or lapsed (bits
-- 1 << course code, as the kiosk judged them), and duty 1 = other duties than the door.
ALTER TABLE shifts ADD COLUMN training_missing BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shifts ADD COLUMN duty BIGINT NOT NULL DEFAULT 0 CHECK (duty BETWEEN 0 AND 1);
