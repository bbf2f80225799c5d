/*
 * test_routes.c - lanternd's one router: every route of the dashboard and of the API reaches the
 * part that serves it, so neither part's paths can swallow the other's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "routes.h"

/* `pattern` with each "{name}" segment replaced by "7" (the path a request for it would have). */
static void concrete(const char *pattern, char *out, size_t size)
{
    size_t n = 0;

    while (*pattern != '\0' && n + 2 < size) {
        if (*pattern == '{') {
            const char *end = strchr(pattern, '}');
            assert_non_null(end);
            out[n++] = '7';
            pattern = end + 1;
            continue;
        }
        out[n++] = *pattern++;
    }
    assert_true(*pattern == '\0');
    out[n] = '\0';
}

static void test_routes__every_route_reaches_its_own_part(void **state)
{
    struct lnt_web_config wc;
    struct lnt_api api;
    struct lnt_routes r;
    char err[LNT_ERRBUF_SIZE] = "", path[256];
    size_t dashboard = 0, api_routes = 0;

    (void)state;
    memset(&wc, 0, sizeof wc);
    lnt_api_init(&api, NULL);
    r.api = &api;
    assert_int_equal(lnt_web_new(&r.web, &wc, err), LNT_OK);
    assert_int_equal(lnt_routes_count(), lnt_web_route_count() + lnt_api_route_count());
    for (size_t i = 0; i < lnt_routes_count(); i++) {
        const char *part = NULL, *method = NULL, *pattern = NULL;
        assert_true(lnt_routes_at(i, &part, &method, &pattern));
        concrete(pattern, path, sizeof path);
        if (strcmp(lnt_routes_part(&r, path), part) != 0)
            fail_msg("%s %s belongs to the %s part, but the router sends %s to the %s part", method,
                     pattern, part, path, lnt_routes_part(&r, path));
        dashboard += strcmp(part, "dashboard") == 0;
        api_routes += strcmp(part, "api") == 0;
    }
    assert_true(dashboard > 0 && api_routes > 0);
    {
        const char *part, *method, *pattern;
        assert_false(lnt_routes_at(lnt_routes_count(), &part, &method, &pattern));
    }
    /* unknown paths: the dashboard's prefixes to its 404 page, the rest to the API's problem */
    assert_string_equal(lnt_routes_part(&r, "/venues/7/nothing"), "dashboard");
    assert_string_equal(lnt_routes_part(&r, "/api/v1/nothing"), "api");
    assert_string_equal(lnt_routes_part(&r, "/nothing"), "api");
    lnt_web_free(r.web);
}

static void test_routes__without_a_dashboard_every_path_goes_to_the_api(void **state)
{
    struct lnt_api api;
    struct lnt_routes r;

    (void)state;
    lnt_api_init(&api, NULL);
    r.api = &api;
    r.web = NULL;
    assert_string_equal(lnt_routes_part(&r, "/"), "api");
    assert_string_equal(lnt_routes_part(&r, "/login"), "api");
    assert_string_equal(lnt_routes_part(&r, "/healthz"), "api");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes__every_route_reaches_its_own_part),
        cmocka_unit_test(test_routes__without_a_dashboard_every_path_goes_to_the_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
