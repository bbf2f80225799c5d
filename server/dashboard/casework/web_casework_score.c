/* web_casework_score.c - a venue's score changes (store_casework.h's score history) in words, for
 * the case file's timeline and the evidence pack's casework section. */
#include "web_casework.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "score.h"

static const char *band_words(int band)
{
    switch (band) {
    case LNT_BAND_GREEN:
        return "Green";
    case LNT_BAND_AMBER:
        return "Amber";
    case LNT_BAND_RED:
        return "Red";
    default:
        return "not yet scored";
    }
}

/* "61 risk points", "12.5 risk points": the points to one decimal, rounded. */
static void points_words(int64_t milli, char *out, size_t size)
{
    int64_t tenths = (milli >= 0 ? milli + 50 : milli - 50) / 100;
    int64_t whole = tenths / 10, frac = tenths % 10;

    if (frac < 0)
        frac = -frac;
    if (frac == 0)
        snprintf(out, size, "%" PRId64 " risk points", whole);
    else
        snprintf(out, size, "%s%" PRId64 ".%" PRId64 " risk points",
                 tenths < 0 && whole == 0 ? "-" : "", whole, frac);
}

/* Appends ", " (unless first) and `s` to out. */
static void add(char *out, size_t size, const char *s)
{
    size_t len = strlen(out);

    if (len >= size)
        return;
    snprintf(out + len, size - len, "%s%s", len > 0 ? ", " : "", s);
}

void web_score_change_words(const struct lnt_score_change *c, char *out, size_t size)
{
    char part[2 * LNT_SCORE_HIST_NAME_MAX + 64], pts[48];

    out[0] = '\0';
    if (size == 0)
        return;
    if (c->first || c->band != c->old_band) {
        if (c->first)
            snprintf(part, sizeof part, "Band %s", band_words(c->band));
        else
            snprintf(part, sizeof part, "Band %s \u2192 %s", band_words(c->old_band),
                     band_words(c->band));
        add(out, size, c->band == LNT_BAND_NONE && c->first ? "Not yet scored" : part);
    }
    if (c->first ? c->review : c->review != c->old_review)
        add(out, size, c->review ? "flagged for review" : "no longer flagged for review");
    if (c->first ? c->award[0] != '\0' : strcmp(c->award, c->old_award) != 0) {
        if (c->first || c->old_award[0] == '\0')
            snprintf(part, sizeof part, "award %s", c->award);
        else if (c->award[0] == '\0')
            snprintf(part, sizeof part, "award %s lost", c->old_award);
        else
            snprintf(part, sizeof part, "award %s \u2192 %s", c->old_award, c->award);
        add(out, size, part);
    }
    if (c->band != LNT_BAND_NONE) {
        points_words(c->risk_milli, pts, sizeof pts);
        add(out, size, pts);
    }
    if (c->first)
        add(out, size, "first recorded");
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

void web_score_change_href(const struct lnt_score_change *c, char *out, size_t size)
{
    char day[LNT_DATE_STRLEN];

    if (lnt_date_format(lnt_night_of(c->at), day) != LNT_OK)
        lnt_str_copy(day, sizeof day, "");
    snprintf(out, size, "/venues/%" PRId64 "%s%s", c->venue_id, day[0] != '\0' ? "?at=" : "", day);
}

void web_score_changes_pack(struct web_req *r, const struct lnt_venue *v, struct web_pdf *p)
{
    struct lnt_score_change *h = NULL;
    char line[512], words[256], when[LNT_LOCAL_TIME_STRLEN];
    size_t n = 0;

    web_pdf_subheading(p, "Score changes", NULL);
    if (lnt_store_score_history(r->web->store, v->id, r->now, WEB_SCORE_CHANGES_MAX, &h, &n,
                                NULL) != LNT_OK) {
        web_pdf_para(p, "The score history could not be read.", 9, false);
        return;
    }
    web_pdf_para(p,
                 "Each change of band, review flag or award as the scan recorded it, newest "
                 "first; the first row is where the venue stood when recording began.",
                 9, false);
    for (size_t i = 0; i < n; i++) {
        web_score_change_words(&h[i], words, sizeof words);
        if (lnt_local_time_format(h[i].at, when) != LNT_OK)
            lnt_str_copy(when, sizeof when, "unknown time");
        snprintf(line, sizeof line, "%s: %s (rules %s)", when, words,
                 h[i].risk_version[0] != '\0' ? h[i].risk_version : "not named");
        web_pdf_para(p, line, 9, false);
    }
    if (n == 0)
        web_pdf_para(p, "None recorded yet.", 9, false);
    free(h);
}
