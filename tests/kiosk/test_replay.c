/* test_replay.c - replay scripts: each command, bounds, and errors that name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "replay.h"
#include "support.h"

static void test_replay__each_command_parses(void **state)
{
    struct lnt_replay_step st;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_replay_parse_line("  tap  Ask for Angela \r\n", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_TAP);
    assert_string_equal(st.arg, "Ask for Angela");
    assert_int_equal(lnt_replay_parse_line("type CAD 1234/26\n", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_TYPE);
    assert_string_equal(st.arg, "CAD 1234/26");
    assert_int_equal(lnt_replay_parse_line("wait 5100", &st, err), LNT_OK);
    assert_int_equal(st.ms, 5100);
    assert_int_equal(lnt_replay_parse_line("scan badges/01.png", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_SCAN);
    assert_int_equal(lnt_replay_parse_line("shot out.png", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_SHOT);
    /* A finger down and up as timed steps: on a button, or where the last one went. */
    assert_int_equal(lnt_replay_parse_line("press Toilets", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_PRESS);
    assert_string_equal(st.arg, "Toilets");
    assert_int_equal(lnt_replay_parse_line("press", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_PRESS);
    assert_string_equal(st.arg, "");
    assert_int_equal(lnt_replay_parse_line("release  \n", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_RELEASE);
    assert_string_equal(st.arg, "");
    /* The assist button's line, held down and let go. */
    assert_int_equal(lnt_replay_parse_line("button down", &st, err), LNT_OK);
    assert_int_equal(st.op, LNT_REPLAY_BUTTON);
    assert_string_equal(st.arg, "down");
    assert_int_equal(lnt_replay_parse_line("button up", &st, err), LNT_OK);
    assert_string_equal(st.arg, "up");
    assert_int_equal(lnt_replay_parse_line("   ", &st, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_replay_parse_line("# a comment", &st, err), LNT_ERR_NOT_FOUND);
}

static void test_replay__bad_lines_say_why(void **state)
{
    struct lnt_replay_step st;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_replay_parse_line("tapp Sign in", &st, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "unknown command `tapp`"));
    assert_int_equal(lnt_replay_parse_line("tap", &st, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "needs an argument"));
    assert_int_equal(lnt_replay_parse_line("wait soon", &st, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_replay_parse_line("wait 600001", &st, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_replay_parse_line("shot picture.jpg", &st, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_replay_parse_line("button pressed", &st, err), LNT_ERR_INVALID);
    assert_string_equal(err, "button `pressed`: expected down or up");
    assert_int_equal(lnt_replay_parse_line("button", &st, err), LNT_ERR_INVALID);
}

static void test_replay__file_errors_name_file_and_line(void **state)
{
    char *dir = lnt_test_tmpdir();
    char *path = lnt_test_path(dir, "night.txt");
    struct lnt_replay r;
    char err[LNT_ERRBUF_SIZE] = "";
    FILE *f;

    (void)state;
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("# a night\n\nscan door.png\ntap Sign in\nshot /tmp/abs.png\n", f);
    fclose(f);
    assert_int_equal(lnt_replay_load(path, &r, err), LNT_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.steps[0].line, 3);
    /* Images are found beside the script; absolute paths stay. */
    assert_true(strncmp(r.steps[0].arg, dir, strlen(dir)) == 0);
    assert_string_equal(r.steps[0].arg + strlen(dir), "/door.png");
    assert_string_equal(r.steps[2].arg, "/tmp/abs.png");
    lnt_replay_release(&r);

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("scan door.png\n\nwait forever\n", f);
    fclose(f);
    assert_int_equal(lnt_replay_load(path, &r, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "night.txt:3:"));
    assert_int_equal(r.n, 0);
    assert_int_equal(lnt_replay_load("/nonexistent/x.txt", &r, err), LNT_ERR_IO);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay__each_command_parses),
        cmocka_unit_test(test_replay__bad_lines_say_why),
        cmocka_unit_test(test_replay__file_errors_name_file_and_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
