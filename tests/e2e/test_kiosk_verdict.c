/*
 * test_kiosk_verdict.c - the verdict at the door, end to end: badges without the scheme's
 * required training, with a lapsed SIA licence, and with a licence the scheme has suspended,
 * played by the real lantern-kiosk against a real lanternd on 127.0.0.1; what the screen
 * offered (a replay tap on a missing button stops the kiosk with status 3) and what the
 * server's register and flags then say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "officer_client.h"
#include "test_kiosk_town.h"

struct verdict_town {
    struct town *t;
    char venue[16];
    char untrained[16], lapsed[16], suspended[16];
    char token[64];
};

/* lanternctl --db DB --json ARGS... with `input` on stdin (may be NULL); asserts exit 0; returns
 * its first JSON line (decref it). */
static json_t *ctl_in(struct town *t, const char *input, const char *const *args)
{
    const char *argv[32];
    struct lnt_proc_result r;
    json_t *out;
    size_t n = 0;

    argv[n++] = lnt_test_bin("lanternctl");
    argv[n++] = "--db";
    argv[n++] = t->db;
    argv[n++] = "--json";
    for (size_t i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, input, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s %s failed (%d): %s", args[0], args[1], r.status, r.err);
    out = json_loadb(r.out, strcspn(r.out, "\n"), 0, NULL);
    if (out == NULL)
        fail_msg("lanternctl %s printed no JSON: %s", args[0], r.out);
    lnt_proc_result_release(&r);
    return out;
}

static json_t *ctl(struct town *t, const char *const *args)
{
    return ctl_in(t, NULL, args);
}

static void id_of(json_t *o, char *out, size_t size)
{
    json_t *v = json_object_get(o, "id");
    if (!json_is_integer(v))
        fail_msg("no id in lanternctl output");
    snprintf(out, size, "%lld", (long long)json_integer_value(v));
}

/* A staff member with WAVE (or nothing, when `wave` is false) and a badge at DIR/png. */
static void staff(struct verdict_town *v, char *id, size_t size, const char *name, const char *role,
                  const char *sia, const char *sia_expiry, bool wave, const char *png)
{
    char *path = lnt_test_path(v->t->dir, png), completed[11];
    json_t *o;

    lnt_test_date(-60, completed);
    if (sia != NULL)
        o = ctl(v->t,
                (const char *[]){"staff", "add", "--venue", v->venue, "--name", name, "--role",
                                 role, "--sia", sia, "--sia-expiry", sia_expiry, NULL});
    else
        o = ctl(v->t, (const char *[]){"staff", "add", "--venue", v->venue, "--name", name,
                                       "--role", role, NULL});
    id_of(o, id, size);
    json_decref(o);
    if (wave)
        json_decref(ctl(v->t, (const char *[]){"training", "add", "--staff", id, "--course", "wave",
                                               "--completed", completed, NULL}));
    json_decref(ctl(v->t, (const char *[]){"badge", "issue", "--staff", id, "--png", path, NULL}));
    free(path);
}

static int setup(void **state)
{
    struct verdict_town *v = calloc(1, sizeof *v);
    char lapsed_on[11], suspended_from[11];
    json_t *o;

    assert_non_null(v);
    v->t = town_new();
    o = ctl(v->t, (const char *[]){"venue", "list", NULL});
    id_of(o, v->venue, sizeof v->venue);
    json_decref(o);
    lnt_test_date(-3, lapsed_on);
    lnt_test_date(-2, suspended_from);
    staff(v, v->untrained, sizeof v->untrained, "Jamie Untrained", "bar", NULL, NULL, false,
          "untrained.png");
    staff(v, v->lapsed, sizeof v->lapsed, "Morgan Lapsed", "door", "2222333344445555", lapsed_on,
          true, "lapsed.png");
    staff(v, v->suspended, sizeof v->suspended, "Casey Suspended", "door", "6666777788889999",
          "2029-03-31", true, "suspended.png");
    /* The licence is in date on the badge; the scheme has suspended it. */
    json_decref(ctl(v->t, (const char *[]){"sia", "set-status", "6666777788889999", "--status",
                                           "suspended", "--from", suspended_from, NULL}));
    o = ctl(v->t, (const char *[]){"token", "add", "--role", "admin", NULL});
    snprintf(v->token, sizeof v->token, "%s", json_string_value(json_object_get(o, "token")));
    json_decref(o);
    town_start_server(v->t);
    *state = v;
    return 0;
}

static int teardown(void **state)
{
    struct verdict_town *v = *state;

    town_free(v->t);
    free(v);
    return 0;
}

/* Plays `script`; returns the kiosk's exit status (its words are kept in *r: release them). */
static int play(struct verdict_town *v, const char *script, bool enrol, struct lnt_proc_result *r)
{
    return town_replay(v->t, "verdict.txt", script, enrol, 30, r);
}

/* Plays `script`, which must run to the end. */
static void play_ok(struct verdict_town *v, const char *script, bool enrol)
{
    struct lnt_proc_result r;
    int status = play(v, script, enrol, &r);

    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    lnt_proc_result_release(&r);
}

/* Plays `script`, which must stop at a tap on a button the screen does not offer. */
static void play_refused_tap(struct verdict_town *v, const char *script, bool enrol,
                             const char *label)
{
    struct lnt_proc_result r;
    char want[96];
    int status = play(v, script, enrol, &r);

    snprintf(want, sizeof want, "no button \"%s\"", label);
    if (status != 3 || strstr(r.err, want) == NULL)
        fail_msg("expected the replay to stop at \"%s\" (status 3), got %d:\n%s", label, status,
                 r.err);
    lnt_proc_result_release(&r);
}

/* GET path on lanternd with the admin token; the reply's JSON (decref it). */
static json_t *api_get(struct verdict_town *v, const char *path)
{
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page page;
    json_t *j;

    lnt_test_officer_http(curl, v->t->url, path, NULL, v->token, &page);
    if (page.status != 200)
        fail_msg("GET %s: %ld %s", path, page.status, page.body.data);
    j = json_loads(page.body.data, 0, NULL);
    assert_non_null(j);
    lnt_test_page_release(&page);
    curl_easy_cleanup(curl);
    return j;
}

/* The register row of staff member `id` (the only one: the test signs each in once). */
static json_t *register_row(struct verdict_town *v, const char *id)
{
    char path[128];
    json_t *reg, *row, *found = NULL;
    size_t i;
    char from[11], to[11];

    /* the default window ends at this second: a sign-in of this second would not be in it */
    lnt_test_date(-1, from);
    lnt_test_date(2, to);
    snprintf(path, sizeof path, "/api/v1/venues/%s/register?from=%s&to=%s", v->venue, from, to);
    reg = api_get(v, path);
    json_array_foreach(json_object_get(reg, "shifts"), i, row)
    {
        const char *sid = json_string_value(json_object_get(row, "staff_id"));
        if (sid != NULL && strcmp(sid, id) == 0)
            found = json_incref(row);
    }
    if (found == NULL) {
        char *text = json_dumps(reg, JSON_COMPACT);
        fail_msg("staff %s is not on the register: %s", id, text);
    }
    json_decref(reg);
    return found;
}

/* How many flags of `kind` name staff member `id`. */
static size_t flags_of(struct verdict_town *v, const char *kind, const char *id, json_t **first)
{
    char path[160];
    json_t *all, *f;
    size_t i, n = 0;
    char from[11], to[11];

    lnt_test_date(-1, from);
    lnt_test_date(2, to);
    snprintf(path, sizeof path, "/api/v1/flags?kind=%s&from=%s&to=%s", kind, from, to);
    all = api_get(v, path);
    json_array_foreach(json_object_get(all, "flags"), i, f)
    {
        const char *sid = json_string_value(json_object_get(f, "staff_id"));
        if (sid == NULL || strcmp(sid, id) != 0)
            continue;
        if (n++ == 0 && first != NULL)
            *first = json_incref(f);
    }
    json_decref(all);
    return n;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("no string `%s`", key);
    return json_string_value(v);
}

static void test_kiosk_verdict__untrained_badge_signs_in_amber_naming_what_is_missing(void **state)
{
    struct verdict_town *v = *state;
    json_t *row, *missing, *in;

    /* WAVE is the new scheme's default requirement for every role (docs/admin.md). */
    play_ok(v, "scan untrained.png\ntap Sign in\ntap Done\n", true);
    in = town_events_of(v->t, "sign_in");
    assert_int_equal(json_array_size(in), 1);
    assert_string_equal(str(json_array_get(in, 0), "verdict"), "amber");
    json_decref(in);
    row = register_row(v, v->untrained);
    assert_string_equal(str(row, "verdict"), "amber");
    missing = json_object_get(row, "training_missing");
    assert_int_equal(json_array_size(missing), 1);
    assert_string_equal(json_string_value(json_array_get(missing, 0)), "wave");
    assert_string_equal(str(row, "duty"), "role");
    json_decref(row);

    /* A trained colleague's row says nothing is missing. */
    play_ok(v, "scan bar.png\ntap Sign in\ntap Done\n", false);
    row = register_row(v, v->t->staff[BAR]);
    assert_string_equal(str(row, "verdict"), "green");
    assert_int_equal(json_array_size(json_object_get(row, "training_missing")), 0);
    json_decref(row);
}

static void test_kiosk_verdict__required_training_change_reaches_the_kiosk(void **state)
{
    struct verdict_town *v = *state;
    json_t *row;

    /* Angela training (which the town's staff hold) stops being enough once first aid is
     * required of bar staff: the kiosk hears of it at enrolment. */
    json_decref(ctl(v->t, (const char *[]){"training", "require", "--role", "bar", "--course",
                                           "first-aid", NULL}));
    play_ok(v, "scan bar.png\ntap Sign in\ntap Done\n", true);
    row = register_row(v, v->t->staff[BAR]);
    assert_string_equal(str(row, "verdict"), "amber");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(row, "training_missing"), 0)),
        "first-aid");
    json_decref(row);
}

static void test_kiosk_verdict__lapsed_licence_has_no_sign_in_on_the_door(void **state)
{
    struct verdict_town *v = *state;
    json_t *row, *flag = NULL;

    play_refused_tap(v, "scan lapsed.png\ntap Sign in\n", true, "Sign in");
    play_ok(v, "wait 5100\nscan lapsed.png\ntap Sign in for other duties\ntap Done\n", false);
    row = register_row(v, v->lapsed);
    assert_string_equal(str(row, "duty"), "other");
    assert_string_equal(str(row, "sia_status"), "expired");
    assert_string_equal(str(row, "verdict"), "red");
    /* The scheme hears of a door supervisor signed in without a valid licence: the flag names
     * the register row. */
    assert_int_equal(flags_of(v, "sia_not_valid", v->lapsed, &flag), 1);
    assert_int_equal(json_integer_value(json_object_get(flag, "other")),
                     json_integer_value(json_object_get(row, "id")));
    json_decref(flag);
    json_decref(row);
}

static void test_kiosk_verdict__tell_the_manager_records_a_refusal_at_the_door(void **state)
{
    struct verdict_town *v = *state;
    json_t *refused, *in, *flag = NULL;

    struct lnt_proc_result r;
    int status;

    play_ok(v, "scan lapsed.png\ntap Tell the manager\ntap Done\n", true);
    /* The kiosk restarts (a pulled plug) before a manager comes by: the notice waits on the
     * card and the next manager's badge still shows it, once. */
    status = play(v, "scan manager.png\ntap Not now\nwait 5100\nscan manager.png\ntap Not now\n",
                  false, &r);
    if (status != 0 ||
        strstr(r.err, "1 door supervisor(s) turned away wait for a manager") == NULL ||
        strstr(r.err, "1 door supervisor(s) turned away shown to a manager") == NULL)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    lnt_proc_result_release(&r);
    refused = town_events_of(v->t, "door_refused");
    assert_int_equal(json_array_size(refused), 1);
    assert_string_equal(str(json_array_get(refused, 0), "staff_id"), v->lapsed);
    assert_string_equal(str(json_array_get(refused, 0), "sia_status"), "expired");
    json_decref(refused);
    /* Nobody went on shift: the register has no row, and a flag tells the scheme. */
    in = town_events_of(v->t, "sign_in");
    assert_int_equal(json_array_size(in), 0);
    json_decref(in);
    assert_int_equal(flags_of(v, "door_refused", v->lapsed, &flag), 1);
    assert_int_equal(json_integer_value(json_object_get(flag, "other")), 4 /* expired */);
    json_decref(flag);
}

static void test_kiosk_verdict__suspended_licence_is_treated_as_expired(void **state)
{
    struct verdict_town *v = *state;
    json_t *refused;

    /* In date on the badge, suspended by the scheme: no door once the kiosk has heard. */
    play_refused_tap(v, "scan suspended.png\ntap Sign in\n", true, "Sign in");
    play_ok(v, "wait 5100\nscan suspended.png\ntap Tell the manager\ntap Done\n", false);
    refused = town_events_of(v->t, "door_refused");
    assert_int_equal(json_array_size(refused), 1);
    assert_string_equal(str(json_array_get(refused, 0), "sia_status"), "suspended");
    assert_string_equal(str(json_array_get(refused, 0), "verdict"), "red");
    json_decref(refused);
    assert_int_equal(flags_of(v, "door_refused", v->suspended, NULL), 1);
}

/* GET or (with `body`) POST on the dashboard as the signed-in `curl`; the page, 200 or 303. */
static void page(struct verdict_town *v, CURL *curl, const char *path, const char *body,
                 struct lnt_test_page *r)
{
    lnt_test_officer_http(curl, v->t->url, path, body, NULL, r);
    if (r->status != 200 && r->status != 303)
        fail_msg("%s %s: %ld", body != NULL ? "POST" : "GET", path, r->status);
}

static void test_kiosk_verdict__dashboard_admin_and_register(void **state)
{
    struct verdict_town *v = *state;
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page r;
    char csrf[128], body[256], path[160], from[11], to[11];
    json_t *lines, *o;
    size_t i;
    bool conflict = false;

    json_decref(ctl_in(v->t, "correct horse battery staple\n",
                       (const char *[]){"officer", "add", "--email", "admin@example.org", "--name",
                                        "Scheme Admin", "--role", "admin", NULL}));
    assert_int_equal(lnt_test_officer_login(curl, v->t->url, "admin@example.org",
                                            "correct horse battery staple", NULL, 0),
                     303);
    page(v, curl, "/admin", NULL, &r);
    assert_non_null(strstr(r.body.data, "id=\"admin-required\""));
    assert_non_null(strstr(r.body.data, "<tr data-role=\"door\"><td>Door supervisors</td><td>"));
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    lnt_test_page_release(&r);

    /* Admin's form does what `training require` does */
    snprintf(body, sizeof body, "csrf=%s&role=door&course=conflict", csrf);
    page(v, curl, "/admin/training-require", body, &r);
    assert_int_equal(r.status, 303);
    lnt_test_page_release(&r);
    lines = json_array();
    {
        const char *argv[] = {
            lnt_test_bin("lanternctl"), "--db", v->t->db, "--json", "training", "required", NULL};
        struct lnt_proc_result pr;
        char *line, *save = NULL;
        assert_int_equal(lnt_proc_run(argv, NULL, 30000, &pr), 0);
        for (line = strtok_r(pr.out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
            json_array_append_new(lines, json_loads(line, 0, NULL));
        lnt_proc_result_release(&pr);
    }
    json_array_foreach(lines, i, o)
    {
        json_t *c;
        size_t k;
        if (strcmp(str(o, "role"), "door") != 0)
            continue;
        json_array_foreach(json_object_get(o, "courses"), k, c) conflict =
            conflict || strcmp(json_string_value(c), "conflict") == 0;
    }
    json_decref(lines);
    assert_true(conflict);
    /* a made-up course is refused in words */
    snprintf(body, sizeof body, "csrf=%s&role=door&course=juggling", csrf);
    lnt_test_officer_http(curl, v->t->url, "/admin/training-require", body, NULL, &r);
    assert_int_equal(r.status, 400);
    lnt_test_page_release(&r);

    /* the door register says what the sign-in was for and what it lacked */
    play_ok(v, "scan lapsed.png\ntap Sign in for other duties\ntap Done\n", true);
    lnt_test_date(-2, from);
    lnt_test_date(1, to);
    snprintf(path, sizeof path, "/venues/%s/register?from=%s&to=%s", v->venue, from, to);
    page(v, curl, path, NULL, &r);
    assert_non_null(strstr(r.body.data, "other duties, not the door"));
    assert_non_null(strstr(r.body.data, "required, missing at sign-in: conflict"));
    lnt_test_page_release(&r);
    curl_easy_cleanup(curl);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_kiosk_verdict__untrained_badge_signs_in_amber_naming_what_is_missing),
        T(test_kiosk_verdict__required_training_change_reaches_the_kiosk),
        T(test_kiosk_verdict__lapsed_licence_has_no_sign_in_on_the_door),
        T(test_kiosk_verdict__tell_the_manager_records_a_refusal_at_the_door),
        T(test_kiosk_verdict__suspended_licence_is_treated_as_expired),
        T(test_kiosk_verdict__dashboard_admin_and_register),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
