-- 008_sia_history.sql (PostgreSQL) - schema 8: every word the scheme has given on an SIA licence, with its
-- date, note and author, so that a shift is judged by the status in force on its night even
-- after the licence is listed again (`lanternctl sia set-status|import`, the admin page).
-- Applied by server/store/pg/pg_migrate.c inside one transaction, which then sets
-- schema_version.version = 8.

-- One row per (number, from_day): the status that holds from that day until the next row's
-- day. Kiosks receive, per number, the word in force on the day they sync (or the first one
-- to come); scoring reads the word in force on each shift's date.
CREATE TABLE sia_history (
    number   TEXT    NOT NULL CHECK (length(number) = 16),
    from_day BIGINT NOT NULL,
    status   BIGINT NOT NULL CHECK (status BETWEEN 0 AND 2),
    note     TEXT    NOT NULL DEFAULT '',
    set_at   BIGINT NOT NULL,
    set_by   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (number, from_day)
);
-- schema 7 kept only the latest word per number
INSERT INTO sia_history (number, from_day, status, set_at)
    SELECT number, from_day, status, set_at FROM sia_listed;
DROP TABLE sia_listed;
