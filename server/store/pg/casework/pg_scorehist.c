/* pg_scorehist.c - the store on PostgreSQL: each venue's score history (schema 17), appended when
 * a venue's standing changes and never rewritten, as sqlite/casework/sq_scorehist.c: the same
 * rows, order, messages and errors. A change is recorded with the venue's row locked, so that
 * two servers' scanners seeing the same change at once add one row, as SQLite's one writer
 * does. */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

#include "store_casework.h"

static const char *const band_names[] = {"none", "green", "amber", "red"};
#define N_BANDS (sizeof band_names / sizeof band_names[0])

static int band_of(const char *s)
{
    for (size_t i = 0; i < N_BANDS; i++)
        if (strcmp(s, band_names[i]) == 0)
            return (int)i;
    return 0;
}

#define COLS                                                                                       \
    "id, venue_id, at, first, old_band, band, old_review, review, old_award, award, risk_milli, "  \
    "risk_version, bbn_version FROM score_history "

static void row(const PGresult *r, int i, void *elem)
{
    struct lnt_score_change *c = elem;
    char band[8];

    memset(c, 0, sizeof *c);
    c->id = lnt_pg_i64(r, i, 0);
    c->venue_id = lnt_pg_i64(r, i, 1);
    c->at = lnt_pg_i64(r, i, 2);
    c->first = lnt_pg_i64(r, i, 3) != 0;
    lnt_pg_text(r, i, 4, band, sizeof band);
    c->old_band = band_of(band);
    lnt_pg_text(r, i, 5, band, sizeof band);
    c->band = band_of(band);
    c->old_review = lnt_pg_i64(r, i, 6) != 0;
    c->review = lnt_pg_i64(r, i, 7) != 0;
    lnt_pg_text(r, i, 8, c->old_award, sizeof c->old_award);
    lnt_pg_text(r, i, 9, c->award, sizeof c->award);
    c->risk_milli = lnt_pg_i64(r, i, 10);
    lnt_pg_text(r, i, 11, c->risk_version, sizeof c->risk_version);
    lnt_pg_text(r, i, 12, c->bbn_version, sizeof c->bbn_version);
}

/* The newest row of a venue on pg into *out (zeroed when none); *found says whether there is
 * one. */
static enum lnt_err latest(PGconn *pg, int64_t venue_id, struct lnt_score_change *out, bool *found,
                           char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    *found = false;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    rc = lnt_pg_exec(pg, "SELECT " COLS "WHERE venue_id = $1 ORDER BY id DESC LIMIT 1", &p, &r, err,
                     "reading a venue's score history");
    if (rc == LNT_OK && PQntuples(r) == 1) {
        row(r, 0, out);
        *found = true;
    }
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_score_latest(struct lnt_store *s, int64_t venue_id,
                                    struct lnt_score_change *out, bool *found, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    *found = false;
    if (rc == LNT_OK)
        rc = latest(pg, venue_id, out, found, err);
    lnt_pg_give(s, pg);
    return rc;
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

/* Appends c's standing inside the transaction on pg when it is news (lnt_store_score_record). */
static enum lnt_err record_in(PGconn *pg, struct lnt_score_change *c, bool *added, char *err)
{
    struct lnt_score_change prev;
    struct lnt_pg_params p;
    PGresult *r = NULL;
    bool found = false;
    enum lnt_err rc;

    /* the venue's row is the lock two scans of one venue queue on (FOR NO KEY UPDATE: the
     * foreign keys of rows written meanwhile take a key share, which this does not wait for);
     * the newest row is read after it is taken, so the second scan sees the first's row */
    rc = lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1 FOR NO KEY UPDATE", c->venue_id,
                           "venue", err);
    if (rc == LNT_OK)
        rc = latest(pg, c->venue_id, &prev, &found, err);
    if (rc != LNT_OK)
        return rc;
    if (found && (same_standing(&prev, c) || c->at < prev.at))
        return LNT_OK; /* nothing new, or an older look than one recorded */
    c->first = !found;
    c->old_band = found ? prev.band : c->band;
    c->old_review = found ? prev.review : c->review;
    (void)lnt_str_copy(c->old_award, sizeof c->old_award, found ? prev.award : c->award);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, c->venue_id);
    lnt_pg_p_i64(&p, c->at);
    lnt_pg_p_i64(&p, c->first ? 1 : 0);
    lnt_pg_p_text(&p, band_names[c->old_band]);
    lnt_pg_p_text(&p, band_names[c->band]);
    lnt_pg_p_i64(&p, c->old_review ? 1 : 0);
    lnt_pg_p_i64(&p, c->review ? 1 : 0);
    lnt_pg_p_text(&p, c->old_award);
    lnt_pg_p_text(&p, c->award);
    lnt_pg_p_i64(&p, c->risk_milli);
    lnt_pg_p_text(&p, c->risk_version);
    lnt_pg_p_text(&p, c->bbn_version);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO score_history (venue_id, at, first, old_band, band, old_review, "
                     "review, old_award, award, risk_milli, risk_version, bbn_version) VALUES "
                     "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                     &p, &r, err, "recording a score change");
    if (rc == LNT_OK) {
        c->id = lnt_pg_i64(r, 0, 0);
        *added = true;
    }
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_score_record(struct lnt_store *s, struct lnt_score_change *c, bool *added,
                                    char *err)
{
    PGconn *pg = NULL;
    bool done = false;
    enum lnt_err rc;

    if (added != NULL)
        *added = false;
    rc = check(c, err);
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = record_in(pg, c, &done, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (added != NULL)
        *added = rc == LNT_OK && done;
    return rc;
}

enum lnt_err lnt_store_score_history(struct lnt_store *s, int64_t venue_id, int64_t upto,
                                     size_t limit, struct lnt_score_change **out, size_t *n,
                                     char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > LNT_CW_LIST_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "limit must be 1 to %d", LNT_CW_LIST_MAX);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, lnt_pg_upper(upto));
    lnt_pg_p_i64(&p, (int64_t)limit);
    rc =
        lnt_pg_list(pg, "SELECT " COLS "WHERE venue_id = $1 AND at <= $2 ORDER BY id DESC LIMIT $3",
                    &p, sizeof **out, row, (void **)out, n, err, "reading a venue's score history");
    lnt_pg_give(s, pg);
    return rc;
}
