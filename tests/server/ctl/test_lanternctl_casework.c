/* test_lanternctl_casework.c - `lanternctl casework add|edit|close|list|show|history`, run as a
 * real process: a visit and a letter with its PDF, an action plan with an item, versions kept,
 * reads and changes audited, clear refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "test_lanternctl_run.h"

static int audit_rows(struct ctl_fix *f, const char *action, const char *object)
{
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "", actor[64];
    size_t n = 0;
    int hits = 0;

    snprintf(actor, sizeof actor, "lanternctl (uid %lu)", (unsigned long)getuid());
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 1000, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        hits += strcmp(a[i].action, action) == 0 && strcmp(a[i].object, object) == 0 &&
                strcmp(a[i].actor, actor) == 0;
    free(a);
    lnt_store_free(s);
    return hits;
}

static void test_lanternctl_casework__visit_edit_close_and_history(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    char venue[24], id[24], obj[80];
    int64_t visit;

    ctl_init(f);
    o = ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub", "--capacity", "200",
                 "--area", "Old Town", "--authority", "Westham", NULL);
    snprintf(venue, sizeof venue, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);

    o = ctl_json(f, "casework", "add", "--venue", venue, "--type", "visit", "--date", "2026-11-20",
                 "--kind", "police_visit", "--officers", "PS Grant", "--text",
                 "Queue unmanaged at 01:00", NULL);
    visit = ctl_jint(o, "id");
    assert_int_equal(ctl_jint(o, "version"), 1);
    assert_string_equal(ctl_jstr(o, "kind"), "police_visit");
    assert_string_equal(ctl_jstr(o, "date"), "2026-11-20");
    json_decref(o);
    snprintf(id, sizeof id, "%lld", (long long)visit);

    o = ctl_json(f, "casework", "edit", "--record", id, "--text",
                 "Queue unmanaged at 01:00; DPS spoken to", NULL);
    assert_int_equal(ctl_jint(o, "version"), 2);
    json_decref(o);
    o = ctl_json(f, "casework", "close", "--record", id, NULL);
    assert_int_equal(ctl_jint(o, "version"), 3);
    assert_true(ctl_jstr(o, "closed_at")[0] != '\0');
    json_decref(o);
    ctl_expect_fail(f, 1, "closed", "casework", "edit", "--record", id, "--text", "again", NULL);
    ctl_expect_fail(f, 1, "closed already", "casework", "close", "--record", id, NULL);

    list = ctl_json_lines(f, "casework", "history", "--record", id, NULL);
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "text"), "Queue unmanaged at 01:00");
    assert_string_equal(ctl_jstr(json_array_get(list, 2), "text"),
                        "Queue unmanaged at 01:00; DPS spoken to");
    json_decref(list);
    o = ctl_json(f, "casework", "show", "--record", id, NULL);
    assert_int_equal(ctl_jint(o, "version"), 3);
    json_decref(o);
    list = ctl_json_lines(f, "casework", "list", "--venue", venue, NULL);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);

    snprintf(obj, sizeof obj, "casework %s (venue %s)", id, venue);
    assert_int_equal(audit_rows(f, "casework.add", obj), 1);
    assert_int_equal(audit_rows(f, "casework.edit", obj), 1);
    assert_int_equal(audit_rows(f, "casework.close", obj), 1);
    snprintf(obj, sizeof obj, "venue %s", venue);
    assert_int_equal(audit_rows(f, "casework.read", obj), 3); /* history, show, list */
}

static void test_lanternctl_casework__letter_pdf_plan_item_and_refusals(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o;
    char venue[24], plan[24], item[24], *pdf, *txt;
    FILE *fp;

    ctl_init(f);
    o = ctl_json(f, "venue", "add", "--name", "Vaults", "--category", "bar", "--capacity", "90",
                 "--area", "Quay", NULL);
    snprintf(venue, sizeof venue, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    json_decref(ctl_json_in(f, "a long enough password\n", "officer", "add", "--email",
                            "pat@westham.gov.uk", "--name", "Pat", "--role", "officer", NULL));

    pdf = ctl_path(f, "warning.pdf");
    txt = ctl_path(f, "warning.txt");
    fp = fopen(pdf, "wb");
    assert_non_null(fp);
    fputs("%PDF-1.4\n%%EOF\n", fp);
    fclose(fp);
    fp = fopen(txt, "wb");
    assert_non_null(fp);
    fputs("Dear licensee\n", fp);
    fclose(fp);
    ctl_expect_fail(f, 1, "%PDF-", "casework", "add", "--venue", venue, "--type", "letter",
                    "--date", "2026-11-21", "--kind", "final_warning", "--pdf", txt, NULL);
    o = ctl_json(f, "casework", "add", "--venue", venue, "--type", "letter", "--date", "2026-11-21",
                 "--kind", "final_warning", "--pdf", pdf, NULL);
    assert_int_equal(strlen(ctl_jstr(o, "pdf_sha256")), 64);
    assert_int_equal(ctl_jint(o, "pdf_size"), 15);
    json_decref(o);

    o = ctl_json(f, "casework", "add", "--venue", venue, "--type", "plan", "--title",
                 "Twelve-week plan after Amber", NULL);
    snprintf(plan, sizeof plan, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    o = ctl_json(f, "casework", "add", "--venue", venue, "--type", "item", "--plan", plan, "--text",
                 "Door staff WAVE training", "--owner", "pat@westham.gov.uk", "--date",
                 "2026-12-18", NULL);
    snprintf(item, sizeof item, "%lld", (long long)ctl_jint(o, "id"));
    assert_string_equal(ctl_jstr(o, "status"), "open");
    json_decref(o);
    ctl_expect_fail(f, 1, "evidence", "casework", "edit", "--record", item, "--status", "done",
                    NULL);
    o = ctl_json(f, "casework", "edit", "--record", item, "--status", "done", "--evidence",
                 "Certificates seen", NULL);
    assert_string_equal(ctl_jstr(o, "status"), "done");
    json_decref(o);

    /* clear refusals */
    ctl_expect_fail(f, 2, "--venue and --type are required", "casework", "add", "--type", "note",
                    NULL);
    ctl_expect_fail(f, 1, "--type", "casework", "add", "--venue", venue, "--type", "memo", NULL);
    ctl_expect_fail(f, 1, "kind must be", "casework", "add", "--venue", venue, "--type", "visit",
                    "--date", "2026-11-20", "--kind", "chat", "--officers", "PS Grant", NULL);
    ctl_expect_fail(f, 1, "not found", "casework", "show", "--record", "999", NULL);
    ctl_expect_fail(f, 2, "nothing to change", "casework", "edit", "--record", item, NULL);
    free(pdf);
    free(txt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_casework__visit_edit_close_and_history,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_casework__letter_pdf_plan_item_and_refusals,
                                        ctl_setup, ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
