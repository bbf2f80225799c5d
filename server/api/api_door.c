/* api_door.c - the scheme's door rules in the kiosk sync reply: required training per role
 * and the SIA licences listed as suspended or revoked. */
#include <jansson.h>
#include <stdlib.h>

#include "api.h"
#include "ltime.h"
#include "store.h"

json_t *lnt_api_courses_json(uint32_t set)
{
    json_t *arr = json_array();

    for (int c = LNT_COURSE_BYSTANDER; arr != NULL && c <= LNT_COURSE__MAX; c++) {
        if ((set & LNT_COURSE_BIT(c)) == 0)
            continue;
        if (json_array_append_new(arr, json_string(lnt_course_name((enum lnt_course)c))) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

/* {"door": [...], "bar": [...], "manager": [...], "volunteer": [...]}: every role, even empty. */
static json_t *required_json(const struct lnt_required_training *req)
{
    json_t *obj = json_object();

    for (int r = LNT_ROLE_DOOR; obj != NULL && r <= LNT_ROLE_VOLUNTEER; r++) {
        if (json_object_set_new(obj, lnt_role_name((enum lnt_role)r),
                                lnt_api_courses_json(req->courses[r])) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    return obj;
}

static json_t *listed_json(const struct lnt_sia_listed *l, size_t n)
{
    json_t *arr = json_array();
    char day[LNT_DATE_STRLEN];

    for (size_t i = 0; arr != NULL && i < n; i++) {
        if (lnt_date_format(l[i].from, day) != LNT_OK ||
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "number", l[i].number, "status",
                                                 lnt_sia_listing_name(l[i].status), "from", day)) !=
                0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

enum lnt_err lnt_api_door_rules(struct lnt_api *api, json_t *reply, char *err)
{
    struct lnt_required_training req;
    struct lnt_sia_listed *listed = NULL;
    size_t n = 0;
    enum lnt_err rc;

    rc = lnt_store_required_get(api->store, &req, err);
    if (rc == LNT_OK)
        rc = lnt_store_sia_listed(api->store, &listed, &n, err);
    if (rc != LNT_OK)
        goto out;
    if (json_object_set_new(reply, "required_training", required_json(&req)) != 0 ||
        json_object_set_new(reply, "sia_listed", listed_json(listed, n)) != 0)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory for the door rules");
out:
    free(listed);
    return rc;
}
