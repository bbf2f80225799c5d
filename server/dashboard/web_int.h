/* web_int.h - what the dashboard's page files (web_*.c) share: the request, forms, layout, scope.
 */
#ifndef LNT_WEB_INT_H
#define LNT_WEB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

#include "html.h"
#include "http_multipart.h"
#include "score_cache.h"
#include "score_league.h"
#include "web.h"

#define WEB_FORM_FIELDS_MAX 32
#define WEB_FORM_BODY_MAX 8192 /* bytes of a form post: evidence text is the largest field */
#define WEB_SIA_IMPORT_BODY_MAX (3 << 20) /* a CSV import of up to 1 MiB, form-encoded */
#define WEB_PARAMS_MAX 3
#define WEB_PARAM_LEN 64
#define WEB_ACTOR_LEN (LNT_EMAIL_MAX + 8)
#define WEB_PAGE_SIZE 50 /* league table rows per page */

/* A parsed application/x-www-form-urlencoded body (or query): values decoded, bounded. */
struct web_form {
    char *storage; /* owned: the decoded keys and values */
    size_t storage_len;
    size_t n;
    const char *key[WEB_FORM_FIELDS_MAX];
    const char *value[WEB_FORM_FIELDS_MAX];
};
/* Parses `body` of `len` bytes. LNT_ERR_INVALID (bad escape, not UTF-8, NUL) or LNT_ERR_TOO_LARGE
 * (too many fields); the form is empty on error. Release with web_form_release. */
enum lnt_err web_form_parse(struct web_form *f, const char *body, size_t len, char *err);
void web_form_release(struct web_form *f);
/* The first value of `key`, or NULL. */
const char *web_form_get(const struct web_form *f, const char *key);
/*
 * Parses a multipart/form-data body (http_multipart.h) into *m, and its fields that are not
 * files into *f by the rules of web_form_parse (UTF-8, no NUL). A file's bytes stay in the
 * body, pointed at by its part. LNT_ERR_INVALID with one sentence, LNT_ERR_NOMEM; both empty
 * on error. Release f with web_form_release; m holds nothing to release.
 */
enum lnt_err web_form_parse_multipart(struct web_form *f, struct lnt_multipart *m,
                                      const char *content_type, const char *body, size_t len,
                                      char *err);

struct lnt_web {
    struct lnt_store *store;
    const struct lnt_score_rules *rules;
    struct lnt_score_cache *score_cache; /* borrowed; NULL = leagues are built on every request */
    int64_t (*now)(void *ctx);
    void *now_ctx;
    struct lnt_score_rules own_rules; /* loaded by lnt_web_attach */
    bool owns_rules;
};

/* Everything a page handler needs for one request. */
struct web_req {
    struct lnt_web *web;
    const struct lnt_http_request *http;
    struct lnt_http_response *resp;
    struct lnt_html h; /* writes into resp->body */
    int64_t now;
    bool tls;
    char peer[LNT_ADDR_MAX + 1];
    bool logged_in;
    struct lnt_officer officer;
    struct lnt_session session;
    char actor[WEB_ACTOR_LEN];   /* for the audit log: "web:email" */
    struct web_form form;        /* a POST's fields (empty for GET) */
    struct lnt_multipart *parts; /* owned: a multipart POST's parts, files included; or NULL */
    size_t n_params;
    char params[WEB_PARAMS_MAX][WEB_PARAM_LEN];
    size_t layout_pos; /* where web_page_end resumes the layout template */
    /* as at (period/web_asat.c): on a GET with ?at=, `now` is the end of that trading night and
       every page reads the evidence and the scores as they stood then */
    int64_t live_now;    /* the clock's instant, whatever the page is as at */
    int32_t as_at;       /* the night the page is as at; 0 = live */
    char as_at_text[40]; /* "2026-11-14" (or an RFC 3339 time), carried on links; "" = live */
    /* The officer's alerts waiting, when the page has read them already (the alerts page), so
     * that the navigation's count and the page's are one reading; else the nav reads them. */
    bool alerts_waiting_read;
    int64_t alerts_waiting;
};

/*
 * Calls between the dashboard's files go one way: web.c (the front door and
 * its route table) -> the pages (web_login.c ... web_pdf.c) -> web_layout.c
 * (the layout, markup and error pages) -> web_request.c (headers, cookies,
 * roles, audit). web_form.c and web_score.c are called from any of them.
 */

/* ---- the request: headers, cookies, roles and scope, audit (web_request.c) ---- */

/* Adds a response header; false (logged) when the table is full. */
bool web_header(struct web_req *r, const char *name, const char *value);
/* The value of cookie `name` copied into out (false when absent or too long). */
bool web_cookie(struct web_req *r, const char *name, char *out, size_t size);
/* The session cookie's name: "__Host-lnt_session" over TLS, "lnt_session" otherwise. */
const char *web_session_cookie(const struct web_req *r);
/* Constant-time comparison of two NUL-terminated secrets. */
bool web_secret_equal(const char *a, const char *b);
/* A query argument or NULL. */
const char *web_query(struct web_req *r, const char *name);
/* The file posted in file input `name` of a multipart form (web_form.c), or NULL when the form
 * was not multipart or sent no such file part. Its bytes are valid during the request. */
const struct lnt_multipart_part *web_form_file(const struct web_req *r, const char *name);
/* Appends an audit row for this request's officer (errors are logged, not returned). */
void web_audit(struct web_req *r, const char *action, const char *object, const char *detail);
bool web_can_admin(const struct web_req *r);
bool web_can_open_incidents(const struct web_req *r);
bool web_can_record_findings(const struct web_req *r);
bool web_can_see_town(const struct web_req *r); /* everyone but a venue manager */
/* who may read a venue's door register: names, badges, licences (lnt_scope_may_read_register) */
bool web_can_read_register(const struct web_req *r);
/* The authority filter of this officer's scope (NULL = no filter). */
const char *web_scope_authority(const struct web_req *r);
#define WEB_NEXT_MAX 400 /* bytes of a page to return to after signing in, query included */
/*
 * true when `p` may be sent to the browser as the page to return to after
 * signing in: a local path with an optional query ("/?area=Riverside&sort=band"),
 * one leading '/' not followed by '/' or '\\', and no backslash, control, space,
 * quote, angle bracket or non-ASCII byte anywhere, shorter than WEB_NEXT_MAX.
 * Anything that could leave the site ("//evil", "https://...", "/\\evil") is refused.
 * Thread-safe.
 */
bool web_local_path(const char *p);

/* ---- responses and markup (web_layout.c) ---- */

/* Starts an HTML page: the layout up to its main slot, with `title` and the nav marking `active`.
 */
void web_page_begin(struct web_req *r, const char *title, const char *active);
/* Closes the page and sets status `status` (unless the writer failed: then a 500). */
void web_page_end(struct web_req *r, int status);
/* A whole error page: status, a heading and one sentence (all program text but `detail`). */
void web_error(struct web_req *r, int status, const char *heading, const char *detail);
/* 303 See Other to `location` (a path the program built; escaped for the header by the caller). */
void web_redirect(struct web_req *r, const char *location);
/* The hidden CSRF field for a form in this session. */
void web_csrf_field(struct web_req *r);
/* Writes `t` as "Fri 26 Nov 2026, 23:05 GMT" London time in a <time> element (0 as "never"),
 * and a date as "Fri 26 Nov 2026" ("none" for 0): common/night.h's one human form. */
void web_time(struct lnt_html *h, int64_t t);
/* The same words as plain text into out (for attributes such as aria-label). */
void web_time_text(int64_t t, char *out, size_t size);
void web_date(struct lnt_html *h, int32_t days);
/* The case file's cup-cover stock, kiosk health and training coverage sections
 * (web_venue_upkeep.c). Training names staff only for who may read the register. */
void web_venue_stock(struct web_req *r, const struct lnt_venue *v);
void web_venue_kiosks(struct web_req *r, const struct lnt_venue *v);
void web_venue_training_section(struct web_req *r, const struct lnt_venue *v);
/* Escaped text for a person, its UTC times and ISO dates in that same form (web_venue.c). */
void web_local_txt(struct lnt_html *h, const char *text);
/* "3 h ago", "5 days ago"; marked stale after `stale_after` seconds. */
void web_ago(struct web_req *r, int64_t t, int64_t stale_after);
/* <span class="band band-red">Red</span> and friends. */
void web_band(struct lnt_html *h, enum lnt_band b);
/* The band, or "not yet scored - N nights of evidence" for a venue without its window. */
void web_band_scored(struct lnt_html *h, enum lnt_band b, bool scored, int window_nights);
void web_trend(struct lnt_html *h, enum lnt_trend t);
void web_bbn_status(struct lnt_html *h, enum lnt_bbn_status s);
/* The clear fields of an incident, as the kiosk's codes. */
enum web_inc_field { WEB_INC_KIND, WEB_INC_PLACE, WEB_INC_OUTCOME };
/*
 * The words the kiosk showed for `code` of field `f` ("outside" is "Outside the venue",
 * "not_known" "Not known yet"); a code it does not know (an older kiosk's, or free text) as it
 * is. Never NULL; thread-safe (web_layout.c).
 */
const char *web_incident_words(enum web_inc_field f, const char *code);
/* Parses an id from params[i]; false (404 page written) when it is not one. */
bool web_param_id(struct web_req *r, size_t i, int64_t *out);
/*
 * Loads venue `id` into *v when this officer may see it. Otherwise writes
 * the page (404 for no such venue; 403 plus an "access.refused" audit row
 * for one outside the scope) and returns false.
 */
bool web_venue_in_scope(struct web_req *r, int64_t id, struct lnt_venue *v);

/* ---- shared by the venue pages (web_venue.c) ---- */

/* What the badge register said of a sign-in's badge: a red mark, or "issued" in grey. */
void web_badge_flag(struct lnt_html *h, enum lnt_signin_flag f);
/* Admin's required-training section and its two actions (web_admin_door.c). */
void web_admin_door_section(struct web_req *r);
void web_admin_act_required(struct web_req *r, bool required);
/* Admin's SIA licence statuses section; its actions sia-set, sia-clear and sia-import (false
 * for another action). Each change is audited by the store under the officer's name. */
void web_admin_sia_section(struct web_req *r);
bool web_admin_act_sia(struct web_req *r, const char *action);
/* Admin's alert delivery section (alerts/web_delivery.c): the queue, failures, webhooks; its
 * actions webhook-set and webhook-clear (false for another action), audited under the officer. */
void web_admin_delivery_section(struct web_req *r);
bool web_admin_act_delivery(struct web_req *r, const char *action);
/* " required, missing at sign-in: wave, angela" for a sign-in's missing courses; nothing for 0. */
void web_training_missing(struct lnt_html *h, uint32_t missing);
/* The instant night `night` begins: 06:00 London time on its date. */
int64_t web_night_start(int32_t night);
/* A "YYYY-MM-DD" query argument as days since the epoch, or `dflt` when absent or malformed. */
int32_t web_query_date(struct web_req *r, const char *name, int32_t dflt);

/* ---- time controls (period/web_asat.c, called by web.c and the layout) ---- */

/*
 * Reads ?at= once for the request (GET and HEAD only), by the API's rule
 * (lnt_as_at_parse): a date is the end of that trading night. On an as-at
 * page r->now becomes that instant, r->as_at its night and r->as_at_text the
 * value the page's links carry; a date of tonight's night is the live page.
 * false, with the 400 page's heading and sentence, for a value that is not a
 * date or is after tonight.
 */
bool web_period_begin(struct web_req *r, const char **heading, const char **detail);
/* The header's date control: a GET form to this page, keeping its other query arguments. */
void web_period_control(struct web_req *r);
/* "As at Fri 14 Nov 2026 - ..." at the top of an as-at page, with a way back to today; on the
 * pages that show scores (`active` overview, venue, trends, exports) the scoring window and
 * which kind it is ("police quarter so far" or "rolling 90 nights"). */
void web_period_banner(struct web_req *r, const char *active);
/* The scoring window's words: "the police quarter so far, Thu 1 Jan 2026 to Sun 1 Mar 2026". */
void web_period_window_words(struct web_req *r, int64_t at);
/*
 * On an as-at page, adds at=<date> to every link to a page of this site in
 * the written body and a hidden `at` field to every GET form (those marked
 * data-period, the control's own, are left alone). LNT_ERR_NOMEM or
 * LNT_ERR_TOO_LARGE (the body is unchanged).
 */
enum lnt_err web_period_links(struct web_req *r);
/*
 * Where a POST's 303 leads (web_redirect calls it): `location` with the
 * as-at date the POST carried (the form's action query, which
 * web_period_links adds to every POST form of an as-at page, or an `at`
 * field), so the officer lands on the page as at the same date. The date is
 * checked by the GET pages' rule first; location as it is for a GET, a POST
 * without a date (or with tonight's), a sign-in or sign-out page, or one that
 * already names its date. The result is out (size bytes) or location itself.
 */
const char *web_period_location(struct web_req *r, const char *location, char *out, size_t size);

/* Two periods side by side (period/web_compare.c, called by the pages): nights [first, last]. */
struct web_span {
    int32_t first, last;
};
#define WEB_WEEKS_52 364           /* nights back to the same weekday a year before */
#define WEB_COMPARE_NIGHTS_MAX 400 /* the longest period a chosen pair may have */
enum web_compare {
    WEB_COMPARE_NONE,     /* nothing asked */
    WEB_COMPARE_QUARTER,  /* this quarter so far against the same nights of the last */
    WEB_COMPARE_LASTYEAR, /* one night against the same weekday 52 weeks before */
    WEB_COMPARE_PAIR,     /* two periods chosen */
    WEB_COMPARE_BAD       /* asked, but not understood: a message for the page */
};
/* The night on or before `night` that falls on `weekday` (0 = Monday ... 4 = Friday). */
int32_t web_period_weekday_on_or_before(int32_t night, int weekday);
/* The police quarter holding `last`, up to it, and the same nights from the start of the quarter
 * before (no further than its end). */
void web_period_quarters(int32_t last, struct web_span *a, struct web_span *b);
/* Night `night` and the night 52 weeks (364 nights: the same weekday) before it. */
void web_period_last_year(int32_t night, struct web_span *a, struct web_span *b);
/*
 * The pair this request asks to compare (?compare=quarter|lastyear|pair,
 * with night= or a_from, a_to, b_from, b_to), none ending after `last` (the
 * last finished night). WEB_COMPARE_BAD with a sentence in `why` for a
 * request that cannot be answered. Thread-safe.
 */
enum web_compare web_period_pair(struct web_req *r, int32_t last, struct web_span *a,
                                 struct web_span *b, char *why, size_t size);
/*
 * The "Compare two periods" panel: its form, and when asked, the scope's
 * figures over both periods side by side with the change in numbers and
 * words; with `venue` (may be NULL), its risk points at each period's end.
 */
void web_period_compare(struct web_req *r, const struct lnt_rollup_scope *scope,
                        const struct lnt_venue *venue);

/* ---- scores (web_score.c) ---- */

/* The current window [first, last] of nights at `at` (the risk rules' window, else 90 nights). */
void web_window(const struct lnt_web *w, int64_t at, int32_t *first, int32_t *last);
/* Scores one venue at `at` (with trend and review from the two windows before). Release *out. */
enum lnt_err web_score_venue(struct lnt_web *w, const struct lnt_venue *v, int64_t at,
                             struct lnt_score_result *out, char *err);
/*
 * The league for `authority` (NULL/"" = the whole scheme) at `at`, through
 * the score cache (lnt_score_cache_league). The caller drops it with
 * lnt_league_release. On error *out is NULL.
 */
/* Under a door-licensing gap line `p` of `s`, who worked each shift and on which badge, for a
 * reader who may read the register; nothing for anyone else. */
void web_score_people(struct web_req *r, const struct lnt_score_result *s,
                      const struct lnt_risk_part *p);
enum lnt_err web_league_get(struct lnt_web *w, const char *authority, int64_t at,
                            struct lnt_league **out, char *err);
/* A league of one venue (venue managers), never cached. */
enum lnt_err web_league_one(struct lnt_web *w, int64_t venue_id, int64_t at,
                            struct lnt_league **out, char *err);

/* ---- the evidence pack's drawing (web_pdf_draw.c): A4, cairo, a tagged PDF ---- */

#define WEB_PDF_PAGE_W 595.0 /* A4 in points */
#define WEB_PDF_MARGIN 50.0
#define WEB_PDF_WIDTH (WEB_PDF_PAGE_W - 2 * WEB_PDF_MARGIN)
#define WEB_PDF_DESTS 24 /* sections a reader can jump to */

struct web_pdf_dest {
    char name[24];
    int page;
};

/*
 * One pass over the pack. The pack is drawn twice: a first pass that only
 * measures (where each section starts, how many pages there are) and a second
 * that writes, with "page X of Y" and the contents' page numbers from the first.
 * Not thread-safe; one per request.
 */
struct web_pdf {
    cairo_surface_t *surface; /* owned */
    cairo_t *cr;              /* owned */
    double y;                 /* the next line's top */
    int page;                 /* the page being drawn, from 1 */
    int pages;                /* the total from the measuring pass; 0 while measuring */
    char footer[200];
    struct web_pdf_dest seen[WEB_PDF_DESTS]; /* sections started in this pass */
    size_t n_seen;
    struct web_pdf_dest known[WEB_PDF_DESTS]; /* ... and in the measuring pass */
    size_t n_known;
};
/* Starts a pass writing into `out` (NULL: measuring only), after `measured` (NULL for the first).
 * LNT_ERR_NOMEM. */
enum lnt_err web_pdf_open(struct web_pdf *p, struct lnt_buf *out, const char *footer,
                          const struct web_pdf *measured, char *err);
/* Ends the pass: the last footer, the document finished. LNT_ERR_IO when cairo failed (out of
 * memory, or `out` over its bound); p->page is the page count either way. */
enum lnt_err web_pdf_close(struct web_pdf *p, char *err);
void web_pdf_page_break(struct web_pdf *p);
/* A page break unless `h` points fit below y. */
void web_pdf_need(struct web_pdf *p, double h);
void web_pdf_gap(struct web_pdf *p, double h);
/* `s` wrapped at whole words to `width`, from x, advancing y (and the page). */
void web_pdf_text(struct web_pdf *p, double x, double width, const char *s, double size, bool bold);
/* A paragraph across the text width. */
void web_pdf_para(struct web_pdf *p, const char *s, double size, bool bold);
/* Headings (H1, H2 in the tags); `dest` (NULL: none) names a destination links can jump to. */
void web_pdf_heading(struct web_pdf *p, const char *s, const char *dest);
void web_pdf_subheading(struct web_pdf *p, const char *s, const char *dest);
/* A label and its value, in two columns. */
void web_pdf_fact(struct web_pdf *p, const char *label, const char *value);
/* One row of a table: n cells of the given widths, kept on one page. */
void web_pdf_row(struct web_pdf *p, const char *const *cells, const double *widths, size_t n,
                 double size, bool bold);
/* A line at x whose text links to destination `dest`, with `right` (may be NULL) at the right. */
void web_pdf_link(struct web_pdf *p, double x, const char *text, const char *dest,
                  const char *right, double size);
/* The page destination `dest` started on in the measuring pass (0 while measuring). */
int web_pdf_dest_page(const struct web_pdf *p, const char *dest);

/* The case file's summary by cause and the next award, for a scored venue (web_summary.c). */
void web_score_summary(struct web_req *r, const struct lnt_score_result *s);

/* ---- pages ---- */

void web_login_form(struct web_req *r);
void web_login_post(struct web_req *r);
void web_logout(struct web_req *r);
void web_overview(struct web_req *r);
void web_venue(struct web_req *r);
void web_register(struct web_req *r);
void web_incident_open(struct web_req *r);
void web_finding_post(struct web_req *r);
void web_trends(struct web_req *r);
void web_volunteers(struct web_req *r);
void web_stock(struct web_req *r);
void web_admin(struct web_req *r);
void web_admin_post(struct web_req *r);
void web_exports(struct web_req *r);
void web_export_csv(struct web_req *r);
void web_evidence_pdf(struct web_req *r);
/* The Alerts page and its forms (alerts/web_inbox.c). */
void web_inbox(struct web_req *r);
void web_inbox_ack(struct web_req *r);
void web_inbox_subscribe(struct web_req *r);
void web_inbox_end(struct web_req *r);

/* The login form with an optional error (web_login.c); status as given. */
void web_login_page(struct web_req *r, int status, const char *error);

/* CSV cells (web_export.c): quoted as RFC 4180, formula-looking text neutralised. */
void web_csv_cell(struct lnt_buf *b, const char *s, bool last);

#endif
