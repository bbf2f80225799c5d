/* ctl_door.c - `lanternctl training require|unrequire|required` and `sia set-status|list`: the
 * scheme's door rules, which kiosks receive with the revocation list at their next sync. */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"

#define COURSES_EXPECT "bystander, wave, angela, spiking, first-aid, conflict or challenge25"

/* --role and --course of `training require` / `unrequire`, both required. */
static int role_course(struct lnt_ctl *c, int argc, char **argv, enum lnt_role *role,
                       enum lnt_course *course)
{
    enum { O_ROLE, O_COURSE };
    static const struct option opts[] = {{"role", required_argument, NULL, O_ROLE},
                                         {"course", required_argument, NULL, O_COURSE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_require(c, opts, v, O_ROLE, O_COURSE)) != LNT_CTL_OK)
        return rc;
    if (lnt_role_parse(v[O_ROLE], role) != LNT_OK || *role == LNT_ROLE_NONE)
        return lnt_ctl_fail("--role: expected door, bar, manager or volunteer, got '%s'",
                            v[O_ROLE]);
    if (lnt_course_parse(v[O_COURSE], course) != LNT_OK || *course == LNT_COURSE_NONE)
        return lnt_ctl_fail("--course: expected " COURSES_EXPECT ", got '%s'", v[O_COURSE]);
    return lnt_ctl_need_scheme(c);
}

/* One record per role: role=door courses=wave,angela (JSON: "courses": ["wave", "angela"]). */
static int out_required(struct lnt_ctl *c, const struct lnt_required_training *req,
                        enum lnt_role only)
{
    int rc = LNT_CTL_OK;

    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER && rc == LNT_CTL_OK; r++) {
        struct lnt_ctl_out o;
        struct lnt_buf json, human;

        if (only != LNT_ROLE_NONE && (enum lnt_role)r != only)
            continue;
        lnt_buf_init(&json, 256);
        lnt_buf_init(&human, 256);
        lnt_buf_puts(&json, "[");
        for (int k = LNT_COURSE_BYSTANDER; k <= LNT_COURSE__MAX; k++) {
            const char *name = lnt_course_name((enum lnt_course)k);
            if ((req->courses[r] & LNT_COURSE_BIT(k)) == 0)
                continue;
            lnt_buf_printf(&json, "%s\"%s\"", json.len > 1 ? "," : "", name);
            lnt_buf_printf(&human, "%s%s", human.len > 0 ? "," : "", name);
        }
        lnt_buf_puts(&json, "]");
        lnt_ctl_out_begin(&o, c, true);
        lnt_ctl_out_str(&o, "role", lnt_role_name((enum lnt_role)r));
        lnt_ctl_out_raw(&o, "courses", json.data != NULL ? json.data : "[]",
                        human.len > 0 ? human.data : "none");
        rc = lnt_ctl_out_end(&o);
        lnt_buf_release(&json);
        lnt_buf_release(&human);
    }
    return rc;
}

static int require(struct lnt_ctl *c, int argc, char **argv, bool required)
{
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_role role = LNT_ROLE_NONE;
    enum lnt_course course = LNT_COURSE_NONE;
    bool changed = false;
    int rc;

    if ((rc = role_course(c, argc, argv, &role, &course)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_required_set(c->store, role, course, required, &changed, err) != LNT_OK ||
        lnt_store_required_get(c->store, &req, err) != LNT_OK)
        return lnt_ctl_fail("%s: %s", c->cmd_name, err);
    if (!changed)
        lnt_ctl_warn("%s was %s required for %s already", lnt_course_name(course),
                     required ? "" : "not", lnt_role_name(role));
    return out_required(c, &req, role);
}

int lnt_ctl_training_require(struct lnt_ctl *c, int argc, char **argv)
{
    return require(c, argc, argv, true);
}

int lnt_ctl_training_unrequire(struct lnt_ctl *c, int argc, char **argv)
{
    return require(c, argc, argv, false);
}

int lnt_ctl_training_required(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_required_get(c->store, &req, err) != LNT_OK)
        return lnt_ctl_fail("training required: %s", err);
    return out_required(c, &req, LNT_ROLE_NONE);
}

static void out_listed(struct lnt_ctl_out *o, const struct lnt_sia_listed *l)
{
    lnt_ctl_out_str(o, "number", l->number);
    lnt_ctl_out_str(o, "status", lnt_sia_listing_name(l->status));
    lnt_ctl_out_date(o, "from", l->from);
}

int lnt_ctl_sia_set_status(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_NUMBER, O_STATUS, O_FROM };
    static const struct option opts[] = {{"number", required_argument, NULL, O_NUMBER},
                                         {"status", required_argument, NULL, O_STATUS},
                                         {"from", required_argument, NULL, O_FROM},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char *args[64];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_sia_listed l;
    struct lnt_ctl_out o;
    const char *number = NULL;
    int n = 0, rc;

    /* The licence number may come first, without --number: `sia set-status NUMBER ...`. */
    if (argc > 64)
        return lnt_ctl_usage(c, "sia set-status: too many arguments");
    for (int i = 0; i < argc; i++) {
        if (i == 1 && argv[i][0] != '-' && number == NULL)
            number = argv[i];
        else
            args[n++] = argv[i];
    }
    if ((rc = lnt_ctl_getopt(c, n, args, opts, v)) != LNT_CTL_OK)
        return rc;
    if (number != NULL && v[O_NUMBER] != NULL)
        return lnt_ctl_usage(c, "sia set-status: the licence number is given twice");
    if (number == NULL)
        number = v[O_NUMBER];
    if (number == NULL)
        return lnt_ctl_usage(c, "sia set-status: the licence NUMBER is required");
    if ((rc = lnt_ctl_require(c, opts, v, O_STATUS, O_STATUS)) != LNT_CTL_OK)
        return rc;
    memset(&l, 0, sizeof l);
    if (lnt_str_copy(l.number, sizeof l.number, number) != LNT_OK || strlen(number) != 16 ||
        strspn(number, "0123456789") != 16)
        return lnt_ctl_fail("NUMBER: an SIA licence number is 16 digits, got '%s'", number);
    if (lnt_sia_listing_parse(v[O_STATUS], &l.status) != LNT_OK)
        return lnt_ctl_fail("--status: expected suspended, revoked or valid, got '%s'",
                            v[O_STATUS]);
    l.from = lnt_london_date(lnt_time_now());
    if (v[O_FROM] != NULL && (rc = lnt_ctl_parse_date("from", v[O_FROM], &l.from)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_sia_set(c->store, l.number, l.status, l.from, err) != LNT_OK)
        return lnt_ctl_fail("sia set-status: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_listed(&o, &l);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_sia_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_sia_listed *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_sia_listed(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("sia list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_listed(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}
