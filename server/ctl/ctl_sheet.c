/* ctl_sheet.c - `lanternctl badge sheet`: issue badges for several people onto A4 card stock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "ctl.h"
#include "ltime.h"
#include "progress.h"
#include "sheet.h"
#include "staff_badge.h"

#define STAFF_LIST_MAX 4000 /* bytes of --staff text */

struct sheet_job {
    int64_t *ids;
    size_t n;
    struct lnt_sheet_card *cards;
    struct lnt_badge_claims *claims;
};

static void job_release(struct sheet_job *j)
{
    free(j->ids);
    free(j->cards);
    free(j->claims);
    memset(j, 0, sizeof *j);
}

/* "3,7,12" into j->ids; duplicates refused (one person, one badge). */
static int parse_staff_list(const char *s, struct sheet_job *j)
{
    char buf[STAFF_LIST_MAX + 1];
    char *p, *comma;

    if (lnt_str_copy(buf, sizeof buf, s) != LNT_OK)
        return lnt_ctl_fail("--staff: at most %d bytes", STAFF_LIST_MAX);
    j->ids = calloc(LNT_SHEET_MAX_CARDS, sizeof *j->ids);
    if (j->ids == NULL)
        return lnt_ctl_fail("out of memory");
    for (p = buf;; p = comma + 1) {
        comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (j->n == LNT_SHEET_MAX_CARDS)
            return lnt_ctl_fail("--staff: at most %d people on one sheet", LNT_SHEET_MAX_CARDS);
        if (lnt_parse_i64(p, 1, INT64_MAX, &j->ids[j->n]) != LNT_OK)
            return lnt_ctl_fail("--staff: expected ids separated by commas (3,7,12), got '%s'", s);
        for (size_t i = 0; i < j->n; i++)
            if (j->ids[i] == j->ids[j->n])
                return lnt_ctl_fail("--staff: staff member %lld is listed twice",
                                    (long long)j->ids[j->n]);
        j->n++;
        if (comma == NULL)
            break;
    }
    return LNT_CTL_OK;
}

static int venue_staff(struct lnt_ctl *c, int64_t venue, struct sheet_job *j)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue ven;
    struct lnt_staff *list = NULL;
    size_t n = 0;
    int rc = LNT_CTL_OK;

    if (lnt_store_venue_get(c->store, venue, &ven, err) != LNT_OK ||
        lnt_store_staff_list(c->store, venue, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("badge sheet: %s", err);
    if (n == 0) {
        rc = lnt_ctl_fail("badge sheet: venue %lld (%s) has no staff", (long long)venue, ven.name);
        goto out;
    }
    if (n > LNT_SHEET_MAX_CARDS) {
        rc = lnt_ctl_fail("badge sheet: venue %lld has %zu staff: at most %d on one sheet",
                          (long long)venue, n, LNT_SHEET_MAX_CARDS);
        goto out;
    }
    j->ids = calloc(n, sizeof *j->ids);
    if (j->ids == NULL) {
        rc = lnt_ctl_fail("out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        j->ids[i] = list[i].id;
    j->n = n;
out:
    free(list);
    return rc;
}

/* "WAVE, Ask for Angela, First aid": what a door supervisor's colleague reads on the card. */
static void course_words(const struct lnt_badge_claims *cl, char *out, size_t size)
{
    static const char *const words[] = {"",        "Bystander", "WAVE",     "Ask for Angela",
                                        "Spiking", "First aid", "Conflict", "Challenge 25"};
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < cl->n_courses; i++) {
        unsigned k = (unsigned)cl->courses[i].course;
        int n = snprintf(out + len, size - len, "%s%s", len ? ", " : "",
                         k < sizeof words / sizeof words[0] ? words[k] : "?");
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
}

/* Signs one badge per person and fills the cards; nothing is recorded yet. */
static int sign_all(struct lnt_ctl *c, const struct lnt_scheme *sc, struct sheet_job *j,
                    int64_t days)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_progress pg;
    int64_t now = lnt_time_now();
    int rc = LNT_CTL_OK;

    j->cards = calloc(j->n, sizeof *j->cards);
    j->claims = calloc(j->n, sizeof *j->claims);
    if (j->cards == NULL || j->claims == NULL)
        return lnt_ctl_fail("out of memory");
    lnt_progress_begin(&pg, STDERR_FILENO, "signing badges", (int64_t)j->n);
    for (size_t i = 0; i < j->n && rc == LNT_CTL_OK; i++) {
        struct lnt_sheet_card *card = &j->cards[i];
        struct lnt_staff st;
        struct lnt_venue ven;

        if (lnt_store_staff_get(c->store, j->ids[i], &st, err) != LNT_OK ||
            lnt_store_venue_get(c->store, st.venue_id, &ven, err) != LNT_OK) {
            rc = lnt_ctl_fail("badge sheet: %s (no badge was issued)", err);
            break;
        }
        if (lnt_staff_badge_sign(c->store, sc, &st, now, days, &j->claims[i], card->qr_text,
                                 sizeof card->qr_text, err) != LNT_OK) {
            rc = lnt_ctl_fail("badge sheet: staff %lld: %s (no badge was issued)", (long long)st.id,
                              err);
            break;
        }
        (void)lnt_str_copy(card->scheme, sizeof card->scheme, sc->name);
        (void)lnt_str_copy(card->name, sizeof card->name, st.name);
        (void)lnt_str_copy(card->venue, sizeof card->venue, ven.name);
        (void)lnt_str_copy(card->sia_number, sizeof card->sia_number, st.sia_number);
        card->role = st.role;
        card->sia_expires = st.sia_expires;
        card->expires_at = j->claims[i].expires_at;
        lnt_hex_encode(j->claims[i].serial, LNT_SERIAL_LEN, card->serial);
        course_words(&j->claims[i], card->training, sizeof card->training);
        lnt_progress_update(&pg, (int64_t)i + 1);
    }
    lnt_progress_end(&pg);
    return rc;
}

static void remove_files(const char *path, enum lnt_sheet_format fmt, size_t n)
{
    char file[4096];

    for (size_t p = 0; p < lnt_sheet_pages(n); p++)
        if (lnt_sheet_page_path(path, fmt, p, file, sizeof file) == LNT_OK)
            (void)unlink(file);
}

static int print_result(struct lnt_ctl *c, const struct sheet_job *j, const char *path,
                        enum lnt_sheet_format fmt)
{
    static const char *const fmt_names[] = {"", "pdf", "svg", "png"};
    struct lnt_buf js, words;
    struct lnt_ctl_out o;
    char when[LNT_TIME_STRLEN], file[4096];
    int rc;

    lnt_buf_init(&js, 1 << 20);
    lnt_buf_init(&words, 1 << 20);
    (void)lnt_buf_puts(&js, "[");
    for (size_t i = 0; i < j->n; i++) {
        const struct lnt_sheet_card *card = &j->cards[i];
        if (lnt_time_format(card->expires_at, when) != LNT_OK)
            when[0] = '\0';
        (void)lnt_buf_printf(&js, "%s{\"staff_id\":%lld,\"serial\":\"%s\",\"name\":", i ? "," : "",
                             (long long)j->ids[i], card->serial);
        (void)lnt_buf_put_json_str(&js, card->name);
        (void)lnt_buf_printf(&js, ",\"expires_at\":\"%s\",\"qr_text\":\"%s\"}", when,
                             card->qr_text);
        (void)lnt_buf_printf(&words, "%s%lld:%s", i ? "," : "", (long long)j->ids[i], card->serial);
    }
    (void)lnt_buf_puts(&js, "]");
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "file", path);
    lnt_ctl_out_str(&o, "format", fmt_names[fmt]);
    lnt_ctl_out_int(&o, "pages", (int64_t)lnt_sheet_pages(j->n));
    if (fmt != LNT_SHEET_PDF && lnt_sheet_pages(j->n) > 1 &&
        lnt_sheet_page_path(path, fmt, lnt_sheet_pages(j->n) - 1, file, sizeof file) == LNT_OK)
        lnt_ctl_out_str(&o, "last_file", file);
    lnt_ctl_out_int(&o, "count", (int64_t)j->n);
    lnt_ctl_out_raw(&o, "badges", js.data != NULL ? js.data : "[]",
                    words.data != NULL ? words.data : "");
    rc = lnt_ctl_out_end(&o);
    lnt_buf_release(&js);
    lnt_buf_release(&words);
    return rc;
}

int lnt_ctl_badge_sheet(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_STAFF, O_VENUE, O_PDF, O_SVG, O_PNG, O_DAYS };
    static const struct option opts[] = {{"staff", required_argument, NULL, O_STAFF},
                                         {"venue", required_argument, NULL, O_VENUE},
                                         {"pdf", required_argument, NULL, O_PDF},
                                         {"svg", required_argument, NULL, O_SVG},
                                         {"png", required_argument, NULL, O_PNG},
                                         {"valid-days", required_argument, NULL, O_DAYS},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct sheet_job j = {0};
    struct lnt_scheme sc;
    enum lnt_sheet_format fmt;
    const char *path;
    int64_t venue = 0, days = LNT_STAFF_BADGE_DEFAULT_DAYS;
    int rc, outputs;

    memset(&sc, 0, sizeof sc);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((v[O_STAFF] == NULL) == (v[O_VENUE] == NULL))
        return lnt_ctl_usage(c, "badge sheet: give exactly one of --staff and --venue");
    outputs = (v[O_PDF] != NULL) + (v[O_SVG] != NULL) + (v[O_PNG] != NULL);
    if (outputs != 1)
        return lnt_ctl_usage(c, "badge sheet: give exactly one of --pdf, --svg and --png");
    fmt = v[O_PDF] != NULL ? LNT_SHEET_PDF : v[O_SVG] != NULL ? LNT_SHEET_SVG : LNT_SHEET_PNG;
    path = v[O_PDF] != NULL ? v[O_PDF] : v[O_SVG] != NULL ? v[O_SVG] : v[O_PNG];
    if (path[0] == '\0')
        return lnt_ctl_usage(c, "badge sheet: the file name must not be empty");
    if (v[O_DAYS] != NULL &&
        (rc = lnt_ctl_parse_int("valid-days", v[O_DAYS], 1, LNT_STAFF_BADGE_MAX_DAYS, &days)) !=
            LNT_CTL_OK)
        return rc;
    if (v[O_STAFF] != NULL) {
        if ((rc = parse_staff_list(v[O_STAFF], &j)) != LNT_CTL_OK)
            goto out;
    } else if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &venue)) != LNT_CTL_OK) {
        goto out;
    }
    if ((rc = lnt_ctl_open_signing(c, &sc)) != LNT_CTL_OK)
        goto out;
    if (venue != 0 && (rc = venue_staff(c, venue, &j)) != LNT_CTL_OK)
        goto out;
    if ((rc = sign_all(c, &sc, &j, days)) != LNT_CTL_OK)
        goto out;
    if (lnt_sheet_write(path, fmt, j.cards, j.n, err) != LNT_OK) {
        rc = lnt_ctl_fail("badge sheet: %s (no badge was issued)", err);
        goto out;
    }
    /* recorded only once printable; each recording revokes that person's earlier badges */
    for (size_t i = 0; i < j.n; i++) {
        if (lnt_staff_badge_record(c->store, &j.claims[i], j.ids[i], err) == LNT_OK)
            continue;
        remove_files(path, fmt, j.n);
        if (i == 0)
            rc = lnt_ctl_fail("badge sheet: %s (no badge was issued)", err);
        else
            rc = lnt_ctl_fail("badge sheet: staff %lld: %s (the first %zu badges were issued and "
                              "are valid; the sheet was removed: run the command again)",
                              (long long)j.ids[i], err, i);
        goto out;
    }
    rc = print_result(c, &j, path, fmt);
out:
    memset(&sc, 0, sizeof sc);
    job_release(&j);
    lnt_sheet_cleanup();
    return rc;
}
