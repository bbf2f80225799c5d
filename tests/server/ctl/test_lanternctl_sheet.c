/* test_lanternctl_sheet.c - `badge sheet` (PDF, SVG, PNG) and the progress bar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"
#include "store.h"
#include "image.h"
#include "ltime.h"
#include "night.h"
#include "scan.h"
#include "sheet.h"
#include "support.h"
#include "test_lanternctl_run.h"

/* A venue with four staff: a licensed door supervisor, bar, manager, volunteer. */
static void four_staff(struct ctl_fix *f)
{
    char sia[11], done[11];

    ctl_init(f);
    json_decref(ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "High Street", NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Aleksandra Kowalczyk-Brown",
                         "--role", "door", "--sia", "1234567812345678", "--sia-expiry",
                         ctl_date(400, sia), NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Priya Raman", "--role",
                         "bar", NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Tom Hargreaves", "--role",
                         "manager", NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Ruth Adeyemi", "--role",
                         "volunteer", NULL));
    json_decref(ctl_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                         ctl_date(-20, done), NULL));
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* Counts `needle` in the whole of `path` (binary safe for needles without NUL). */
static int count_in_file(const char *path, const char *needle)
{
    FILE *fp = fopen(path, "rb");
    size_t n = strlen(needle), cap = 1 << 22, len;
    char *buf = malloc(cap);
    int count = 0;

    assert_non_null(fp);
    assert_non_null(buf);
    len = fread(buf, 1, cap, fp);
    fclose(fp);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            count++;
    free(buf);
    return count;
}

/* Runs a tool (scripts/install-deps installs it) and returns its exit status. */
static int run_tool(const char *tool, const char *arg1, const char *arg2, char **out)
{
    const char *argv[] = {tool, arg1, arg2, NULL};
    struct lnt_proc_result pr;
    int status;

    assert_int_equal(lnt_proc_run(argv, NULL, CTL_TIMEOUT_MS, &pr), 0);
    status = pr.status;
    if (out != NULL)
        *out = strdup(pr.out);
    lnt_proc_result_release(&pr);
    return status;
}

/*
 * The page count poppler-utils' pdfinfo reads from `pdf` (a reader other than
 * ours), checking that the page size is A4. Parses the number after "Pages:"
 * whatever whitespace pdfinfo's version pads it with.
 */
static long pdfinfo_pages(const char *pdf)
{
    char *info = NULL, *p, *end;
    long pages;

    assert_int_equal(run_tool("/usr/bin/pdfinfo", pdf, NULL, &info), 0);
    assert_non_null(info);
    assert_non_null(strstr(info, "(A4)"));
    p = strncmp(info, "Pages:", 6) == 0 ? info : strstr(info, "\nPages:");
    assert_non_null(p);
    p = strchr(p, ':') + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    pages = strtol(p, &end, 10);
    assert_true(end > p && (*end == '\n' || *end == '\0'));
    free(info);
    return pages;
}

static void test_lanternctl_sheet__pdf_is_valid_a4(void **state)
{
    struct ctl_fix *f = *state;
    char *pdf = ctl_path(f, "badges.pdf");
    json_t *o, *badges;
    FILE *fp;
    char head[8] = "";

    four_staff(f);
    o = ctl_json(f, "badge", "sheet", "--venue", "1", "--pdf", pdf, NULL);
    assert_string_equal(ctl_jstr(o, "format"), "pdf");
    assert_int_equal(ctl_jint(o, "pages"), 1);
    assert_int_equal(ctl_jint(o, "count"), 4);
    badges = json_object_get(o, "badges");
    assert_int_equal(json_array_size(badges), 4);
    assert_string_equal(ctl_jstr(json_array_get(badges, 0), "name"), "Aleksandra Kowalczyk-Brown");
    json_decref(o);

    fp = fopen(pdf, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(head, 1, 5, fp), 5);
    fclose(fp);
    assert_memory_equal(head, "%PDF-", 5);
    assert_true(count_in_file(pdf, "%%EOF") >= 1);
    assert_int_equal(count_in_file(pdf, "/Type /Page\n") + count_in_file(pdf, "/Type /Page "), 1);
    /* A4 in points */
    assert_true(count_in_file(pdf, "595.27") >= 1);
    assert_int_equal(pdfinfo_pages(pdf), 1);

    /* five people need two pages; the PDF holds both */
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Five", "--role", "bar", NULL));
    o = ctl_json(f, "badge", "sheet", "--venue", "1", "--pdf", pdf, NULL);
    assert_int_equal(ctl_jint(o, "pages"), 2);
    json_decref(o);
    assert_int_equal(count_in_file(pdf, "/Type /Page\n") + count_in_file(pdf, "/Type /Page "), 2);
    assert_int_equal(pdfinfo_pages(pdf), 2);
    free(pdf);
}

static void test_lanternctl_sheet__svg_is_well_formed_vector(void **state)
{
    struct ctl_fix *f = *state;
    char *svg = ctl_path(f, "sheet.svg"), *svg2 = ctl_path(f, "sheet-2.svg");
    char *text;
    json_t *o;

    four_staff(f);
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Five", "--role", "bar", NULL));
    o = ctl_json(f, "badge", "sheet", "--staff", "1,2,3,4,5", "--svg", svg, NULL);
    assert_int_equal(ctl_jint(o, "pages"), 2);
    assert_string_equal(ctl_jstr(o, "last_file"), svg2);
    json_decref(o);
    assert_true(file_exists(svg));
    assert_true(file_exists(svg2));

    assert_int_equal(run_tool("/usr/bin/xmllint", "--noout", svg, NULL), 0);
    text = lnt_test_read_file(svg);
    assert_non_null(text);
    assert_true(lnt_str_starts(text, "<?xml"));
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "</svg>"));
    assert_non_null(strstr(text, "width=\"595.27"));
    /* the codes are paths, not embedded bitmaps */
    assert_null(strstr(text, "<image"));
    free(text);
    free(svg);
    free(svg2);
}

/* Decodes the QR code in card `slot` of a 300 dpi page. */
static void scan_card(const struct lnt_image *page, size_t slot, char *out, size_t size)
{
    const double px = LNT_SHEET_PNG_DPI / 25.4;
    struct lnt_image card;
    struct lnt_scanner *sc = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = false;
    double x, y;
    int x0, y0;

    lnt_sheet_card_origin(slot, &x, &y);
    x0 = (int)(x * px);
    y0 = (int)(y * px);
    assert_int_equal(lnt_image_init(&card, (int)(LNT_SHEET_CARD_W_MM * px),
                                    (int)(LNT_SHEET_CARD_H_MM * px), 255),
                     LNT_OK);
    assert_true(x0 + card.w <= page->w && y0 + card.h <= page->h);
    for (int row = 0; row < card.h; row++)
        memcpy(card.px + (size_t)row * card.stride,
               page->px + (size_t)(y0 + row) * page->stride + (size_t)x0, (size_t)card.w);
    assert_int_equal(lnt_scanner_new(&sc, err), LNT_OK);
    assert_int_equal(lnt_scanner_scan(sc, &card, out, size, &found, err), LNT_OK);
    if (!found)
        fail_msg("no QR code found on card %zu", slot);
    lnt_scanner_free(sc);
    lnt_image_release(&card);
}

static void test_lanternctl_sheet__printed_codes_scan_and_verify(void **state)
{
    struct ctl_fix *f = *state;
    char *png = ctl_path(f, "sheet.png"), *single = ctl_path(f, "one.png");
    char err[LNT_ERRBUF_SIZE] = "", text[512];
    struct lnt_image page;
    json_t *o, *badges, *v, *old;

    four_staff(f);
    /* a badge issued before the sheet is replaced by it */
    old = ctl_json(f, "badge", "issue", "--staff", "2", "--png", single, NULL);
    o = ctl_json(f, "badge", "sheet", "--staff", "1,2,4", "--png", png, NULL);
    badges = json_object_get(o, "badges");
    assert_int_equal(json_array_size(badges), 3);
    assert_int_equal(lnt_image_read_png(png, &page, err), LNT_OK);
    assert_int_equal(page.w, 2480); /* A4 at 300 dpi */
    assert_int_equal(page.h, 3508);
    for (size_t i = 0; i < 3; i++) {
        json_t *b = json_array_get(badges, i);
        scan_card(&page, i, text, sizeof text);
        assert_string_equal(text, ctl_jstr(b, "qr_text"));
        v = ctl_json(f, "badge", "verify", "--text", text, NULL);
        assert_true(json_is_true(json_object_get(v, "valid")));
        assert_string_equal(ctl_jstr(v, "serial"), ctl_jstr(b, "serial"));
        assert_string_equal(ctl_jstr(v, "name"), ctl_jstr(b, "name"));
        json_decref(v);
    }
    /* slot 3 is empty on this page */
    lnt_image_release(&page);

    struct ctl_run r;
    ctl_exec(f, true, NULL, &r, "badge", "verify", "--text", ctl_jstr(old, "qr_text"), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"revoked\""));
    ctl_run_release(&r);
    json_decref(old);
    json_decref(o);
    free(png);
    free(single);
}

static void test_lanternctl_sheet__errors(void **state)
{
    struct ctl_fix *f = *state;
    char *pdf = ctl_path(f, "x.pdf");

    four_staff(f);
    ctl_expect_fail(f, 2, "exactly one of --staff and --venue", "badge", "sheet", "--staff", "1",
                    "--venue", "1", "--pdf", pdf, NULL);
    ctl_expect_fail(f, 2, "exactly one of --pdf", "badge", "sheet", "--staff", "1", NULL);
    ctl_expect_fail(f, 2, "exactly one of --pdf", "badge", "sheet", "--staff", "1", "--pdf", pdf,
                    "--svg", pdf, NULL);
    ctl_expect_fail(f, 1, "--staff: expected ids", "badge", "sheet", "--staff", "1,x", "--pdf", pdf,
                    NULL);
    ctl_expect_fail(f, 1, "listed twice", "badge", "sheet", "--staff", "2,2", "--pdf", pdf, NULL);
    ctl_expect_fail(f, 1, "staff member 9 not found", "badge", "sheet", "--staff", "1,9", "--pdf",
                    pdf, NULL);
    assert_false(file_exists(pdf));
    json_decref(ctl_json(f, "venue", "add", "--name", "Empty", "--category", "bar", "--capacity",
                         "50", "--area", "Quay", NULL));
    ctl_expect_fail(f, 1, "has no staff", "badge", "sheet", "--venue", "2", "--pdf", pdf, NULL);
    ctl_expect_fail(f, 1, "venue 7 not found", "badge", "sheet", "--venue", "7", "--pdf", pdf,
                    NULL);
    ctl_expect_fail(f, 1, "/nonexistent/dir/x.pdf", "badge", "sheet", "--staff", "1", "--pdf",
                    "/nonexistent/dir/x.pdf", NULL);
    assert_false(file_exists(pdf));
    free(pdf);
}

/* ---- progress ---- */

static void test_lanternctl_sheet__progress_quiet_when_piped(void **state)
{
    struct lnt_progress p;
    int fds[2];
    char buf[64];

    (void)state;
    assert_int_equal(pipe(fds), 0);
    lnt_progress_begin(&p, fds[1], "exporting", 10);
    for (int i = 1; i <= 10; i++)
        lnt_progress_update(&p, i);
    lnt_progress_end(&p);
    close(fds[1]);
    assert_int_equal(read(fds[0], buf, sizeof buf), 0);
    close(fds[0]);
}

static void test_lanternctl_sheet__progress_draws_on_a_tty(void **state)
{
    struct lnt_progress p;
    char buf[4096];
    ssize_t n, total = 0;
    int master, slave;

    (void)state;
    master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);

    lnt_progress_begin(&p, slave, "backup", 200);
    lnt_progress_update(&p, 50);
    lnt_progress_update(&p, 200); /* the last step is always drawn */
    lnt_progress_end(&p);
    close(slave);
    while (total < (ssize_t)sizeof buf - 1 &&
           (n = read(master, buf + total, sizeof buf - 1 - (size_t)total)) > 0)
        total += n;
    buf[total > 0 ? total : 0] = '\0';
    close(master);
    assert_non_null(strstr(buf, "backup ["));
    assert_non_null(strstr(buf, "100% 200/200"));
    assert_non_null(strstr(buf, "  0% 0/200"));
    /* and the line is cleared at the end */
    assert_non_null(strstr(buf, "\r\x1b[K"));
}

/*
 * The printed "Badge valid until" is the London date of the badge's expiry:
 * issued at 00:30 BST (bst-end) for 200 days, it runs out at 00:30 BST on a
 * date the UTC calendar still calls the day before.
 */
static void test_lanternctl_sheet__valid_until_is_a_london_date(void **state)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct ctl_fix *f = *state;
    char *pdf = ctl_path(f, "badges.pdf"), *text = NULL, want[48];
    int64_t before, after;
    int32_t day;
    int y, m, d;

    four_staff(f);
    before = lnt_time_now() + 200 * 86400LL;
    json_decref(
        ctl_json(f, "badge", "sheet", "--venue", "1", "--pdf", pdf, "--valid-days", "200", NULL));
    after = lnt_time_now() + 200 * 86400LL;
    day = lnt_london_date(before);
    assert_int_equal(lnt_london_date(after), day); /* the run did not straddle a midnight */
    lnt_civil_from_days(day, &y, &m, &d);
    snprintf(want, sizeof want, "%d %s %d", d, mon[m - 1], y);
    assert_int_equal(run_tool("/usr/bin/pdftotext", pdf, "-", &text), 0);
    assert_non_null(text);
    if (strstr(text, "Badge valid until") == NULL || strstr(text, want) == NULL)
        fail_msg("the sheet does not say the badges are valid until %s: %.600s", want, text);
    free(text);
    free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_sheet__valid_until_is_a_london_date,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_sheet__pdf_is_valid_a4, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_sheet__svg_is_well_formed_vector, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_sheet__printed_codes_scan_and_verify,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_sheet__errors, ctl_setup, ctl_teardown),
        cmocka_unit_test(test_lanternctl_sheet__progress_quiet_when_piped),
        cmocka_unit_test(test_lanternctl_sheet__progress_draws_on_a_tty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
