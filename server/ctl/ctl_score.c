/* ctl_score.c - `lanternctl score` and `lanternctl report hotspots|trends|volunteers|stock`. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"
#include "score_ctl.h"
#include "score_load.h"

#define OUT_MAX (64 << 20) /* bytes one report may print */

/* --at: RFC 3339 time, or a date meaning noon UTC that day; default now. */
static int parse_at(const char *s, int64_t *out)
{
    int32_t day;
    if (s == NULL) {
        *out = lnt_time_now();
        return LNT_CTL_OK;
    }
    if (lnt_time_parse(s, out) == LNT_OK)
        return LNT_CTL_OK;
    if (lnt_date_parse(s, &day) == LNT_OK) {
        *out = (int64_t)day * 86400 + 43200;
        return LNT_CTL_OK;
    }
    return lnt_ctl_fail("--at: `%s`: expected an RFC 3339 time or YYYY-MM-DD", s);
}

static int load_rules(const char *cmd, struct lnt_score_rules *rules)
{
    char err[LNT_ERRBUF_SIZE] = "";
    if (lnt_score_load_rules(rules, err) != LNT_OK)
        return lnt_ctl_fail("%s: rules: %s", cmd, err);
    return LNT_CTL_OK;
}

/* Prints JSON text: as is with --json, indented otherwise. */
static int print_json(const struct lnt_ctl *c, const char *text)
{
    json_error_t jerr;
    json_t *j;
    char *pretty;

    if (c->json) {
        if (printf("%s\n", text) < 0)
            return lnt_ctl_fail("could not write the output");
        return LNT_CTL_OK;
    }
    j = json_loads(text, 0, &jerr);
    pretty = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (pretty == NULL)
        return lnt_ctl_fail("could not format the output");
    if (printf("%s\n", pretty) < 0) {
        free(pretty);
        return lnt_ctl_fail("could not write the output");
    }
    free(pretty);
    return LNT_CTL_OK;
}

int lnt_ctl_score(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"venue", required_argument, NULL, 0}, {"at", required_argument, NULL, 1}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_score_rules rules = {0};
    struct lnt_score_result res;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t id, at;
    int rc;

    memset(&res, 0, sizeof res);
    lnt_buf_init(&b, OUT_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "score: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[0], &id)) != LNT_CTL_OK ||
        (rc = parse_at(v[1], &at)) != LNT_CTL_OK ||
        (rc = load_rules("score", &rules)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        goto out;
    if (lnt_score_load_venue(c->store, &rules, id, at, &res, err) != LNT_OK ||
        (c->json ? lnt_score_to_json(&res, &b, err) : lnt_score_to_text(&res, &b, err)) != LNT_OK) {
        rc = lnt_ctl_fail("score: venue %lld: %s", (long long)id, err);
        goto out;
    }
    {
        /* the explanation cites incidents by report id: the read is audited */
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)id);
        if ((rc = lnt_ctl_audit_read(c, "score.read", object, "")) != LNT_CTL_OK)
            goto out;
    }
    if (fputs(b.data, stdout) == EOF || (c->json && putchar('\n') == EOF))
        rc = lnt_ctl_fail("score: could not write the output");
out:
    lnt_buf_release(&b);
    lnt_score_result_release(&res);
    lnt_score_rules_release(&rules);
    return rc;
}

/* The instant London's day `d` begins (its local midnight). */
static int64_t london_midnight(int32_t d)
{
    int64_t t = (int64_t)d * 86400;
    return t - lnt_london_offset(t);
}

/*
 * [--from DATE] [--to DATE], London days, as [from, to): `to` includes the
 * whole of its day and defaults to today; `from` defaults to `days` before.
 */
static int parse_range(const char *f, const char *t, int days, int64_t *from, int64_t *to)
{
    int32_t d;
    int rc;
    d = lnt_london_date(lnt_time_now());
    if (t != NULL && (rc = lnt_ctl_parse_date("to", t, &d)) != LNT_CTL_OK)
        return rc;
    *to = london_midnight(d + 1);
    *from = london_midnight(d + 1 - days);
    if (f != NULL) {
        if ((rc = lnt_ctl_parse_date("from", f, &d)) != LNT_CTL_OK)
            return rc;
        *from = london_midnight(d);
    }
    if (*from >= *to)
        return lnt_ctl_fail("--from must be before --to");
    return LNT_CTL_OK;
}

/* --from, --to and --venue, the first three options of report trends and report volunteers. */
#define RANGE_OPTS                                                                                 \
    {"from", required_argument, NULL, 0}, {"to", required_argument, NULL, 1},                      \
    {                                                                                              \
        "venue", required_argument, NULL, 2                                                        \
    }

/* Reads RANGE_OPTS: a year to today unless given otherwise, and a venue (0 = all). */
static int parse_range_venue(const char *const v[LNT_CTL_MAX_OPTS], int64_t *from, int64_t *to,
                             int64_t *venue)
{
    int rc = parse_range(v[0], v[1], 365, from, to);

    if (rc == LNT_CTL_OK && v[2] != NULL)
        rc = lnt_ctl_parse_id("venue", v[2], venue);
    return rc;
}

/*
 * The end of a report command: prints the report built in b when the store's
 * call returned LNT_OK (`store_rc`), else fails with "<cmd>: <err>".
 */
static int report_out(const struct lnt_ctl *c, const char *cmd, enum lnt_err store_rc,
                      const struct lnt_buf *b, const char *err)
{
    if (store_rc != LNT_OK)
        return lnt_ctl_fail("%s: %s", cmd, err);
    return print_json(c, b->data);
}

int lnt_ctl_report_hotspots(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"at", required_argument, NULL, 0},
                                         {"top", required_argument, NULL, 1},
                                         {"authority", required_argument, NULL, 2},
                                         {"min-nights", required_argument, NULL, 3},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_score_rules rules = {0};
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at, top = 10, min_nights = 3;
    int rc;

    lnt_buf_init(&b, OUT_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = parse_at(v[0], &at)) != LNT_CTL_OK ||
        (v[1] && (rc = lnt_ctl_parse_int("top", v[1], 1, 1000, &top)) != LNT_CTL_OK) ||
        (v[3] && (rc = lnt_ctl_parse_int("min-nights", v[3], 1, 366, &min_nights)) != LNT_CTL_OK) ||
        (rc = load_rules("report hotspots", &rules)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) == LNT_CTL_OK)
        rc = report_out(c, "report hotspots",
                        lnt_score_report_hotspots(c->store, &rules, v[2], at, (size_t)top,
                                                  (int)min_nights, &b, err),
                        &b, err);
    lnt_buf_release(&b);
    lnt_score_rules_release(&rules);
    return rc;
}

int lnt_ctl_report_trends(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {RANGE_OPTS,
                                         {"area", required_argument, NULL, 3},
                                         {"authority", required_argument, NULL, 4},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_rollup_scope scope = {0};
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t from, to;
    int rc;

    lnt_buf_init(&b, OUT_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = parse_range_venue(v, &from, &to, &scope.venue_id)) != LNT_CTL_OK)
        return rc;
    scope.area = v[3];
    scope.authority = v[4];
    if ((rc = lnt_ctl_open(c, NULL)) == LNT_CTL_OK)
        rc = report_out(c, "report trends",
                        lnt_score_report_trends(c->store, &scope, from, to, &b, err), &b, err);
    lnt_buf_release(&b);
    return rc;
}

int lnt_ctl_report_volunteers(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {RANGE_OPTS, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t from, to, venue = 0;
    int rc;

    lnt_buf_init(&b, OUT_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = parse_range_venue(v, &from, &to, &venue)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) == LNT_CTL_OK) {
        struct lnt_rollup_scope scope;
        lnt_scope_volunteers(NULL, venue, &scope);
        rc = report_out(c, "report volunteers",
                        lnt_score_report_volunteers(c->store, &scope, from, to, &b, err), &b, err);
    }
    lnt_buf_release(&b);
    return rc;
}

int lnt_ctl_report_stock(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"at", required_argument, NULL, 0},
                                         {"days", required_argument, NULL, 1},
                                         {"authority", required_argument, NULL, 2},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at, days = 28;
    int rc;

    lnt_buf_init(&b, OUT_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = parse_at(v[0], &at)) != LNT_CTL_OK ||
        (v[1] && (rc = lnt_ctl_parse_int("days", v[1], 1, 366, &days)) != LNT_CTL_OK))
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) == LNT_CTL_OK)
        rc = report_out(c, "report stock",
                        lnt_score_report_stock(c->store, v[2], at, (int)days, &b, err), &b, err);
    lnt_buf_release(&b);
    return rc;
}
