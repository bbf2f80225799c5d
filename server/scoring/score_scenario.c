/* score_scenario.c - a small town written by hand as an INI file, turned into scoring inputs. */
#include "score_scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ltime.h"
#include "inifile.h"

#define SCEN_VENUES_MAX 64
#define SCEN_ROWS_MAX 64 /* per-date night overrides per venue */
#define SCEN_INCIDENTS_MAX 512
#define SCEN_FINDINGS_MAX LNT_SCORE_CRITERIA_MAX

struct row_text {
    int32_t from, to;
    char text[LNT_INI_LINE_MAX + 1];
    int line;
};

struct venue_load {
    struct lnt_score_scenario_venue *v;
    bool trading_set;
    char every[LNT_INI_LINE_MAX + 1];
    int every_line;
    struct row_text rows[SCEN_ROWS_MAX];
    size_t n_rows;
    struct lnt_score_incident *cur_incident;
    /* [findings N]: "all = met" plus per-criterion lines */
    int all; /* 0 none, 1 met, 2 not met */
    int32_t f_date;
    char f_assessor[81];
    size_t n_findings;
    size_t incidents_cap;
};

struct scen_load {
    const struct lnt_score_rules *rules;
    struct lnt_score_scenario *s;
    struct venue_load vl[SCEN_VENUES_MAX];
    bool at_set;
    bool quarter; /* [town] window = quarter: police quarters whatever the rules say */
};

static struct venue_load *venue_by_id(struct scen_load *l, const char *idtext, char *err)
{
    int64_t id;
    if (lnt_parse_i64(idtext, 1, INT64_MAX, &id) != LNT_OK) {
        lnt_fail(err, LNT_ERR_INVALID, "`%s`: expected a venue id", idtext);
        return NULL;
    }
    for (size_t i = 0; i < l->s->n_venues; i++)
        if (l->s->venues[i].in.venue.id == id)
            return &l->vl[i];
    lnt_fail(err, LNT_ERR_INVALID, "venue %lld: no [venue %lld] above", (long long)id,
             (long long)id);
    return NULL;
}

static bool yes_no(const char *v, bool *out)
{
    if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}

static enum lnt_err venue_key(struct venue_load *vl, const char *key, const char *v, char *err)
{
    struct lnt_score_venue *ven = &vl->v->in.venue;
    int64_t x;

    if (strcmp(key, "name") == 0)
        return lnt_str_copy(ven->name, sizeof ven->name, v) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_TOO_LARGE, "name: too long");
    if (strcmp(key, "area") == 0)
        return lnt_str_copy(ven->area, sizeof ven->area, v) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_TOO_LARGE, "area: too long");
    if (strcmp(key, "category") == 0) {
        if (lnt_str_copy(ven->category, sizeof ven->category, v) != LNT_OK)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "category: too long");
        if (!vl->trading_set) {
            const char *def = lnt_trading_default(v);
            if (def == NULL || lnt_trading_parse(def, &ven->trading, NULL) != LNT_OK)
                return lnt_fail(err, LNT_ERR_INVALID, "category: `%s`: no default trading", v);
        }
        return LNT_OK;
    }
    if (strcmp(key, "capacity") == 0) {
        if (lnt_parse_i64(v, 0, 100000, &x) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "capacity: `%s`: expected 0..100000", v);
        ven->capacity = (int32_t)x;
        return LNT_OK;
    }
    if (strcmp(key, "trading") == 0) {
        vl->trading_set = true;
        return lnt_trading_parse(v, &ven->trading, err);
    }
    if (strcmp(key, "joined") == 0) /* the first night of its evidence */
        return lnt_date_parse(v, &ven->joined) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "joined: `%s`: expected YYYY-MM-DD", v);
    return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in a venue", key);
}

/* "2026-02-20" or "2026-02-01..2026-02-10". */
static enum lnt_err date_range(const char *s, int32_t *from, int32_t *to, char *err)
{
    char a[LNT_DATE_STRLEN];
    const char *dots = strstr(s, "..");
    if (dots == NULL) {
        if (lnt_date_parse(s, from) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "`%s`: expected a date or DATE..DATE", s);
        *to = *from;
        return LNT_OK;
    }
    if ((size_t)(dots - s) >= sizeof a)
        return lnt_fail(err, LNT_ERR_INVALID, "`%s`: expected DATE..DATE", s);
    memcpy(a, s, (size_t)(dots - s));
    a[dots - s] = '\0';
    if (lnt_date_parse(a, from) != LNT_OK || lnt_date_parse(dots + 2, to) != LNT_OK || *to < *from)
        return lnt_fail(err, LNT_ERR_INVALID, "`%s`: expected DATE..DATE, earlier first", s);
    return LNT_OK;
}

static enum lnt_err incident_key(struct lnt_score_incident *x, const char *key, const char *v,
                                 char *err)
{
    int64_t n;
    if (strcmp(key, "kind") == 0)
        return lnt_str_copy(x->kind, sizeof x->kind, v) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_TOO_LARGE, "kind: too long");
    if (strcmp(key, "severity") == 0) {
        if (lnt_parse_i64(v, 1, 5, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "severity: `%s`: expected 1..5", v);
        x->severity = (int)n;
        return LNT_OK;
    }
    if (strcmp(key, "at") == 0)
        return lnt_time_parse(v, &x->occurred_at) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "at: `%s`: expected RFC 3339 time", v);
    if (strcmp(key, "delay_min") == 0) {
        if (lnt_parse_i64(v, 0, 100000, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "delay_min: `%s`: expected minutes", v);
        x->record_delay = n * 60;
        return LNT_OK;
    }
    if (strcmp(key, "police") == 0 || strcmp(key, "complete") == 0) {
        bool *dst = key[0] == 'p' ? &x->police_called : &x->complete;
        return yes_no(v, dst)
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected yes or no", key, v);
    }
    return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in an incident", key);
}

static enum lnt_err findings_key(struct scen_load *l, struct venue_load *vl, const char *key,
                                 const char *v, char *err)
{
    struct lnt_score_finding *f;
    char word[16];
    const char *sp;

    if (strcmp(key, "all") == 0) {
        if (strcmp(v, "met") == 0)
            vl->all = 1;
        else if (strcmp(v, "not_met") == 0)
            vl->all = 2;
        else
            return lnt_fail(err, LNT_ERR_INVALID, "all: `%s`: expected met or not_met", v);
        return LNT_OK;
    }
    if (strcmp(key, "date") == 0)
        return lnt_date_parse(v, &vl->f_date) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "date: `%s`: expected YYYY-MM-DD", v);
    if (strcmp(key, "assessor") == 0)
        return lnt_str_copy(vl->f_assessor, sizeof vl->f_assessor, v) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_TOO_LARGE, "assessor: too long");
    /* CRITERION = met|not_met|none [DATE] */
    if (lnt_bbn_catalogue_find(l->rules->bbn, key) == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "`%s`: no such criterion in the catalogue", key);
    if (vl->n_findings == SCEN_FINDINGS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "too many findings");
    f = &vl->v->findings[vl->n_findings];
    memset(f, 0, sizeof *f);
    lnt_str_copy(f->criterion, sizeof f->criterion, key);
    sp = strchr(v, ' ');
    if ((sp ? (size_t)(sp - v) : strlen(v)) >= sizeof word)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected met, not_met or none", key, v);
    memcpy(word, v, sp ? (size_t)(sp - v) : strlen(v) + 1);
    word[sp ? (size_t)(sp - v) : strlen(v)] = '\0';
    if (strcmp(word, "met") == 0)
        f->met = true;
    else if (strcmp(word, "not_met") == 0)
        f->met = false;
    else if (strcmp(word, "none") == 0)
        f->date = -1; /* marks: no finding at all, even under `all` */
    else
        return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected met, not_met or none", key, v);
    if (sp && f->date == 0 && lnt_date_parse(sp + 1, &f->date) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected a date after the verdict", key,
                        sp + 1);
    vl->n_findings++;
    return LNT_OK;
}

/* [venue ID]: the venue with that id, added on its first section. */
/* [venue ID]: finds or adds the venue, then applies `key = v` to it. */
static enum lnt_err venue_section(struct scen_load *l, const char *section, const char *idtext,
                                  int line, const char *key, const char *v, char *err)
{
    struct lnt_score_scenario *s = l->s;
    struct lnt_score_scenario_venue *sv;
    struct venue_load *vl;
    int64_t id;

    if (lnt_parse_i64(idtext, 1, INT64_MAX, &id) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "[%s]: expected [venue ID]", section);
    for (size_t i = 0; i < s->n_venues; i++)
        if (s->venues[i].in.venue.id == id)
            return venue_key(&l->vl[i], key, v, err);
    if (s->n_venues == SCEN_VENUES_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d venues", SCEN_VENUES_MAX);
    sv = &s->venues[s->n_venues];
    vl = &l->vl[s->n_venues++];
    vl->v = sv;
    sv->in.venue.id = id;
    sv->line = line;
    sv->findings = calloc(SCEN_FINDINGS_MAX, sizeof *sv->findings);
    if (sv->findings == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    return venue_key(vl, key, v, err);
}

/* [nights ID]: `every = ...` or `DATE[..DATE] = ...`, kept as text until the town is read. */
static enum lnt_err nights_key(struct venue_load *vl, const char *key, const char *v, int line,
                               char *err)
{
    struct row_text *r;

    if (strcmp(key, "every") == 0) {
        lnt_str_copy(vl->every, sizeof vl->every, v);
        vl->every_line = line;
        return LNT_OK;
    }
    if (vl->n_rows == SCEN_ROWS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d night lines", SCEN_ROWS_MAX);
    r = &vl->rows[vl->n_rows];
    if (date_range(key, &r->from, &r->to, err) != LNT_OK)
        return LNT_ERR_INVALID;
    lnt_str_copy(r->text, sizeof r->text, v);
    r->line = line;
    vl->n_rows++;
    return LNT_OK;
}

/* [incident ID REPORT-ID]: the incident its keys fill, started on its first key; applies
 * `key = v` to it. */
static enum lnt_err incident_section(struct venue_load *vl, const char *section, const char *rid,
                                     const char *key, const char *v, char *err)
{
    struct lnt_score_scenario_venue *sv = vl->v;
    struct lnt_score_incident *x;

    while (*rid == ' ')
        rid++;
    if (*rid == '\0' || strlen(rid) >= sizeof sv->incidents[0].id)
        return lnt_fail(err, LNT_ERR_INVALID, "[%s]: expected [incident VENUE REPORT-ID]", section);
    if (vl->cur_incident != NULL && strcmp(vl->cur_incident->id, rid) == 0)
        return incident_key(vl->cur_incident, key, v, err);
    for (size_t i = 0; i < sv->in.n_incidents; i++)
        if (strcmp(sv->incidents[i].id, rid) == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "incident %s: defined twice", rid);
    if (sv->in.n_incidents == SCEN_INCIDENTS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d incidents", SCEN_INCIDENTS_MAX);
    if (sv->incidents == NULL &&
        (sv->incidents = calloc(SCEN_INCIDENTS_MAX, sizeof *sv->incidents)) == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    x = &sv->incidents[sv->in.n_incidents++];
    lnt_str_copy(x->id, sizeof x->id, rid);
    lnt_str_copy(x->kind, sizeof x->kind, "other");
    x->severity = 1;
    x->occurred_at = INT64_MIN;
    vl->cur_incident = x;
    return incident_key(x, key, v, err);
}

/* [previous ID]: the band and total of the window before, and the band before that. */
static enum lnt_err previous_key(struct lnt_score_input *in, const char *key, const char *v,
                                 char *err)
{
    if (strcmp(key, "band") == 0) {
        in->prev.known = true;
        return lnt_band_parse(v, &in->prev.band) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "band: `%s`: expected green, amber or red", v);
    }
    if (strcmp(key, "band2") == 0)
        return lnt_band_parse(v, &in->prev2_band) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "band2: `%s`: expected green, amber or red", v);
    if (strcmp(key, "total") == 0)
        return lnt_score_milli_parse(v, 0, 1000000000, &in->prev.total_milli) == LNT_OK
                   ? LNT_OK
                   : lnt_fail(err, LNT_ERR_INVALID, "total: `%s`: expected points", v);
    return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in [previous]", key);
}

/* [town]: `at`, the instant the town is scored at, and optionally `window` (rolling|quarter: the
 * rules' window kind for this town). */
static enum lnt_err town_key(struct scen_load *l, const char *key, const char *v, char *err)
{
    if (strcmp(key, "window") == 0) {
        enum lnt_score_window_kind k;
        if (lnt_score_window_parse(v, &k) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "window: `%s`: expected rolling or quarter", v);
        l->quarter = k == LNT_WINDOW_QUARTER;
        return LNT_OK;
    }
    if (strcmp(key, "at") != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in [town]", key);
    if (lnt_time_parse(v, &l->s->at) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "at: `%s`: expected RFC 3339 time", v);
    l->at_set = true;
    return LNT_OK;
}

/* One `key = value` line of the INI file, handed to the section it is in. */
static enum lnt_err scen_entry(void *ctx, const char *section, const char *key, const char *v,
                               int line, char *err)
{
    struct scen_load *l = ctx;
    struct venue_load *vl;
    char idtext[24];
    const char *arg;
    size_t alen;

    if (strcmp(section, "town") == 0)
        return town_key(l, key, v, err);
    /* every other section names a venue id after its word: [nights 3], [incident 3 R-1] */
    arg = strchr(section, ' ');
    if (arg == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown section [%s]", section);
    arg++;
    alen = strcspn(arg, " ");
    if (alen >= sizeof idtext)
        return lnt_fail(err, LNT_ERR_INVALID, "[%s]: venue id too long", section);
    memcpy(idtext, arg, alen);
    idtext[alen] = '\0';

    if (strncmp(section, "venue ", 6) == 0)
        return venue_section(l, section, idtext, line, key, v, err);
    if ((vl = venue_by_id(l, idtext, err)) == NULL)
        return LNT_ERR_INVALID;
    if (strncmp(section, "nights ", 7) == 0)
        return nights_key(vl, key, v, line, err);
    if (strncmp(section, "incident ", 9) == 0)
        return incident_section(vl, section, arg + alen, key, v, err);
    if (strncmp(section, "findings ", 9) == 0)
        return findings_key(l, vl, key, v, err);
    if (strncmp(section, "previous ", 9) == 0)
        return previous_key(&vl->v->in, key, v, err);
    return lnt_fail(err, LNT_ERR_INVALID, "unknown section [%s]", section);
}

/* Applies "contacts=4 door=2 ..." to a night row. */
static enum lnt_err row_apply(const char *text, struct lnt_score_night *r, char *err)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"contacts", offsetof(struct lnt_score_night, contacts)},
        {"door", offsetof(struct lnt_score_night, door_shifts)},
        {"door_sia", offsetof(struct lnt_score_night, door_shifts_sia_ok)},
        {"door_vuln", offsetof(struct lnt_score_night, door_shifts_vuln)},
        {"angela", offsetof(struct lnt_score_night, angela_on_shift)},
        {"staff", offsetof(struct lnt_score_night, staff_shifts)},
        {"bystander", offsetof(struct lnt_score_night, staff_shifts_bystander)},
        {"open", offsetof(struct lnt_score_night, shifts_open)},
        {"refused", offsetof(struct lnt_score_night, badges_refused)},
        {"cups", offsetof(struct lnt_score_night, cup_level)},
        {"cup_min", offsetof(struct lnt_score_night, cup_threshold)},
    };
    const char *p = text;

    while (*p) {
        char tok[64], *eq;
        size_t n;
        int64_t x;
        bool found = false;
        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n == 0)
            break;
        if (n >= sizeof tok)
            return lnt_fail(err, LNT_ERR_INVALID, "`%.20s...`: too long", p);
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;
        eq = strchr(tok, '=');
        if (eq == NULL || lnt_parse_i64(eq + 1, -1, 1000000, &x) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "`%s`: expected name=number", tok);
        *eq = '\0';
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (strcmp(fields[i].name, tok) == 0) {
                int32_t v32 = (int32_t)x;
                memcpy((char *)r + fields[i].off, &v32, sizeof v32);
                found = true;
            }
        if (!found)
            return lnt_fail(err, LNT_ERR_INVALID, "`%s`: unknown night field", tok);
    }
    return LNT_OK;
}

/* Builds the venue's night rows and findings once the whole file is read. */
static enum lnt_err venue_finish(struct scen_load *l, struct venue_load *vl, const char *path,
                                 char *err)
{
    struct lnt_score_scenario_venue *sv = vl->v;
    struct lnt_score_input *in = &sv->in;
    int span = l->quarter ? LNT_QUARTER_NIGHTS_MAX : lnt_score_window_span(l->rules->risk);
    int32_t base;
    char msg[LNT_ERRBUF_SIZE];

    if (in->venue.category[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: venue %lld: category: missing", path,
                        sv->line, (long long)in->venue.id);
    in->at = l->s->at;
    lnt_score_rules_window(l->rules->risk, in->at, 0, &in->first_night, &in->last_night);
    if (l->quarter)
        in->first_night = lnt_score_quarter_start(in->last_night);
    for (size_t i = 0; i < l->rules->bbn->n_criteria; i++)
        if (l->rules->bbn->criteria[i].window > span)
            span = l->rules->bbn->criteria[i].window;
    base = in->last_night - span + 1;
    sv->nights = calloc((size_t)span, sizeof *sv->nights);
    if (sv->nights == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    in->nights = sv->nights;
    in->n_nights = (size_t)span;
    for (int i = 0; i < span; i++) {
        struct lnt_score_night *r = &sv->nights[i];
        r->night = base + i;
        r->cup_level = -1;
        if (vl->every[0] && lnt_trading_is_night(&in->venue.trading, r->night) &&
            row_apply(vl->every, r, msg) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: %s", path, vl->every_line, msg);
        for (size_t k = 0; k < vl->n_rows; k++)
            if (r->night >= vl->rows[k].from && r->night <= vl->rows[k].to &&
                row_apply(vl->rows[k].text, r, msg) != LNT_OK)
                return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: %s", path, vl->rows[k].line, msg);
    }
    in->incidents = sv->incidents;
    for (size_t i = 0; i < in->n_incidents; i++) {
        const struct lnt_score_incident *x = &sv->incidents[i];
        int32_t night;
        struct lnt_score_night *r;
        if (x->occurred_at == INT64_MIN)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: incident %s: at: missing", path, x->id);
        night = lnt_night_of(x->occurred_at);
        if (night < base || night > in->last_night)
            continue;
        r = &sv->nights[night - base];
        r->contacts++;
        r->incidents++;
        r->incidents_recorded_1h += x->record_delay <= 3600;
        if (strcmp(x->kind, "spiking") == 0) {
            r->spiking_reports++;
            r->spiking_complete += x->complete;
        }
        r->angela_requests += strcmp(x->kind, "angela") == 0;
    }
    /* `all = met|not_met` gives every finding criterion a finding unless listed */
    if (vl->all) {
        for (size_t i = 0; i < l->rules->bbn->n_criteria; i++) {
            const struct lnt_bbn_criterion *c = &l->rules->bbn->criteria[i];
            bool listed = false;
            if (c->metric != LNT_METRIC_FINDING)
                continue;
            for (size_t k = 0; k < vl->n_findings; k++)
                listed |= strcmp(sv->findings[k].criterion, c->id) == 0;
            if (listed)
                continue;
            if (vl->n_findings == SCEN_FINDINGS_MAX)
                return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: too many findings", path);
            struct lnt_score_finding *f = &sv->findings[vl->n_findings++];
            memset(f, 0, sizeof *f);
            lnt_str_copy(f->criterion, sizeof f->criterion, c->id);
            f->met = vl->all == 1;
        }
    }
    /* fill dates and assessor; drop "none" */
    size_t kept = 0;
    for (size_t k = 0; k < vl->n_findings; k++) {
        struct lnt_score_finding f = sv->findings[k];
        if (f.date == -1)
            continue;
        if (f.date == 0)
            f.date = vl->f_date;
        if (f.date == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: venue %lld: [findings] date: missing", path,
                            (long long)in->venue.id);
        lnt_str_copy(f.assessor, sizeof f.assessor,
                     vl->f_assessor[0] ? vl->f_assessor : "assessor");
        snprintf(f.evidence, sizeof f.evidence, "scenario finding for %s", f.criterion);
        sv->findings[kept++] = f;
    }
    in->findings = sv->findings;
    in->n_findings = kept;
    return LNT_OK;
}

enum lnt_err lnt_score_scenario_load(const char *path, const struct lnt_score_rules *rules,
                                     struct lnt_score_scenario **out, char *err)
{
    struct scen_load *l = NULL;
    enum lnt_err rc;

    *out = NULL;
    l = calloc(1, sizeof *l);
    if (l == NULL || (l->s = calloc(1, sizeof *l->s)) == NULL ||
        (l->s->venues = calloc(SCEN_VENUES_MAX, sizeof *l->s->venues)) == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    l->rules = rules;
    rc = lnt_ini_parse(path, scen_entry, l, err);
    if (rc == LNT_OK && !l->at_set)
        rc = lnt_fail(err, LNT_ERR_INVALID, "%s: [town] at: missing", path);
    for (size_t i = 0; rc == LNT_OK && i < l->s->n_venues; i++)
        rc = venue_finish(l, &l->vl[i], path, err);
    if (rc == LNT_OK) {
        *out = l->s;
        l->s = NULL; /* the caller's now */
    }
out:
    if (l)
        lnt_score_scenario_free(l->s);
    free(l);
    return rc;
}

void lnt_score_scenario_free(struct lnt_score_scenario *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; s->venues && i < s->n_venues; i++) {
        free(s->venues[i].nights);
        free(s->venues[i].incidents);
        free(s->venues[i].findings);
    }
    free(s->venues);
    free(s);
}

struct lnt_score_scenario_venue *lnt_score_scenario_venue(struct lnt_score_scenario *s, int64_t id)
{
    for (size_t i = 0; i < s->n_venues; i++)
        if (s->venues[i].in.venue.id == id)
            return &s->venues[i];
    return NULL;
}
