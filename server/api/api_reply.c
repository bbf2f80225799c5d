/* api_reply.c - what the API's route files share: the clock, JSON replies, ids from the path,
 * times and dates as JSON. Below the route files and the router (api.c); calls neither. */
#include "api.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "ltime.h"

int64_t lnt_api_now(const struct lnt_api *api)
{
    return api->now != NULL ? api->now(api->now_ctx) : lnt_time_now();
}

void lnt_api_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0)
        *v++ = 0;
}

void lnt_api_reply_json(struct lnt_http_response *resp, int status, const struct json_t *j)
{
    char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

    lnt_buf_reset(&resp->body);
    if (text == NULL || lnt_buf_puts(&resp->body, text) != LNT_OK) {
        lnt_http_problem(resp, 500, "the server could not build its reply");
    } else {
        resp->status = status;
        lnt_str_copy(resp->content_type, sizeof resp->content_type, "application/json");
    }
    free(text);
}

struct json_t *lnt_api_json_time(int64_t t)
{
    char text[LNT_TIME_STRLEN];

    if (t == 0 || lnt_time_format(t, text) != LNT_OK)
        return json_null();
    return json_string(text);
}

struct json_t *lnt_api_json_date(int32_t days)
{
    char text[LNT_DATE_STRLEN];

    if (lnt_date_format(days, text) != LNT_OK)
        return json_null();
    return json_string(text);
}

bool lnt_api_param_id(const struct lnt_api_params *params, size_t i, const char *what, int64_t *out,
                      struct lnt_http_response *resp)
{
    if (i >= params->n || lnt_parse_i64(params->v[i], 1, INT64_MAX, out) != LNT_OK) {
        lnt_http_problem(resp, 404, "no such %s: `%s` is not an id (a positive integer)", what,
                         i < params->n ? params->v[i] : "");
        return false;
    }
    return true;
}
