/* api_reply.c - what the API's route files share: the clock, JSON replies, ids from the path,
 * times and dates as JSON. Below the route files and the router (api.c); calls neither. */
#include "api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "ltime.h"
#include "night.h"

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

void lnt_api_reply_wire_json(struct lnt_http_response *resp, int status, const struct json_t *j)
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

/* true for a key that names an instant: "at", "occurred_at", "updated_at", ... */
static bool time_key(const char *key)
{
    size_t n = strlen(key);
    return strcmp(key, "at") == 0 || (n > 3 && strcmp(key + n - 3, "_at") == 0);
}

#define LOCAL_DEPTH_MAX 16 /* the replies nest three or four deep */

/* Adds "<key>_local" beside each time field of `j` and of everything under it. false: no memory. */
static bool add_local(json_t *j, int depth)
{
    if (depth > LOCAL_DEPTH_MAX)
        return true;
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (!add_local(json_array_get(j, i), depth + 1))
                return false;
    } else if (json_is_object(j)) {
        json_t *locals = json_object(), *v;
        const char *key;
        bool ok = locals != NULL;

        json_object_foreach(j, key, v)
        {
            char name[128], local[LNT_LOCAL_TIME_STRLEN];
            int64_t t;
            if (!ok)
                break;
            if (json_is_string(v) && time_key(key) && strlen(key) + 7 < sizeof name &&
                strlen(json_string_value(v)) == LNT_TIME_STRLEN - 1 &&
                lnt_time_parse(json_string_value(v), &t) == LNT_OK &&
                lnt_local_time_format(t, local) == LNT_OK) {
                snprintf(name, sizeof name, "%s_local", key);
                ok = json_object_set_new(locals, name, json_string(local)) == 0;
            } else if (json_is_object(v) || json_is_array(v)) {
                ok = add_local(v, depth + 1);
            }
        }
        ok = ok && json_object_update_missing(j, locals) == 0;
        json_decref(locals);
        return ok;
    }
    return true;
}

void lnt_api_reply_json(struct lnt_http_response *resp, int status, const struct json_t *j)
{
    json_t *copy = j != NULL ? json_deep_copy(j) : NULL;

    if (copy == NULL || !add_local(copy, 0)) {
        json_decref(copy);
        lnt_buf_reset(&resp->body);
        lnt_http_problem(resp, 500, "the server could not build its reply");
        return;
    }
    lnt_api_reply_wire_json(resp, status, copy);
    json_decref(copy);
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
