/* ctl_staff.c - `lanternctl staff add|edit|list|leave` and `training add|list`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"

#define SIA_INPUT_MAX 40

/* SIA numbers are printed in groups of four: keep only the digits' positions honest. */
static int parse_sia(const char *in, char out[LNT_SIA_NUMBER_LEN + 1])
{
    size_t n = 0;

    if (strlen(in) > SIA_INPUT_MAX)
        return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got %zu characters",
                            strlen(in));
    for (const char *p = in; *p != '\0'; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (*p < '0' || *p > '9' || n == 16)
            return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got '%s'", in);
        out[n++] = *p;
    }
    if (n != 16)
        return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got '%s'", in);
    out[n] = '\0';
    return LNT_CTL_OK;
}

/* The options staff add and staff edit share, and edit's own. */
enum { S_VENUE, S_NAME, S_ROLE, S_SIA, S_SIA_EXPIRY, S_STAFF, S_NO_SIA };
#define STAFF_OPTS                                                                                 \
    {"venue", required_argument, NULL, S_VENUE}, {"name", required_argument, NULL, S_NAME},        \
        {"role", required_argument, NULL, S_ROLE}, {"sia", required_argument, NULL, S_SIA},        \
    {                                                                                              \
        "sia-expiry", required_argument, NULL, S_SIA_EXPIRY                                        \
    }

/* Reads the staff fields given into *st, setting bits in *fields. Prints the problem. */
static int staff_fields(const struct lnt_ctl *c, const char *const v[LNT_CTL_MAX_OPTS],
                        struct lnt_staff *st, unsigned *fields)
{
    int rc;

    *fields = 0;
    if ((v[S_SIA] == NULL) != (v[S_SIA_EXPIRY] == NULL))
        return lnt_ctl_usage(c, "%s: --sia and --sia-expiry go together", c->cmd_name);
    if (v[S_NAME] != NULL) {
        if (v[S_NAME][0] == '\0' || lnt_str_copy(st->name, sizeof st->name, v[S_NAME]) != LNT_OK)
            return lnt_ctl_fail("--name: expected 1 to %zu bytes", sizeof st->name - 1);
        *fields |= LNT_STAFF_SET_NAME;
    }
    if (v[S_ROLE] != NULL) {
        if (lnt_role_parse(v[S_ROLE], &st->role) != LNT_OK)
            return lnt_ctl_fail("--role: expected door, bar, manager or volunteer, got '%s'",
                                v[S_ROLE]);
        *fields |= LNT_STAFF_SET_ROLE;
    }
    if (v[S_VENUE] != NULL) {
        if ((rc = lnt_ctl_parse_id("venue", v[S_VENUE], &st->venue_id)) != LNT_CTL_OK)
            return rc;
        *fields |= LNT_STAFF_SET_VENUE;
    }
    if (v[S_SIA] != NULL) {
        if ((rc = parse_sia(v[S_SIA], st->sia_number)) != LNT_CTL_OK ||
            (rc = lnt_ctl_parse_date("sia-expiry", v[S_SIA_EXPIRY], &st->sia_expires)) !=
                LNT_CTL_OK)
            return rc;
        *fields |= LNT_STAFF_SET_SIA;
    }
    return LNT_CTL_OK;
}

int lnt_ctl_staff_add(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {STAFF_OPTS, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_staff st = {0};
    struct lnt_ctl_out o;
    unsigned fields;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_require(c, opts, v, S_VENUE, S_ROLE)) != LNT_CTL_OK)
        return rc;
    if ((rc = staff_fields(c, v, &st, &fields)) != LNT_CTL_OK ||
        (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_staff_add(c->store, &st, err) != LNT_OK)
        return lnt_ctl_fail("staff add: %s", err);
    if (st.role == LNT_ROLE_DOOR && st.sia_number[0] == '\0')
        lnt_ctl_warn("staff %lld is door staff with no SIA licence: the kiosk will show red",
                     (long long)st.id);
    else if (st.sia_expires != 0 && st.sia_expires < lnt_london_date(lnt_time_now()))
        lnt_ctl_warn("staff %lld: the SIA licence has already expired: the kiosk will show red",
                     (long long)st.id);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "id", st.id);
    lnt_ctl_out_str(&o, "name", st.name);
    lnt_ctl_out_str(&o, "role", lnt_role_name(st.role));
    lnt_ctl_out_int(&o, "venue_id", st.venue_id);
    return lnt_ctl_out_end(&o);
}

/* The same calendar day 12 months on; 29 February becomes 28 February. */
static int32_t plus_12_months(int32_t days)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, last;

    lnt_civil_from_days(days, &y, &m, &d);
    y++;
    last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return lnt_days_from_civil(y, m, d > last ? last : d);
}

int lnt_ctl_training_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_STAFF, O_COURSE, O_COMPLETED, O_EXPIRES };
    static const struct option opts[] = {{"staff", required_argument, NULL, O_STAFF},
                                         {"course", required_argument, NULL, O_COURSE},
                                         {"completed", required_argument, NULL, O_COMPLETED},
                                         {"expires", required_argument, NULL, O_EXPIRES},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_training t = {0};
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_require(c, opts, v, O_STAFF, O_COMPLETED)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_parse_id("staff", v[O_STAFF], &t.staff_id)) != LNT_CTL_OK)
        return rc;
    if (lnt_course_parse(v[O_COURSE], &t.course) != LNT_OK)
        return lnt_ctl_fail(
            "--course: expected bystander, wave, angela, spiking, first-aid, conflict "
            "or challenge25, got '%s'",
            v[O_COURSE]);
    if ((rc = lnt_ctl_parse_date("completed", v[O_COMPLETED], &t.completed)) != LNT_CTL_OK)
        return rc;
    if (t.completed > lnt_london_date(lnt_time_now()))
        return lnt_ctl_fail("--completed: %s is in the future", v[O_COMPLETED]);
    if (v[O_EXPIRES] != NULL) {
        if ((rc = lnt_ctl_parse_date("expires", v[O_EXPIRES], &t.expires)) != LNT_CTL_OK)
            return rc;
        if (t.expires < t.completed)
            return lnt_ctl_fail("--expires: %s is before the completion date", v[O_EXPIRES]);
    } else {
        t.expires = plus_12_months(t.completed); /* training is refreshed every 12 months */
    }
    if ((rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_training_add(c->store, &t, err) != LNT_OK)
        return lnt_ctl_fail("training add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "staff_id", t.staff_id);
    lnt_ctl_out_str(&o, "course", lnt_course_name(t.course));
    lnt_ctl_out_date(&o, "completed", t.completed);
    lnt_ctl_out_date(&o, "expires", t.expires);
    return lnt_ctl_out_end(&o);
}

static void out_staff(struct lnt_ctl_out *o, const struct lnt_staff *st)
{
    lnt_ctl_out_int(o, "id", st->id);
    lnt_ctl_out_str(o, "name", st->name);
    lnt_ctl_out_str(o, "role", lnt_role_name(st->role));
    lnt_ctl_out_int(o, "venue_id", st->venue_id);
    lnt_ctl_out_str(o, "sia_number", st->sia_number);
    lnt_ctl_out_date(o, "sia_expires", st->sia_expires);
    lnt_ctl_out_bool(o, "left", st->left_at != 0);
    if (st->left_at != 0)
        lnt_ctl_out_time(o, "left_at", st->left_at);
}

int lnt_ctl_staff_edit(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {STAFF_OPTS,
                                         {"staff", required_argument, NULL, S_STAFF},
                                         {"no-sia", no_argument, NULL, S_NO_SIA},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_staff st = {0};
    struct lnt_ctl_out o;
    unsigned fields = 0;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[S_STAFF] == NULL)
        return lnt_ctl_usage(c, "staff edit: --staff is required");
    if (v[S_SIA] != NULL && v[S_NO_SIA] != NULL)
        return lnt_ctl_usage(c, "staff edit: --sia and --no-sia contradict each other");
    if ((rc = lnt_ctl_parse_id("staff", v[S_STAFF], &id)) != LNT_CTL_OK ||
        (rc = staff_fields(c, v, &st, &fields)) != LNT_CTL_OK)
        return rc;
    if (v[S_NO_SIA] != NULL)
        fields |= LNT_STAFF_SET_SIA; /* "" and 0 clear the licence */
    if (fields == 0)
        return lnt_ctl_usage(c, "staff edit: nothing to change: give at least one field");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_staff_edit(c->store, id, &st, fields, err) != LNT_OK ||
        lnt_store_staff_get(c->store, id, &st, err) != LNT_OK)
        return lnt_ctl_fail("staff edit: %s", err);
    lnt_ctl_warn("badges already issued to staff %lld still say what they said: reissue them "
                 "with 'badge issue' or 'badge sheet'",
                 (long long)id);
    lnt_ctl_out_begin(&o, c, false);
    out_staff(&o, &st);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_staff_list(struct lnt_ctl *c, int argc, char **argv)
{
    enum { L_VENUE, L_ROLE, L_ALL };
    static const struct option opts[] = {{"venue", required_argument, NULL, L_VENUE},
                                         {"role", required_argument, NULL, L_ROLE},
                                         {"all", no_argument, NULL, L_ALL},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_staff *list = NULL;
    struct lnt_venue ven;
    enum lnt_role role = LNT_ROLE_NONE;
    int64_t venue = 0;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[L_VENUE] != NULL && (rc = lnt_ctl_parse_id("venue", v[L_VENUE], &venue)) != LNT_CTL_OK)
        return rc;
    if (v[L_ROLE] != NULL && lnt_role_parse(v[L_ROLE], &role) != LNT_OK)
        return lnt_ctl_fail("--role: expected door, bar, manager or volunteer, got '%s'",
                            v[L_ROLE]);
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if ((venue != 0 && lnt_store_venue_get(c->store, venue, &ven, err) != LNT_OK) ||
        lnt_store_staff_list_by(c->store, venue, v[L_ALL] != NULL, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("staff list: %s", err);
    {
        char object[32], detail[32];
        if (venue != 0)
            snprintf(object, sizeof object, "venue %lld", (long long)venue);
        else
            snprintf(object, sizeof object, "all venues");
        snprintf(detail, sizeof detail, "%zu staff", n);
        rc = lnt_ctl_audit_read(c, "staff.read", object, detail);
    }
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        if (role != LNT_ROLE_NONE && list[i].role != role)
            continue;
        lnt_ctl_out_begin(&o, c, true);
        out_staff(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_staff_leave(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"staff", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_badge_record *before = NULL, *after = NULL;
    size_t n_before = 0, n_after = 0;
    int64_t revoked = 0, live = 0;
    struct lnt_staff st;
    struct lnt_ctl_out o;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "staff leave: --staff is required");
    if ((rc = lnt_ctl_parse_id("staff", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_badge_list(c->store, id, &before, &n_before, err) != LNT_OK ||
        lnt_store_staff_leave(c->store, id, lnt_time_now(), err) != LNT_OK ||
        lnt_store_staff_get(c->store, id, &st, err) != LNT_OK ||
        lnt_store_badge_list(c->store, id, &after, &n_after, err) != LNT_OK) {
        rc = lnt_ctl_fail("staff leave: %s", err);
        goto out;
    }
    /* what leaving revoked: badges unrevoked before and revoked after */
    for (size_t i = 0; i < n_before; i++)
        live += before[i].revoked_at == 0;
    for (size_t i = 0; i < n_after; i++)
        live -= after[i].revoked_at == 0;
    revoked = live;
    lnt_ctl_out_begin(&o, c, false);
    out_staff(&o, &st);
    lnt_ctl_out_int(&o, "badges_revoked", revoked);
    rc = lnt_ctl_out_end(&o);
out:
    free(before);
    free(after);
    return rc;
}

static void out_training(struct lnt_ctl_out *o, const struct lnt_training *t, int32_t today)
{
    lnt_ctl_out_int(o, "staff_id", t->staff_id);
    lnt_ctl_out_str(o, "course", lnt_course_name(t->course));
    lnt_ctl_out_date(o, "completed", t->completed);
    lnt_ctl_out_date(o, "expires", t->expires);
    lnt_ctl_out_bool(o, "in_date", t->expires == 0 || t->expires >= today);
}

int lnt_ctl_training_list(struct lnt_ctl *c, int argc, char **argv)
{
    enum { L_STAFF, L_HISTORY };
    static const struct option opts[] = {{"staff", required_argument, NULL, L_STAFF},
                                         {"history", no_argument, NULL, L_HISTORY},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_training *list = NULL;
    struct lnt_staff st;
    int32_t today = lnt_london_date(lnt_time_now());
    size_t n = 0;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[L_STAFF] == NULL)
        return lnt_ctl_usage(c, "training list: --staff is required");
    if ((rc = lnt_ctl_parse_id("staff", v[L_STAFF], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_staff_get(c->store, id, &st, err) != LNT_OK ||
        (v[L_HISTORY] != NULL ? lnt_store_training_history(c->store, id, &list, &n, err)
                              : lnt_store_training_list(c->store, id, &list, &n, err)) != LNT_OK)
        return lnt_ctl_fail("training list: %s", err);
    {
        char object[32];
        snprintf(object, sizeof object, "staff %lld", (long long)id);
        rc = lnt_ctl_audit_read(c, "training.read", object,
                                v[L_HISTORY] != NULL ? "with history" : "");
    }
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_training(&o, &list[i], today);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}
