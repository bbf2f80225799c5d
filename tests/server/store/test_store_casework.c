/* test_store_casework.c - casework on each venue: versions that supersede, nothing deleted,
 * letters' PDFs by content, overdue action items by owner and scope, and clear refusals; each
 * venue's score history; two servers writing at once. On SQLite and (test_store_casework_pg)
 * on PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ltime.h"
#include "store.h"
#include "store_casework.h"
#include "test_store_fixture.h"

#define DAY 86400
#define OFFICER_PW "a long enough password"

static int64_t officer(struct sf *f, const char *email, const char *authority)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_officer o;

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, email);
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    if (lnt_store_officer_add(f->s, &o, OFFICER_PW, err) != LNT_OK)
        fail_msg("officer: %s", err);
    return o.id;
}

static struct lnt_casework *visit(int64_t venue, int32_t on, const char *found)
{
    struct lnt_casework *c = calloc(1, sizeof *c);

    assert_non_null(c);
    c->venue_id = venue;
    c->type = LNT_CW_VISIT;
    c->on = on;
    lnt_str_copy(c->kind, sizeof c->kind, "licensing_inspection");
    lnt_str_copy(c->officers, sizeof c->officers, "PC Shah, J. Okafor");
    lnt_str_copy(c->text, sizeof c->text, found);
    return c;
}

/*
 * Runs `sql` on a connection of its own to the store's database (a SQLite file or a PostgreSQL
 * URI), as someone with the database open outside Lantern would: true when it went through;
 * false with the database's message in msg when it was refused.
 */
static bool outside(const char *path, const char *sql, char *msg, size_t size)
{
    bool ok;

    msg[0] = '\0';
    if (lnt_store_is_postgresql(path)) {
        PGconn *pg = PQconnectdb(path);
        PGresult *r;

        assert_int_equal(PQstatus(pg), CONNECTION_OK);
        r = PQexec(pg, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            snprintf(msg, size, "%s", PQresultErrorMessage(r));
        PQclear(r);
        PQfinish(pg);
    } else {
        sqlite3 *db = NULL;

        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
        if (!ok)
            snprintf(msg, size, "%s", sqlite3_errmsg(db));
        sqlite3_close(db);
    }
    return ok;
}

/* Counts audit rows with `action` on `object`, written by `actor`. */
static int audit_rows(struct sf *f, const char *action, const char *object, const char *actor)
{
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int hits = 0;

    assert_int_equal(lnt_store_audit_list(f->s, 0, 0, 0, 1000, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        hits += strcmp(a[i].action, action) == 0 && strcmp(a[i].object, object) == 0 &&
                strcmp(a[i].actor, actor) == 0;
    free(a);
    return hits;
}

static void test_store_casework__edit_supersedes_and_history_keeps_every_version(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    int32_t day = lnt_days_from_civil(2026, 11, 20);
    struct lnt_casework *c = visit(venue, day, "Door staff without tabards"), *h = NULL, cur;
    char err[LNT_ERRBUF_SIZE] = "", obj[64];
    size_t n = 0;

    assert_int_equal(lnt_store_cw_add(f->s, "officer 3 (a@x.test)", SF_T0, c, NULL, 0, err),
                     LNT_OK);
    assert_true(c->id > 0);
    assert_int_equal(c->version, 1);
    assert_string_equal(c->by, "officer 3 (a@x.test)");

    /* an edit is a new version; the record keeps its type and venue whatever is asked */
    lnt_str_copy(c->text, sizeof c->text, "Door staff without tabards; log not kept");
    c->type = LNT_CW_NOTE;
    c->venue_id = 999;
    assert_int_equal(lnt_store_cw_edit(f->s, "officer 4 (b@x.test)", SF_T0 + 60, c, NULL, 0, err),
                     LNT_OK);
    assert_int_equal(c->version, 2);
    assert_int_equal(c->type, LNT_CW_VISIT);
    assert_int_equal(c->venue_id, venue);

    assert_int_equal(lnt_store_cw_close(f->s, "officer 4 (b@x.test)", SF_T0 + 120, c->id, err),
                     LNT_OK);
    assert_int_equal(lnt_store_cw_close(f->s, "officer 4 (b@x.test)", SF_T0 + 180, c->id, err),
                     LNT_ERR_STATE);
    /* a closed record is not edited again */
    assert_int_equal(lnt_store_cw_edit(f->s, "officer 4 (b@x.test)", SF_T0 + 180, c, NULL, 0, err),
                     LNT_ERR_STATE);
    assert_non_null(strstr(err, "closed"));

    assert_int_equal(lnt_store_cw_get(f->s, c->id, &cur, err), LNT_OK);
    assert_int_equal(cur.version, 3);
    assert_int_equal(cur.closed_at, SF_T0 + 120);
    assert_string_equal(cur.closed_by, "officer 4 (b@x.test)");
    assert_string_equal(cur.text, "Door staff without tabards; log not kept");

    assert_int_equal(lnt_store_cw_history(f->s, c->id, &h, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(h[0].text, "Door staff without tabards"); /* the first words stay */
    assert_string_equal(h[0].by, "officer 3 (a@x.test)");
    assert_int_equal(h[0].superseded_at, SF_T0 + 60);
    assert_int_equal(h[1].superseded_at, SF_T0 + 120);
    assert_int_equal(h[2].superseded_at, 0);
    assert_int_equal(h[0].on, day);
    free(h);

    /* each change audited with who */
    snprintf(obj, sizeof obj, "casework %lld (venue %lld)", (long long)c->id, (long long)venue);
    assert_int_equal(audit_rows(f, "casework.add", obj, "officer 3 (a@x.test)"), 1);
    assert_int_equal(audit_rows(f, "casework.edit", obj, "officer 4 (b@x.test)"), 1);
    assert_int_equal(audit_rows(f, "casework.close", obj, "officer 4 (b@x.test)"), 1);
    free(c);
}

/* The first record in `list` (n) with id `id`, or NULL. */
static const struct lnt_casework *find_record(const struct lnt_casework *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].id == id)
            return &list[i];
    return NULL;
}

/* As at an instant, each record reads as it stood then: an edit or a close made later is not
 * there yet, and a record made later is left out. */
static void test_store_casework__list_at_reads_the_version_current_then(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    struct lnt_casework *c = visit(venue, lnt_days_from_civil(2026, 9, 1), "Log not kept");
    struct lnt_casework *later = visit(venue, lnt_days_from_civil(2026, 9, 20), "Made later");
    struct lnt_casework *list = NULL;
    const struct lnt_casework *r;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_cw_add(f->s, "a", SF_T0, c, NULL, 0, err), LNT_OK);
    lnt_str_copy(c->text, sizeof c->text, "Log kept since the visit");
    assert_int_equal(lnt_store_cw_edit(f->s, "b", SF_T0 + 10 * DAY, c, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_close(f->s, "b", SF_T0 + 20 * DAY, c->id, err), LNT_OK);
    assert_int_equal(lnt_store_cw_add(f->s, "a", SF_T0 + 15 * DAY, later, NULL, 0, err), LNT_OK);

    /* before the record was made: nothing */
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, SF_T0 - 1, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    free(list);
    /* after it was made, before the edit: the first text, open */
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, SF_T0 + 5 * DAY, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].text, "Log not kept");
    assert_int_equal(list[0].version, 1);
    assert_int_equal(list[0].closed_at, 0);
    assert_int_equal(list[0].superseded_at, SF_T0 + 10 * DAY); /* not the current version */
    free(list);
    /* at the very instant of the edit: the edit */
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, SF_T0 + 10 * DAY, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].text, "Log kept since the visit");
    free(list);
    /* after the later record, before the close: both, the first still open */
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, SF_T0 + 16 * DAY, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    r = find_record(list, n, c->id);
    assert_non_null(r);
    assert_int_equal(r->version, 2);
    assert_int_equal(r->closed_at, 0);
    assert_non_null(find_record(list, n, later->id));
    free(list);
    /* now (0) and after the close: the closed version, as lnt_store_cw_list gives */
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, 0, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    r = find_record(list, n, c->id);
    assert_non_null(r);
    assert_int_equal(r->version, 3);
    assert_int_equal(r->closed_at, SF_T0 + 20 * DAY);
    assert_int_equal(r->superseded_at, 0);
    free(list);
    assert_int_equal(lnt_store_cw_list_at(f->s, venue, SF_T0 + 30 * DAY, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(find_record(list, n, c->id)->version, 3);
    free(list);
    free(c);
    free(later);
}

static void test_store_casework__nothing_is_deleted_or_rewritten(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    struct lnt_casework *c = visit(venue, lnt_days_from_civil(2026, 11, 20), "All well");
    char err[LNT_ERRBUF_SIZE] = "", msg[512];

    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_edit(f->s, NULL, SF_T0 + 1, c, NULL, 0, err), LNT_OK);
    /* even someone with the database open cannot take a record or a version away */
    assert_false(outside(f->path, "DELETE FROM casework_versions", msg, sizeof msg));
    assert_non_null(strstr(msg, "never deleted"));
    assert_false(outside(f->path, "DELETE FROM casework", msg, sizeof msg));
    assert_non_null(strstr(msg, "never deleted"));
    assert_false(outside(f->path, "UPDATE casework_versions SET body = 'nothing happened'", msg,
                         sizeof msg));
    assert_non_null(strstr(msg, "only superseded"));
    assert_false(outside(f->path, "UPDATE casework SET venue_id = venue_id", msg, sizeof msg));
    assert_non_null(strstr(msg, "never rewritten"));
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM casework_versions"), 2);
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count(*) FROM casework_versions WHERE body = 'All well'"), 2);
    free(c);
}

static void test_store_casework__letter_pdf_is_checked_and_kept_by_its_hash(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    static const uint8_t pdf1[] = "%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";
    static const uint8_t pdf2[] = "%PDF-1.7\nsecond letter\n%%EOF\n";
    static const uint8_t html[] = "<html>not a pdf</html>";
    struct lnt_casework *c = calloc(1, sizeof *c);
    char err[LNT_ERRBUF_SIZE] = "", first[65];
    uint8_t *big, *got = NULL;
    size_t n = 0;

    assert_non_null(c);
    c->venue_id = venue;
    c->type = LNT_CW_LETTER;
    c->on = lnt_days_from_civil(2026, 11, 21);
    lnt_str_copy(c->kind, sizeof c->kind, "warning_letter");
    /* a letter without text or a PDF says nothing */
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "text"));
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, html, sizeof html - 1, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "%PDF-"));
    big = calloc(1, LNT_CW_PDF_MAX + 1);
    assert_non_null(big);
    memcpy(big, "%PDF-", 5);
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, big, LNT_CW_PDF_MAX + 1, err),
                     LNT_ERR_TOO_LARGE);
    free(big);

    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, pdf1, sizeof pdf1 - 1, err), LNT_OK);
    assert_int_equal(strlen(c->pdf_sha256), 64);
    assert_int_equal(c->pdf_size, (int64_t)(sizeof pdf1 - 1));
    memcpy(first, c->pdf_sha256, sizeof first);

    /* an edit of the text keeps the attachment; a new PDF replaces it, the old stays */
    lnt_str_copy(c->text, sizeof c->text, "Sent by post and email");
    assert_int_equal(lnt_store_cw_edit(f->s, NULL, SF_T0 + 5, c, NULL, 0, err), LNT_OK);
    assert_string_equal(c->pdf_sha256, first);
    assert_int_equal(lnt_store_cw_edit(f->s, NULL, SF_T0 + 9, c, pdf2, sizeof pdf2 - 1, err),
                     LNT_OK);
    assert_string_not_equal(c->pdf_sha256, first);
    assert_int_equal(lnt_store_cw_pdf(f->s, c->id, 0, &got, &n, err), LNT_OK);
    assert_int_equal(n, sizeof pdf2 - 1);
    assert_memory_equal(got, pdf2, n);
    free(got);
    assert_int_equal(lnt_store_cw_pdf(f->s, c->id, 1, &got, &n, err), LNT_OK);
    assert_memory_equal(got, pdf1, sizeof pdf1 - 1);
    free(got);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM casework_files"), 2);
    free(c);
}

static struct lnt_casework *item(int64_t venue, int64_t plan, int64_t owner, int32_t due,
                                 const char *text)
{
    struct lnt_casework *c = calloc(1, sizeof *c);

    assert_non_null(c);
    c->venue_id = venue;
    c->type = LNT_CW_ITEM;
    c->plan_id = plan;
    c->owner_id = owner;
    c->on = due;
    lnt_str_copy(c->status, sizeof c->status, "open");
    lnt_str_copy(c->text, sizeof c->text, text);
    return c;
}

static void test_store_casework__overdue_items_for_their_owner_in_scope(void **state)
{
    struct sf *f = *state;
    int64_t crown = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    int64_t vaults = sf_venue(f->s, "Vaults", LNT_VENUE_BAR, "Quay", "Eastshire");
    int64_t me = officer(f, "me@council.test", "Westshire");
    int64_t other = officer(f, "other@council.test", "Westshire");
    int32_t today = lnt_days_from_civil(2026, 11, 27);
    struct lnt_casework plan = {0}, plan_e = {0}, *i1, *i2, *i3, *i4, *list = NULL;
    struct lnt_scope west = {.role = LNT_OFFICER_OFFICER}, venue_mgr = {.role = LNT_OFFICER_VENUE};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    lnt_str_copy(west.authority, sizeof west.authority, "Westshire");
    venue_mgr.venue_id = crown;
    plan.venue_id = crown;
    plan.type = LNT_CW_PLAN;
    lnt_str_copy(plan.title, sizeof plan.title, "Twelve-week plan after Amber");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, &plan, NULL, 0, err), LNT_OK);
    plan_e = plan;
    plan_e.venue_id = vaults;
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, &plan_e, NULL, 0, err), LNT_OK);

    i1 = item(crown, plan.id, me, today - 3, "Train door staff in WAVE");
    i2 = item(crown, plan.id, me, today + 7, "Fit CCTV at the rear door");   /* not due yet */
    i3 = item(crown, plan.id, other, today - 9, "Refresh the refusals log"); /* not mine */
    i4 = item(vaults, plan_e.id, me, today - 1, "Eastshire item");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i1, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i2, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i3, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i4, NULL, 0, err), LNT_OK);

    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, 0, &west, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1); /* not the one due later, another's, or another authority's */
    assert_int_equal(list[0].id, i1->id);
    free(list);
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, 0, NULL, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, i1->id); /* soonest due first */
    free(list);
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, 0, &venue_mgr, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);

    /* done needs evidence; once done it is no longer overdue */
    lnt_str_copy(i1->status, sizeof i1->status, "done");
    assert_int_equal(lnt_store_cw_edit(f->s, NULL, SF_T0 + 60, i1, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "evidence"));
    lnt_str_copy(i1->evidence, sizeof i1->evidence, "WAVE certificates for all six seen");
    assert_int_equal(lnt_store_cw_edit(f->s, NULL, SF_T0 + 60, i1, NULL, 0, err), LNT_OK);
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, 0, &west, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    /* as at a time before it was done it was overdue; before it was written, nothing was */
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, SF_T0 + 30, &west, &list, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, i1->id);
    free(list);
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, SF_T0 - 1, NULL, &list, &n, err),
                     LNT_OK);
    assert_int_equal(n, 0);

    /* a closed plan takes no new items, and its open ones are no longer chased */
    assert_int_equal(lnt_store_cw_close(f->s, NULL, SF_T0 + 90, plan_e.id, err), LNT_OK);
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, 0, NULL, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    /* ... but as at a time before the plan was closed, its item was still chased */
    assert_int_equal(lnt_store_cw_overdue(f->s, me, today, SF_T0 + 60, NULL, &list, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, i4->id);
    free(list);
    free(i4);
    i4 = item(vaults, plan_e.id, me, today, "Too late");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i4, NULL, 0, err), LNT_ERR_STATE);
    /* an item belongs to a plan of its own venue */
    free(i4);
    i4 = item(vaults, plan.id, me, today, "Wrong venue");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, i4, NULL, 0, err), LNT_ERR_NOT_FOUND);

    /* the venue's list: the plan, then its items by due date */
    assert_int_equal(lnt_store_cw_list(f->s, crown, &list, &n, err), LNT_OK);
    assert_int_equal(n, 4);
    assert_int_equal(list[0].id, plan.id);
    assert_int_equal(list[1].id, i3->id);
    assert_int_equal(list[2].id, i1->id);
    assert_int_equal(list[3].id, i2->id);
    free(list);
    free(i1);
    free(i2);
    free(i3);
    free(i4);
}

static void test_store_casework__bad_input_is_named_and_nothing_stored(void **state)
{
    struct sf *f = *state;
    int64_t crown = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    int64_t vaults = sf_venue(f->s, "Vaults", LNT_VENUE_BAR, "Quay", "Eastshire");
    struct lnt_casework *c = visit(crown, lnt_days_from_civil(2026, 11, 20), "Seen");
    struct lnt_finding fd = {0};
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_str_copy(c->kind, sizeof c->kind, "social_call");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "test_purchase"));
    lnt_str_copy(c->kind, sizeof c->kind, "test_purchase");
    c->on = 0;
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "date"));
    c->on = lnt_days_from_civil(2026, 11, 20);
    lnt_str_copy(c->text, sizeof c->text, "bad \x01 byte");
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "control character"));
    lnt_str_copy(c->text, sizeof c->text, "Two lines\nare fine");

    /* a finding links only from its own venue */
    fd.venue_id = vaults;
    lnt_str_copy(fd.criterion, sizeof fd.criterion, "A1");
    lnt_str_copy(fd.assessor, sizeof fd.assessor, "BBN");
    fd.found_on = lnt_days_from_civil(2026, 11, 1);
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_OK);
    c->findings[0] = fd.id;
    c->n_findings = 1;
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "not one of this venue's"));
    c->venue_id = 12345;
    c->n_findings = 0;
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM casework"), 0);

    c->venue_id = vaults;
    c->findings[0] = fd.id;
    c->n_findings = 1;
    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_OK);
    assert_int_equal(c->n_findings, 1);
    assert_int_equal(c->findings[0], fd.id);
    assert_string_equal(c->text, "Two lines\nare fine");

    /* an item's owner is an officer's account */
    {
        struct lnt_casework plan = {0};
        struct lnt_casework *it;
        plan.venue_id = vaults;
        plan.type = LNT_CW_PLAN;
        lnt_str_copy(plan.title, sizeof plan.title, "Plan");
        assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, &plan, NULL, 0, err), LNT_OK);
        it = item(vaults, plan.id, 777, lnt_days_from_civil(2026, 12, 1), "Do it");
        assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, it, NULL, 0, err), LNT_ERR_INVALID);
        assert_non_null(strstr(err, "owner 777"));
        free(it);
    }
    free(c);
}

static struct lnt_score_change standing(int64_t venue, int64_t at, int band, bool review,
                                        const char *award, int64_t milli)
{
    struct lnt_score_change c;

    memset(&c, 0, sizeof c);
    c.venue_id = venue;
    c.at = at;
    c.band = band;
    c.review = review;
    (void)lnt_str_copy(c.award, sizeof c.award, award);
    c.risk_milli = milli;
    (void)lnt_str_copy(c.risk_version, sizeof c.risk_version, "risk-default-2026.2");
    (void)lnt_str_copy(c.bbn_version, sizeof c.bbn_version, "bbn-2026.1");
    return c;
}

static void test_store_casework__score_history_appends_changes_only(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    struct lnt_score_change c = standing(venue, SF_T0, 2, false, "Silver", 14000), *h = NULL;
    char err[LNT_ERRBUF_SIZE] = "", msg[512];
    bool added = false;
    size_t n = 0;

    /* the first standing seen is the venue's first row */
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_OK);
    assert_true(added);
    assert_true(c.first);
    /* the same standing a pass later, with other points, adds nothing */
    c = standing(venue, SF_T0 + 600, 2, false, "Silver", 16500);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_OK);
    assert_false(added);
    /* Amber to Red: a row naming both */
    c = standing(venue, SF_T0 + 86400, 3, false, "Silver", 61000);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_OK);
    assert_true(added);
    assert_false(c.first);
    assert_int_equal(c.old_band, 2);
    /* an older look than the newest row changes nothing */
    c = standing(venue, SF_T0 + 3600, 1, false, "", 0);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_OK);
    assert_false(added);
    /* the review flag and the award are part of the standing */
    c = standing(venue, SF_T0 + 2 * 86400, 3, true, "", 63000);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_OK);
    assert_true(added);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM score_history"), 3);

    assert_int_equal(lnt_store_score_history(f->s, venue, 0, 10, &h, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_true(h[0].review && !h[0].old_review);
    assert_string_equal(h[0].old_award, "Silver");
    assert_string_equal(h[0].award, "");
    assert_int_equal(h[1].old_band, 2);
    assert_int_equal(h[1].band, 3);
    assert_int_equal(h[1].risk_milli, 61000);
    assert_string_equal(h[1].risk_version, "risk-default-2026.2");
    assert_true(h[2].first);
    free(h);
    /* as at a time between the rows: only what was recorded by then */
    assert_int_equal(lnt_store_score_history(f->s, venue, SF_T0 + 86399, 10, &h, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].band, 2);
    free(h);

    /* bad input is refused by name, nothing stored */
    c = standing(venue, SF_T0 + 3 * 86400, 4, false, "", 0);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "band"));
    c = standing(9999, SF_T0 + 3 * 86400, 1, false, "", 0);
    assert_int_equal(lnt_store_score_record(f->s, &c, &added, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_score_history(f->s, venue, 0, 0, &h, &n, err), LNT_ERR_INVALID);

    /* even someone with the database open cannot take a row away or change one */
    assert_false(outside(f->path, "DELETE FROM score_history", msg, sizeof msg));
    assert_non_null(strstr(msg, "never deleted"));
    assert_false(outside(f->path, "UPDATE score_history SET band = 'green'", msg, sizeof msg));
    assert_non_null(strstr(msg, "never rewritten"));
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM score_history"), 3);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM score_history WHERE band = 'red'"),
                     2);
}

/* ---- two servers on one database at once ---- */

#define RACE_STEPS 25

/* One server's part in a race: its own store on the database, a thread of its own. */
struct server {
    struct sf *f;
    struct lnt_store *s;
    int64_t id;   /* the record edited, or the venue whose standing is recorded */
    char name;    /* 'A' or 'B' */
    int failures; /* calls that did not answer LNT_OK */
    char err[LNT_ERRBUF_SIZE];
    pthread_t thread;
};

static void server_open(struct server *sv, struct sf *f, int64_t id, char name)
{
    memset(sv, 0, sizeof *sv);
    sv->f = f;
    sv->id = id;
    sv->name = name;
    if (lnt_store_open_keys(&sv->s, f->path, f->keys, sv->err) != LNT_OK)
        fail_msg("open %c: %s", name, sv->err);
}

/* Runs fn on both servers at once and waits for both; asserts neither had a refusal. */
static void race(struct server *a, struct server *b, void *(*fn)(void *))
{
    assert_int_equal(pthread_create(&a->thread, NULL, fn, a), 0);
    assert_int_equal(pthread_create(&b->thread, NULL, fn, b), 0);
    assert_int_equal(pthread_join(a->thread, NULL), 0);
    assert_int_equal(pthread_join(b->thread, NULL), 0);
    if (a->failures != 0 || b->failures != 0)
        fail_msg("%d and %d calls refused: %s / %s", a->failures, b->failures, a->err, b->err);
    lnt_store_free(a->s);
    lnt_store_free(b->s);
}

static void *edit_many(void *arg)
{
    struct server *sv = arg;
    struct lnt_casework *c = calloc(1, sizeof *c);

    if (c == NULL || lnt_store_cw_get(sv->s, sv->id, c, sv->err) != LNT_OK) {
        sv->failures++;
        free(c);
        return NULL;
    }
    for (int i = 0; i < RACE_STEPS; i++) {
        snprintf(c->text, sizeof c->text, "edit %c%d", sv->name, i);
        if (lnt_store_cw_edit(sv->s, NULL, SF_T0 + 1 + i, c, NULL, 0, sv->err) != LNT_OK)
            sv->failures++;
    }
    free(c);
    return NULL;
}

/* Two servers editing one record at once: each edit is a version of its own, one after the
 * other, none lost and none refused (each reads the version the other wrote). */
static void test_store_casework__two_servers_editing_at_once_keep_every_version(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    struct lnt_casework *c = visit(venue, lnt_days_from_civil(2026, 11, 20), "Seen"), *h = NULL;
    struct server a, b;
    char err[LNT_ERRBUF_SIZE] = "";
    int edits_a = 0, edits_b = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_cw_add(f->s, NULL, SF_T0, c, NULL, 0, err), LNT_OK);
    server_open(&a, f, c->id, 'A');
    server_open(&b, f, c->id, 'B');
    race(&a, &b, edit_many);

    assert_int_equal(lnt_store_cw_history(f->s, c->id, &h, &n, err), LNT_OK);
    assert_int_equal(n, 1 + 2 * RACE_STEPS);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(h[i].version, (int32_t)i + 1);
        assert_true((h[i].superseded_at == 0) == (i == n - 1)); /* one current version */
        edits_a += strncmp(h[i].text, "edit A", 6) == 0;
        edits_b += strncmp(h[i].text, "edit B", 6) == 0;
    }
    assert_int_equal(edits_a, RACE_STEPS);
    assert_int_equal(edits_b, RACE_STEPS);
    free(h);
    free(c);
}

static void *record_many(void *arg)
{
    struct server *sv = arg;

    for (int i = 0; i < RACE_STEPS; i++) {
        struct lnt_score_change c = standing(sv->id, SF_T0 + 60 * i, 1 + i % 2, false, "", i);
        if (lnt_store_score_record(sv->s, &c, NULL, sv->err) != LNT_OK)
            sv->failures++;
    }
    return NULL;
}

/* Two servers' scanners seeing the same changes at once record each of them once. */
static void test_store_casework__two_scanners_at_once_record_each_change_once(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Old Town", "Westshire");
    struct lnt_score_change *h = NULL;
    struct server a, b;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    server_open(&a, f, venue, 'A');
    server_open(&b, f, venue, 'B');
    race(&a, &b, record_many);

    /* Green, Amber, Green, ... each step a change, each recorded once, newest first */
    assert_int_equal(lnt_store_score_history(f->s, venue, 0, 100, &h, &n, err), LNT_OK);
    assert_int_equal(n, RACE_STEPS);
    for (size_t i = 0; i < n; i++) {
        int step = RACE_STEPS - 1 - (int)i;
        assert_int_equal(h[i].at, SF_T0 + 60 * step);
        assert_int_equal(h[i].band, 1 + step % 2);
        assert_int_equal(h[i].first, step == 0);
        if (step > 0)
            assert_int_equal(h[i].old_band, 1 + (step - 1) % 2);
    }
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_store_casework__edit_supersedes_and_history_keeps_every_version, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_casework__list_at_reads_the_version_current_then,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_casework__nothing_is_deleted_or_rewritten,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_casework__letter_pdf_is_checked_and_kept_by_its_hash, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_casework__overdue_items_for_their_owner_in_scope,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_casework__bad_input_is_named_and_nothing_stored,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_casework__score_history_appends_changes_only,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_casework__two_servers_editing_at_once_keep_every_version, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_casework__two_scanners_at_once_record_each_change_once, sf_setup,
            sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
