/* sync_rules.c - the scheme's door rules in an enrolment or sync reply (required training per
 * role, SIA licences listed as suspended or revoked), taken into the kiosk's identity. */
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "sync_int.h"

/* "required_training": {"door": ["wave", ...], ...}: replaces the kiosk's; absent (an older
 * server) leaves it as it was. */
static enum lnt_err required_training(json_t *req, struct lnt_identity *id, const char *what,
                                      char *err)
{
    struct lnt_required_training got;
    const char *role_name;
    json_t *courses;

    if (req == NULL)
        return LNT_OK;
    if (!json_is_object(req))
        return lnt_fail(err, LNT_ERR_INVALID, "%s: field `required_training`: expected an object",
                        what);
    memset(&got, 0, sizeof got);
    got.known = true;
    json_object_foreach(req, role_name, courses)
    {
        enum lnt_role role;
        size_t i;
        json_t *v;

        if (lnt_role_parse(role_name, &role) != LNT_OK || role == LNT_ROLE_NONE ||
            !json_is_array(courses))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: field `required_training`: expected a role (door, bar, "
                            "manager, volunteer) naming an array of courses",
                            what);
        json_array_foreach(courses, i, v)
        {
            enum lnt_course c;
            /* a course this kiosk does not know yet cannot be judged: left out, not refused */
            if (json_is_string(v) && lnt_course_parse(json_string_value(v), &c) == LNT_OK &&
                c != LNT_COURSE_NONE)
                got.courses[role] |= LNT_COURSE_BIT(c);
            else if (!json_is_string(v))
                return lnt_fail(err, LNT_ERR_INVALID,
                                "%s: field `required_training.%s`: item %zu: expected a course "
                                "name",
                                what, role_name, i);
        }
    }
    id->required = got;
    return LNT_OK;
}

/* "sia_listed": [{"number", "status", "from"}]: the whole list, replacing the kiosk's. */
static enum lnt_err sia_listed(json_t *arr, struct lnt_identity *id, const char *what, char *err)
{
    size_t i;
    json_t *v;

    if (arr == NULL)
        return LNT_OK;
    if (!json_is_array(arr) || json_array_size(arr) > LNT_SIA_LISTED_MAX)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: field `sia_listed`: expected an array of at most %d licences", what,
                        LNT_SIA_LISTED_MAX);
    id->n_sia_listed = 0;
    json_array_foreach(arr, i, v)
    {
        struct lnt_sia_listed *l = &id->sia_listed[id->n_sia_listed];
        const char *number = json_string_value(json_object_get(v, "number"));
        const char *status = json_string_value(json_object_get(v, "status"));
        const char *from = json_string_value(json_object_get(v, "from"));
        bool digits = number != NULL && strlen(number) == LNT_SIA_NUMBER_LEN;

        for (size_t k = 0; digits && k < LNT_SIA_NUMBER_LEN; k++)
            digits = number[k] >= '0' && number[k] <= '9';
        if (!digits || status == NULL || lnt_sia_listing_parse(status, &l->status) != LNT_OK ||
            from == NULL || lnt_date_parse(from, &l->from) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: sia_listed %zu: expected a 16-digit `number`, a `status` "
                            "(valid, suspended, revoked) and a `from` date",
                            what, i);
        lnt_str_copy(l->number, sizeof l->number, number);
        id->n_sia_listed++;
    }
    return LNT_OK;
}

enum lnt_err lnt_sync_parse_door_rules(json_t *root, struct lnt_identity *id, const char *what,
                                       char *err)
{
    enum lnt_err rc = required_training(json_object_get(root, "required_training"), id, what, err);

    return rc == LNT_OK ? sia_listed(json_object_get(root, "sia_listed"), id, what, err) : rc;
}
