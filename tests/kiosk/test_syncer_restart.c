/* test_syncer_restart.c - what the sync thread remembers across a restart of the kiosk: the
 * last good sync, so the status bar does not say "Never synced" after a power cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "outbox.h"
#include "support.h"
#include "syncer.h"

#define T_SYNC 1795730463LL /* 2026-11-26T22:01:03Z */

static int64_t last_sync_at_start(const char *dir)
{
    struct lnt_syncer *sy = NULL;
    struct lnt_syncer_status st;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_syncer_start(dir, NULL, &sy, err) != LNT_OK)
        fail_msg("syncer: %s", err);
    lnt_syncer_status(sy, &st);
    lnt_syncer_stop(sy);
    return st.last_sync;
}

static void test_syncer_restart__last_sync_is_read_back_at_start(void **state)
{
    char *dir = lnt_test_tmpdir();
    struct lnt_outbox *ob = NULL;

    (void)state;
    /* A kiosk that never synced says so. */
    assert_int_equal(last_sync_at_start(dir), 0);
    /* One that did (the thread stores the time in the outbox) shows that time at once. */
    assert_int_equal(lnt_outbox_open(dir, &ob, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_setting_set(ob, LNT_SET_LAST_SYNC, T_SYNC, NULL), LNT_OK);
    lnt_outbox_free(ob);
    assert_int_equal(last_sync_at_start(dir), T_SYNC);
    lnt_test_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syncer_restart__last_sync_is_read_back_at_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
