/*
 * store_casework.h - casework on each venue: visits, letters and warnings, action plans and
 * their items, notes and the review history. Nothing is ever deleted: each change (created,
 * edited, closed) is a new version of the record that supersedes the one before, and every
 * version stays readable in the record's history. Each change is audited with who and when.
 */
#ifndef LNT_STORE_CASEWORK_H
#define LNT_STORE_CASEWORK_H

#include "store.h"

#define LNT_CW_TEXT_MAX 4000         /* bytes of a visit's findings, a letter, a note, ... */
#define LNT_CW_SHORT_MAX 160         /* bytes of a title, the officers on a visit, an outcome */
#define LNT_CW_ACTOR_MAX 63          /* bytes of who made a change, as the audit log names them */
#define LNT_CW_FINDINGS_MAX 8        /* findings one visit links */
#define LNT_CW_PDF_MAX (2 * 1048576) /* bytes of a letter's attached PDF */
#define LNT_CW_LIST_MAX 2000         /* records of one venue in one list */

enum lnt_cw_type {
    LNT_CW_VISIT = 1,
    LNT_CW_LETTER = 2,
    LNT_CW_PLAN = 3,
    LNT_CW_ITEM = 4, /* an item of an action plan */
    LNT_CW_NOTE = 5,
    LNT_CW_REVIEW = 6,
    LNT_CW__MAX = 6
};
/* "visit", "letter", "plan", "item", "note", "review"; "unknown" otherwise. */
const char *lnt_cw_type_name(enum lnt_cw_type t);
/* LNT_ERR_INVALID for any other name. */
enum lnt_err lnt_cw_type_parse(const char *s, enum lnt_cw_type *out);
/* The words a kind may be: a visit's (bbn_assessment, licensing_inspection, police_visit,
 * test_purchase) and a letter's (advice_letter, warning_letter, final_warning, other). */
bool lnt_cw_kind_valid(enum lnt_cw_type t, const char *kind);

/*
 * One version of a record. Which fields a type uses (the others are empty or 0):
 *   visit:  on (its date), kind, officers, text (what was found), findings
 *   letter: on (its date), kind, text and/or an attached PDF (pdf_sha256)
 *   plan:   title (e.g. "Twelve-week plan after Amber"), text (optional)
 *   item:   plan_id, text, owner_id (an officer), on (due date), status, evidence
 *   note:   text
 *   review: on (application date), hearing_on, outcome, conditions (added or changed)
 */
struct lnt_casework {
    int64_t id; /* the record */
    int64_t venue_id;
    enum lnt_cw_type type;
    int64_t plan_id; /* an item's plan */
    int32_t version; /* 1 = as created; each edit or close adds one */
    int32_t on;      /* days since the epoch, 0 = none */
    char kind[24];
    char title[LNT_CW_SHORT_MAX + 1];
    char text[LNT_CW_TEXT_MAX + 1];
    char officers[LNT_CW_SHORT_MAX + 1];
    int64_t findings[LNT_CW_FINDINGS_MAX];
    size_t n_findings;
    int64_t owner_id; /* item: officers.id */
    char status[8];   /* item: "open", "done" or "dropped" */
    char evidence[LNT_CW_TEXT_MAX + 1];
    int32_t hearing_on; /* review: days, 0 = not yet set */
    char outcome[LNT_CW_SHORT_MAX + 1];
    char conditions[LNT_CW_TEXT_MAX + 1];
    char pdf_sha256[65]; /* letter: lower-case hex of the attached PDF, "" = none */
    /* read only: */
    int64_t pdf_size;
    int64_t created_at;
    int64_t at;                    /* when this version was written */
    char by[LNT_CW_ACTOR_MAX + 1]; /* who wrote it */
    int64_t closed_at;             /* 0 = open */
    char closed_by[LNT_CW_ACTOR_MAX + 1];
    int64_t superseded_at; /* 0 = the current version */
};

/*
 * Checks a record for its type: known kind, bounded UTF-8 text without control characters
 * (newlines and tabs allowed in the long texts), the fields the type needs. LNT_ERR_INVALID
 * with a message naming the field. Does not look at the database. Thread-safe.
 */
enum lnt_err lnt_cw_check(const struct lnt_casework *c, bool has_pdf, char *err);
/* LNT_OK when `pdf` (n bytes) starts with "%PDF-" and is 1 to LNT_CW_PDF_MAX bytes;
 * LNT_ERR_TOO_LARGE or LNT_ERR_INVALID with a message otherwise. */
enum lnt_err lnt_cw_pdf_check(const uint8_t *pdf, size_t n, char *err);

/*
 * Creates a record from *c (c->id, version, times filled in) as `actor` at `now`, with an
 * audit row "casework.add". pdf (n bytes, may be NULL) is a letter's attachment, checked with
 * lnt_cw_pdf_check and stored with its SHA-256. LNT_ERR_INVALID (a bad field, a finding that
 * is not the venue's, an item's owner who is not an active officer), LNT_ERR_NOT_FOUND (the
 * venue or an item's plan), LNT_ERR_STATE (an item for a closed plan), LNT_ERR_TOO_LARGE.
 * Thread-safe.
 */
enum lnt_err lnt_store_cw_add(struct lnt_store *s, const char *actor, int64_t now,
                              struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err);
/*
 * Writes *c (c->id names the record) as its new current version, superseding the one before
 * (kept, readable in the history), with an audit row "casework.edit". The type, venue and
 * plan are the record's and cannot change. pdf NULL keeps the current attachment; a new one
 * replaces it (the old stays in the history). Refreshes *c to the stored version.
 * LNT_ERR_NOT_FOUND, LNT_ERR_STATE for a closed record, the errors of lnt_store_cw_add.
 * Thread-safe.
 */
enum lnt_err lnt_store_cw_edit(struct lnt_store *s, const char *actor, int64_t now,
                               struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err);
/*
 * Closes record `id`: a new version, the same as the current one with closed_at and closed_by
 * set, and an audit row "casework.close". Closing a plan leaves its items as they are.
 * LNT_ERR_NOT_FOUND, LNT_ERR_STATE when already closed. Thread-safe.
 */
enum lnt_err lnt_store_cw_close(struct lnt_store *s, const char *actor, int64_t now, int64_t id,
                                char *err);
/* The current version of record `id`. LNT_ERR_NOT_FOUND. Thread-safe. */
enum lnt_err lnt_store_cw_get(struct lnt_store *s, int64_t id, struct lnt_casework *out, char *err);
/* Every version of record `id`, oldest first; *out is the caller's to free. LNT_ERR_NOT_FOUND.
 * Thread-safe. */
enum lnt_err lnt_store_cw_history(struct lnt_store *s, int64_t id, struct lnt_casework **out,
                                  size_t *n, char *err);
/*
 * The current version of each record of venue `venue_id` (closed ones too), by date (on, else
 * created_at) newest first, items after their plan's place, at most LNT_CW_LIST_MAX; *out is
 * the caller's to free. Thread-safe.
 */
enum lnt_err lnt_store_cw_list(struct lnt_store *s, int64_t venue_id, struct lnt_casework **out,
                               size_t *n, char *err);
/*
 * The same list as it stood at instant `at` (0 = now, as lnt_store_cw_list): records created
 * by then, each in the version that was current at `at`. A record edited or closed later shows
 * its earlier text and state (an item closed later is open then; its superseded_at is the time
 * the later version replaced it, never 0). Thread-safe.
 */
enum lnt_err lnt_store_cw_list_at(struct lnt_store *s, int64_t venue_id, int64_t at,
                                  struct lnt_casework **out, size_t *n, char *err);
/*
 * The attached PDF of record `id` as of version `version` (0 = the current one): *out (the
 * caller's to free) and *n. LNT_ERR_NOT_FOUND when there is no such record, version or
 * attachment. Thread-safe.
 */
enum lnt_err lnt_store_cw_pdf(struct lnt_store *s, int64_t id, int32_t version, uint8_t **out,
                              size_t *n, char *err);
/*
 * Open action items owned by officer `owner_id`, due before day `today`, whose record and plan
 * are not closed, at venues `scope` covers (NULL = every venue; a venue manager's scope covers
 * none), soonest due first; *out is the caller's to free. `at` 0 reads the current versions;
 * otherwise the versions current at `at` (as lnt_store_cw_list_at), so that an overview as at a
 * past date lists what was overdue then. Thread-safe.
 */
enum lnt_err lnt_store_cw_overdue(struct lnt_store *s, int64_t owner_id, int32_t today, int64_t at,
                                  const struct lnt_scope *scope, struct lnt_casework **out,
                                  size_t *n, char *err);

/* ---- score history (schema 17): each venue's standing over time ---- */

#define LNT_SCORE_HIST_NAME_MAX 31 /* bytes of an award name or a rules version */

/*
 * One row of a venue's score history: its standing when it changed. The alert scanner writes
 * it (server/alerts); the case file's timeline, the evidence pack and the API read it. Bands
 * are numbered as enum lnt_band (score.h): 0 not yet scored, 1 Green, 2 Amber, 3 Red.
 */
struct lnt_score_change {
    int64_t id;
    int64_t venue_id;
    int64_t at; /* when the scanner saw it */
    bool first; /* the first standing recorded for the venue: no change known before it */
    int band;
    bool review;                             /* flagged for review */
    char award[LNT_SCORE_HIST_NAME_MAX + 1]; /* "" = none */
    /* the standing before this row (the same as the above on a first row) */
    int old_band;
    bool old_review;
    char old_award[LNT_SCORE_HIST_NAME_MAX + 1];
    int64_t risk_milli; /* risk points at `at`, in thousandths */
    char risk_version[LNT_SCORE_HIST_NAME_MAX + 1], bbn_version[LNT_SCORE_HIST_NAME_MAX + 1];
};

/*
 * The newest row of venue `venue_id` into *out; *found false (and *out zeroed) when the venue
 * has none yet. LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_score_latest(struct lnt_store *s, int64_t venue_id,
                                    struct lnt_score_change *out, bool *found, char *err);
/*
 * Appends c's standing (venue_id, at, band, review, award, risk_milli, the versions; the old_*
 * and first fields are filled here from the venue's newest row) when it differs from that row
 * in band, review or award, or when the venue has no row (then as its first). Nothing is
 * written when the standing is the same, or when c->at is before the newest row's time (an
 * older look than one already recorded). The read and the write are one transaction, so two
 * scans at once add one row. *added (may be NULL) says whether a row was written; c->id,
 * c->first and the old_* fields are filled when it was. LNT_ERR_INVALID for a band out of
 * 0..3 or an award or version too long, LNT_ERR_NOT_FOUND for an unknown venue, LNT_ERR_DB.
 * Thread-safe.
 */
enum lnt_err lnt_store_score_record(struct lnt_store *s, struct lnt_score_change *c, bool *added,
                                    char *err);
/*
 * The rows of venue `venue_id` at or before `upto` (0 = all), newest first, at most `limit`
 * (1..LNT_CW_LIST_MAX); *out is the caller's to free. LNT_ERR_INVALID for a bad limit,
 * LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_score_history(struct lnt_store *s, int64_t venue_id, int64_t upto,
                                     size_t limit, struct lnt_score_change **out, size_t *n,
                                     char *err);

#endif
