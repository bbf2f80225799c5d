/* web_casework_form.c - the case file's casework forms: record, edit (a new version) and close.
 * Each is a CSRF-checked form post (web.c), parsed by web_form.c; record and edit come as
 * multipart/form-data and may carry a letter's signed PDF. The store audits every change as
 * "web:<email>". Bad input is answered with one sentence naming what was wrong. */
#include "web_casework.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "store_casework.h"

/* The venue of params[0] for an officer who may change its casework; false with the page written
 * otherwise. */
static bool venue_for_change(struct web_req *r, struct lnt_venue *v)
{
    int64_t id;

    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, v))
        return false;
    if (!web_can_casework(r)) {
        web_audit(r, "access.refused", "casework", "role may not change casework");
        web_error(r, 403, "Not allowed", "Your role cannot change the partnership's casework.");
        return false;
    }
    return true;
}

/* Copies form field `key` (when posted) into dst; false with a 400 page when it does not fit. */
static bool text_field(struct web_req *r, const char *key, const char *label, char *dst,
                       size_t size)
{
    const char *val = web_form_get(&r->form, key);

    if (val == NULL)
        return true;
    if (lnt_str_copy(dst, size, val) != LNT_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "The %s is longer than %zu characters.", label, size - 1);
        web_error(r, 400, "Not saved", msg);
        return false;
    }
    return true;
}

static bool date_field(struct web_req *r, const char *key, const char *label, int32_t *out)
{
    const char *val = web_form_get(&r->form, key);

    if (val == NULL)
        return true;
    if (val[0] == '\0') {
        *out = 0;
        return true;
    }
    if (lnt_date_parse(val, out) != LNT_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "The %s is not a date (YYYY-MM-DD).", label);
        web_error(r, 400, "Not saved", msg);
        return false;
    }
    return true;
}

static bool id_field(struct web_req *r, const char *key, const char *label, int64_t *out)
{
    const char *val = web_form_get(&r->form, key);

    if (val == NULL)
        return true;
    if (val[0] == '\0') {
        *out = 0;
        return true;
    }
    if (lnt_parse_i64(val, 1, INT64_MAX, out) != LNT_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "The %s is not a record's number.", label);
        web_error(r, 400, "Not saved", msg);
        return false;
    }
    return true;
}

/* Applies the posted fields to *c. A field a type does not use is ignored, as the form for a
 * new record offers them all. */
static bool apply_form(struct web_req *r, struct lnt_casework *c)
{
    enum lnt_cw_type t = c->type;
    const char *findings = web_form_get(&r->form, "findings");

    if (!date_field(r, "date", "date", &c->on) ||
        !text_field(r, "text", "text", c->text, sizeof c->text))
        return false;
    if ((t == LNT_CW_VISIT || t == LNT_CW_LETTER) &&
        !text_field(r, "kind", "kind", c->kind, sizeof c->kind))
        return false;
    if (t == LNT_CW_PLAN && !text_field(r, "title", "title", c->title, sizeof c->title))
        return false;
    if (t == LNT_CW_VISIT) {
        if (!text_field(r, "officers", "officers", c->officers, sizeof c->officers))
            return false;
        if (findings != NULL) {
            const char *p = findings;
            c->n_findings = 0;
            while (*p != '\0') {
                char one[24];
                size_t len;
                int64_t id;
                p += strspn(p, " ,");
                len = strcspn(p, " ,");
                if (len == 0)
                    break;
                if (len < sizeof one) {
                    memcpy(one, p, len);
                    one[len] = '\0';
                }
                if (c->n_findings >= LNT_CW_FINDINGS_MAX || len >= sizeof one ||
                    lnt_parse_i64(one, 1, INT64_MAX, &id) != LNT_OK) {
                    web_error(r, 400, "Not saved",
                              "Linked findings are finding numbers separated by commas, at most "
                              "8.");
                    return false;
                }
                c->findings[c->n_findings++] = id;
                p += len;
            }
        }
    }
    if (t == LNT_CW_ITEM &&
        (!id_field(r, "owner", "owner", &c->owner_id) ||
         !text_field(r, "status", "status", c->status, sizeof c->status) ||
         !text_field(r, "evidence", "evidence", c->evidence, sizeof c->evidence)))
        return false;
    if (t == LNT_CW_REVIEW &&
        (!date_field(r, "hearing", "hearing date", &c->hearing_on) ||
         !text_field(r, "outcome", "outcome", c->outcome, sizeof c->outcome) ||
         !text_field(r, "conditions", "conditions", c->conditions, sizeof c->conditions)))
        return false;
    return true;
}

/* "/venues/<digits>/casework" and "/venues/<digits>/casework/<digits>/edit". */
bool web_casework_takes_pdf(const char *path)
{
    const char *p = path;

    if (!lnt_str_starts(p, "/venues/"))
        return false;
    p += strlen("/venues/");
    if (*p < '0' || *p > '9')
        return false;
    p += strspn(p, "0123456789");
    if (!lnt_str_starts(p, "/casework"))
        return false;
    p += strlen("/casework");
    if (*p == '\0')
        return true;
    if (p[0] != '/' || p[1] < '0' || p[1] > '9')
        return false;
    p += 1 + strspn(p + 1, "0123456789");
    return strcmp(p, "/edit") == 0;
}

/*
 * The letter's PDF chosen in the file input "pdf": *pdf NULL when none was (an empty file
 * input). false, with the form written again as typed, when the file cannot be attached: not a
 * letter, not a PDF, too large.
 */
static bool pdf_field(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *c,
                      const uint8_t **pdf, size_t *n)
{
    const struct lnt_multipart_part *f = web_form_file(r, "pdf");
    char err[LNT_ERRBUF_SIZE] = "", msg[LNT_ERRBUF_SIZE + LNT_MULTIPART_FILENAME_MAX + 64];
    enum lnt_err rc;

    *pdf = NULL;
    *n = 0;
    if (f == NULL || (f->len == 0 && f->filename[0] == '\0'))
        return true;
    if (c->type != LNT_CW_LETTER) {
        web_casework_again(r, v, c, 400,
                           "Only a letter or warning carries a PDF: record it as a letter, or "
                           "leave the file out.");
        return false;
    }
    rc = lnt_cw_pdf_check((const uint8_t *)f->data, f->len, err);
    if (rc != LNT_OK) {
        snprintf(msg, sizeof msg, "The file \"%s\" was not attached: %s.",
                 f->filename[0] != '\0' ? f->filename : "(no name)", err);
        web_casework_again(r, v, c, rc == LNT_ERR_TOO_LARGE ? 413 : 415, msg);
        return false;
    }
    *pdf = (const uint8_t *)f->data;
    *n = f->len;
    return true;
}

static void back_to(struct web_req *r, int64_t venue, int64_t record)
{
    char where[96];

    snprintf(where, sizeof where, "/venues/%lld?saved=casework#cw-%lld", (long long)venue,
             (long long)record);
    web_redirect(r, where);
}

/* POST /venues/{id}/casework: type, plan and the fields of that type. */
void web_casework_add(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_casework *c = calloc(1, sizeof *c);
    char err[LNT_ERRBUF_SIZE] = "";
    const uint8_t *pdf = NULL; /* borrowed from the request's body */
    size_t n = 0;

    if (c == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory. Try again in a moment.");
        return;
    }
    if (!venue_for_change(r, &v))
        goto out;
    c->venue_id = v.id;
    if (lnt_cw_type_parse(web_form_get(&r->form, "type"), &c->type) != LNT_OK) {
        web_error(r, 400, "Not saved",
                  "Choose what to record: a visit, letter, plan, item, "
                  "note or review.");
        goto out;
    }
    if (c->type == LNT_CW_ITEM) {
        lnt_str_copy(c->status, sizeof c->status, "open");
        c->owner_id = r->officer.id;
        if (!id_field(r, "plan", "plan", &c->plan_id))
            goto out;
    }
    if (!apply_form(r, c) || !pdf_field(r, &v, c, &pdf, &n))
        goto out;
    if (lnt_store_cw_add(r->web->store, r->actor, r->now, c, pdf, n, err) != LNT_OK) {
        c->id = 0;
        web_casework_again(r, &v, c, 400, err);
        goto out;
    }
    back_to(r, v.id, c->id);
out:
    free(c);
}

/* The record params[1] of the venue, loaded for a change; false with the page written. */
static bool record_for_change(struct web_req *r, struct lnt_venue *v, struct lnt_casework *c)
{
    int64_t id;

    if (!venue_for_change(r, v) || !web_param_id(r, 1, &id))
        return false;
    if (lnt_store_cw_get(r->web->store, id, c, NULL) != LNT_OK || c->venue_id != v->id) {
        web_error(r, 404, "Not found", "This venue has no such casework record.");
        return false;
    }
    return true;
}

/* POST /venues/{id}/casework/{record}/edit: the fields given make a new version. */
void web_casework_edit(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_casework *c = calloc(1, sizeof *c);
    char err[LNT_ERRBUF_SIZE] = "";
    const uint8_t *pdf = NULL; /* borrowed from the request's body */
    size_t n = 0;

    if (c == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory. Try again in a moment.");
        return;
    }
    if (!record_for_change(r, &v, c) || !apply_form(r, c) || !pdf_field(r, &v, c, &pdf, &n))
        goto out;
    if (lnt_store_cw_edit(r->web->store, r->actor, r->now, c, pdf, n, err) != LNT_OK) {
        web_casework_again(r, &v, c, 400, err);
        goto out;
    }
    back_to(r, v.id, c->id);
out:
    free(c);
}

/* POST /venues/{id}/casework/{record}/close */
void web_casework_close(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_casework *c = calloc(1, sizeof *c);
    char err[LNT_ERRBUF_SIZE] = "";

    if (c == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory. Try again in a moment.");
        return;
    }
    if (!record_for_change(r, &v, c))
        goto out;
    if (lnt_store_cw_close(r->web->store, r->actor, r->now, c->id, err) != LNT_OK) {
        web_error(r, 409, "Not closed", err);
        goto out;
    }
    back_to(r, v.id, c->id);
out:
    free(c);
}
