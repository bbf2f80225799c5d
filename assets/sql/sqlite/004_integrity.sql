-- 004_integrity.sql - schema 4.
-- Applied by server/sq_core.c inside one transaction, which then sets user_version = 4.

-- ---- keys: secret halves leave the database ----
-- The database keeps only public keys; the secret halves live in the key file
-- (server/keyfile.h), so a copy of the database can neither open a sealed
-- incident nor sign a badge. Before this SQL runs, in the same transaction,
-- sq_core.c has copied every secret key below into the key file and synced it
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
