/* test_store_registers.c - venues, staff, training, badges and revocations, keys, kiosks, findings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "store.h"
#include "test_store_fixture.h"

static void test_store_registers__venue_defaults_edit_close_and_list(void **state)
{
    struct sf *f = *state;
    struct lnt_venue v, got, *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int64_t club = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Eastham");
    int64_t pub = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");

    assert_int_equal(lnt_store_venue_get(f->s, club, &got, err), LNT_OK);
    assert_string_equal(got.trading, "Thu-Sat 22:00-04:00");
    assert_int_equal(got.cup_cover_threshold, LNT_CUP_COVER_THRESHOLD_DEFAULT);
    assert_string_equal(got.authority, "Eastham");

    /* a bad pattern names what was wrong and changes nothing */
    memset(&v, 0, sizeof v);
    (void)lnt_str_copy(v.trading, sizeof v.trading, "Fry 20:00-02:00");
    assert_int_equal(lnt_store_venue_edit(f->s, pub, &v, LNT_VENUE_SET_TRADING, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "trading pattern"));
    /* partial: only the named fields move; the pattern is stored canonical */
    (void)lnt_str_copy(v.trading, sizeof v.trading, "Fri,Sat 20:00-02:00");
    (void)lnt_str_copy(v.name, sizeof v.name, "ignored");
    v.cup_cover_threshold = 40;
    assert_int_equal(lnt_store_venue_edit(f->s, pub, &v,
                                          LNT_VENUE_SET_TRADING | LNT_VENUE_SET_CUP_THRESHOLD, err),
                     LNT_OK);
    assert_int_equal(lnt_store_venue_get(f->s, pub, &got, err), LNT_OK);
    assert_string_equal(got.name, "The Crown");
    assert_string_equal(got.trading, "Fri-Sat 20:00-02:00");
    assert_int_equal(got.cup_cover_threshold, 40);
    assert_int_equal(lnt_store_venue_edit(f->s, 999, &v, LNT_VENUE_SET_TRADING, err),
                     LNT_ERR_NOT_FOUND);

    assert_int_equal(lnt_store_venue_close(f->s, club, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_venue_close(f->s, club, SF_T0, err), LNT_ERR_STATE);
    assert_int_equal(lnt_store_venue_edit(f->s, club, &v, LNT_VENUE_SET_CUP_THRESHOLD, err),
                     LNT_ERR_STATE);
    assert_int_equal(lnt_store_venue_list_by(f->s, NULL, false, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, pub);
    free(list);
    assert_int_equal(lnt_store_venue_list_by(f->s, "Eastham", true, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].closed_at, SF_T0);
    free(list);
    assert_int_equal(lnt_store_venue_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    free(list);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action IN "
                                         "('venue.edit', 'venue.close')"),
                     2);
}

static void test_store_registers__staff_edit_leave_and_history(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t v2 = sf_venue(f->s, "The Swan", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v1, "Sam Door", LNT_ROLE_DOOR);
    int64_t b = sf_staff(f->s, v1, "Alex Bar", LNT_ROLE_BAR);
    struct lnt_staff st, *list = NULL;
    struct lnt_training *tr = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    memset(&st, 0, sizeof st);
    st.venue_id = v2;
    (void)lnt_str_copy(st.sia_number, sizeof st.sia_number, "123");
    st.sia_expires = 20000;
    assert_int_equal(lnt_store_staff_edit(f->s, a, &st, LNT_STAFF_SET_SIA, err), LNT_ERR_INVALID);
    st.venue_id = 999;
    assert_int_equal(lnt_store_staff_edit(f->s, a, &st, LNT_STAFF_SET_VENUE, err),
                     LNT_ERR_NOT_FOUND);
    st.venue_id = v2;
    st.role = LNT_ROLE_MANAGER;
    assert_int_equal(
        lnt_store_staff_edit(f->s, a, &st, LNT_STAFF_SET_VENUE | LNT_STAFF_SET_ROLE, err), LNT_OK);
    assert_int_equal(lnt_store_staff_get(f->s, a, &st, err), LNT_OK);
    assert_int_equal(st.venue_id, v2);
    assert_int_equal(st.role, LNT_ROLE_MANAGER);
    assert_string_equal(st.sia_number, "1234567812345678"); /* untouched */

    assert_int_equal(lnt_store_staff_leave(f->s, b, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_staff_leave(f->s, b, SF_T0, err), LNT_ERR_STATE);
    assert_int_equal(lnt_store_staff_list_by(f->s, v1, false, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lnt_store_staff_list_by(f->s, v1, true, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].left_at, SF_T0);
    free(list);

    sf_training(f->s, a, LNT_COURSE_WAVE, 19000, 19365);
    sf_training(f->s, a, LNT_COURSE_WAVE, 19400, 19765);
    sf_training(f->s, a, LNT_COURSE_ANGELA, 19100, 0);
    assert_int_equal(lnt_store_training_history(f->s, a, &tr, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tr[0].completed, 19400);
    assert_int_equal(tr[2].completed, 19000);
    free(tr);
    assert_int_equal(lnt_store_training_list(f->s, a, &tr, &n, err), LNT_OK);
    assert_int_equal(n, 2); /* latest per course */
    free(tr);
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

static void test_store_registers__closing_and_leaving_say_what_was_wrong(void **state)
{
    struct sf *f = *state;
    int64_t club = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Eastham");
    int64_t alex = sf_staff(f->s, club, "Alex Bar", LNT_ROLE_BAR);
    struct lnt_audit_entry a;
    char err[LNT_ERRBUF_SIZE] = "", want[LNT_ERRBUF_SIZE];

    assert_int_equal(lnt_store_venue_close(f->s, club, 0, err), LNT_ERR_INVALID);
    assert_string_equal(err, "closing time must be after 1970");
    assert_int_equal(lnt_store_venue_close(f->s, 999, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "venue 999 not found");
    assert_int_equal(lnt_store_staff_leave(f->s, alex, -1, err), LNT_ERR_INVALID);
    assert_string_equal(err, "leaving time must be after 1970");
    assert_int_equal(lnt_store_staff_leave(f->s, 999, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "staff member 999 not found");

    assert_int_equal(lnt_store_staff_leave(f->s, alex, SF_T0, err), LNT_OK);
    a = newest_audit(f);
    assert_string_equal(a.action, "staff.leave");
    snprintf(want, sizeof want, "staff %" PRId64, alex);
    assert_string_equal(a.object, want);
    assert_string_equal(a.detail, "\"Alex Bar\" left");
    assert_int_equal(lnt_store_staff_leave(f->s, alex, SF_T0 + 60, err), LNT_ERR_STATE);
    snprintf(want, sizeof want, "staff member %" PRId64 " has already left", alex);
    assert_string_equal(err, want);

    assert_int_equal(lnt_store_venue_close(f->s, club, SF_T0, err), LNT_OK);
    a = newest_audit(f);
    assert_string_equal(a.action, "venue.close");
    snprintf(want, sizeof want, "venue %" PRId64, club);
    assert_string_equal(a.object, want);
    assert_string_equal(a.detail, "\"Club Nova\" closed");
    assert_int_equal(lnt_store_venue_close(f->s, club, SF_T0 + 60, err), LNT_ERR_STATE);
    snprintf(want, sizeof want, "venue %" PRId64 " is already closed", club);
    assert_string_equal(err, want);
    /* a refused second end keeps the first */
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count(*) FROM venues WHERE closed_at = 1795813200"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM staff WHERE left_at = 1795813200"),
                     1);
}

static void badge(struct sf *f, int64_t staff, uint8_t tag, int64_t issued, int64_t expires)
{
    struct lnt_scheme sc;
    struct lnt_badge_record r;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_scheme_get(f->s, &sc, err), LNT_OK);
    memset(&r, 0, sizeof r);
    memset(r.serial, tag, sizeof r.serial);
    memcpy(r.kid, sc.key.kid, sizeof r.kid);
    r.staff_id = staff;
    r.issued_at = issued;
    r.expires_at = expires;
    if (lnt_store_badge_add(f->s, &r, err) != LNT_OK)
        fail_msg("badge: %s", err);
}

static void test_store_registers__badge_revocations_have_versions(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int64_t b = sf_staff(f->s, v, "Alex Bar", LNT_ROLE_BAR);
    int64_t now = lnt_time_now(), ver = 0, cur = 0;
    uint8_t(*serials)[LNT_SERIAL_LEN] = NULL;
    struct lnt_badge_record *list = NULL;
    uint8_t s1[LNT_SERIAL_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    badge(f, a, 0x11, now - 100, now + 86400 * 30);
    badge(f, a, 0x22, now - 50, now + 86400 * 30); /* reissue: 0x11 revoked, version 1 */
    badge(f, b, 0x33, now - 50, now + 86400 * 30);
    assert_int_equal(lnt_store_badge_revoked_since(f->s, 0, now, &serials, &n, &cur, err), LNT_OK);
    assert_int_equal(cur, 1);
    assert_int_equal(n, 1);
    assert_int_equal(serials[0][0], 0x11);
    free(serials);

    memset(s1, 0x33, sizeof s1);
    assert_int_equal(lnt_store_badge_revoke(f->s, s1, "lost", now, &ver, err), LNT_OK);
    assert_int_equal(ver, 2);
    assert_int_equal(lnt_store_badge_revoke(f->s, s1, "lost", now, &ver, err), LNT_ERR_STATE);
    memset(s1, 0x44, sizeof s1);
    assert_int_equal(lnt_store_badge_revoke(f->s, s1, "lost", now, &ver, err), LNT_ERR_NOT_FOUND);
    /* a kiosk that synced at version 1 learns only the new one */
    assert_int_equal(lnt_store_badge_revoked_since(f->s, 1, now, &serials, &n, &cur, err), LNT_OK);
    assert_int_equal(cur, 2);
    assert_int_equal(n, 1);
    assert_int_equal(serials[0][0], 0x33);
    free(serials);
    /* a leaver's badges go too */
    assert_int_equal(lnt_store_staff_leave(f->s, a, now, err), LNT_OK);
    assert_int_equal(lnt_store_badge_revoked_since(f->s, 2, now, &serials, &n, &cur, err), LNT_OK);
    assert_int_equal(cur, 3);
    assert_int_equal(n, 1);
    assert_int_equal(serials[0][0], 0x22);
    free(serials);
    /* expired badges fall off the list */
    assert_int_equal(
        lnt_store_badge_revoked_since(f->s, 0, now + 86400 * 31, &serials, &n, &cur, err), LNT_OK);
    assert_int_equal(n, 0);

    assert_int_equal(lnt_store_badge_list(f->s, a, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].serial[0], 0x22);
    assert_string_equal(list[0].revoke_reason, "left");
    assert_string_equal(list[1].revoke_reason, "reissued");
    assert_int_equal(list[1].revoke_version, 1);
    free(list);
}

static void test_store_registers__key_rotation_keeps_old_key_trusted(void **state)
{
    struct sf *f = *state;
    struct lnt_scheme before, after;
    struct lnt_key_info info, *keys = NULL;
    struct lnt_trusted_key *trust = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now();
    size_t n = 0;

    assert_int_equal(lnt_store_scheme_get(f->s, &before, err), LNT_OK);
    assert_int_equal(lnt_store_key_rotate(f->s, now, &info, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_get(f->s, &after, err), LNT_OK);
    assert_memory_equal(after.key.kid, info.kid, LNT_KID_LEN);
    assert_memory_not_equal(after.key.kid, before.key.kid, LNT_KID_LEN);
    assert_int_equal(lnt_store_trust_keys(f->s, &trust, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    free(trust);
    assert_int_equal(lnt_store_key_list(f->s, &keys, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        bool is_old = memcmp(keys[i].kid, before.key.kid, LNT_KID_LEN) == 0;
        assert_int_equal(keys[i].retired_at, is_old ? now : 0);
        assert_int_equal(keys[i].trusted_until, is_old ? now + LNT_BADGE_MAX_VALIDITY : 0);
    }
    free(keys);
    /* a key retired 398 days ago is no longer trusted */
    assert_int_equal(lnt_store_key_rotate(f->s, now - 398 * 86400, NULL, err), LNT_OK);
    assert_int_equal(lnt_store_trust_keys(f->s, &trust, &n, err), LNT_OK);
    assert_int_equal(n, 2); /* the one retired now-398d (the previous current) drops out */
    free(trust);
}

static void test_store_registers__kiosk_health_backlog_and_revoke(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k1 = sf_kiosk(f->s, v), k2 = sf_kiosk(f->s, v);
    struct lnt_kiosk *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_kiosk_backlog(f->s, k1, 42, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_kiosk_backlog(f->s, 999, 1, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_kiosk_backlog(f->s, k1, -1, SF_T0, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_kiosk_revoke(f->s, k2, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_kiosk_revoke(f->s, k2, SF_T0, err), LNT_ERR_STATE);
    assert_int_equal(lnt_store_kiosk_list(f->s, v, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].backlog, 42);
    assert_int_equal(list[0].backlog_at, SF_T0);
    assert_false(list[0].revoked);
    assert_int_equal(list[1].backlog, -1);
    assert_true(list[1].revoked);
    assert_int_equal(list[1].revoked_at, SF_T0);
    free(list);
}

static void test_store_registers__findings_default_to_a_year(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    struct lnt_finding fd, *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    memset(&fd, 0, sizeof fd);
    fd.venue_id = v;
    (void)lnt_str_copy(fd.criterion, sizeof fd.criterion, "B4");
    fd.met = true;
    (void)lnt_str_copy(fd.evidence, sizeof fd.evidence, "Written drugs policy seen");
    (void)lnt_str_copy(fd.assessor, sizeof fd.assessor, "J. Assessor");
    fd.found_on = lnt_days_from_civil(2026, 3, 15);
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_OK);
    assert_int_equal(fd.valid_until, lnt_days_from_civil(2027, 3, 14));
    fd.met = false;
    fd.found_on = lnt_days_from_civil(2026, 9, 1);
    fd.valid_until = 0;
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_OK);
    (void)lnt_str_copy(fd.criterion, sizeof fd.criterion, "B 4");
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_ERR_INVALID);
    (void)lnt_str_copy(fd.criterion, sizeof fd.criterion, "B4");
    fd.venue_id = 999;
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_finding_list(f->s, v, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_false(list[0].met); /* newest first */
    assert_string_equal(list[1].evidence, "Written drugs policy seen");
    free(list);
}

/* A venue name of LNT_VENUE_NAME_MAX bytes, the most kiosks hold, is registered and read back
 * whole. */
static void test_store_registers__the_longest_venue_name_is_kept_whole(void **state)
{
    struct sf *f = *state;
    struct lnt_venue v, got;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    v.category = LNT_VENUE_PUB;
    v.capacity = 100;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    memset(v.name, 'N', LNT_VENUE_NAME_MAX);
    v.name[LNT_VENUE_NAME_MAX] = '\0';
    if (lnt_store_venue_add(f->s, &v, err) != LNT_OK)
        fail_msg("add: %s", err);
    assert_int_equal(lnt_store_venue_get(f->s, v.id, &got, err), LNT_OK);
    assert_string_equal(got.name, v.name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_store_registers__##name, sf_setup, sf_teardown)
        T(venue_defaults_edit_close_and_list),   T(staff_edit_leave_and_history),
        T(badge_revocations_have_versions),      T(key_rotation_keeps_old_key_trusted),
        T(kiosk_health_backlog_and_revoke),      T(findings_default_to_a_year),
        T(the_longest_venue_name_is_kept_whole), T(closing_and_leaving_say_what_was_wrong),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
