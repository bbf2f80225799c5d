/* ctl_casework.c - `lanternctl casework add|edit|close|list|show|history`: visits, letters,
 * action plans and their items, notes and reviews on a venue's case file. Changes are audited
 * by the store as "lanternctl (uid N)"; reads as casework.read. Nothing is deleted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "store_casework.h"

enum {
    O_DATE,
    O_KIND,
    O_TITLE,
    O_TEXT,
    O_OFFICERS,
    O_FINDINGS,
    O_OWNER,
    O_STATUS,
    O_EVIDENCE,
    O_HEARING,
    O_OUTCOME,
    O_CONDITIONS,
    O_PDF,
    O_RECORD, /* edit; add uses the three below */
    O_VENUE,
    O_TYPE,
    O_PLAN
};

#define CW_OPTS                                                                                    \
    {"date", required_argument, NULL, O_DATE}, {"kind", required_argument, NULL, O_KIND},          \
        {"title", required_argument, NULL, O_TITLE}, {"text", required_argument, NULL, O_TEXT},    \
        {"officers", required_argument, NULL, O_OFFICERS},                                         \
        {"findings", required_argument, NULL, O_FINDINGS},                                         \
        {"owner", required_argument, NULL, O_OWNER},                                               \
        {"status", required_argument, NULL, O_STATUS},                                             \
        {"evidence", required_argument, NULL, O_EVIDENCE},                                         \
        {"hearing", required_argument, NULL, O_HEARING},                                           \
        {"outcome", required_argument, NULL, O_OUTCOME},                                           \
        {"conditions", required_argument, NULL, O_CONDITIONS},                                     \
    {                                                                                              \
        "pdf", required_argument, NULL, O_PDF                                                      \
    }

static void out_cw(struct lnt_ctl_out *o, const struct lnt_casework *c, bool brief)
{
    char findings[LNT_CW_FINDINGS_MAX * 21 + 1] = "";
    size_t used = 0;

    for (size_t i = 0; i < c->n_findings && used < sizeof findings; i++) {
        int w = snprintf(findings + used, sizeof findings - used, "%s%lld", i ? "," : "",
                         (long long)c->findings[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    lnt_ctl_out_int(o, "id", c->id);
    lnt_ctl_out_int(o, "venue", c->venue_id);
    lnt_ctl_out_str(o, "type", lnt_cw_type_name(c->type));
    if (c->plan_id != 0)
        lnt_ctl_out_int(o, "plan", c->plan_id);
    lnt_ctl_out_int(o, "version", c->version);
    lnt_ctl_out_date(o, "date", c->on);
    if (c->kind[0] != '\0')
        lnt_ctl_out_str(o, "kind", c->kind);
    if (c->title[0] != '\0')
        lnt_ctl_out_str(o, "title", c->title);
    lnt_ctl_out_str(o, "text", c->text);
    if (c->type == LNT_CW_VISIT) {
        lnt_ctl_out_str(o, "officers", c->officers);
        lnt_ctl_out_str(o, "findings", findings);
    }
    if (c->type == LNT_CW_ITEM) {
        lnt_ctl_out_int(o, "owner", c->owner_id);
        lnt_ctl_out_str(o, "status", c->status);
        lnt_ctl_out_str(o, "evidence", c->evidence);
    }
    if (c->type == LNT_CW_REVIEW) {
        lnt_ctl_out_date(o, "hearing", c->hearing_on);
        lnt_ctl_out_str(o, "outcome", c->outcome);
        lnt_ctl_out_str(o, "conditions", c->conditions);
    }
    if (c->pdf_sha256[0] != '\0') {
        lnt_ctl_out_str(o, "pdf_sha256", c->pdf_sha256);
        lnt_ctl_out_int(o, "pdf_size", c->pdf_size);
    }
    lnt_ctl_out_time(o, "at", c->at);
    lnt_ctl_out_str(o, "by", c->by);
    lnt_ctl_out_time(o, "closed_at", c->closed_at);
    if (!brief)
        lnt_ctl_out_time(o, "superseded_at", c->superseded_at);
}

/* Reads the PDF at `path` (at most LNT_CW_PDF_MAX bytes) into *out (the caller frees). */
static int read_pdf(const char *path, uint8_t **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t got;

    *out = NULL;
    *n = 0;
    if (f == NULL)
        return lnt_ctl_fail("--pdf: cannot open %s: %s", path, strerror(errno));
    buf = malloc(LNT_CW_PDF_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        return lnt_ctl_fail("--pdf: out of memory");
    }
    got = fread(buf, 1, LNT_CW_PDF_MAX + 1, f);
    if (ferror(f)) {
        fclose(f);
        free(buf);
        return lnt_ctl_fail("--pdf: cannot read %s", path);
    }
    fclose(f);
    *out = buf;
    *n = got;
    return LNT_CTL_OK;
}

static int copy_opt(const char *opt, const char *val, char *dst, size_t size)
{
    if (val != NULL && lnt_str_copy(dst, size, val) != LNT_OK)
        return lnt_ctl_fail("--%s: at most %zu bytes", opt, size - 1);
    return LNT_CTL_OK;
}

/* Applies the options given to *cw; the store checks what a type needs. */
static int cw_fields(struct lnt_ctl *c, const char *const v[LNT_CTL_MAX_OPTS],
                     struct lnt_casework *cw)
{
    int rc = LNT_CTL_OK;

    if (v[O_DATE] != NULL && (rc = lnt_ctl_parse_date("date", v[O_DATE], &cw->on)) != LNT_CTL_OK)
        return rc;
    if (v[O_HEARING] != NULL &&
        (rc = lnt_ctl_parse_date("hearing", v[O_HEARING], &cw->hearing_on)) != LNT_CTL_OK)
        return rc;
    if ((rc = copy_opt("kind", v[O_KIND], cw->kind, sizeof cw->kind)) != LNT_CTL_OK ||
        (rc = copy_opt("title", v[O_TITLE], cw->title, sizeof cw->title)) != LNT_CTL_OK ||
        (rc = copy_opt("text", v[O_TEXT], cw->text, sizeof cw->text)) != LNT_CTL_OK ||
        (rc = copy_opt("officers", v[O_OFFICERS], cw->officers, sizeof cw->officers)) !=
            LNT_CTL_OK ||
        (rc = copy_opt("status", v[O_STATUS], cw->status, sizeof cw->status)) != LNT_CTL_OK ||
        (rc = copy_opt("evidence", v[O_EVIDENCE], cw->evidence, sizeof cw->evidence)) !=
            LNT_CTL_OK ||
        (rc = copy_opt("outcome", v[O_OUTCOME], cw->outcome, sizeof cw->outcome)) != LNT_CTL_OK ||
        (rc = copy_opt("conditions", v[O_CONDITIONS], cw->conditions, sizeof cw->conditions)) !=
            LNT_CTL_OK)
        return rc;
    if (v[O_FINDINGS] != NULL) {
        const char *p = v[O_FINDINGS];
        cw->n_findings = 0;
        while (*p != '\0') {
            char one[24];
            size_t len = strcspn(p, ",");
            int64_t id;
            if (cw->n_findings >= LNT_CW_FINDINGS_MAX || len == 0 || len >= sizeof one)
                return lnt_ctl_fail("--findings: expected up to %d finding ids, e.g. 12,14",
                                    LNT_CW_FINDINGS_MAX);
            memcpy(one, p, len);
            one[len] = '\0';
            if ((rc = lnt_ctl_parse_id("findings", one, &id)) != LNT_CTL_OK)
                return rc;
            cw->findings[cw->n_findings++] = id;
            p += len + (p[len] == ',');
        }
    }
    if (v[O_OWNER] != NULL) {
        /* an officer's account by id or by email */
        if (strchr(v[O_OWNER], '@') != NULL) {
            struct lnt_officer off;
            char err[LNT_ERRBUF_SIZE] = "";
            if (lnt_store_officer_get(c->store, v[O_OWNER], &off, err) != LNT_OK)
                return lnt_ctl_fail("--owner: %s", err);
            cw->owner_id = off.id;
        } else if ((rc = lnt_ctl_parse_id("owner", v[O_OWNER], &cw->owner_id)) != LNT_CTL_OK) {
            return rc;
        }
    }
    return LNT_CTL_OK;
}

int lnt_ctl_casework_add(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {CW_OPTS,
                                         {"venue", required_argument, NULL, O_VENUE},
                                         {"type", required_argument, NULL, O_TYPE},
                                         {"plan", required_argument, NULL, O_PLAN},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_casework *cw = calloc(1, sizeof *cw);
    struct lnt_ctl_out o;
    uint8_t *pdf = NULL;
    size_t n = 0;
    int rc;

    if (cw == NULL)
        return lnt_ctl_fail("casework add: out of memory");
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        goto out;
    if (v[O_VENUE] == NULL || v[O_TYPE] == NULL) {
        rc = lnt_ctl_usage(c, "casework add: --venue and --type are required");
        goto out;
    }
    if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &cw->venue_id)) != LNT_CTL_OK)
        goto out;
    if (lnt_cw_type_parse(v[O_TYPE], &cw->type) != LNT_OK) {
        rc = lnt_ctl_fail("--type: expected visit, letter, plan, item, note or review, got '%s'",
                          v[O_TYPE]);
        goto out;
    }
    if (v[O_PLAN] != NULL && (rc = lnt_ctl_parse_id("plan", v[O_PLAN], &cw->plan_id)) != LNT_CTL_OK)
        goto out;
    if (cw->type == LNT_CW_ITEM)
        lnt_str_copy(cw->status, sizeof cw->status, "open");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK ||
        (rc = cw_fields(c, v, cw)) != LNT_CTL_OK ||
        (v[O_PDF] != NULL && (rc = read_pdf(v[O_PDF], &pdf, &n)) != LNT_CTL_OK))
        goto out;
    if (lnt_store_cw_add(c->store, NULL, lnt_time_now(), cw, pdf, n, err) != LNT_OK) {
        rc = lnt_ctl_fail("casework add: %s", err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    out_cw(&o, cw, true);
    rc = lnt_ctl_out_end(&o);
out:
    free(pdf);
    free(cw);
    return rc;
}

/* The record named by --record, loaded after the store is open. */
static int record_arg(struct lnt_ctl *c, const char *val, struct lnt_casework *cw)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t id;
    int rc;

    if (val == NULL)
        return lnt_ctl_usage(c, "%s: --record is required", c->cmd_name);
    if ((rc = lnt_ctl_parse_id("record", val, &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_cw_get(c->store, id, cw, err) != LNT_OK)
        return lnt_ctl_fail("%s: %s", c->cmd_name, err);
    return LNT_CTL_OK;
}

int lnt_ctl_casework_edit(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {
        CW_OPTS, {"record", required_argument, NULL, O_RECORD}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_casework *cw = calloc(1, sizeof *cw);
    struct lnt_ctl_out o;
    uint8_t *pdf = NULL;
    size_t n = 0;
    bool any = false;
    int rc;

    if (cw == NULL)
        return lnt_ctl_fail("casework edit: out of memory");
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        goto out;
    for (int i = O_DATE; i <= O_PDF; i++)
        any = any || v[i] != NULL;
    if (!any && v[O_RECORD] != NULL) {
        rc = lnt_ctl_usage(c, "casework edit: nothing to change: give at least one field");
        goto out;
    }
    if ((rc = record_arg(c, v[O_RECORD], cw)) != LNT_CTL_OK ||
        (rc = cw_fields(c, v, cw)) != LNT_CTL_OK ||
        (v[O_PDF] != NULL && (rc = read_pdf(v[O_PDF], &pdf, &n)) != LNT_CTL_OK))
        goto out;
    if (lnt_store_cw_edit(c->store, NULL, lnt_time_now(), cw, pdf, n, err) != LNT_OK) {
        rc = lnt_ctl_fail("casework edit: %s", err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    out_cw(&o, cw, true);
    rc = lnt_ctl_out_end(&o);
out:
    free(pdf);
    free(cw);
    return rc;
}

int lnt_ctl_casework_close(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"record", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_casework *cw = calloc(1, sizeof *cw);
    struct lnt_ctl_out o;
    int rc;

    if (cw == NULL)
        return lnt_ctl_fail("casework close: out of memory");
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = record_arg(c, v[0], cw)) != LNT_CTL_OK)
        goto out;
    if (lnt_store_cw_close(c->store, NULL, lnt_time_now(), cw->id, err) != LNT_OK ||
        lnt_store_cw_get(c->store, cw->id, cw, err) != LNT_OK) {
        rc = lnt_ctl_fail("casework close: %s", err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    out_cw(&o, cw, true);
    rc = lnt_ctl_out_end(&o);
out:
    free(cw);
    return rc;
}

/* Prints each of `list` (one line each with `line`), after auditing the read of `venue`. */
static int print_list(struct lnt_ctl *c, int64_t venue, const struct lnt_casework *list, size_t n,
                      bool line, bool brief)
{
    char object[32];
    int rc;

    snprintf(object, sizeof object, "venue %lld", (long long)venue);
    if ((rc = lnt_ctl_audit_read(c, "casework.read", object, "")) != LNT_CTL_OK)
        return rc;
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, line);
        out_cw(&o, &list[i], brief);
        rc = lnt_ctl_out_end(&o);
    }
    return rc;
}

int lnt_ctl_casework_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"venue", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_casework *list = NULL;
    size_t n = 0;
    int64_t venue;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "casework list: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[0], &venue)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_cw_list(c->store, venue, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("casework list: %s", err);
    rc = print_list(c, venue, list, n, true, true);
    free(list);
    return rc;
}

/* show (the current version) and history (every version, oldest first). */
static int show_or_history(struct lnt_ctl *c, int argc, char **argv, bool history)
{
    static const struct option opts[] = {{"record", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_casework *cw = calloc(1, sizeof *cw), *h = NULL;
    size_t n = 0;
    int rc;

    if (cw == NULL)
        return lnt_ctl_fail("%s: out of memory", c->cmd_name);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = record_arg(c, v[0], cw)) != LNT_CTL_OK)
        goto out;
    if (!history) {
        rc = print_list(c, cw->venue_id, cw, 1, false, false);
        goto out;
    }
    if (lnt_store_cw_history(c->store, cw->id, &h, &n, err) != LNT_OK) {
        rc = lnt_ctl_fail("casework history: %s", err);
        goto out;
    }
    rc = print_list(c, cw->venue_id, h, n, true, false);
out:
    free(h);
    free(cw);
    return rc;
}

int lnt_ctl_casework_show(struct lnt_ctl *c, int argc, char **argv)
{
    return show_or_history(c, argc, argv, false);
}

int lnt_ctl_casework_history(struct lnt_ctl *c, int argc, char **argv)
{
    return show_or_history(c, argc, argv, true);
}
