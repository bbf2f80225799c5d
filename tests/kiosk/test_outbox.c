/* test_outbox.c - the kiosk outbox: durable appends, sequence numbers, acks, the aside table,
 * on-shift. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "buf.h"
#include "ltime.h"
#include "outbox.h"
#include "support.h"

#define T0 1795730463 /* 2026-11-26T22:01:03Z */

struct fixture {
    char *dir;
    struct lnt_outbox *ob;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    assert_int_equal(lnt_outbox_open(f->dir, &f->ob, err), LNT_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lnt_outbox_free(f->ob);
    lnt_test_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void reopen(struct fixture *f)
{
    char err[LNT_ERRBUF_SIZE] = "";
    lnt_outbox_free(f->ob);
    f->ob = NULL;
    assert_int_equal(lnt_outbox_open(f->dir, &f->ob, err), LNT_OK);
}

static void sign_in(struct lnt_event *ev, const char *staff, int64_t at)
{
    memset(ev, 0, sizeof *ev);
    ev->type = LNT_EV_SIGN_IN;
    ev->occurred_at = at;
    ev->recorded_at = at;
    lnt_str_copy(ev->u.badge.staff_id, sizeof ev->u.badge.staff_id, staff);
    lnt_str_copy(ev->u.badge.serial, sizeof ev->u.badge.serial, "a1b2c3d4e5f60718");
    ev->u.badge.role = LNT_ROLE_BAR;
    ev->u.badge.sia_status = LNT_SIA_NOT_REQUIRED;
    ev->u.badge.verdict = LNT_VERDICT_GREEN;
}

static void refused(struct lnt_event *ev, int64_t at)
{
    memset(ev, 0, sizeof *ev);
    ev->type = LNT_EV_BADGE_REFUSED;
    ev->occurred_at = at;
    ev->recorded_at = at;
    ev->u.refused.reason = LNT_BADGE_EXPIRED;
}

/* The kiosk's own register of sign-ins: names, roles, the line a manager's sign-out repeats. */
static void test_outbox__register_of_who_signed_in(void **state)
{
    struct fixture *f = *state;
    struct lnt_shift_person who[4];
    struct lnt_event ev;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    sign_in(&ev, "12", T0);
    ev.u.badge.role = LNT_ROLE_DOOR;
    lnt_str_copy(ev.u.badge.sia_number, sizeof ev.u.badge.sia_number, "1234567812345678");
    ev.u.badge.sia_expires = 21000;
    ev.u.badge.sia_status = LNT_SIA_VALID;
    assert_int_equal(lnt_outbox_append(f->ob, &ev, err), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_name(f->ob, "12", "Sam Door", err), LNT_OK);
    sign_in(&ev, "7", T0 + 60);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, err), LNT_OK);
    /* someone not signed in is left alone */
    assert_int_equal(lnt_outbox_on_shift_name(f->ob, "99", "Nobody", err), LNT_OK);

    reopen(f);
    assert_int_equal(lnt_outbox_on_shift_list(f->ob, who, 4, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(who[0].staff_id, "12");
    assert_string_equal(who[0].name, "Sam Door");
    assert_int_equal(who[0].role, LNT_ROLE_DOOR);
    assert_string_equal(who[0].serial, "a1b2c3d4e5f60718");
    assert_string_equal(who[0].sia_number, "1234567812345678");
    assert_int_equal(who[0].sia_expires, 21000);
    assert_int_equal(who[0].sia_status, LNT_SIA_VALID);
    assert_int_equal(who[0].since, T0);
    assert_string_equal(who[1].staff_id, "7");
    assert_string_equal(who[1].name, ""); /* not known: shown by staff number */
    assert_int_equal(who[1].role, LNT_ROLE_BAR);

    /* Signed out (by a manager or by their own scan): off the list. */
    ev.type = LNT_EV_SIGN_OUT;
    ev.occurred_at = ev.recorded_at = T0 + 3600;
    lnt_str_copy(ev.u.badge.staff_id, sizeof ev.u.badge.staff_id, "12");
    lnt_str_copy(ev.u.badge.signed_out_by, sizeof ev.u.badge.signed_out_by, "40");
    assert_int_equal(lnt_outbox_append(f->ob, &ev, err), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_list(f->ob, who, 4, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(who[0].staff_id, "7");
}

static void test_outbox__places_from_the_server_are_kept(void **state)
{
    static const char names[3][LNT_SHORT_TEXT] = {"Castle Park", "Market Street", "Taxi rank"};
    struct fixture *f = *state;
    char got[4][LNT_SHORT_TEXT];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 9;

    assert_int_equal(lnt_outbox_places_get(f->ob, got, 4, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lnt_outbox_places_set(f->ob, names, 3, err), LNT_OK);
    reopen(f); /* a restart, or a night without network: the places stay */
    assert_int_equal(lnt_outbox_places_get(f->ob, got, 4, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(got[0], "Castle Park");
    assert_string_equal(got[2], "Taxi rank");
    /* The next sync replaces them all. */
    assert_int_equal(lnt_outbox_places_set(f->ob, names + 1, 1, err), LNT_OK);
    assert_int_equal(lnt_outbox_places_get(f->ob, got, 4, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0], "Market Street");
}

static void test_outbox__door_notices_survive_a_restart(void **state)
{
    struct fixture *f = *state;
    struct lnt_outbox_notice in[2], got[4];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 9;
    int more = 9;

    assert_int_equal(lnt_outbox_notices_get(f->ob, got, 4, &n, &more, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(more, 0);
    memset(in, 0, sizeof in);
    lnt_str_copy(in[0].name, sizeof in[0].name, "Sam Okafor");
    in[0].at = 1796601660;
    in[0].why = 4;
    lnt_str_copy(in[1].name, sizeof in[1].name, "Jo Bright");
    in[1].at = 1796601720;
    in[1].why = 5;
    assert_int_equal(lnt_outbox_notices_set(f->ob, in, 2, 3, err), LNT_OK);
    reopen(f); /* the plug pulled before a manager came by */
    assert_int_equal(lnt_outbox_notices_get(f->ob, got, 4, &n, &more, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(more, 3);
    assert_string_equal(got[0].name, "Sam Okafor");
    assert_int_equal(got[0].at, 1796601660);
    assert_int_equal(got[0].why, 4);
    assert_string_equal(got[1].name, "Jo Bright");
    /* shown to a manager: none left */
    assert_int_equal(lnt_outbox_notices_set(f->ob, NULL, 0, 0, err), LNT_OK);
    reopen(f);
    assert_int_equal(lnt_outbox_notices_get(f->ob, got, 4, &n, &more, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(more, 0);
}

static int64_t count(struct fixture *f)
{
    int64_t n = -1;
    assert_int_equal(lnt_outbox_count(f->ob, &n, NULL), LNT_OK);
    return n;
}

static int64_t aside(struct fixture *f)
{
    int64_t n = -1;
    assert_int_equal(lnt_outbox_aside_count(f->ob, &n, NULL), LNT_OK);
    return n;
}

static void ack(struct fixture *f, int64_t seq, enum lnt_ingest_status st, const char *reason)
{
    struct lnt_ingest_result r;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.status = st;
    lnt_str_copy(r.reason, sizeof r.reason, reason);
    assert_int_equal(lnt_outbox_ack(f->ob, &r, 1, err), LNT_OK);
}

static void test_outbox__append_survives_reopen(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev, got[4];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    sign_in(&ev, "12", T0);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, err), LNT_OK);
    assert_int_equal(ev.seq, 1);
    assert_int_equal(strlen(ev.uuid), 36);
    assert_int_equal(ev.uuid[14], '7'); /* time first, so the server's index grows at its end */
    reopen(f);
    assert_int_equal(count(f), 1);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 4, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].seq, 1);
    assert_string_equal(got[0].uuid, ev.uuid);
    assert_int_equal(got[0].type, LNT_EV_SIGN_IN);
    assert_string_equal(got[0].u.badge.staff_id, "12");
    assert_int_equal(got[0].occurred_at, T0);
}

static void test_outbox__seq_never_reused(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev;
    int64_t last = 0;

    for (int i = 0; i < 5; i++) {
        refused(&ev, T0 + i);
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
        assert_true(ev.seq > last);
        last = ev.seq;
    }
    for (int64_t s = 1; s <= last; s++)
        ack(f, s, LNT_INGEST_ACCEPTED, "");
    assert_int_equal(count(f), 0);
    reopen(f);
    refused(&ev, T0 + 10);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(ev.seq, last + 1);
}

static void test_outbox__nothing_deleted_before_ack(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev, got[8];
    size_t n = 0;

    for (int i = 0; i < 3; i++) {
        refused(&ev, T0 + i);
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    }
    /* Peeking (what a sync does before sending) forgets nothing. */
    assert_int_equal(lnt_outbox_peek(f->ob, got, 8, &n, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 8, &n, NULL), LNT_OK);
    assert_int_equal(n, 3);
    reopen(f);
    assert_int_equal(count(f), 3);
    /* A duplicate is forgotten like an accepted one; the others stay. */
    ack(f, 2, LNT_INGEST_DUPLICATE, "");
    assert_int_equal(count(f), 2);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 8, &n, NULL), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(got[0].seq, 1);
    assert_int_equal(got[1].seq, 3);
    /* An ack for a seq that is not there (already acked) changes nothing. */
    ack(f, 2, LNT_INGEST_ACCEPTED, "");
    ack(f, 99, LNT_INGEST_ACCEPTED, "");
    assert_int_equal(count(f), 2);
}

static void test_outbox__conflicts_and_rejections_set_aside(void **state)
{
    struct fixture *f = *state;
    struct lnt_ingest_result r[3];
    struct lnt_event ev, got[8];
    size_t n = 0;

    for (int i = 0; i < 3; i++) {
        refused(&ev, T0 + i);
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    }
    memset(r, 0, sizeof r);
    r[0].seq = 1;
    r[0].status = LNT_INGEST_CONFLICT;
    lnt_str_copy(r[0].reason, sizeof r[0].reason, "stored before with different content");
    r[1].seq = 2;
    r[1].status = LNT_INGEST_REJECTED;
    lnt_str_copy(r[1].reason, sizeof r[1].reason, "occurred_at is more than a day in the future");
    r[2].seq = 3;
    r[2].status = LNT_INGEST_ACCEPTED;
    assert_int_equal(lnt_outbox_ack(f->ob, r, 3, NULL), LNT_OK);
    assert_int_equal(count(f), 0);
    assert_int_equal(aside(f), 2);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 8, &n, NULL), LNT_OK);
    assert_int_equal(n, 0);
    reopen(f);
    assert_int_equal(aside(f), 2);
}

static void test_outbox__ack_with_bad_status_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct lnt_ingest_result r[2];
    struct lnt_event ev;
    char err[LNT_ERRBUF_SIZE] = "";

    for (int i = 0; i < 2; i++) {
        refused(&ev, T0 + i);
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    }
    memset(r, 0, sizeof r);
    r[0].seq = 1;
    r[0].status = LNT_INGEST_ACCEPTED;
    r[1].seq = 2;
    r[1].status = (enum lnt_ingest_status)42;
    assert_int_equal(lnt_outbox_ack(f->ob, r, 2, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "event 2"));
    /* One transaction: the good half was not applied either. */
    assert_int_equal(count(f), 2);
}

static void test_outbox__peek_bounds(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev, *got;
    size_t n = 99;

    got = calloc(LNT_BATCH_MAX, sizeof *got);
    assert_non_null(got);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 4, &n, NULL), LNT_OK);
    assert_int_equal(n, 0);
    for (int i = 0; i < 7; i++) {
        refused(&ev, T0 + i);
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    }
    assert_int_equal(lnt_outbox_peek(f->ob, got, 3, &n, NULL), LNT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(got[0].seq, 1);
    assert_int_equal(got[2].seq, 3);
    assert_int_equal(lnt_outbox_peek(f->ob, got, 0, &n, NULL), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lnt_outbox_peek(f->ob, got, LNT_BATCH_MAX, &n, NULL), LNT_OK);
    assert_int_equal(n, 7);
    assert_int_equal(got[6].seq, 7);
    free(got);
}

static void test_outbox__oldest_age(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev;
    int64_t created = -1, age = -1;

    assert_int_equal(lnt_outbox_oldest_age(f->ob, T0, &created, &age, NULL), LNT_OK);
    assert_int_equal(created, 0);
    assert_int_equal(age, 0);
    refused(&ev, T0);
    ev.recorded_at = T0 - 100;
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    refused(&ev, T0);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_oldest_age(f->ob, T0, &created, &age, NULL), LNT_OK);
    assert_int_equal(created, T0 - 100);
    assert_int_equal(age, 100);
}

static void test_outbox__sign_in_and_out_track_on_shift(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev;
    int64_t since = -1;
    bool on = true;

    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "12", &on, &since, NULL), LNT_OK);
    assert_false(on);
    sign_in(&ev, "12", T0);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    reopen(f);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "12", &on, &since, NULL), LNT_OK);
    assert_true(on);
    assert_int_equal(since, T0);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "13", &on, &since, NULL), LNT_OK);
    assert_false(on);

    sign_in(&ev, "12", T0 + 3600);
    ev.type = LNT_EV_SIGN_OUT;
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "12", &on, &since, NULL), LNT_OK);
    assert_false(on);

    assert_int_equal(lnt_outbox_on_shift_set(f->ob, "40", T0, "0011223344556677", NULL), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "40", &on, &since, NULL), LNT_OK);
    assert_true(on);
    assert_int_equal(lnt_outbox_on_shift_clear(f->ob, "40", NULL), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_clear(f->ob, "40", NULL), LNT_OK);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "40", &on, &since, NULL), LNT_OK);
    assert_false(on);
}

static void test_outbox__bad_event_is_not_saved(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev;
    char err[LNT_ERRBUF_SIZE] = "";

    sign_in(&ev, "12", T0);
    ev.type = (enum lnt_event_type)99;
    assert_int_not_equal(lnt_outbox_append(f->ob, &ev, err), LNT_OK);
    assert_int_equal(ev.seq, 0);
    assert_true(err[0] != '\0');
    assert_int_equal(count(f), 0);
    /* The failed append did not consume a sequence number. */
    sign_in(&ev, "12", T0);
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(ev.seq, 1);
}

static void test_outbox__identity_round_trip(void **state)
{
    struct fixture *f = *state;
    struct lnt_identity *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    char err[LNT_ERRBUF_SIZE] = "";
    struct stat st;
    char *path;

    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(lnt_outbox_identity_get(f->ob, a, err), LNT_OK);
    assert_int_equal(a->kiosk_id, 0);
    /* A key pair was made on first open: not all zero. */
    assert_true(a->sk[0] | a->sk[1] | a->sk[2] | a->sk[3] | a->pk[0] | a->pk[31]);

    a->kiosk_id = 3;
    lnt_str_copy(a->server_url, sizeof a->server_url, "http://127.0.0.1:8080");
    lnt_str_copy(a->scheme, sizeof a->scheme, "WTN");
    lnt_str_copy(a->venue_name, sizeof a->venue_name, "The Crown");
    a->venue_id = 1;
    a->n_keys = 2;
    memset(a->keys[0].kid, 0x11, LNT_KID_LEN);
    memset(a->keys[0].pk, 0x22, LNT_SIGN_PK_LEN);
    memset(a->keys[1].kid, 0x33, LNT_KID_LEN);
    memset(a->keys[1].pk, 0x44, LNT_SIGN_PK_LEN);
    a->n_revoked = 1;
    memset(a->revoked[0], 0x55, LNT_SERIAL_LEN);
    memset(a->box_pk, 0x66, LNT_BOX_PK_LEN);
    a->server_time = T0;
    assert_int_equal(lnt_outbox_identity_set(f->ob, a, err), LNT_OK);
    reopen(f);
    assert_int_equal(lnt_outbox_identity_get(f->ob, b, err), LNT_OK);
    assert_memory_equal(a, b, sizeof *a);

    /* The file holds the secret key: only its owner may read it. */
    path = lnt_test_path(f->dir, LNT_OUTBOX_FILE);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    free(path);
    free(a);
    free(b);
}

static void test_outbox__open_fails_cleanly(void **state)
{
    struct lnt_outbox *ob = (struct lnt_outbox *)1;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_outbox_open("/nonexistent/lantern/dir", &ob, err), LNT_ERR_IO);
    assert_null(ob);
    assert_non_null(strstr(err, "/nonexistent/lantern/dir"));
}

static void incident(struct lnt_event *ev, const char *report_id, bool complete, int64_t at)
{
    memset(ev, 0, sizeof *ev);
    ev->type = LNT_EV_INCIDENT;
    ev->occurred_at = at;
    ev->recorded_at = at;
    lnt_str_copy(ev->u.incident.report_id, sizeof ev->u.incident.report_id, report_id);
    lnt_str_copy(ev->u.incident.kind, sizeof ev->u.incident.kind, "spiking");
    lnt_str_copy(ev->u.incident.place, sizeof ev->u.incident.place, "bar");
    lnt_str_copy(ev->u.incident.staff_id, sizeof ev->u.incident.staff_id, "12");
    ev->u.incident.severity = 4;
    ev->u.incident.complete = complete;
}

static void test_outbox__open_reports_kept_until_completed_in_the_same_save(void **state)
{
    struct fixture *f = *state;
    struct lnt_open_report r[4];
    struct lnt_event ev;
    size_t n = 9;
    int64_t open = -1;
    static const char id1[] = "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b";
    static const char id2[] = "6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";

    incident(&ev, id1, false, T0);
    assert_int_equal(lnt_outbox_append_report(f->ob, &ev, 0x18, 0x21, NULL), LNT_OK);
    incident(&ev, id2, false, T0 + 60);
    assert_int_equal(lnt_outbox_append_report(f->ob, &ev, 0x8, 0, NULL), LNT_OK);
    /* Saved open again with more answered: one report, the answers merged. */
    incident(&ev, id1, false, T0);
    assert_int_equal(lnt_outbox_append_report(f->ob, &ev, 0x200, 0x21, NULL), LNT_OK);
    reopen(f);
    assert_int_equal(lnt_outbox_open_reports(f->ob, r, 4, &n, NULL), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].report_id, id1);
    assert_int_equal(r[0].answered, 0x218);
    assert_int_equal(r[0].cond, 0x21);
    assert_int_equal(r[0].occurred_at, T0);
    assert_string_equal(r[0].place, "bar");
    assert_string_equal(r[0].staff_id, "12");
    /* Completed: gone from the list, in the same transaction as the event. */
    incident(&ev, id1, true, T0);
    assert_int_equal(lnt_outbox_append_report(f->ob, &ev, 0xffff, 0, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_open_count(f->ob, &open, NULL), LNT_OK);
    assert_int_equal(open, 1);
    assert_int_equal(count(f), 4);
}

static void test_outbox__stock_level_follows_counts_deliveries_and_hand_outs(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *kind;
        int32_t q;
        int64_t level; /* -1: still unknown */
    } steps[] = {{"delivery", 50, -1},
                 {"count", 80, 80},
                 {"delivery", 500, 580},
                 {"handed_out", 200, 380},
                 {"handed_out", 1000, 0}};
    struct lnt_event ev;

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int64_t level = -1;
        bool found = false;
        memset(&ev, 0, sizeof ev);
        ev.type = LNT_EV_STOCK;
        ev.occurred_at = T0;
        lnt_str_copy(ev.u.stock.kind, sizeof ev.u.stock.kind, steps[i].kind);
        ev.u.stock.quantity = steps[i].q;
        lnt_str_copy(ev.u.stock.staff_id, sizeof ev.u.stock.staff_id, "40");
        assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
        assert_int_equal(lnt_outbox_setting_get(f->ob, LNT_SET_STOCK_LEVEL, &level, &found, NULL),
                         LNT_OK);
        assert_int_equal(found ? level : -1, steps[i].level);
    }
}

static void test_outbox__volunteer_shift_remembered_until_it_ends(void **state)
{
    struct fixture *f = *state;
    struct lnt_ev_shift sh;
    struct lnt_event ev;
    bool found = false, on = false;
    int64_t since = 0;

    memset(&ev, 0, sizeof ev);
    ev.type = LNT_EV_SHIFT_START;
    ev.occurred_at = T0;
    lnt_str_copy(ev.u.shift.staff_id, sizeof ev.u.shift.staff_id, "90");
    lnt_str_copy(ev.u.shift.call_sign, sizeof ev.u.shift.call_sign, "Bravo");
    lnt_str_copy(ev.u.shift.team, sizeof ev.u.shift.team, "base:bus;leader:self");
    ev.u.shift.team_size = 4;
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_shift_get(f->ob, "90", &sh, &found, NULL), LNT_OK);
    assert_true(found);
    assert_string_equal(sh.call_sign, "Bravo");
    assert_int_equal(sh.team_size, 4);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "90", &on, &since, NULL), LNT_OK);
    assert_true(on);
    ev.type = LNT_EV_SHIFT_END;
    assert_int_equal(lnt_outbox_append(f->ob, &ev, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_shift_get(f->ob, "90", &sh, &found, NULL), LNT_OK);
    assert_false(found);
    assert_int_equal(lnt_outbox_on_shift_get(f->ob, "90", &on, &since, NULL), LNT_OK);
    assert_false(on);
}

/* Bytes in the WAL file: what the outbox has written to the card since the last checkpoint. */
static int64_t wal_size(const struct fixture *f)
{
    char *path = lnt_test_path(f->dir, "kiosk.db-wal");
    struct stat st;
    int64_t n = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
    free(path);
    return n;
}

/* The sync thread stores the same settings and places at every refresh: only a change is written
 * to the card. */
static void test_outbox__unchanged_settings_and_places_are_not_written_again(void **state)
{
    struct fixture *f = *state;
    char places[2][LNT_SHORT_TEXT] = {"Market Square", "Bus Station"}, got[4][LNT_SHORT_TEXT];
    int64_t before, v = 0;
    size_t n = 0;
    bool found = false;

    assert_int_equal(lnt_outbox_setting_set(f->ob, LNT_SET_CUP_THRESHOLD, 40, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_places_set(f->ob, (const char(*)[LNT_SHORT_TEXT])places, 2, NULL),
                     LNT_OK);
    before = wal_size(f);
    assert_true(before > 0);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(lnt_outbox_setting_set(f->ob, LNT_SET_CUP_THRESHOLD, 40, NULL), LNT_OK);
        assert_int_equal(
            lnt_outbox_places_set(f->ob, (const char(*)[LNT_SHORT_TEXT])places, 2, NULL), LNT_OK);
    }
    assert_int_equal(wal_size(f), before);
    /* A change is written, and read back. */
    assert_int_equal(lnt_outbox_setting_set(f->ob, LNT_SET_CUP_THRESHOLD, 60, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_places_set(f->ob, (const char(*)[LNT_SHORT_TEXT])places, 1, NULL),
                     LNT_OK);
    assert_true(wal_size(f) > before);
    reopen(f);
    assert_int_equal(lnt_outbox_setting_get(f->ob, LNT_SET_CUP_THRESHOLD, &v, &found, NULL),
                     LNT_OK);
    assert_true(found);
    assert_int_equal(v, 60);
    assert_int_equal(lnt_outbox_places_get(f->ob, got, 4, &n, NULL), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0], "Market Square");
}

static void test_outbox__settings_round_trip(void **state)
{
    struct fixture *f = *state;
    int64_t v = 7;
    bool found = true;

    assert_int_equal(lnt_outbox_setting_get(f->ob, LNT_SET_CUP_THRESHOLD, &v, &found, NULL),
                     LNT_OK);
    assert_false(found);
    assert_int_equal(v, 7);
    assert_int_equal(lnt_outbox_setting_set(f->ob, LNT_SET_CUP_THRESHOLD, 150, NULL), LNT_OK);
    reopen(f);
    assert_int_equal(lnt_outbox_setting_get(f->ob, LNT_SET_CUP_THRESHOLD, &v, &found, NULL),
                     LNT_OK);
    assert_true(found);
    assert_int_equal(v, 150);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_outbox__append_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__register_of_who_signed_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__places_from_the_server_are_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outbox__door_notices_survive_a_restart, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outbox__seq_never_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__nothing_deleted_before_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__conflicts_and_rejections_set_aside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outbox__ack_with_bad_status_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outbox__peek_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__oldest_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__sign_in_and_out_track_on_shift, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_outbox__bad_event_is_not_saved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__identity_round_trip, setup, teardown),
        cmocka_unit_test(test_outbox__open_fails_cleanly),
        cmocka_unit_test_setup_teardown(
            test_outbox__open_reports_kept_until_completed_in_the_same_save, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_outbox__stock_level_follows_counts_deliveries_and_hand_outs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__volunteer_shift_remembered_until_it_ends,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_outbox__settings_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_outbox__unchanged_settings_and_places_are_not_written_again, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
