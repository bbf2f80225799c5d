/* test_store_backup.c - backing up a PostgreSQL store as docs/scale.md says: pg_dump in custom
 * format, pg_restore into a fresh database of another cluster, the store opened on it with the
 * key file kept apart; and the dump holds none of the key file's secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "codec.h"
#include "ltime.h"
#include "pgcluster.h"
#include "store.h"
#include "store_admin.h"
#include "support.h"
#include "test_store_fixture.h"

#define EVENTS 12

/* The live cluster and the one a backup is restored into (another machine's, in life). */
static struct lnt_pg_cluster *live, *spare;

struct fixture {
    char *dir;
    char *keys; /* the key file: never in a dump */
    char *dump; /* pg_dump -Fc of the live database */
    char uri[LNT_PG_URI_MAX];
    struct lnt_store *s; /* on the live database */
};

static int group_setup(void **state)
{
    (void)state;
    live = lnt_pg_cluster_start();
    spare = lnt_pg_cluster_start();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    lnt_pg_cluster_stop(spare);
    lnt_pg_cluster_stop(live);
    return 0;
}

/* A store with a scheme (a rotated signing key too), venues, kiosks and events; dumped. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_key_info ki;
    struct lnt_event ev[EVENTS];
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t v1, v2, k1, k2;

    assert_non_null(f);
    *state = f;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->keys = lnt_test_path(f->dir, "keys/lantern.keys");
    f->dump = lnt_test_path(f->dir, "lantern.dump");
    lnt_pg_cluster_db_empty(live, f->uri);
    if (lnt_store_open_keys(&f->s, f->uri, f->keys, err) != LNT_OK)
        fail_msg("open: %s", err);
    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("scheme: %s", err);
    if (lnt_store_key_rotate(f->s, lnt_time_now(), &ki, err) != LNT_OK)
        fail_msg("rotate: %s", err);
    v1 = sf_venue(f->s, "The Anchor", LNT_VENUE_PUB, "Quayside", "Exeter");
    v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "High Street", "Exeter");
    k1 = sf_kiosk(f->s, v1);
    k2 = sf_kiosk(f->s, v2);
    for (int i = 0; i < EVENTS; i++)
        ev[i] = sf_badge(i + 1, i % 2 == 0 ? LNT_EV_SIGN_IN : LNT_EV_SIGN_OUT, SF_T0 + 60 * i, 7,
                         "a1b2c3d4e5f60718", LNT_ROLE_DOOR);
    sf_insert(f->s, k1, SF_T0 + 3600, ev, EVENTS / 2);
    sf_insert(f->s, k2, SF_T0 + 3600, ev + EVENTS / 2, EVENTS / 2);
    {
        /* custom format, compressed: what docs/scale.md tells an administrator to take */
        const char *args[] = {"-Fc", "-f", f->dump, "-d", f->uri, NULL};
        lnt_pg_tool("pg_dump", args);
    }
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_store_free(f->s);
    lnt_test_rmrf(f->dir);
    free(f->dump);
    free(f->keys);
    free(f->dir);
    free(f);
    return 0;
}

struct seen {
    size_t n;
    char uuid[EVENTS][LNT_UUID_STRLEN];
    int64_t venue[EVENTS];
};

static int remember(void *ctx, const struct lnt_stored_event *e)
{
    struct seen *s = ctx;

    if (s->n < EVENTS) {
        (void)lnt_str_copy(s->uuid[s->n], sizeof s->uuid[0], e->ev.uuid);
        s->venue[s->n] = e->venue_id;
    }
    s->n++;
    return 0;
}

static void test_store_backup__restores_into_another_cluster(void **state)
{
    struct fixture *f = *state;
    struct lnt_store *r = NULL, *bare = NULL;
    struct lnt_venue *va = NULL, *vb = NULL;
    struct lnt_scheme sa, sb;
    struct lnt_signing_key ka, kb;
    struct seen ea = {0}, eb = {0};
    char uri[LNT_PG_URI_MAX], err[LNT_ERRBUF_SIZE] = "";
    char *other_keys = lnt_test_path(f->dir, "elsewhere/lantern.keys");
    size_t na = 0, nb = 0;

    lnt_pg_cluster_db_empty(spare, uri);
    {
        const char *args[] = {"--no-owner", "--exit-on-error", "-d", uri, f->dump, NULL};
        lnt_pg_tool("pg_restore", args);
    }
    /* the restored database with the same key file: the same store */
    if (lnt_store_open_keys(&r, uri, f->keys, err) != LNT_OK)
        fail_msg("open restored: %s", err);
    assert_int_equal(lnt_store_keys_check(r, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_get(f->s, &sa, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_get(r, &sb, err), LNT_OK);
    assert_string_equal(sb.name, sa.name);
    assert_memory_equal(sb.key.kid, sa.key.kid, LNT_KID_LEN);
    assert_int_equal(lnt_store_signing_key(f->s, &ka, err), LNT_OK);
    if (lnt_store_signing_key(r, &kb, err) != LNT_OK)
        fail_msg("signing key on the restored database: %s", err);
    assert_memory_equal(kb.kid, ka.kid, LNT_KID_LEN);
    assert_memory_equal(kb.sk, ka.sk, LNT_SIGN_SK_LEN);
    assert_int_equal(lnt_store_venue_list(f->s, &va, &na, err), LNT_OK);
    assert_int_equal(lnt_store_venue_list(r, &vb, &nb, err), LNT_OK);
    assert_int_equal(na, 2);
    assert_int_equal(nb, na);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(vb[i].id, va[i].id);
        assert_string_equal(vb[i].name, va[i].name);
        assert_string_equal(vb[i].authority, va[i].authority);
    }
    assert_int_equal(lnt_store_events_each(f->s, 0, 0, remember, &ea, err), LNT_OK);
    assert_int_equal(lnt_store_events_each(r, 0, 0, remember, &eb, err), LNT_OK);
    assert_int_equal(ea.n, EVENTS);
    assert_int_equal(eb.n, ea.n);
    for (size_t i = 0; i < EVENTS; i++) {
        assert_string_equal(eb.uuid[i], ea.uuid[i]);
        assert_int_equal(eb.venue[i], ea.venue[i]);
    }

    /* the dump alone signs nothing: without its key file the restored store has no secret */
    if (lnt_store_open_keys(&bare, uri, other_keys, err) != LNT_OK)
        fail_msg("open restored without keys: %s", err);
    assert_int_equal(lnt_store_signing_key(bare, &kb, err), LNT_ERR_UNKNOWN_KEY);
    assert_int_not_equal(lnt_store_keys_check(bare, err), LNT_OK);

    sodium_memzero(&ka, sizeof ka);
    sodium_memzero(&kb, sizeof kb);
    lnt_store_free(bare);
    lnt_store_free(r);
    free(va);
    free(vb);
    free(other_keys);
}

/* Whether `hay` (n bytes) holds `needle` in any case. */
static bool holds(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; k > 0 && i + k <= n; i++)
        if (strncasecmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static bool holds_bytes(const char *hay, size_t n, const uint8_t *needle, size_t k)
{
    for (size_t i = 0; k > 0 && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

/* Every secret of the key file (hex as written there, and its bytes as raw and base64) is
 * absent from the whole of the dump, as pg_restore renders it. */
static void test_store_backup__dump_holds_no_secret_key(void **state)
{
    struct fixture *f = *state;
    char *sql_path = lnt_test_path(f->dir, "lantern.sql");
    char *keys = lnt_test_read_file(f->keys), *sql, *line, *next;
    size_t sql_len, secrets = 0;

    assert_non_null(keys);
    {
        const char *args[] = {"-f", sql_path, f->dump, NULL};
        lnt_pg_tool("pg_restore", args);
    }
    sql = lnt_test_read_file(sql_path);
    assert_non_null(sql);
    sql_len = strlen(sql);
    /* the dump is the data: the public keys are in it (the check below can see a key) */
    assert_true(holds(sql, sql_len, "COPY public.signing_keys"));
    for (line = keys; line != NULL && *line != '\0'; line = next) {
        char kind[8], a[160], b[160], b64[LNT_B64_LEN(64)];
        uint8_t bytes[64];
        const char *secret;
        size_t len;
        int fields = 0;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        /* "sign <kid> <sk>", "box <pk> <sk>", "wrap <kid> <key>": the last field is secret */
        kind[0] = a[0] = b[0] = '\0';
        for (char *w = line, *sp; w != NULL; w = sp, fields++) {
            sp = strchr(w, ' ');
            if (sp != NULL)
                *sp++ = '\0';
            if (fields == 0)
                (void)lnt_str_copy(kind, sizeof kind, w);
            else if (fields == 1)
                (void)lnt_str_copy(a, sizeof a, w);
            else if (fields == 2)
                (void)lnt_str_copy(b, sizeof b, w);
        }
        if (fields != 3 ||
            (strcmp(kind, "sign") != 0 && strcmp(kind, "box") != 0 && strcmp(kind, "wrap") != 0))
            continue;
        secret = b;
        len = strlen(secret) / 2;
        assert_true(len == 32 || len == 64);
        assert_int_equal(lnt_hex_decode(secret, bytes, len), LNT_OK);
        assert_false(holds(sql, sql_len, secret));
        assert_false(holds_bytes(sql, sql_len, bytes, len));
        lnt_b64_encode(bytes, len, b64);
        assert_false(holds(sql, sql_len, b64));
        if (strcmp(kind, "sign") == 0) {
            /* an Ed25519 secret is its 32-byte seed and then the public key: the seed */
            char seed[65];
            memcpy(seed, secret, 64);
            seed[64] = '\0';
            assert_false(holds(sql, sql_len, seed));
        }
        secrets++;
        sodium_memzero(bytes, sizeof bytes);
    }
    /* two signing keys (one rotated out), a sealing key, a wrapping key at least */
    assert_true(secrets >= 3);
    sodium_memzero(keys, strlen(keys));
    free(keys);
    free(sql);
    free(sql_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_backup__restores_into_another_cluster, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_backup__dump_holds_no_secret_key, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
