/* cw_rules.c - casework's names, checks and the text form of a record's findings: one home for
 * both backends (sqlite/casework/sq_casework.c, pg/casework/pg_casework.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_casework.h"
#include "store_int.h"

/* ---- names and checks ---- */

static const char *const type_names[] = {
    [LNT_CW_VISIT] = "visit", [LNT_CW_LETTER] = "letter", [LNT_CW_PLAN] = "plan",
    [LNT_CW_ITEM] = "item",   [LNT_CW_NOTE] = "note",     [LNT_CW_REVIEW] = "review",
};

static const char *const visit_kinds[] = {"bbn_assessment", "licensing_inspection", "police_visit",
                                          "test_purchase", NULL};
static const char *const letter_kinds[] = {"advice_letter", "warning_letter", "final_warning",
                                           "other", NULL};
static const char *const item_states[] = {"open", "done", "dropped", NULL};

const char *lnt_cw_type_name(enum lnt_cw_type t)
{
    return t >= LNT_CW_VISIT && t <= LNT_CW__MAX ? type_names[t] : "unknown";
}

enum lnt_err lnt_cw_type_parse(const char *s, enum lnt_cw_type *out)
{
    for (int t = LNT_CW_VISIT; s != NULL && t <= LNT_CW__MAX; t++)
        if (strcmp(s, type_names[t]) == 0) {
            *out = (enum lnt_cw_type)t;
            return LNT_OK;
        }
    return LNT_ERR_INVALID;
}

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

bool lnt_cw_kind_valid(enum lnt_cw_type t, const char *kind)
{
    if (t == LNT_CW_VISIT)
        return in_list(visit_kinds, kind);
    if (t == LNT_CW_LETTER)
        return in_list(letter_kinds, kind);
    return kind[0] == '\0';
}

/* Text of at most max bytes, or empty unless `required`; newlines and tabs allowed when `lines`. */
static enum lnt_err text_ok(const char *what, const char *s, size_t max, bool required, bool lines,
                            char *err)
{
    char tmp[LNT_CW_TEXT_MAX + 1];
    size_t n = strnlen(s, max + 1);

    if (n == 0)
        return required ? lnt_fail(err, LNT_ERR_INVALID, "%s must not be empty", what) : LNT_OK;
    if (n > max)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s is longer than %zu bytes", what, max);
    memcpy(tmp, s, n + 1);
    for (size_t i = 0; lines && i < n; i++)
        if (tmp[i] == '\n' || tmp[i] == '\r' || tmp[i] == '\t')
            tmp[i] = ' ';
    return lnt_store_text_check(what, tmp, max, err);
}

enum lnt_err lnt_cw_check(const struct lnt_casework *c, bool has_pdf, char *err)
{
    enum lnt_cw_type t = c->type;
    enum lnt_err rc;

    if (t < LNT_CW_VISIT || t > LNT_CW__MAX)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "type must be visit, letter, plan, item, note or review");
    if (!lnt_cw_kind_valid(t, c->kind))
        return lnt_fail(err, LNT_ERR_INVALID,
                        t == LNT_CW_VISIT ? "kind must be bbn_assessment, licensing_inspection, "
                                            "police_visit or test_purchase"
                        : t == LNT_CW_LETTER
                            ? "kind must be advice_letter, warning_letter, final_warning or other"
                            : "only a visit or a letter has a kind");
    if ((t == LNT_CW_VISIT || t == LNT_CW_LETTER || t == LNT_CW_ITEM || t == LNT_CW_REVIEW) &&
        c->on <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s needs a date",
                        t == LNT_CW_ITEM     ? "an item"
                        : t == LNT_CW_REVIEW ? "a review (its application)"
                                             : "a visit or letter");
    if (c->on < 0 || c->hearing_on < 0 || (c->hearing_on != 0 && t != LNT_CW_REVIEW))
        return lnt_fail(err, LNT_ERR_INVALID, "only a review has a hearing date");
    if (c->n_findings > LNT_CW_FINDINGS_MAX || (c->n_findings > 0 && t != LNT_CW_VISIT))
        return lnt_fail(err, LNT_ERR_INVALID, "only a visit links findings, at most %d",
                        LNT_CW_FINDINGS_MAX);
    if (has_pdf && t != LNT_CW_LETTER)
        return lnt_fail(err, LNT_ERR_INVALID, "only a letter has an attached PDF");
    if ((rc = text_ok("title", c->title, LNT_CW_SHORT_MAX, t == LNT_CW_PLAN, false, err)) !=
            LNT_OK ||
        (rc = text_ok("text", c->text, LNT_CW_TEXT_MAX,
                      t == LNT_CW_ITEM || t == LNT_CW_NOTE || (t == LNT_CW_LETTER && !has_pdf),
                      true, err)) != LNT_OK ||
        (rc = text_ok("officers", c->officers, LNT_CW_SHORT_MAX, t == LNT_CW_VISIT, false, err)) !=
            LNT_OK ||
        (rc = text_ok("evidence", c->evidence, LNT_CW_TEXT_MAX, false, true, err)) != LNT_OK ||
        (rc = text_ok("outcome", c->outcome, LNT_CW_SHORT_MAX, false, false, err)) != LNT_OK ||
        (rc = text_ok("conditions", c->conditions, LNT_CW_TEXT_MAX, false, true, err)) != LNT_OK)
        return rc;
    if (c->title[0] != '\0' && t != LNT_CW_PLAN)
        return lnt_fail(err, LNT_ERR_INVALID, "only a plan has a title");
    if (c->officers[0] != '\0' && t != LNT_CW_VISIT)
        return lnt_fail(err, LNT_ERR_INVALID, "only a visit has officers");
    if ((c->outcome[0] != '\0' || c->conditions[0] != '\0') && t != LNT_CW_REVIEW)
        return lnt_fail(err, LNT_ERR_INVALID, "only a review has an outcome and conditions");
    if (t == LNT_CW_ITEM) {
        if (c->owner_id <= 0)
            return lnt_fail(err, LNT_ERR_INVALID, "an item needs an owner (an officer)");
        if (!in_list(item_states, c->status))
            return lnt_fail(err, LNT_ERR_INVALID, "status must be open, done or dropped");
        if (strcmp(c->status, "done") == 0 && c->evidence[0] == '\0')
            return lnt_fail(err, LNT_ERR_INVALID, "an item done needs evidence of completion");
    } else if (c->owner_id != 0 || c->status[0] != '\0' || c->evidence[0] != '\0') {
        return lnt_fail(err, LNT_ERR_INVALID, "only a plan's item has an owner, status, evidence");
    }
    return LNT_OK;
}

enum lnt_err lnt_cw_pdf_check(const uint8_t *pdf, size_t n, char *err)
{
    if (n > LNT_CW_PDF_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "the PDF is %zu bytes, at most %d allowed", n,
                        LNT_CW_PDF_MAX);
    if (pdf == NULL || n < 5 || memcmp(pdf, "%PDF-", 5) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "the attachment is not a PDF (no %%PDF- header)");
    return LNT_OK;
}

/* ---- editing ---- */

void lnt_cw_edit_keep(struct lnt_casework *c, const struct lnt_casework *cur, bool new_pdf)
{
    /* what a record is and whose it is never changes */
    c->type = cur->type;
    c->venue_id = cur->venue_id;
    c->plan_id = cur->plan_id;
    c->closed_at = 0;
    c->closed_by[0] = '\0';
    if (!new_pdf)
        memcpy(c->pdf_sha256, cur->pdf_sha256, sizeof c->pdf_sha256);
}

/* ---- findings as stored: finding ids in order, comma-separated ---- */

void lnt_cw_findings_parse(struct lnt_casework *c, const char *s)
{
    c->n_findings = 0;
    while (s != NULL && *s != '\0' && c->n_findings < LNT_CW_FINDINGS_MAX) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (end == s || errno != 0)
            break;
        c->findings[c->n_findings++] = (int64_t)v;
        s = *end == ',' ? end + 1 : end;
    }
}

void lnt_cw_findings_text(const struct lnt_casework *c, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < c->n_findings && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%" PRId64, i ? "," : "", c->findings[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
