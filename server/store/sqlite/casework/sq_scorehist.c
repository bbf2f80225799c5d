/* sq_scorehist.c - the store on SQLite: each venue's score history (schema 17), appended when a
 * venue's standing changes and never rewritten. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_casework.h"

static const char *const band_names[] = {"none", "green", "amber", "red"};
#define N_BANDS (sizeof band_names / sizeof band_names[0])

static int band_of(const char *s)
{
    for (size_t i = 0; s != NULL && i < N_BANDS; i++)
        if (strcmp(s, band_names[i]) == 0)
            return (int)i;
    return 0;
}

#define COLS                                                                                       \
    "id, venue_id, at, first, old_band, band, old_review, review, old_award, award, risk_milli, "  \
    "risk_version, bbn_version FROM score_history "

static void row(sqlite3_stmt *st, void *elem)
{
    struct lnt_score_change *c = elem;

    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->venue_id = sqlite3_column_int64(st, 1);
    c->at = sqlite3_column_int64(st, 2);
    c->first = sqlite3_column_int(st, 3) != 0;
    c->old_band = band_of((const char *)sqlite3_column_text(st, 4));
    c->band = band_of((const char *)sqlite3_column_text(st, 5));
    c->old_review = sqlite3_column_int(st, 6) != 0;
    c->review = sqlite3_column_int(st, 7) != 0;
    lnt_sq_text(c->old_award, sizeof c->old_award, st, 8);
    lnt_sq_text(c->award, sizeof c->award, st, 9);
    c->risk_milli = sqlite3_column_int64(st, 10);
    lnt_sq_text(c->risk_version, sizeof c->risk_version, st, 11);
    lnt_sq_text(c->bbn_version, sizeof c->bbn_version, st, 12);
}

/* The newest row of a venue on connection `conn`: 1 found, 0 none, -1 error (err set). */
static int latest(struct lnt_sq_conn *conn, int64_t venue_id, struct lnt_score_change *out,
                  char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(conn, "SELECT " COLS "WHERE venue_id = ?1 ORDER BY id DESC LIMIT 1", err);
    int r, found = -1;

    memset(out, 0, sizeof *out);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, venue_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        row(st, out);
        found = 1;
    } else if (r == SQLITE_DONE) {
        found = 0;
    } else {
        (void)lnt_sq_fail(conn->db, err, "reading a venue's score history");
    }
    sqlite3_reset(st);
    return found;
}

enum lnt_err lnt_store_score_latest(struct lnt_store *s, int64_t venue_id,
                                    struct lnt_score_change *out, bool *found, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    int r = latest(c, venue_id, out, err);

    lnt_sq_rend(s, c);
    *found = r == 1;
    return r < 0 ? LNT_ERR_DB : LNT_OK;
}

static enum lnt_err check(const struct lnt_score_change *c, char *err)
{
    if (c->band < 0 || (size_t)c->band >= N_BANDS)
        return lnt_fail(err, LNT_ERR_INVALID, "band %d is not 0 to 3", c->band);
    if (strlen(c->award) > LNT_SCORE_HIST_NAME_MAX ||
        strlen(c->risk_version) > LNT_SCORE_HIST_NAME_MAX ||
        strlen(c->bbn_version) > LNT_SCORE_HIST_NAME_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "an award or rules version is too long");
    return LNT_OK;
}

static bool same_standing(const struct lnt_score_change *a, const struct lnt_score_change *b)
{
    return a->band == b->band && a->review == b->review && strcmp(a->award, b->award) == 0;
}

enum lnt_err lnt_store_score_record(struct lnt_store *s, struct lnt_score_change *c, bool *added,
                                    char *err)
{
    struct lnt_score_change prev;
    sqlite3_stmt *st;
    enum lnt_err rc;
    int found;

    if (added != NULL)
        *added = false;
    rc = check(c, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, c->venue_id, err);
    if (rc != LNT_OK)
        goto out;
    found = latest(&s->w, c->venue_id, &prev, err);
    if (found < 0) {
        rc = LNT_ERR_DB;
        goto out;
    }
    if (found == 1 && (same_standing(&prev, c) || c->at < prev.at))
        goto out; /* nothing new, or an older look than one recorded */
    c->first = found == 0;
    c->old_band = found == 1 ? prev.band : c->band;
    c->old_review = found == 1 ? prev.review : c->review;
    lnt_str_copy(c->old_award, sizeof c->old_award, found == 1 ? prev.award : c->award);
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO score_history (venue_id, at, first, old_band, band, old_review, "
                     "review, old_award, award, risk_milli, risk_version, bbn_version) VALUES "
                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, c->venue_id);
    sqlite3_bind_int64(st, 2, c->at);
    sqlite3_bind_int(st, 3, c->first ? 1 : 0);
    sqlite3_bind_text(st, 4, band_names[c->old_band], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, band_names[c->band], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, c->old_review ? 1 : 0);
    sqlite3_bind_int(st, 7, c->review ? 1 : 0);
    sqlite3_bind_text(st, 8, c->old_award, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, c->award, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, c->risk_milli);
    sqlite3_bind_text(st, 11, c->risk_version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, c->bbn_version, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "recording a score change");
    if (rc != LNT_OK)
        goto out;
    c->id = sqlite3_last_insert_rowid(s->w.db);
    if (added != NULL)
        *added = true;
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_score_history(struct lnt_store *s, int64_t venue_id, int64_t upto,
                                     size_t limit, struct lnt_score_change **out, size_t *n,
                                     char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > LNT_CW_LIST_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "limit must be 1 to %d", LNT_CW_LIST_MAX);
    c = lnt_sq_rbegin(s);
    st = lnt_sq_stmt(c, "SELECT " COLS "WHERE venue_id = ?1 AND at <= ?2 ORDER BY id DESC LIMIT ?3",
                     err);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int64(st, 2, upto != 0 ? upto : INT64_MAX);
        sqlite3_bind_int64(st, 3, (int64_t)limit);
        rc = lnt_sq_list(c->db, st, sizeof **out, row, (void **)out, n, err,
                         "reading a venue's score history");
    }
    lnt_sq_rend(s, c);
    return rc;
}
