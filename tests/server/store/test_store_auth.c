/* test_store_auth.c - officer accounts and passwords, API tokens, sessions, failed logins, audit
 * log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "test_store_fixture.h"

#define PASSWORD "correct horse battery"

static int64_t officer(struct sf *f, const char *email, enum lnt_officer_role role,
                       const char *authority, int64_t venue)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&o, 0, sizeof o);
    (void)lnt_str_copy(o.email, sizeof o.email, email);
    (void)lnt_str_copy(o.name, sizeof o.name, "Pat Officer");
    o.scope.role = role;
    (void)lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    o.scope.venue_id = venue;
    if (lnt_store_officer_add(f->s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
    return o.id;
}

static void test_store_auth__officer_password_verify_and_wrong_password(void **state)
{
    struct sf *f = *state;
    int64_t id = officer(f, "Pat@Westham.gov.uk", LNT_OFFICER_OFFICER, "Westham", 0);
    struct lnt_officer o, *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "", wrong[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_officer_verify(f->s, "pat@westham.gov.uk", PASSWORD, SF_T0, &o, err),
                     LNT_OK);
    assert_int_equal(o.id, id);
    assert_string_equal(o.email, "pat@westham.gov.uk");
    assert_string_equal(o.scope.authority, "Westham");
    assert_int_equal(o.last_login_at, SF_T0);
    assert_int_equal(lnt_store_officer_verify(f->s, "pat@westham.gov.uk", "correct horse battery!",
                                              SF_T0, &o, wrong),
                     LNT_ERR_UNAUTHORIZED);
    /* an unknown account answers exactly as a wrong password does */
    assert_int_equal(
        lnt_store_officer_verify(f->s, "nobody@westham.gov.uk", PASSWORD, SF_T0, &o, err),
        LNT_ERR_UNAUTHORIZED);
    assert_string_equal(err, wrong);
    /* the password is never stored as given (SQL both backends read alike) */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM officers WHERE pwhash LIKE "
                                         "'$argon2id$%' AND pwhash NOT LIKE '%horse%'"),
                     1);

    struct lnt_officer dup;
    memset(&dup, 0, sizeof dup);
    (void)lnt_str_copy(dup.email, sizeof dup.email, "PAT@westham.gov.uk");
    (void)lnt_str_copy(dup.name, sizeof dup.name, "Another");
    dup.scope.role = LNT_OFFICER_POLICE;
    assert_int_equal(lnt_store_officer_add(f->s, &dup, PASSWORD, err), LNT_ERR_EXISTS);
    (void)lnt_str_copy(dup.email, sizeof dup.email, "new@westham.gov.uk");
    assert_int_equal(lnt_store_officer_add(f->s, &dup, "short", err), LNT_ERR_INVALID);
    dup.scope.role = LNT_OFFICER_VENUE; /* a venue manager needs a venue */
    assert_int_equal(lnt_store_officer_add(f->s, &dup, PASSWORD, err), LNT_ERR_INVALID);
    dup.scope.venue_id = 999;
    assert_int_equal(lnt_store_officer_add(f->s, &dup, PASSWORD, err), LNT_ERR_NOT_FOUND);
    (void)lnt_str_copy(dup.email, sizeof dup.email, "not-an-address");
    assert_int_equal(lnt_store_officer_add(f->s, &dup, PASSWORD, err), LNT_ERR_INVALID);

    assert_int_equal(lnt_store_officer_disable(f->s, id, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_officer_disable(f->s, id, SF_T0, err), LNT_ERR_STATE);
    assert_int_equal(lnt_store_officer_verify(f->s, "pat@westham.gov.uk", PASSWORD, SF_T0, &o, err),
                     LNT_ERR_UNAUTHORIZED);
    assert_int_equal(lnt_store_officer_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].disabled_at, SF_T0);
    free(list);
    assert_int_equal(lnt_store_officer_get(f->s, "PAT@WESTHAM.GOV.UK", &o, err), LNT_OK);
    assert_int_equal(o.id, id);
}

static void test_store_auth__token_scope_expiry_and_revocation(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    struct lnt_token t, got, *list = NULL;
    char text[LNT_TOKEN_LEN + 1], text2[LNT_TOKEN_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    memset(&t, 0, sizeof t);
    (void)lnt_str_copy(t.label, sizeof t.label, "venue dashboard");
    t.scope.role = LNT_OFFICER_VENUE;
    t.scope.venue_id = v;
    t.expires_at = SF_T0 + 3600;
    assert_int_equal(lnt_store_token_add(f->s, &t, SF_T0, text, err), LNT_OK);
    assert_int_equal(strlen(text), LNT_TOKEN_LEN);
    assert_true(lnt_str_starts(text, LNT_TOKEN_PREFIX));
    assert_int_equal(strncmp(t.hint, text, 8), 0);
    /* only the hash is stored */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM api_tokens WHERE "
                                         "length(token_sha256) = 32"),
                     1);

    assert_int_equal(lnt_store_token_lookup(f->s, text, SF_T0 + 10, &got, err), LNT_OK);
    assert_int_equal(got.scope.role, LNT_OFFICER_VENUE);
    assert_int_equal(got.scope.venue_id, v);
    assert_int_equal(lnt_store_token_lookup(f->s, text, SF_T0 + 3600, &got, err), LNT_ERR_EXPIRED);
    text2[0] = '\0';
    (void)lnt_str_copy(text2, sizeof text2, text);
    text2[10] = text2[10] == 'A' ? 'B' : 'A';
    assert_int_equal(lnt_store_token_lookup(f->s, text2, SF_T0, &got, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_token_lookup(f->s, "lnt_short", SF_T0, &got, err),
                     LNT_ERR_NOT_FOUND);

    /* a scheme-wide police token that never expires, then revoked */
    memset(&t, 0, sizeof t);
    (void)lnt_str_copy(t.label, sizeof t.label, "police");
    t.scope.role = LNT_OFFICER_POLICE;
    assert_int_equal(lnt_store_token_add(f->s, &t, SF_T0, text2, err), LNT_OK);
    assert_int_equal(lnt_store_token_lookup(f->s, text2, SF_T0 + 86400 * 3650, &got, err), LNT_OK);
    assert_int_equal(lnt_store_token_revoke(f->s, t.id, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_token_revoke(f->s, t.id, SF_T0, err), LNT_ERR_STATE);
    assert_int_equal(lnt_store_token_lookup(f->s, text2, SF_T0, &got, err), LNT_ERR_REVOKED);
    assert_int_equal(lnt_store_token_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[1].revoked_at, SF_T0);
    free(list);

    /* a scope with both an authority and a venue is refused */
    (void)lnt_str_copy(t.scope.authority, sizeof t.scope.authority, "Westham");
    t.scope.role = LNT_OFFICER_VENUE;
    t.scope.venue_id = v;
    assert_int_equal(lnt_store_token_add(f->s, &t, SF_T0, text2, err), LNT_ERR_INVALID);
    assert_string_equal(text2, "");
}

/* The newest audit row, as an officer reading the log sees it. */
static struct lnt_audit_entry newest_audit(struct sf *f)
{
    struct lnt_audit_entry *list = NULL, a;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_audit_list(f->s, 0, 0, 0, 1, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    a = list[0];
    free(list);
    return a;
}

static void test_store_auth__disabling_and_revoking_say_what_was_wrong(void **state)
{
    struct sf *f = *state;
    int64_t id = officer(f, "pat@westham.gov.uk", LNT_OFFICER_ADMIN, "", 0);
    struct lnt_session s1, got;
    struct lnt_officer o;
    struct lnt_token t, seen;
    struct lnt_audit_entry a;
    char text[LNT_TOKEN_LEN + 1], err[LNT_ERRBUF_SIZE] = "", want[LNT_ERRBUF_SIZE];

    assert_int_equal(lnt_store_officer_disable(f->s, 999, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "account 999 not found");
    assert_int_equal(lnt_store_token_revoke(f->s, 999, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "token 999 not found");

    assert_int_equal(lnt_store_session_create(f->s, id, SF_T0, &s1, err), LNT_OK);
    assert_int_equal(lnt_store_officer_disable(f->s, id, SF_T0 + 60, err), LNT_OK);
    a = newest_audit(f);
    assert_string_equal(a.action, "officer.disable");
    snprintf(want, sizeof want, "officer %" PRId64, id);
    assert_string_equal(a.object, want);
    assert_string_equal(a.detail, "account disabled; sessions ended");
    assert_int_equal(lnt_store_session_get(f->s, s1.id, SF_T0 + 120, &got, &o, err),
                     LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_officer_disable(f->s, id, SF_T0 + 120, err), LNT_ERR_STATE);
    snprintf(want, sizeof want, "account %" PRId64 " is already disabled", id);
    assert_string_equal(err, want);

    memset(&t, 0, sizeof t);
    (void)lnt_str_copy(t.label, sizeof t.label, "police");
    t.scope.role = LNT_OFFICER_POLICE;
    assert_int_equal(lnt_store_token_add(f->s, &t, SF_T0, text, err), LNT_OK);
    /* a clock before 1970 still revokes */
    assert_int_equal(lnt_store_token_revoke(f->s, t.id, 0, err), LNT_OK);
    a = newest_audit(f);
    assert_string_equal(a.action, "token.revoke");
    snprintf(want, sizeof want, "token %" PRId64, t.id);
    assert_string_equal(a.object, want);
    assert_string_equal(a.detail, "token revoked");
    assert_int_equal(lnt_store_token_lookup(f->s, text, SF_T0, &seen, err), LNT_ERR_REVOKED);
    assert_int_equal(lnt_store_token_revoke(f->s, t.id, SF_T0, err), LNT_ERR_STATE);
    snprintf(want, sizeof want, "token %" PRId64 " is already revoked", t.id);
    assert_string_equal(err, want);
}

static void test_store_auth__session_idle_and_absolute_expiry(void **state)
{
    struct sf *f = *state;
    int64_t id = officer(f, "pat@westham.gov.uk", LNT_OFFICER_ADMIN, "", 0);
    struct lnt_session s1, s2, got;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t t = SF_T0;

    assert_int_equal(lnt_store_session_create(f->s, id, t, &s1, err), LNT_OK);
    assert_int_equal(strlen(s1.id), LNT_SESSION_ID_LEN);
    assert_int_equal(strlen(s1.csrf), LNT_CSRF_LEN);
    assert_string_not_equal(s1.id, s1.csrf);
    /* kept alive by use every 25 minutes ... */
    for (int i = 1; i <= 28; i++) {
        t += 25 * 60;
        assert_int_equal(lnt_store_session_get(f->s, s1.id, t, &got, &o, err), LNT_OK);
        assert_string_equal(got.csrf, s1.csrf);
        assert_int_equal(o.id, id);
    }
    /* ... but not past 12 hours from login */
    t += 25 * 60;
    assert_int_equal(lnt_store_session_get(f->s, s1.id, t, &got, &o, err), LNT_ERR_EXPIRED);
    assert_int_equal(lnt_store_session_get(f->s, s1.id, SF_T0 + 60, &got, &o, err),
                     LNT_ERR_NOT_FOUND); /* deleted when found expired */

    /* idle: 30 minutes without a request */
    assert_int_equal(lnt_store_session_create(f->s, id, SF_T0, &s2, err), LNT_OK);
    assert_int_equal(
        lnt_store_session_get(f->s, s2.id, SF_T0 + LNT_SESSION_IDLE - 1, &got, NULL, err), LNT_OK);
    assert_int_equal(
        lnt_store_session_get(f->s, s2.id, SF_T0 + 2 * LNT_SESSION_IDLE - 2, &got, NULL, err),
        LNT_OK);
    assert_int_equal(
        lnt_store_session_get(f->s, s2.id, SF_T0 + 3 * LNT_SESSION_IDLE, &got, NULL, err),
        LNT_ERR_EXPIRED);

    /* logout, and disabling an account ends its sessions */
    assert_int_equal(lnt_store_session_create(f->s, id, SF_T0, &s1, err), LNT_OK);
    assert_int_equal(lnt_store_session_create(f->s, id, SF_T0, &s2, err), LNT_OK);
    assert_int_equal(lnt_store_session_delete(f->s, s1.id, err), LNT_OK);
    assert_int_equal(lnt_store_session_get(f->s, s1.id, SF_T0, &got, NULL, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_officer_disable(f->s, id, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_session_get(f->s, s2.id, SF_T0, &got, NULL, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_session_create(f->s, id, SF_T0, &s1, err), LNT_ERR_FORBIDDEN);
    assert_int_equal(lnt_store_session_get(f->s, "short", SF_T0, &got, NULL, err),
                     LNT_ERR_NOT_FOUND);
}

/* One password check reserved (and so counted until a good login clears it). */
static void attempt(struct lnt_store *s, const char *email, const char *addr, int64_t at)
{
    char err[LNT_ERRBUF_SIZE] = "";
    bool granted = false;

    assert_int_equal(lnt_store_login_reserve(s, email, addr, at, 3600, 100, 100, &granted, err),
                     LNT_OK);
    assert_true(granted);
}

static void test_store_auth__failed_logins_by_account_and_address(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int acct = -1, addr = -1;

    for (int i = 0; i < 3; i++)
        attempt(f->s, "Pat@x.org", "10.0.0.1", SF_T0 + i * 60);
    attempt(f->s, "sam@x.org", "10.0.0.1", SF_T0 + 600);
    assert_int_equal(lnt_store_login_failures(f->s, "pat@x.org", "10.0.0.1", SF_T0 + 600, 900,
                                              &acct, &addr, err),
                     LNT_OK);
    assert_int_equal(acct, 3);
    assert_int_equal(addr, 4);
    /* a window that starts after the first two */
    assert_int_equal(
        lnt_store_login_failures(f->s, "pat@x.org", NULL, SF_T0 + 600, 500, &acct, &addr, err),
        LNT_OK);
    assert_int_equal(acct, 1);
    assert_int_equal(addr, 0);
    assert_int_equal(lnt_store_login_clear(f->s, "pat@x.org", err), LNT_OK);
    assert_int_equal(lnt_store_login_failures(f->s, "pat@x.org", "10.0.0.1", SF_T0 + 600, 900,
                                              &acct, &addr, err),
                     LNT_OK);
    assert_int_equal(acct, 0);
    assert_int_equal(addr, 1); /* the address's count survives a good login */
}

static void test_store_auth__audit_append_and_page(void **state)
{
    struct sf *f = *state;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int64_t before;

    for (int i = 0; i < 5; i++) {
        char obj[32];
        snprintf(obj, sizeof obj, "export %d", i);
        assert_int_equal(lnt_store_audit_append(f->s, "pat@x.org", "export.csv", obj, "door", err),
                         LNT_OK);
    }
    assert_int_equal(lnt_store_audit_append(f->s, NULL, "", "", "", err), LNT_ERR_INVALID);
    /* newest first, in pages; scheme.init is the oldest row */
    assert_int_equal(lnt_store_audit_list(f->s, 0, 0, 0, 4, &a, &n, err), LNT_OK);
    assert_int_equal(n, 4);
    assert_string_equal(a[0].object, "export 4");
    assert_string_equal(a[0].actor, "pat@x.org");
    before = a[3].id;
    free(a);
    assert_int_equal(lnt_store_audit_list(f->s, 0, 0, before, 4, &a, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].object, "export 0");
    assert_string_equal(a[1].action, "scheme.init");
    assert_string_equal(a[1].actor, "system");
    free(a);
    assert_int_equal(lnt_store_audit_list(f->s, 0, 1, 0, 4, &a, &n, err), LNT_OK);
    assert_int_equal(n, 0);
}

#define RESERVERS 8
#define RESERVE_TRIES 10

struct reserver {
    struct lnt_store *s;
    pthread_barrier_t *go;
    int granted;
    int failed;
};

static void *reserver_run(void *arg)
{
    struct reserver *r = arg;
    char err[LNT_ERRBUF_SIZE] = "";

    pthread_barrier_wait(r->go);
    for (int i = 0; i < RESERVE_TRIES; i++) {
        bool granted = false;
        if (lnt_store_login_reserve(r->s, "Pat@x.org", "10.0.0.9", SF_T0, 900, 5, 20, &granted,
                                    err) != LNT_OK)
            r->failed++;
        r->granted += granted ? 1 : 0;
    }
    return NULL;
}

static void test_store_auth__login_reserve_grants_at_most_the_limit_at_once(void **state)
{
    struct sf *f = *state;
    struct reserver r[RESERVERS];
    pthread_barrier_t go;
    pthread_t t[RESERVERS];
    char err[LNT_ERRBUF_SIZE] = "";
    int granted = 0, acct = -1, addr = -1;
    bool ok = true;

    /* 80 reservations from 8 threads at once: exactly 5 are granted and recorded */
    assert_int_equal(pthread_barrier_init(&go, NULL, RESERVERS), 0);
    for (int i = 0; i < RESERVERS; i++) {
        r[i] = (struct reserver){f->s, &go, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, reserver_run, &r[i]), 0);
    }
    for (int i = 0; i < RESERVERS; i++) {
        pthread_join(t[i], NULL);
        granted += r[i].granted;
        assert_int_equal(r[i].failed, 0);
    }
    pthread_barrier_destroy(&go);
    assert_int_equal(granted, 5);
    assert_int_equal(
        lnt_store_login_failures(f->s, "pat@x.org", "10.0.0.9", SF_T0, 900, &acct, &addr, err),
        LNT_OK);
    assert_int_equal(acct, 5);
    assert_int_equal(addr, 5);
    /* the window passes: attempts are granted again */
    assert_int_equal(
        lnt_store_login_reserve(f->s, "pat@x.org", "10.0.0.9", SF_T0 + 901, 900, 5, 20, &ok, err),
        LNT_OK);
    assert_true(ok);
    /* the address limit holds across accounts */
    for (int i = 0; i < 30; i++) {
        char email[32];
        snprintf(email, sizeof email, "guess%d@x.org", i);
        assert_int_equal(
            lnt_store_login_reserve(f->s, email, "10.0.0.7", SF_T0, 900, 5, 20, &ok, err), LNT_OK);
        assert_true(ok == (i < 20));
    }
    /* a good login forgets the account's attempts */
    assert_int_equal(lnt_store_login_clear(f->s, "pat@x.org", err), LNT_OK);
    assert_int_equal(
        lnt_store_login_reserve(f->s, "pat@x.org", "10.0.0.9", SF_T0, 900, 5, 20, &ok, err),
        LNT_OK);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_store_auth__##name, sf_setup, sf_teardown)
        T(officer_password_verify_and_wrong_password),
        T(token_scope_expiry_and_revocation),
        T(disabling_and_revoking_say_what_was_wrong),
        T(session_idle_and_absolute_expiry),
        T(failed_logins_by_account_and_address),
        T(login_reserve_grants_at_most_the_limit_at_once),
        T(audit_append_and_page),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
