/* test_api_casework.c - casework through a real lanternd on 127.0.0.1: an officer's token
 * records, edits and closes a visit, an action plan and a letter with its PDF; another
 * authority's token and a venue's token are refused, and every change and read is audited. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "lanternd.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "store_casework.h"
#include "support.h"

#define PDF "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

enum tok { T_WEST, T_EAST, T_VENUE, T__COUNT };

struct fixture {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t crown, nova; /* The Crown (Westham), Club Nova (Eastham) */
    int64_t officer;     /* an officer of Westham, to own action items */
    int64_t now;         /* when the store was built */
    int64_t token_id[T__COUNT];
    char token[T__COUNT][LNT_TOKEN_LEN + 1];
};

struct reply {
    long status;
    char ctype[128];
    struct lnt_buf body;
    json_t *json;
};

static int64_t add_venue(struct lnt_store *s, const char *name, const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = LNT_VENUE_PUB;
    v.capacity = 300;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

static void add_token(struct lnt_store *s, struct fixture *f, enum tok which, const char *label,
                      enum lnt_officer_role role, const char *authority, int64_t venue)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_token t;

    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, label);
    t.scope.role = role;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    t.scope.venue_id = venue;
    if (lnt_store_token_add(s, &t, lnt_time_now(), f->token[which], err) != LNT_OK)
        fail_msg("token: %s", err);
    f->token_id[which] = t.id;
}

static void score_row(struct lnt_store *s, int64_t venue, int64_t at, int band, int64_t milli)
{
    struct lnt_score_change c;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&c, 0, sizeof c);
    c.venue_id = venue;
    c.at = at;
    c.band = band;
    c.risk_milli = milli;
    if (lnt_store_score_record(s, &c, NULL, err) != LNT_OK)
        fail_msg("score history: %s", err);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    lnt_log_init("test_api_casework", LNT_LOG_WARN);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    f->crown = add_venue(s, "The Crown", "Westham");
    f->nova = add_venue(s, "Club Nova", "Eastham");
    add_token(s, f, T_WEST, "westham licensing", LNT_OFFICER_OFFICER, "Westham", 0);
    add_token(s, f, T_EAST, "eastham police", LNT_OFFICER_POLICE, "Eastham", 0);
    add_token(s, f, T_VENUE, "crown manager", LNT_OFFICER_VENUE, "", f->crown);
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, "pat@westham.gov.uk");
    lnt_str_copy(o.name, sizeof o.name, "Pat Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Westham");
    if (lnt_store_officer_add(s, &o, "a long enough password", err) != LNT_OK)
        fail_msg("officer: %s", err);
    f->officer = o.id;
    /* The Crown's score history as the alert scan writes it: Amber when first seen 12 nights
     * ago, Red 2 nights ago */
    f->now = lnt_time_now();
    score_row(s, f->crown, (int64_t)(lnt_night_of(f->now) - 12) * 86400 + 23 * 3600, 2, 14000);
    score_row(s, f->crown, (int64_t)(lnt_night_of(f->now) - 2) * 86400 + 23 * 3600, 3, 61000);
    lnt_store_free(s);

    lnt_test_lanternd_start(&f->server, f->dir, f->db, NULL);
    f->curl = curl_easy_init();
    assert_non_null(f->curl);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    curl_easy_cleanup(f->curl);
    lnt_test_lanternd_stop(&f->server, SIGTERM);
    lnt_test_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

/* One request with `tok`'s bearer token; body (len bytes) sent for POST and PUT. */
static void req(struct fixture *f, enum tok tok, const char *method, const char *path,
                const char *body, size_t len, struct reply *r)
{
    char url[512], auth[128];
    struct curl_slist *h = NULL;
    char *ct = NULL;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 8u << 20);
    snprintf(url, sizeof url, "%s%s", f->server.base, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->token[tok]);
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, strcmp(method, "PUT") == 0 ? "Content-Type: application/pdf"
                                                        : "Content-Type: application/json");
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(f->curl, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL) {
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r->body);
    assert_int_equal(curl_easy_perform(f->curl), CURLE_OK);
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ct);
    lnt_str_copy(r->ctype, sizeof r->ctype, ct != NULL ? ct : "");
    curl_slist_free_all(h);
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
}

static void reply_free(struct reply *r)
{
    json_decref(r->json);
    lnt_buf_release(&r->body);
}

static void post_json(struct fixture *f, enum tok tok, const char *path, const char *json,
                      struct reply *r)
{
    req(f, tok, "POST", path, json, strlen(json), r);
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* Audit rows of `action` by token `tok` since the row `since`, whose object contains `object`. */
static int audit_count(struct fixture *f, enum tok tok, const char *action, const char *object)
{
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "", actor[32];
    size_t n = 0;
    int hits = 0;

    snprintf(actor, sizeof actor, "token %lld (", (long long)f->token_id[tok]);
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 1000, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        hits += strncmp(a[i].actor, actor, strlen(actor)) == 0 &&
                strcmp(a[i].action, action) == 0 && strstr(a[i].object, object) != NULL;
    free(a);
    lnt_store_free(s);
    return hits;
}

static void test_api_casework__officer_records_edits_and_closes_with_history(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char path[128], body[512], obj[64];
    int64_t visit, plan, item;

    /* a visit */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    post_json(f, T_WEST, path,
              "{\"type\":\"visit\",\"date\":\"2026-11-20\",\"kind\":\"licensing_inspection\","
              "\"officers\":\"PC Shah, J. Okafor\",\"text\":\"Refusals log not kept\"}",
              &r);
    assert_int_equal(r.status, 201);
    visit = json_integer_value(json_object_get(r.json, "id"));
    assert_true(visit > 0);
    assert_string_equal(jstr(r.json, "date"), "2026-11-20");
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 1);
    assert_non_null(strstr(jstr(r.json, "by"), "westham licensing"));
    reply_free(&r);

    /* an edit: a new version, the first one kept */
    snprintf(path, sizeof path, "/api/v1/casework/%lld", (long long)visit);
    post_json(f, T_WEST, path, "{\"text\":\"Refusals log not kept; advised in person\"}", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(jstr(r.json, "kind"), "licensing_inspection");
    reply_free(&r);
    /* what a record is does not change */
    post_json(f, T_WEST, path, "{\"type\":\"note\"}", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "type"));
    reply_free(&r);

    /* a plan with an item owned by an officer, marked done with evidence */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    post_json(f, T_WEST, path, "{\"type\":\"plan\",\"title\":\"Twelve-week plan after Amber\"}",
              &r);
    assert_int_equal(r.status, 201);
    plan = json_integer_value(json_object_get(r.json, "id"));
    reply_free(&r);
    snprintf(body, sizeof body,
             "{\"type\":\"item\",\"plan_id\":%lld,\"text\":\"Keep a refusals log\","
             "\"owner_email\":\"PAT@westham.gov.uk\",\"date\":\"2026-12-11\"}",
             (long long)plan);
    post_json(f, T_WEST, path, body, &r);
    assert_int_equal(r.status, 201);
    item = json_integer_value(json_object_get(r.json, "id"));
    assert_int_equal(json_integer_value(json_object_get(r.json, "owner_id")), f->officer);
    assert_string_equal(jstr(r.json, "status"), "open");
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/casework/%lld", (long long)item);
    post_json(f, T_WEST, path, "{\"status\":\"done\"}", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "evidence"));
    reply_free(&r);
    post_json(f, T_WEST, path, "{\"status\":\"done\",\"evidence\":\"Log seen, 14 entries\"}", &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    /* closing the visit; then it is neither closed again nor edited */
    snprintf(path, sizeof path, "/api/v1/casework/%lld/close", (long long)visit);
    post_json(f, T_WEST, path, "", &r);
    assert_int_equal(r.status, 200);
    assert_true(json_is_string(json_object_get(r.json, "closed_at")));
    reply_free(&r);
    post_json(f, T_WEST, path, "", &r);
    assert_int_equal(r.status, 409);
    reply_free(&r);

    snprintf(path, sizeof path, "/api/v1/casework/%lld", (long long)visit);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    {
        json_t *hist = json_object_get(r.json, "history");
        assert_int_equal(json_array_size(hist), 3);
        assert_string_equal(jstr(json_array_get(hist, 0), "text"), "Refusals log not kept");
        assert_true(json_is_string(json_object_get(json_array_get(hist, 0), "superseded_at")));
        assert_true(json_is_null(json_object_get(json_array_get(hist, 2), "superseded_at")));
    }
    reply_free(&r);

    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "casework")), 3);
    reply_free(&r);

    /* every change and every read audited, naming the token */
    snprintf(obj, sizeof obj, "casework %lld ", (long long)visit);
    assert_int_equal(audit_count(f, T_WEST, "casework.add", obj), 1);
    assert_int_equal(audit_count(f, T_WEST, "casework.edit", obj), 1);
    assert_int_equal(audit_count(f, T_WEST, "casework.close", obj), 1);
    snprintf(obj, sizeof obj, "venue %lld", (long long)f->crown);
    assert_int_equal(audit_count(f, T_WEST, "casework.read", obj), 2);
}

static void test_api_casework__letter_pdf_uploaded_checked_and_read_back(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char path[128], obj[32];
    int64_t letter;

    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    post_json(f, T_WEST, path,
              "{\"type\":\"letter\",\"date\":\"2026-11-21\",\"kind\":\"warning_letter\"}", &r);
    assert_int_equal(r.status, 400); /* neither text nor a PDF yet */
    reply_free(&r);
    post_json(f, T_WEST, path,
              "{\"type\":\"letter\",\"date\":\"2026-11-21\",\"kind\":\"warning_letter\","
              "\"text\":\"Second warning about the door\"}",
              &r);
    assert_int_equal(r.status, 201);
    letter = json_integer_value(json_object_get(r.json, "id"));
    reply_free(&r);

    snprintf(path, sizeof path, "/api/v1/casework/%lld/pdf", (long long)letter);
    req(f, T_WEST, "PUT", path, "<html>", 6, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "%PDF-"));
    reply_free(&r);
    req(f, T_WEST, "PUT", path, PDF, strlen(PDF), &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(strlen(jstr(json_object_get(r.json, "pdf"), "sha256")), 64);
    reply_free(&r);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/pdf");
    assert_int_equal(r.body.len, strlen(PDF));
    assert_memory_equal(r.body.data, PDF, strlen(PDF));
    reply_free(&r);
    snprintf(obj, sizeof obj, "venue %lld", (long long)f->crown);
    assert_int_equal(audit_count(f, T_WEST, "casework.pdf", obj), 1);
    /* the first version had none */
    snprintf(path, sizeof path, "/api/v1/casework/%lld/pdf?version=1", (long long)letter);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

static void test_api_casework__other_authority_and_venue_tokens_are_refused(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char path[128], obj[32];
    int64_t note;

    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    post_json(f, T_WEST, path, "{\"type\":\"note\",\"text\":\"Manager changed in October\"}", &r);
    assert_int_equal(r.status, 201);
    note = json_integer_value(json_object_get(r.json, "id"));
    reply_free(&r);

    /* Eastham's police see none of Westham's casework, by venue or by record */
    req(f, T_EAST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    post_json(f, T_EAST, path, "{\"type\":\"note\",\"text\":\"planted\"}", &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/casework/%lld", (long long)note);
    req(f, T_EAST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.body.data, "Manager changed"));
    reply_free(&r);
    post_json(f, T_EAST, path, "{\"text\":\"rewritten\"}", &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/casework/%lld/close", (long long)note);
    post_json(f, T_EAST, path, "", &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);

    /* the venue's own manager does not read the partnership's casework either */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)f->crown);
    req(f, T_VENUE, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);

    snprintf(obj, sizeof obj, "venue %lld", (long long)f->crown);
    assert_int_equal(audit_count(f, T_EAST, "access.refused", obj), 5);
    assert_int_equal(audit_count(f, T_VENUE, "access.refused", "casework"), 1);

    /* nothing changed: still one version, as written */
    snprintf(path, sizeof path, "/api/v1/casework/%lld", (long long)note);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "history")), 1);
    assert_string_equal(jstr(json_object_get(r.json, "record"), "text"),
                        "Manager changed in October");
    reply_free(&r);
}

/* GET /api/v1/venues/{id}/score-history: the changes up to `at`, in scope, audited. */
static void test_api_casework__score_history_as_at_and_in_scope(void **state)
{
    struct fixture *f = *state;
    char path[160], day[LNT_DATE_STRLEN];
    int32_t tonight = lnt_night_of(f->now);
    json_t *rows, *row;
    struct reply r;

    /* as at last night: lanternd's own scan may have recorded the standing it sees since */
    assert_int_equal(lnt_date_format(tonight - 1, day), LNT_OK);
    snprintf(path, sizeof path, "/api/v1/venues/%lld/score-history?at=%s", (long long)f->crown,
             day);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    rows = json_object_get(r.json, "score_changes");
    assert_int_equal(json_array_size(rows), 2);
    row = json_array_get(rows, 0);
    assert_string_equal(jstr(row, "old_band"), "amber");
    assert_string_equal(jstr(row, "band"), "red");
    assert_int_equal(json_integer_value(json_object_get(row, "risk_points_milli")), 61000);
    assert_true(json_is_false(json_object_get(row, "first")));
    assert_true(json_is_true(json_object_get(json_array_get(rows, 1), "first")));
    reply_free(&r);

    /* as at five nights ago: the turn to Red had not happened */
    assert_int_equal(lnt_date_format(tonight - 5, day), LNT_OK);
    snprintf(path, sizeof path, "/api/v1/venues/%lld/score-history?at=%s", (long long)f->crown,
             day);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    rows = json_object_get(r.json, "score_changes");
    assert_int_equal(json_array_size(rows), 1);
    assert_string_equal(jstr(json_array_get(rows, 0), "band"), "amber");
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/venues/%lld/score-history?at=soon", (long long)f->crown);
    req(f, T_WEST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);

    /* the venue's own token sees its own band's history; another authority's is refused */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/score-history", (long long)f->crown);
    req(f, T_VENUE, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    req(f, T_EAST, "GET", path, NULL, 0, &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.body.data != NULL ? r.body.data : "", "amber"));
    reply_free(&r);
    assert_int_equal(audit_count(f, T_WEST, "score_history.read", "venue"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_casework__score_history_as_at_and_in_scope, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_api_casework__officer_records_edits_and_closes_with_history, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_api_casework__letter_pdf_uploaded_checked_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_api_casework__other_authority_and_venue_tokens_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
