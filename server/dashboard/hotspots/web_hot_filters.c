/* web_hot_filters.c - the Trends page's filters, picked from lists and checked against them: an
 * area, a venue or an incident kind that is not in its list is refused by name, never shown as
 * an empty town. */
#include "web_hot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "event.h"

#define CHOICES_MAX 1024 /* bytes of the message naming the choices */

static const int64_t day_choices[] = {28, 90, 365};

static int name_cmp(const void *a, const void *b)
{
    const struct lnt_venue *x = a, *y = b;
    return strcmp(x->name, y->name);
}

void web_hot_filters_release(struct web_hot_filters *f)
{
    free(f->venues);
    memset(f, 0, sizeof *f);
}

/* Appends `s` to the choices text, "a, b, c". */
static void choice(char *out, size_t size, const char *s)
{
    size_t len = strlen(out);
    snprintf(out + len, size - len, "%s%s", len > 0 ? ", " : "", s);
}

/* true when no earlier venue (by name order, so any earlier) has this area. */
static bool area_first(const struct web_hot_filters *f, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(f->venues[j].area, f->venues[i].area) == 0)
            return false;
    return f->venues[i].area[0] != '\0';
}

/* The areas in order, each once, into idx[]; returns how many. */
static size_t areas_sorted(const struct web_hot_filters *f, size_t *idx)
{
    size_t n = 0;

    for (size_t i = 0; i < f->n_venues; i++) {
        size_t at;
        if (!area_first(f, i))
            continue;
        for (at = n; at > 0 && strcmp(f->venues[idx[at - 1]].area, f->venues[i].area) > 0; at--)
            idx[at] = idx[at - 1];
        idx[at] = i;
        n++;
    }
    return n;
}

/* The refusal: 400, a one-line message, then the form to pick again. */
static void refuse(struct web_req *r, const struct web_hot_filters *f, const char *msg)
{
    web_page_begin(r, "Hot spots and trends", "trends");
    lnt_html_raw(&r->h,
                 "<h1>Hot spots and trends</h1><p class=\"notice error\" id=\"filter-error\" "
                 "role=\"alert\">");
    lnt_html_txt(&r->h, msg);
    lnt_html_raw(&r->h, "</p>");
    web_hot_filters_form(r, f);
    web_page_end(r, 400);
}

static bool read_area(struct web_req *r, struct web_hot_filters *f, const char *area)
{
    char msg[CHOICES_MAX], names[CHOICES_MAX - 192] = "";
    size_t *idx, n;

    if (area == NULL || area[0] == '\0')
        return true;
    for (size_t i = 0; i < f->n_venues; i++)
        if (strcmp(f->venues[i].area, area) == 0) {
            f->area = f->venues[i].area;
            return true;
        }
    idx = calloc(f->n_venues + 1, sizeof *idx);
    if (idx == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory.");
        return false;
    }
    n = areas_sorted(f, idx);
    for (size_t i = 0; i < n; i++)
        choice(names, sizeof names, f->venues[idx[i]].area);
    free(idx);
    snprintf(msg, sizeof msg, "There is no area \"%.64s\" in your venues. Choose one of: %s.", area,
             n > 0 ? names : "(none)");
    refuse(r, f, msg);
    return false;
}

static bool read_kind(struct web_req *r, struct web_hot_filters *f, const char *kind)
{
    char msg[CHOICES_MAX], names[CHOICES_MAX - 192] = "";

    if (kind == NULL || kind[0] == '\0')
        return true;
    for (size_t i = 0; lnt_incident_kinds[i] != NULL; i++) {
        const char *code = lnt_incident_kinds[i];
        if (strcmp(code, kind) == 0 || strcmp(web_incident_words(WEB_INC_KIND, code), kind) == 0) {
            f->kind = code;
            return true;
        }
        choice(names, sizeof names, web_incident_words(WEB_INC_KIND, code));
    }
    snprintf(msg, sizeof msg, "There is no incident type \"%.48s\". Choose one of: %s.", kind,
             names);
    refuse(r, f, msg);
    return false;
}

static bool read_venue(struct web_req *r, struct web_hot_filters *f, const char *venue)
{
    struct lnt_venue v;
    int64_t id = 0;

    if (venue == NULL || venue[0] == '\0')
        return true;
    if (lnt_parse_i64(venue, 1, INT64_MAX, &id) == LNT_OK) {
        /* outside the officer's scope: refused and audited as on the case file */
        if (!web_venue_in_scope(r, id, &v))
            return false;
        for (size_t i = 0; i < f->n_venues; i++)
            if (f->venues[i].id == id) {
                f->venue = &f->venues[i];
                return true;
            }
    } else {
        for (size_t i = 0; i < f->n_venues; i++)
            if (strcmp(f->venues[i].name, venue) == 0) {
                f->venue = &f->venues[i];
                return true;
            }
    }
    refuse(r, f,
           "There is no open venue by that name or number in your venues. Choose one from the "
           "Venue list.");
    return false;
}

bool web_hot_filters_read(struct web_req *r, struct web_hot_filters *f)
{
    char err[LNT_ERRBUF_SIZE] = "";
    const char *days = web_query(r, "days");

    memset(f, 0, sizeof *f);
    f->days = 90;
    if (lnt_store_venue_list_by(r->web->store, web_scope_authority(r), false, &f->venues,
                                &f->n_venues, err) != LNT_OK) {
        lnt_error("dashboard: trends: venues: %s", err);
        web_error(r, 500, "Something went wrong", "The venues could not be read.");
        return false;
    }
    if (f->n_venues > 1)
        qsort(f->venues, f->n_venues, sizeof *f->venues, name_cmp);
    if (days != NULL && days[0] != '\0') {
        size_t i;
        for (i = 0; i < sizeof day_choices / sizeof day_choices[0]; i++) {
            char text[8];
            snprintf(text, sizeof text, "%lld", (long long)day_choices[i]);
            if (strcmp(text, days) == 0)
                break;
        }
        if (i == sizeof day_choices / sizeof day_choices[0]) {
            refuse(r, f, "The period must be one of: 28, 90, 365 days.");
            return false;
        }
        f->days = day_choices[i];
    }
    return read_area(r, f, web_query(r, "area")) && read_venue(r, f, web_query(r, "venue")) &&
           read_kind(r, f, web_query(r, "kind"));
}

void web_hot_filters_form(struct web_req *r, const struct web_hot_filters *f)
{
    size_t *idx = calloc(f->n_venues + 1, sizeof *idx), n = idx != NULL ? areas_sorted(f, idx) : 0;

    lnt_html_raw(&r->h, "<form method=\"get\" action=\"/trends\" class=\"filters\" "
                        "id=\"trend-filters\"><div><label for=\"t-area\">Area</label><select "
                        "id=\"t-area\" name=\"area\"><option value=\"\">The whole town</option>");
    for (size_t i = 0; i < n; i++) {
        const char *a = f->venues[idx[i]].area;
        lnt_html_raw(&r->h, "<option value=\"");
        lnt_html_attr(&r->h, a);
        lnt_html_rawf(&r->h, "\"%s>",
                      f->area != NULL && strcmp(f->area, a) == 0 ? " selected=\"selected\"" : "");
        lnt_html_txt(&r->h, a);
        lnt_html_raw(&r->h, "</option>");
    }
    free(idx);
    lnt_html_raw(&r->h, "</select></div><div><label for=\"t-venue\">Venue</label><select "
                        "id=\"t-venue\" name=\"venue\"><option value=\"\">Every venue</option>");
    for (size_t i = 0; i < f->n_venues; i++) {
        lnt_html_rawf(&r->h, "<option value=\"%lld\"%s>", (long long)f->venues[i].id,
                      f->venue == &f->venues[i] ? " selected=\"selected\"" : "");
        lnt_html_txt(&r->h, f->venues[i].name);
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select></div><div><label for=\"t-kind\">Incident type</label><select "
                        "id=\"t-kind\" name=\"kind\"><option value=\"\">Every type</option>");
    for (size_t i = 0; lnt_incident_kinds[i] != NULL; i++) {
        const char *code = lnt_incident_kinds[i];
        lnt_html_raw(&r->h, "<option value=\"");
        lnt_html_attr(&r->h, code);
        lnt_html_rawf(&r->h, "\"%s>",
                      f->kind != NULL && strcmp(f->kind, code) == 0 ? " selected=\"selected\""
                                                                    : "");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, code));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select></div><div><label for=\"t-days\">Days</label><select "
                        "id=\"t-days\" name=\"days\">");
    for (size_t i = 0; i < sizeof day_choices / sizeof day_choices[0]; i++)
        lnt_html_rawf(&r->h, "<option value=\"%lld\"%s>%lld</option>", (long long)day_choices[i],
                      f->days == day_choices[i] ? " selected=\"selected\"" : "",
                      (long long)day_choices[i]);
    lnt_html_raw(&r->h, "</select></div><div><button type=\"submit\">Show</button></div></form>");
}
