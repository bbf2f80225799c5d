/* outbox.c - the kiosk's durable store: the one SQLite seam on the kiosk. */
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "codec.h"
#include "ltime.h"

#define BUSY_TIMEOUT_MS 5000
#define STR_(x) #x
#define STR(x) STR_(x)
/*
 * What the kiosk writes to its SD card (docs/benchmarks.md, bench_sdcard). A new file gets small
 * pages: every commit appends each page it changed to the WAL, and a save changes a few rows in
 * a few tables, so 1 KiB pages write a quarter of what 4 KiB ones do (an older file keeps its
 * page size: SQLite sets it only before the first table). The WAL is checkpointed every
 * LNT_OUTBOX_WAL_PAGES pages and cut back to LNT_OUTBOX_WAL_MAX bytes after a checkpoint, so it
 * never holds more than a few minutes of a busy night. synchronous=FULL stays: a commit is on
 * the card before the save is reported.
 */
#define OUTBOX_PRAGMAS                                                                             \
    "PRAGMA page_size=" STR(                                                                       \
        LNT_OUTBOX_PAGE_SIZE) "; PRAGMA journal_mode=WAL;"                                         \
                              " PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=" STR(          \
                                  LNT_OUTBOX_WAL_PAGES) ";"                                        \
                                                        " PRAGMA journal_size_limit=" STR(         \
                                                            LNT_OUTBOX_WAL_MAX) ";"
#define EVENT_JSON_MAX (64 * 1024)

#include "outbox_int.h"

static const char schema[] = "CREATE TABLE IF NOT EXISTS identity("
                             " id INTEGER PRIMARY KEY CHECK (id = 1),"
                             " kiosk_id INTEGER NOT NULL DEFAULT 0,"
                             " public_key BLOB NOT NULL,"
                             " secret_key BLOB NOT NULL,"
                             " server_url TEXT NOT NULL DEFAULT '',"
                             " scheme TEXT NOT NULL DEFAULT '',"
                             " venue_id INTEGER NOT NULL DEFAULT 0,"
                             " venue_name TEXT NOT NULL DEFAULT '',"
                             " box_public_key BLOB,"
                             " server_time INTEGER NOT NULL DEFAULT 0,"
                             " next_seq INTEGER NOT NULL DEFAULT 1);"
                             "CREATE TABLE IF NOT EXISTS trust("
                             " kid BLOB PRIMARY KEY,"
                             " public_key BLOB NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS revoked("
                             " serial BLOB PRIMARY KEY);"
                             "CREATE TABLE IF NOT EXISTS required_training("
                             " role INTEGER PRIMARY KEY,"
                             " courses INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS sia_listed("
                             " number TEXT PRIMARY KEY,"
                             " status INTEGER NOT NULL,"
                             " from_day INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS outbox("
                             " seq INTEGER PRIMARY KEY,"
                             " uuid TEXT NOT NULL UNIQUE,"
                             " type TEXT NOT NULL,"
                             " json TEXT NOT NULL,"
                             " created_at INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS aside("
                             " seq INTEGER PRIMARY KEY,"
                             " uuid TEXT NOT NULL,"
                             " type TEXT NOT NULL,"
                             " json TEXT NOT NULL,"
                             " created_at INTEGER NOT NULL,"
                             " status TEXT NOT NULL,"
                             " reason TEXT NOT NULL,"
                             " set_aside_at INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS on_shift("
                             " staff_id TEXT PRIMARY KEY,"
                             " since INTEGER NOT NULL,"
                             " serial TEXT NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS open_report("
                             " report_id TEXT PRIMARY KEY,"
                             " kind TEXT NOT NULL,"
                             " place TEXT NOT NULL,"
                             " outcome TEXT NOT NULL,"
                             " severity INTEGER NOT NULL,"
                             " police INTEGER NOT NULL,"
                             " occurred_at INTEGER NOT NULL,"
                             " answered INTEGER NOT NULL,"
                             " cond INTEGER NOT NULL,"
                             " staff_id TEXT NOT NULL,"
                             " updated_at INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS volunteer_shift("
                             " staff_id TEXT PRIMARY KEY,"
                             " call_sign TEXT NOT NULL,"
                             " team TEXT NOT NULL,"
                             " team_size INTEGER NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS setting("
                             " key TEXT PRIMARY KEY,"
                             " value INTEGER NOT NULL);"
                             /* who signed in here, as their badge said: a manager's view */
                             "CREATE TABLE IF NOT EXISTS shift_person("
                             " staff_id TEXT PRIMARY KEY,"
                             " name TEXT NOT NULL DEFAULT '',"
                             " role INTEGER NOT NULL,"
                             " sia_number TEXT NOT NULL,"
                             " sia_expires INTEGER NOT NULL,"
                             " sia_status INTEGER NOT NULL,"
                             " verdict INTEGER NOT NULL);"
                             /* the town's named public places, from the last sync */
                             "CREATE TABLE IF NOT EXISTS place("
                             " pos INTEGER PRIMARY KEY,"
                             " name TEXT NOT NULL);"
                             /* door supervisors turned away, for the next manager's badge */
                             "CREATE TABLE IF NOT EXISTS door_notice("
                             " pos INTEGER PRIMARY KEY,"
                             " name TEXT NOT NULL,"
                             " at INTEGER NOT NULL,"
                             " why INTEGER NOT NULL);";

/* Makes the identity row with a fresh key pair when there is none. */
static enum lnt_err ensure_identity(struct lnt_outbox *ob, char *err)
{
    uint8_t pk[LNT_SIGN_PK_LEN], sk[LNT_SIGN_SK_LEN];
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(ob, "SELECT 1 FROM identity WHERE id = 1", &st, err);
    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_finalize(st);
        return LNT_OK;
    }
    sqlite3_finalize(st);

    if (crypto_sign_keypair(pk, sk) != 0)
        return lnt_fail(err, LNT_ERR_CRYPTO, "kiosk key pair: generation failed");
    rc = lnt_outbox_prepare(
        ob, "INSERT OR IGNORE INTO identity(id, public_key, secret_key) VALUES (1, ?, ?)", &st,
        err);
    if (rc == LNT_OK) {
        sqlite3_bind_blob(st, 1, pk, sizeof pk, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, sk, sizeof sk, SQLITE_TRANSIENT);
        rc = lnt_outbox_step_done(ob, st, err, "create identity");
    }
    sodium_memzero(sk, sizeof sk);
    return rc;
}

enum lnt_err lnt_outbox_open(const char *dir, struct lnt_outbox **out, char *err)
{
    struct lnt_outbox *ob = NULL;
    char path[4096];
    enum lnt_err rc = LNT_OK;
    int fd, n;

    *out = NULL;
    n = snprintf(path, sizeof path, "%s/%s", dir, LNT_OUTBOX_FILE);
    if (n < 0 || (size_t)n >= sizeof path)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "data directory path is too long");
    if (lnt_crypto_init() != LNT_OK)
        return lnt_fail(err, LNT_ERR_CRYPTO, "libsodium failed to initialise");

    /* Create the file ourselves so that it (and SQLite's -wal and -shm, which copy
     * its mode) is private: it holds the kiosk's secret key. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
    close(fd);

    ob = calloc(1, sizeof *ob);
    if (ob == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (sqlite3_open_v2(path, &ob->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK) {
        rc = lnt_fail(err, LNT_ERR_DB, "%s: %s", path,
                      ob->db ? sqlite3_errmsg(ob->db) : "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(ob->db, BUSY_TIMEOUT_MS);
    rc = lnt_outbox_exec(ob, OUTBOX_PRAGMAS, err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE", err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_outbox_exec(ob, schema, err);
    if (rc == LNT_OK)
        rc = ensure_identity(ob, err);
    if (rc == LNT_OK)
        rc = lnt_outbox_exec(ob, "COMMIT", err);
    if (rc != LNT_OK)
        lnt_outbox_rollback(ob);

out:
    if (rc != LNT_OK) {
        lnt_outbox_free(ob);
        return rc;
    }
    *out = ob;
    return LNT_OK;
}

void lnt_outbox_free(struct lnt_outbox *ob)
{
    if (ob == NULL)
        return;
    sqlite3_close(ob->db);
    free(ob);
}

void lnt_outbox_identity_trust(const struct lnt_identity *id, struct lnt_trust *out)
{
    out->scheme = id->scheme;
    out->keys = id->keys;
    out->n_keys = id->n_keys;
    out->revoked = id->revoked;
    out->n_revoked = id->n_revoked;
}

/* Copies a blob column of exactly `n` bytes; anything else is a damaged database. */
static enum lnt_err blob_col(sqlite3_stmt *st, int col, uint8_t *dst, size_t n, const char *what,
                             char *err)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL || (size_t)sqlite3_column_bytes(st, col) != n)
        return lnt_fail(err, LNT_ERR_DB, "kiosk database: %s: expected %zu bytes", what, n);
    memcpy(dst, p, n);
    return LNT_OK;
}

static enum lnt_err text_col(sqlite3_stmt *st, int col, char *dst, size_t n, const char *what,
                             char *err)
{
    const unsigned char *p = sqlite3_column_text(st, col);
    if (lnt_str_copy(dst, n, p ? (const char *)p : "") != LNT_OK)
        return lnt_fail(err, LNT_ERR_DB, "kiosk database: %s: longer than %zu bytes", what, n - 1);
    return LNT_OK;
}

/* The door rules into *out: required training per role, listed licences. */
static enum lnt_err door_rules_get(struct lnt_outbox *ob, struct lnt_identity *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int r;

    /* A read that fails part-way is an error, never "nothing required": that would be GREEN. */
    rc = lnt_outbox_prepare(ob, "SELECT role, courses FROM required_training", &st, err);
    if (rc != LNT_OK)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t role = sqlite3_column_int64(st, 0);
        if (role < 0 || role >= LNT_ROLE_SLOTS)
            continue;
        out->required.known = true;
        out->required.courses[role] = (uint32_t)sqlite3_column_int64(st, 1);
    }
    if (r != SQLITE_DONE)
        rc = lnt_outbox_db_fail(ob, err, "read required training");
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(ob, "SELECT number, status, from_day FROM sia_listed ORDER BY number",
                            &st, err);
    if (rc != LNT_OK)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_sia_listed *l;
        if (out->n_sia_listed == LNT_SIA_LISTED_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "kiosk database: more than %d listed licences",
                          LNT_SIA_LISTED_MAX);
            break;
        }
        l = &out->sia_listed[out->n_sia_listed];
        rc = text_col(st, 0, l->number, sizeof l->number, "listed licence", err);
        if (rc != LNT_OK)
            break;
        l->status = (enum lnt_sia_listing)sqlite3_column_int(st, 1);
        l->from = sqlite3_column_int(st, 2);
        out->n_sia_listed++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_outbox_db_fail(ob, err, "read listed licences");
    sqlite3_finalize(st);
    return rc;
}

/* Replaces the stored door rules with those of `id` (inside the caller's transaction). */
static enum lnt_err door_rules_set(struct lnt_outbox *ob, const struct lnt_identity *id, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_exec(ob, "DELETE FROM required_training; DELETE FROM sia_listed;", err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(ob, "INSERT INTO required_training(role, courses) VALUES (?, ?)", &st,
                            err);
    for (int r = 0; rc == LNT_OK && id->required.known && r < LNT_ROLE_SLOTS; r++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, r);
        sqlite3_bind_int64(st, 2, id->required.courses[r]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lnt_outbox_db_fail(ob, err, "store required training");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == LNT_OK)
        rc = lnt_outbox_prepare(
            ob, "INSERT OR REPLACE INTO sia_listed(number, status, from_day) VALUES (?, ?, ?)", &st,
            err);
    for (size_t i = 0; rc == LNT_OK && i < id->n_sia_listed; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, id->sia_listed[i].number, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)id->sia_listed[i].status);
        sqlite3_bind_int(st, 3, id->sia_listed[i].from);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lnt_outbox_db_fail(ob, err, "store listed licence");
    }
    sqlite3_finalize(st);
    return rc;
}

enum lnt_err lnt_outbox_identity_get(struct lnt_outbox *ob, struct lnt_identity *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_outbox_exec(ob, "BEGIN", err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(
        ob,
        "SELECT kiosk_id, public_key, secret_key, server_url, scheme, venue_id, venue_name,"
        " box_public_key, server_time FROM identity WHERE id = 1",
        &st, err);
    if (rc != LNT_OK)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = lnt_fail(err, LNT_ERR_DB, "kiosk database: identity row is missing");
        goto out;
    }
    out->kiosk_id = sqlite3_column_int64(st, 0);
    if ((rc = blob_col(st, 1, out->pk, sizeof out->pk, "public key", err)) != LNT_OK ||
        (rc = blob_col(st, 2, out->sk, sizeof out->sk, "secret key", err)) != LNT_OK ||
        (rc = text_col(st, 3, out->server_url, sizeof out->server_url, "server url", err)) !=
            LNT_OK ||
        (rc = text_col(st, 4, out->scheme, sizeof out->scheme, "scheme", err)) != LNT_OK ||
        (rc = text_col(st, 6, out->venue_name, sizeof out->venue_name, "venue name", err)) !=
            LNT_OK)
        goto out;
    out->venue_id = sqlite3_column_int64(st, 5);
    if (sqlite3_column_type(st, 7) != SQLITE_NULL &&
        (rc = blob_col(st, 7, out->box_pk, sizeof out->box_pk, "box key", err)) != LNT_OK)
        goto out;
    out->server_time = sqlite3_column_int64(st, 8);
    sqlite3_finalize(st);

    rc = lnt_outbox_prepare(ob, "SELECT kid, public_key FROM trust ORDER BY kid", &st, err);
    if (rc != LNT_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct lnt_trusted_key *k;
        if (out->n_keys == LNT_TRUST_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "kiosk database: more than %d trusted keys",
                          LNT_TRUST_MAX);
            goto out;
        }
        k = &out->keys[out->n_keys];
        if ((rc = blob_col(st, 0, k->kid, sizeof k->kid, "trusted key id", err)) != LNT_OK ||
            (rc = blob_col(st, 1, k->pk, sizeof k->pk, "trusted key", err)) != LNT_OK)
            goto out;
        out->n_keys++;
    }
    sqlite3_finalize(st);

    rc = lnt_outbox_prepare(ob, "SELECT serial FROM revoked ORDER BY serial", &st, err);
    if (rc != LNT_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (out->n_revoked == LNT_REVOKED_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "kiosk database: more than %d revoked serials",
                          LNT_REVOKED_MAX);
            goto out;
        }
        rc = blob_col(st, 0, out->revoked[out->n_revoked], LNT_SERIAL_LEN, "revoked serial", err);
        if (rc != LNT_OK)
            goto out;
        out->n_revoked++;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = door_rules_get(ob, out, err);

out:
    sqlite3_finalize(st);
    lnt_outbox_exec(ob, "COMMIT", NULL);
    if (rc != LNT_OK)
        sodium_memzero(out, sizeof *out);
    return rc;
}

enum lnt_err lnt_outbox_identity_set(struct lnt_outbox *ob, const struct lnt_identity *id,
                                     char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    if (id->n_keys > LNT_TRUST_MAX || id->n_revoked > LNT_REVOKED_MAX ||
        id->n_sia_listed > LNT_SIA_LISTED_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE,
                        "identity: too many trusted keys, revoked serials or listed licences");
    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE", err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(
        ob,
        "UPDATE identity SET kiosk_id = ?, public_key = ?, secret_key = ?, server_url = ?,"
        " scheme = ?, venue_id = ?, venue_name = ?, box_public_key = ?, server_time = ?"
        " WHERE id = 1",
        &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id->kiosk_id);
    sqlite3_bind_blob(st, 2, id->pk, sizeof id->pk, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, id->sk, sizeof id->sk, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, id->server_url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, id->scheme, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, id->venue_id);
    sqlite3_bind_text(st, 7, id->venue_name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, id->box_pk, sizeof id->box_pk, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, id->server_time);
    rc = lnt_outbox_step_done(ob, st, err, "update identity");
    st = NULL;
    if (rc != LNT_OK)
        goto out;

    rc = lnt_outbox_exec(ob, "DELETE FROM trust; DELETE FROM revoked;", err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_outbox_prepare(ob, "INSERT OR REPLACE INTO trust(kid, public_key) VALUES (?, ?)", &st,
                            err);
    if (rc != LNT_OK)
        goto out;
    for (size_t i = 0; i < id->n_keys; i++) {
        sqlite3_reset(st);
        sqlite3_bind_blob(st, 1, id->keys[i].kid, LNT_KID_LEN, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, id->keys[i].pk, LNT_SIGN_PK_LEN, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = lnt_outbox_db_fail(ob, err, "store trusted key");
            goto out;
        }
    }
    sqlite3_finalize(st);
    rc = lnt_outbox_prepare(ob, "INSERT OR IGNORE INTO revoked(serial) VALUES (?)", &st, err);
    if (rc != LNT_OK)
        goto out;
    for (size_t i = 0; i < id->n_revoked; i++) {
        sqlite3_reset(st);
        sqlite3_bind_blob(st, 1, id->revoked[i], LNT_SERIAL_LEN, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = lnt_outbox_db_fail(ob, err, "store revoked serial");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = door_rules_set(ob, id, err);
    if (rc == LNT_OK)
        rc = lnt_outbox_exec(ob, "COMMIT", err);

out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        lnt_outbox_rollback(ob);
    return rc;
}

enum lnt_err lnt_outbox_append(struct lnt_outbox *ob, struct lnt_event *ev, char *err)
{
    return lnt_outbox_append_report(ob, ev, 0, 0, err);
}

enum lnt_err lnt_outbox_append_report(struct lnt_outbox *ob, struct lnt_event *ev,
                                      uint64_t answered, int64_t cond, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_buf json;
    enum lnt_err rc;
    int64_t seq;

    lnt_buf_init(&json, EVENT_JSON_MAX);
    ev->seq = 0;
    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE", err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(
        ob, "UPDATE identity SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1", &st,
        err);
    if (rc != LNT_OK)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = lnt_outbox_db_fail(ob, err, "next sequence number");
        goto out;
    }
    seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;

    ev->seq = seq;
    if (ev->recorded_at == 0)
        ev->recorded_at = lnt_time_now();
    /* time first (version 7): the server's unique index on event ids then grows at its end */
    lnt_uuid7(ev->recorded_at * 1000, ev->uuid);
    rc = lnt_wire_event_encode(ev, &json, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, rc, "event not saved: ");
        goto out;
    }
    rc = lnt_outbox_prepare(
        ob, "INSERT INTO outbox(seq, uuid, type, json, created_at) VALUES (?, ?, ?, ?, ?)", &st,
        err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, ev->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lnt_event_type_name(ev->type), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, json.data, (int)json.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, ev->recorded_at);
    rc = lnt_outbox_step_done(ob, st, err, "save event");
    st = NULL;
    if (rc != LNT_OK)
        goto out;
    rc = lnt_outbox_track(ob, ev, answered, cond, err);
    if (rc != LNT_OK)
        goto out;
    /* With synchronous=FULL in WAL mode, COMMIT returns after the WAL is synced. */
    rc = lnt_outbox_exec(ob, "COMMIT", err);

out:
    sqlite3_finalize(st);
    if (rc != LNT_OK) {
        lnt_outbox_rollback(ob);
        ev->seq = 0;
    }
    lnt_buf_release(&json);
    return rc;
}

enum lnt_err lnt_outbox_peek(struct lnt_outbox *ob, struct lnt_event *out, size_t max, size_t *n,
                             char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step;

    *n = 0;
    if (max == 0)
        return LNT_OK;
    rc = lnt_outbox_prepare(ob, "SELECT seq, json FROM outbox ORDER BY seq LIMIT ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, max > INT64_MAX ? INT64_MAX : (int64_t)max);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *json = (const char *)sqlite3_column_text(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);

        rc = lnt_wire_event_decode(json ? json : "", json ? len : 0, &out[*n], err);
        if (rc != LNT_OK) {
            lnt_fail_prefix(err, LNT_ERR_DB, "kiosk database: event %lld: ", (long long)seq);
            rc = LNT_ERR_DB;
            goto out;
        }
        if (out[*n].seq != seq) {
            rc = lnt_fail(err, LNT_ERR_DB, "kiosk database: event %lld: stored seq differs",
                          (long long)seq);
            goto out;
        }
        (*n)++;
    }
    if (step != SQLITE_DONE)
        rc = lnt_outbox_db_fail(ob, err, "read outbox");

out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        *n = 0;
    return rc;
}

static const char *status_name(enum lnt_ingest_status s)
{
    return s == LNT_INGEST_CONFLICT ? "conflict" : "rejected";
}

enum lnt_err lnt_outbox_ack(struct lnt_outbox *ob, const struct lnt_ingest_result *r, size_t n,
                            char *err)
{
    sqlite3_stmt *del = NULL, *aside = NULL;
    enum lnt_err rc;
    int64_t now = lnt_time_now();

    if (n == 0)
        return LNT_OK;
    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE", err);
    if (rc != LNT_OK)
        return rc;
    if ((rc = lnt_outbox_prepare(ob, "DELETE FROM outbox WHERE seq = ?", &del, err)) != LNT_OK ||
        (rc = lnt_outbox_prepare(
             ob,
             "INSERT OR REPLACE INTO aside(seq, uuid, type, json, created_at, status, reason,"
             " set_aside_at) SELECT seq, uuid, type, json, created_at, ?, ?, ?"
             " FROM outbox WHERE seq = ?",
             &aside, err)) != LNT_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        switch (r[i].status) {
        case LNT_INGEST_ACCEPTED:
        case LNT_INGEST_DUPLICATE:
            break;
        case LNT_INGEST_CONFLICT:
        case LNT_INGEST_REJECTED:
            sqlite3_reset(aside);
            sqlite3_bind_text(aside, 1, status_name(r[i].status), -1, SQLITE_STATIC);
            sqlite3_bind_text(aside, 2, r[i].reason, -1, SQLITE_STATIC);
            sqlite3_bind_int64(aside, 3, now);
            sqlite3_bind_int64(aside, 4, r[i].seq);
            if (sqlite3_step(aside) != SQLITE_DONE) {
                rc = lnt_outbox_db_fail(ob, err, "set event aside");
                goto out;
            }
            break;
        default:
            rc = lnt_fail(err, LNT_ERR_INVALID, "reply for event %lld: unknown status %d",
                          (long long)r[i].seq, (int)r[i].status);
            goto out;
        }
        sqlite3_reset(del);
        sqlite3_bind_int64(del, 1, r[i].seq);
        if (sqlite3_step(del) != SQLITE_DONE) {
            rc = lnt_outbox_db_fail(ob, err, "delete sent event");
            goto out;
        }
    }
    sqlite3_finalize(del);
    sqlite3_finalize(aside);
    del = aside = NULL;
    rc = lnt_outbox_exec(ob, "COMMIT", err);

out:
    sqlite3_finalize(del);
    sqlite3_finalize(aside);
    if (rc != LNT_OK)
        lnt_outbox_rollback(ob);
    return rc;
}

enum lnt_err lnt_outbox_count(struct lnt_outbox *ob, int64_t *out, char *err)
{
    return lnt_outbox_query_int(ob, "SELECT count(*) FROM outbox", out, err, "count");
}

enum lnt_err lnt_outbox_aside_count(struct lnt_outbox *ob, int64_t *out, char *err)
{
    return lnt_outbox_query_int(ob, "SELECT count(*) FROM aside", out, err, "count");
}

enum lnt_err lnt_outbox_oldest_age(struct lnt_outbox *ob, int64_t now, int64_t *created_at,
                                   int64_t *age, char *err)
{
    enum lnt_err rc;

    *age = 0;
    rc = lnt_outbox_query_int(ob, "SELECT coalesce(min(created_at), 0) FROM outbox", created_at,
                              err, "count");
    if (rc == LNT_OK && *created_at > 0 && now > *created_at)
        *age = now - *created_at;
    return rc;
}
