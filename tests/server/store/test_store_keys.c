/* test_store_keys.c - the scheme's secret keys live in a key file of their own: private files,
 * backups without secrets, the move out of a schema 3 database, sealing key rotation. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "codec.h"
#include "keyfile.h"
#include "store.h"
#include "support.h"
#include "test_store_fixture.h"

#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"

/* tests/data/store/v3_keys.sql: its signing keys and its sealing key, secret halves included */
#define V3_KID "c4387098"
#define V3_SIGN_SK                                                                                 \
    "18cd01d4a096852df48563258caf6ca1f1f6275fe8af27f5ed965acde7cb09bb"                             \
    "c1a4dee611994ff9de62708be6374acc0208c6c779c20e3444749a884fba9bde"
#define V3_OLD_KID "693d266a"
#define V3_OLD_SIGN_SK                                                                             \
    "9526eb2feb4e20ac337e0f2f2c0f1ceb3ce9b1d066d7c1410e46d97ff2471cbd"                             \
    "938d60ea542784579aa5521163fad89e28189bc3e7e66c93ab8f80e1c64ff4e0"
#define V3_BOX_PK "dd6e49313f8289e00dbbfc03e4b443294d7e251379eb237329edf5f12ad6bc3f"
#define V3_BOX_SK "a622159560bb439aa768865d7bc95b4207e88865d93c3c8de5ef05f0c22236c9"

/* ---- files, seals and fixtures ---- */

/* Whether the file at `path` contains the n bytes at p anywhere (a missing file does not). */
static bool file_has(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long len;
    bool found;

    if (f == NULL)
        return false;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    data = malloc((size_t)len + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    found = memmem(data, (size_t)len, p, n) != NULL;
    free(data);
    return found;
}

/*
 * Whether the database holds the bytes: on SQLite anywhere in its file or WAL as they are on
 * disk now; on PostgreSQL, whose files are the server's, in any key column (a dump of the
 * whole database is searched by the backup tests).
 */
static bool db_has(const char *db, const void *p, size_t n)
{
    char wal[4096], sql[512], hex[LNT_HEX_LEN(64)];

    if (lnt_store_is_postgresql(db)) {
        assert_true(n <= 64);
        lnt_hex_encode(p, n, hex);
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM signing_keys WHERE position(decode('%s', 'hex') "
                 "IN kid || pk) > 0) + (SELECT count(*) FROM box_keys WHERE "
                 "position(decode('%s', 'hex') IN pk) > 0)",
                 hex, hex);
        return sf_sql_int(db, sql) > 0;
    }
    snprintf(wal, sizeof wal, "%s-wal", db);
    return file_has(db, p, n) || file_has(wal, p, n);
}

/* Opens another store on f's database and key file, as another process would. */
static enum lnt_err open_again(const struct sf *f, struct lnt_store **out, char *err)
{
    return lnt_store_open_keys(out, f->path, f->keys, err);
}

static unsigned mode_of(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        fail_msg("stat %s failed", path);
    return (unsigned)(st.st_mode & 07777);
}

/* Seals `text` to `pk` as a kiosk does, base64 into out. */
static void seal_to(const uint8_t pk[32], const char *text, char out[LNT_SEALED_MAX])
{
    uint8_t box[512];
    size_t n = strlen(text);

    assert_true(n + crypto_box_SEALBYTES <= sizeof box);
    assert_int_equal(crypto_box_seal(box, (const uint8_t *)text, n, pk), 0);
    lnt_b64_encode(box, n + crypto_box_SEALBYTES, out);
}

/* Stores one incident with details sealed to `pk` from a new kiosk at a new venue. */
static void add_incident(struct lnt_store *s, const uint8_t pk[32], const char *report_id,
                         const char *text)
{
    char sealed[LNT_SEALED_MAX];
    int64_t v = sf_venue(s, report_id, LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(s, v);
    struct lnt_event ev;

    seal_to(pk, text, sealed);
    ev = sf_incident(1, SF_T0, SF_T0 + 60, report_id, "spiking", true, sealed);
    sf_insert(s, k, SF_T0 + 120, &ev, 1);
}

/* lnt_store_incident_open's result; the details (or "") into out. */
static enum lnt_err open_details(struct lnt_store *s, const char *report_id, char *out, size_t size,
                                 char *err)
{
    struct lnt_incident inc;
    size_t len = 0;

    return lnt_store_incident_open(s, report_id, "officer@test", &inc, out, size, &len, err);
}

static char *keys_of(const char *dir, const char *name)
{
    char rel[256];

    snprintf(rel, sizeof rel, "keys/%s", name);
    return lnt_test_path(dir, rel);
}

/* A v3 database from tests/data/store/v3_keys.sql at dir/name, with its secrets still inside. */
static char *make_v3(const char *dir, const char *name)
{
    char *path = lnt_test_path(dir, name), *sql;
    sqlite3 *db = NULL;

    sql = lnt_test_read_file(lnt_test_src("tests/data/store/v3_keys.sql"));
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), 3);
    return path;
}

static void hex(const char *text, uint8_t *out, size_t n)
{
    assert_int_equal(lnt_hex_decode(text, out, n), LNT_OK);
}

/* ---- files only the owner can read ---- */

static void test_store_keys__database_and_key_file_are_private_whatever_the_umask(void **state)
{
    char *dir = lnt_test_tmpdir(), *db, *keys, *keydir, wal[4096], shm[4096];
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    mode_t old = umask(0);

    (void)state;
    assert_non_null(dir);
    db = lnt_test_path(dir, "lantern.db");
    keys = keys_of(dir, "lantern.keys");
    keydir = lnt_test_path(dir, "keys");
    /* the loosest umask there is: the files must still be private */
    if (lnt_store_open(&s, db, err) != LNT_OK)
        fail_msg("open: %s", err);
    if (lnt_store_scheme_init(s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
    umask(old);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    assert_int_equal(mode_of(db), 0600);
    assert_int_equal(mode_of(wal), 0600);
    assert_int_equal(mode_of(shm), 0600);
    assert_string_equal(lnt_store_keys_path(s), keys);
    assert_int_equal(mode_of(keys), 0600);
    assert_int_equal(mode_of(keydir), 0700);
    lnt_store_free(s);

    /* a database an older version left world-readable is closed up when opened */
    assert_int_equal(chmod(db, 0644), 0);
    if (lnt_store_open(&s, db, err) != LNT_OK)
        fail_msg("reopen: %s", err);
    assert_int_equal(mode_of(db), 0600);
    lnt_store_free(s);
    lnt_test_rmrf(dir);
    free(keydir);
    free(keys);
    free(db);
    free(dir);
}

static void test_store_keys__the_database_holds_only_public_keys(void **state)
{
    struct sf *f = *state;
    struct lnt_signing_key key;
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    struct lnt_scheme sc;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(kf);
    if (sf_on_postgresql())
        assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM information_schema.columns "
                                             "WHERE column_name = 'sk'"),
                         0);
    else
        assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM pragma_table_info"
                                             "('signing_keys') WHERE name = 'sk'") +
                             sf_sql_int(f->path, "SELECT count(*) FROM pragma_table_info"
                                                 "('box_keys') WHERE name = 'sk'"),
                         0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM box_keys"), 1);
    if (lnt_store_signing_key(f->s, &key, err) != LNT_OK)
        fail_msg("signing key: %s", err);
    assert_int_equal(lnt_store_scheme_get(f->s, &sc, err), LNT_OK);
    assert_memory_equal(key.kid, sc.key.kid, LNT_KID_LEN);
    /* the public view carries no secret */
    for (size_t i = 0; i < sizeof sc.key.sk; i++)
        assert_int_equal(sc.key.sk[i], 0);
    assert_int_equal(lnt_keyfile_load(lnt_store_keys_path(f->s), kf, err), LNT_OK);
    assert_int_equal(kf->n_box, 1);
    assert_memory_equal(kf->box[0].pk, sc.box_pk, 32);
    /* neither secret is anywhere in the database's files */
    assert_false(db_has(f->path, key.sk, 32));
    assert_false(db_has(f->path, kf->box[0].sk, 32));
    assert_true(db_has(f->path, key.pk, 32));
    lnt_keyfile_wipe(kf);
    free(kf);
}

static void test_store_keys__a_key_file_others_can_read_is_refused(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    char *keys = keys_of(f->dir, "lantern.keys"), *keydir = lnt_test_path(f->dir, "keys");

    lnt_store_free(f->s);
    f->s = NULL;

    assert_int_equal(chmod(keys, 0640), 0);
    assert_int_equal(open_again(f, &s, err), LNT_ERR_FORBIDDEN);
    assert_null(s);
    assert_non_null(strstr(err, keys));
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(keys, 0604), 0);
    assert_int_equal(open_again(f, &s, err), LNT_ERR_FORBIDDEN);
    assert_int_equal(chmod(keys, 0600), 0);

    /* a directory others may write to: they could swap the file */
    assert_int_equal(chmod(keydir, 0777), 0);
    assert_int_equal(open_again(f, &s, err), LNT_ERR_FORBIDDEN);
    assert_non_null(strstr(err, "chmod 700"));
    assert_int_equal(chmod(keydir, 0700), 0);

    /* someone else's file (only root can hand a file to another user) */
    if (geteuid() == 0) {
        assert_int_equal(chown(keys, 4242, 4242), 0);
        assert_int_equal(open_again(f, &s, err), LNT_ERR_FORBIDDEN);
        assert_non_null(strstr(err, "uid 4242"));
        assert_int_equal(chown(keys, 0, 0), 0);
    }

    if (open_again(f, &f->s, err) != LNT_OK)
        fail_msg("open with a private key file: %s", err);
    assert_int_equal(lnt_store_keys_check(f->s, err), LNT_OK);
    free(keydir);
    free(keys);
}

static void test_store_keys__a_damaged_key_file_is_named_and_never_rewritten(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_signing_key key;
    const char *keys = lnt_store_keys_path(f->s);
    char *before, *after;
    FILE *fp = fopen(keys, "w");

    assert_non_null(fp);
    fputs("lantern-keys 1\nsign 0011 not-a-key\n", fp);
    fclose(fp);
    assert_int_equal(lnt_store_signing_key(f->s, &key, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "line 2"));
    before = lnt_test_read_file(keys);
    assert_non_null(before);
    assert_int_equal(lnt_store_key_rotate(f->s, SF_T0, NULL, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_box_rotate(f->s, SF_T0, NULL, err), LNT_ERR_INVALID);
    after = lnt_test_read_file(keys);
    assert_non_null(after);
    assert_string_equal(after, before);
    free(after);
    free(before);
}

/* ---- backups ---- */

static void test_store_keys__a_backup_opens_no_details_and_signs_no_badge(void **state)
{
    struct sf *f = *state;
    char *copy = lnt_test_path(f->dir, "backup.db"), *other = lnt_test_path(f->dir, "other.db");
    char *other_keys = keys_of(f->dir, "other.keys"), *keys = keys_of(f->dir, "lantern.keys");
    char err[LNT_ERRBUF_SIZE] = "", details[256];
    struct lnt_store *b = NULL, *o = NULL;
    struct lnt_signing_key key;
    struct lnt_scheme sc;
    uint8_t box_sk[32];
    struct lnt_keyfile *kf = malloc(sizeof *kf);

    assert_non_null(kf);
    assert_int_equal(lnt_store_scheme_get(f->s, &sc, err), LNT_OK);
    add_incident(f->s, sc.box_pk, R1, "{\"what\":\"drink tasted odd\"}");
    assert_int_equal(lnt_store_signing_key(f->s, &key, err), LNT_OK);
    assert_int_equal(lnt_keyfile_load(keys, kf, err), LNT_OK);
    memcpy(box_sk, kf->box[0].sk, sizeof box_sk);
    lnt_keyfile_wipe(kf);
    free(kf);
    if (lnt_store_backup(f->s, copy, NULL, NULL, err) != LNT_OK)
        fail_msg("backup: %s", err);
    assert_int_equal(mode_of(copy), 0600);
    assert_false(file_has(copy, key.sk, 32));
    assert_false(file_has(copy, box_sk, 32));

    /* the backup alone: no key file beside it */
    if (lnt_store_open(&b, copy, err) != LNT_OK)
        fail_msg("open backup: %s", err);
    assert_int_equal(open_details(b, R1, details, sizeof details, err), LNT_ERR_UNKNOWN_KEY);
    assert_non_null(strstr(err, "no key file"));
    assert_string_equal(details, "");
    assert_int_equal(lnt_store_signing_key(b, &key, err), LNT_ERR_UNKNOWN_KEY);
    assert_non_null(strstr(err, "keys/backup.keys"));
    assert_int_equal(lnt_store_keys_check(b, err), LNT_ERR_UNKNOWN_KEY);
    lnt_store_free(b);

    /* the backup with another scheme's (fresh) key file */
    if (lnt_store_open(&o, other, err) != LNT_OK ||
        lnt_store_scheme_init(o, "OTHER", err) != LNT_OK)
        fail_msg("other scheme: %s", err);
    lnt_store_free(o);
    if (lnt_store_open_keys(&b, copy, other_keys, err) != LNT_OK)
        fail_msg("open backup: %s", err);
    assert_int_equal(open_details(b, R1, details, sizeof details, err), LNT_ERR_CRYPTO);
    assert_non_null(strstr(err, "do not open"));
    assert_non_null(strstr(err, other_keys));
    assert_int_equal(lnt_store_signing_key(b, &key, err), LNT_ERR_UNKNOWN_KEY);
    assert_non_null(strstr(err, "holds no secret for the current signing key"));
    lnt_store_free(b);

    /* and with the scheme's own key file: everything works */
    if (lnt_store_open_keys(&b, copy, keys, err) != LNT_OK)
        fail_msg("open backup: %s", err);
    if (open_details(b, R1, details, sizeof details, err) != LNT_OK)
        fail_msg("open details: %s", err);
    assert_string_equal(details, "{\"what\":\"drink tasted odd\"}");
    assert_int_equal(lnt_store_signing_key(b, &key, err), LNT_OK);
    assert_int_equal(lnt_store_keys_check(b, err), LNT_OK);
    lnt_store_free(b);
    sodium_memzero(box_sk, sizeof box_sk);
    free(keys);
    free(other_keys);
    free(other);
    free(copy);
}

/* ---- the move out of a schema 3 database ---- */

static void test_store_keys__v3_database_moves_its_secret_keys_to_the_key_file(void **state)
{
    char *dir = lnt_test_tmpdir(), *db, *keys, *before, *after;
    struct lnt_store *s = NULL;
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    struct lnt_signing_key key;
    uint8_t sk[64], old_sk[64], kid[4], old_kid[4], box_pk[32], box_sk[32];
    char err[LNT_ERRBUF_SIZE] = "", details[256];
    int schema = 0;

    (void)state;
    assert_non_null(kf);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    hex(V3_SIGN_SK, sk, 64);
    hex(V3_OLD_SIGN_SK, old_sk, 64);
    hex(V3_KID, kid, 4);
    hex(V3_OLD_KID, old_kid, 4);
    hex(V3_BOX_PK, box_pk, 32);
    hex(V3_BOX_SK, box_sk, 32);
    db = make_v3(dir, "old.db");
    keys = keys_of(dir, "old.keys");
    assert_true(file_has(db, sk, 64)); /* where it was */

    if (lnt_store_open(&s, db, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(lnt_store_schema_version(s, &schema, err), LNT_OK);
    assert_int_equal(schema, LNT_STORE_SCHEMA_VERSION);
    /* every secret is in the key file, which only its owner can read */
    assert_int_equal(mode_of(keys), 0600);
    assert_int_equal(lnt_keyfile_load(keys, kf, err), LNT_OK);
    assert_int_equal(kf->n_sign, 2);
    assert_int_equal(kf->n_box, 1);
    assert_memory_equal(lnt_keyfile_find_sign(kf, kid, sk + 32)->sk, sk, 64);
    assert_memory_equal(lnt_keyfile_find_sign(kf, old_kid, old_sk + 32)->sk, old_sk, 64);
    assert_memory_equal(lnt_keyfile_find_box(kf, box_pk)->sk, box_sk, 32);
    lnt_keyfile_wipe(kf);
    /* and nowhere in the database's files, free pages and WAL included */
    assert_false(db_has(db, sk, 32));
    assert_false(db_has(db, old_sk, 32));
    assert_false(db_has(db, box_sk, 32));
    assert_true(db_has(db, box_pk, 32));
    assert_int_equal(sf_sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'box_key'"),
                     0);
    assert_int_equal(sf_sql_int(db, "SELECT count(*) FROM audit_log WHERE action = 'key.move'"), 1);
    /* the scheme carries on with the same keys: badges sign, details sealed to its key open */
    assert_int_equal(lnt_store_signing_key(s, &key, err), LNT_OK);
    assert_memory_equal(key.sk, sk, 64);
    assert_int_equal(lnt_store_keys_check(s, err), LNT_OK);
    add_incident(s, box_pk, R1, "{\"what\":\"sealed before the upgrade\"}");
    if (open_details(s, R1, details, sizeof details, err) != LNT_OK)
        fail_msg("details: %s", err);
    assert_string_equal(details, "{\"what\":\"sealed before the upgrade\"}");
    lnt_store_free(s);

    /* opened again: nothing moves twice, the key file stays as it is */
    before = lnt_test_read_file(keys);
    if (lnt_store_open(&s, db, err) != LNT_OK)
        fail_msg("reopen: %s", err);
    after = lnt_test_read_file(keys);
    assert_non_null(after);
    assert_string_equal(after, before);
    lnt_store_free(s);

    free(after);
    free(before);
    free(kf);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(old_sk, sizeof old_sk);
    sodium_memzero(box_sk, sizeof box_sk);
    lnt_test_rmrf(dir);
    free(keys);
    free(db);
    free(dir);
}

static void test_store_keys__upgrade_that_cannot_write_the_key_file_keeps_the_keys(void **state)
{
    char *dir = lnt_test_tmpdir(), *db, *nowhere, *keys;
    struct lnt_store *s = NULL;
    uint8_t sk[64];
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    hex(V3_SIGN_SK, sk, 64);
    db = make_v3(dir, "old.db");
    /* the key file's directory cannot be made: its parent does not exist */
    nowhere = lnt_test_path(dir, "missing/keys/old.keys");
    assert_int_equal(lnt_store_open_keys(&s, db, nowhere, err), LNT_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err, "004_integrity.sql"));
    assert_non_null(strstr(err, "key"));
    /* the database forgot nothing */
    assert_int_equal(sf_sql_int(db, "PRAGMA user_version"), 3);
    assert_true(file_has(db, sk, 64));

    /* run by someone other than the database's owner, the key file would be theirs: refused */
    if (geteuid() == 0) {
        assert_int_equal(chown(db, 4242, 4242), 0);
        assert_int_equal(lnt_store_open(&s, db, err), LNT_ERR_FORBIDDEN);
        assert_non_null(strstr(err, "uid 4242"));
        assert_int_equal(sf_sql_int(db, "PRAGMA user_version"), 3);
        assert_true(file_has(db, sk, 64));
        assert_int_equal(chown(db, 0, 0), 0);
    }

    /* with a key file it can write, the move happens */
    keys = keys_of(dir, "old.keys");
    if (lnt_store_open_keys(&s, db, keys, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(sf_sql_int(db, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_true(file_has(keys, V3_SIGN_SK, strlen(V3_SIGN_SK)));
    lnt_store_free(s);
    sodium_memzero(sk, sizeof sk);
    lnt_test_rmrf(dir);
    free(keys);
    free(nowhere);
    free(db);
    free(dir);
}

/* ---- sealing key rotation ---- */

static void test_store_keys__sealing_key_rotation_keeps_older_details_open(void **state)
{
    struct sf *f = *state;
    struct lnt_scheme before, after;
    struct lnt_box_info info, *list = NULL;
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    char err[LNT_ERRBUF_SIZE] = "", details[256];
    size_t n = 0;

    assert_non_null(kf);
    assert_int_equal(lnt_store_scheme_get(f->s, &before, err), LNT_OK);
    add_incident(f->s, before.box_pk, R1, "{\"what\":\"before the rotation\"}");
    if (lnt_store_box_rotate(f->s, SF_T0, &info, err) != LNT_OK)
        fail_msg("rotate: %s", err);
    assert_int_equal(lnt_store_scheme_get(f->s, &after, err), LNT_OK);
    assert_memory_equal(after.box_pk, info.pk, 32);
    assert_memory_not_equal(after.box_pk, before.box_pk, 32);
    add_incident(f->s, after.box_pk, R2, "{\"what\":\"after the rotation\"}");

    if (open_details(f->s, R1, details, sizeof details, err) != LNT_OK)
        fail_msg("old details: %s", err);
    assert_string_equal(details, "{\"what\":\"before the rotation\"}");
    if (open_details(f->s, R2, details, sizeof details, err) != LNT_OK)
        fail_msg("new details: %s", err);
    assert_string_equal(details, "{\"what\":\"after the rotation\"}");

    assert_int_equal(lnt_store_box_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(list[0].pk, before.box_pk, 32);
    assert_int_equal(list[0].retired_at, SF_T0);
    assert_int_equal(list[1].retired_at, 0);
    free(list);
    assert_int_equal(lnt_keyfile_load(lnt_store_keys_path(f->s), kf, err), LNT_OK);
    assert_int_equal(kf->n_box, 2);
    assert_int_equal(mode_of(lnt_store_keys_path(f->s)), 0600);
    lnt_keyfile_wipe(kf);
    free(kf);
    assert_int_equal(lnt_store_keys_check(f->s, err), LNT_OK);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'key.rotate-sealing'"),
                     1);
}

#define ROTATIONS 8
static char rotation_failed; /* what a rotating thread returns when a rotation fails */

static void *rotate_sealing(void *arg)
{
    struct lnt_store *s = arg;
    char err[LNT_ERRBUF_SIZE] = "";

    for (int i = 0; i < ROTATIONS; i++)
        if (lnt_store_box_rotate(s, SF_T0 + i, NULL, err) != LNT_OK)
            return &rotation_failed;
    return NULL;
}

static void *rotate_signing(void *arg)
{
    struct lnt_store *s = arg;
    char err[LNT_ERRBUF_SIZE] = "";

    for (int i = 0; i < ROTATIONS; i++)
        if (lnt_store_key_rotate(s, SF_T0 + i, NULL, err) != LNT_OK)
            return &rotation_failed;
    return NULL;
}

/* Two writers of the key file at once (here two threads; lanternd and lanternctl alike). */
static void test_store_keys__keys_added_at_the_same_time_all_land(void **state)
{
    struct sf *f = *state;
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    struct lnt_store *other = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    pthread_t a, b;
    void *ra, *rb;

    assert_non_null(kf);
    /* a second store on the same files, as another process would have */
    if (open_again(f, &other, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(pthread_create(&a, NULL, rotate_sealing, f->s), 0);
    assert_int_equal(pthread_create(&b, NULL, rotate_signing, other), 0);
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    assert_null(ra);
    assert_null(rb);
    lnt_store_free(other);
    assert_int_equal(lnt_keyfile_load(lnt_store_keys_path(f->s), kf, err), LNT_OK);
    assert_int_equal(kf->n_box, 1 + ROTATIONS);
    assert_int_equal(kf->n_sign, 1 + ROTATIONS);
    lnt_keyfile_wipe(kf);
    free(kf);
    assert_int_equal(lnt_store_keys_check(f->s, err), LNT_OK);
}

static void test_store_keys__signing_key_rotation_signs_with_the_new_key(void **state)
{
    struct sf *f = *state;
    struct lnt_signing_key first, second;
    struct lnt_key_info info;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_signing_key(f->s, &first, err), LNT_OK);
    if (lnt_store_key_rotate(f->s, SF_T0, &info, err) != LNT_OK)
        fail_msg("rotate: %s", err);
    assert_int_equal(lnt_store_signing_key(f->s, &second, err), LNT_OK);
    assert_memory_equal(second.kid, info.kid, LNT_KID_LEN);
    assert_memory_not_equal(second.kid, first.kid, LNT_KID_LEN);
    assert_false(db_has(f->path, second.sk, 32));
    assert_int_equal(lnt_store_keys_check(f->s, err), LNT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_keys__database_and_key_file_are_private_whatever_the_umask),
        cmocka_unit_test_setup_teardown(test_store_keys__the_database_holds_only_public_keys,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_keys__a_key_file_others_can_read_is_refused,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_keys__a_damaged_key_file_is_named_and_never_rewritten, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_keys__a_backup_opens_no_details_and_signs_no_badge, sf_setup, sf_teardown),
        cmocka_unit_test(test_store_keys__v3_database_moves_its_secret_keys_to_the_key_file),
        cmocka_unit_test(test_store_keys__upgrade_that_cannot_write_the_key_file_keeps_the_keys),
        cmocka_unit_test_setup_teardown(
            test_store_keys__sealing_key_rotation_keeps_older_details_open, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_keys__signing_key_rotation_signs_with_the_new_key, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_keys__keys_added_at_the_same_time_all_land,
                                        sf_setup, sf_teardown),
    };
    /* on PostgreSQL: what is not about SQLite's own files (the umask, schema 3's upgrade and
     * the backup file are) */
    const struct CMUnitTest postgresql[] = {
        cmocka_unit_test_setup_teardown(test_store_keys__the_database_holds_only_public_keys,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_keys__a_key_file_others_can_read_is_refused,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_keys__a_damaged_key_file_is_named_and_never_rewritten, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_keys__signing_key_rotation_signs_with_the_new_key, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_keys__keys_added_at_the_same_time_all_land,
                                        sf_setup, sf_teardown),
    };
    if (sf_on_postgresql())
        return cmocka_run_group_tests_name("test_store_keys_pg", postgresql, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
