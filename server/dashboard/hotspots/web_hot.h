/* web_hot.h - the Trends page's hot-spot parts (private to the dashboard): filters picked from
 * lists, the heatmap by trading night, every incident kind per month, rankings by harm and by
 * risk, yearly totals and the comparison between authorities. */
#ifndef LNT_WEB_HOT_H
#define LNT_WEB_HOT_H

#include "../web_int.h"
#include "store_hotspots.h"

/* The filters of a Trends request, every one checked against its list. */
struct web_hot_filters {
    struct lnt_venue *venues; /* open venues in the officer's scope, by name; owned */
    size_t n_venues;
    const char *area;              /* NULL = the whole town; else an area of `venues` */
    const struct lnt_venue *venue; /* NULL = every venue; else an entry of `venues` */
    const char *kind;              /* NULL = every kind; else an lnt_incident_kinds code */
    int64_t days;                  /* 28, 90 or 365 */
};

/*
 * Reads ?area= ?venue= (number or name) ?kind= (code or its words) ?days= and
 * checks each against its list: the areas of the venues in scope, those
 * venues, the incident kinds. A value not in its list answers 400 with the
 * filter form and a one-line message naming the choices, and returns false;
 * so does any failure (500) or a venue outside the officer's scope (403,
 * audited). Release f with web_hot_filters_release either way.
 */
bool web_hot_filters_read(struct web_req *r, struct web_hot_filters *f);
void web_hot_filters_release(struct web_hot_filters *f);
/* The filter form: areas, venues by name and kinds in words, each a list. */
void web_hot_filters_form(struct web_req *r, const struct web_hot_filters *f);
/* The heatmap section: rows are trading nights, columns the night's hours from 06:00. */
void web_hot_heatmap(struct web_req *r, const struct lnt_rollup_scope *scope,
                     const struct web_hot_filters *f, const char *where);
/* Monthly reports of every incident kind, twelve months, the current one marked as part. */
void web_hot_months(struct web_req *r, const struct lnt_rollup_scope *scope);
/* Long lists on the page show their first WEB_HOT_PHONE_ROWS rows on a phone (rows after it
 * carry class "more", in a table of class "phone-few") until ?rows=all asks for every row. */
#define WEB_HOT_PHONE_ROWS 5
/* Whether this request asked for every row (?rows=all). */
bool web_hot_all_rows(struct web_req *r);
/* The class attribute of row `i` (0-based) of such a list: "" or " class=\"more\"". */
const char *web_hot_row_class(struct web_req *r, size_t i);
/* After such a list of n rows: on a phone, a link to this page with every row (the query kept),
 * to `anchor`, with id `id`; nothing when every row shows already. */
void web_hot_show_all(struct web_req *r, const char *id, const char *anchor, size_t n,
                      const char *noun);
/* Venues ranked by harm beside their rank by risk points, over the league's window. */
void web_hot_rankings(struct web_req *r, const struct lnt_rollup_scope *scope,
                      const struct lnt_league *l);
/* Totals and averages per year of trading nights. */
void web_hot_years(struct web_req *r, const struct lnt_rollup_scope *scope, int64_t n_venues);
/* Authorities side by side, for scheme-wide officers only (nothing for anyone else). */
void web_hot_authorities(struct web_req *r, const struct lnt_league *l);

#endif
