/* sync_refresh.c - GET /api/v1/kiosk/sync: trust list, revocations, venue settings and the
 * server's clock, so badges verify for days without a network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "sync_int.h"

#define PATH_KIOSK_SYNC "/api/v1/kiosk/sync"
#define REPLY_WHAT "sync reply"

static bool have_serial(const struct lnt_identity *id, const uint8_t serial[LNT_SERIAL_LEN])
{
    for (size_t i = 0; i < id->n_revoked; i++)
        if (memcmp(id->revoked[i], serial, LNT_SERIAL_LEN) == 0)
            return true;
    return false;
}

static enum lnt_err revocations(json_t *rev, struct lnt_identity *id, struct lnt_sync_settings *out,
                                char *err)
{
    json_t *version = json_object_get(rev, "version");
    json_t *full = json_object_get(rev, "full");
    json_t *serials = json_object_get(rev, "serials");
    size_t i;
    json_t *v;

    if (!json_is_object(rev))
        return lnt_fail(err, LNT_ERR_INVALID,
                        REPLY_WHAT ": field `revocations`: expected an object");
    if (!json_is_integer(version) || json_integer_value(version) < 0)
        return lnt_fail(err, LNT_ERR_INVALID,
                        REPLY_WHAT ": field `revocations.version`: expected an integer >= 0");
    if (!json_is_boolean(full))
        return lnt_fail(err, LNT_ERR_INVALID,
                        REPLY_WHAT ": field `revocations.full`: expected true or false");
    if (!json_is_array(serials) || json_array_size(serials) > LNT_REVOKED_MAX)
        return lnt_fail(err, LNT_ERR_INVALID,
                        REPLY_WHAT ": field `revocations.serials`: expected an array of at most "
                                   "%d serials",
                        LNT_REVOKED_MAX);
    if (json_is_true(full))
        id->n_revoked = 0;
    json_array_foreach(serials, i, v)
    {
        const char *hex = json_string_value(v);
        uint8_t serial[LNT_SERIAL_LEN];

        if (hex == NULL || strlen(hex) != LNT_SERIAL_LEN * 2 ||
            lnt_hex_decode(hex, serial, LNT_SERIAL_LEN) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID,
                            REPLY_WHAT ": revoked serial %zu: expected %d hex digits", i,
                            LNT_SERIAL_LEN * 2);
        if (have_serial(id, serial))
            continue;
        if (id->n_revoked == LNT_REVOKED_MAX)
            return lnt_fail(err, LNT_ERR_TOO_LARGE,
                            REPLY_WHAT ": more than %d revoked serials in all", LNT_REVOKED_MAX);
        memcpy(id->revoked[id->n_revoked++], serial, LNT_SERIAL_LEN);
    }
    out->revoked_version = json_integer_value(version);
    out->revoked_full = json_is_true(full);
    return LNT_OK;
}

/* `places`, when the reply has it: at most LNT_STREET_PLACES_MAX names that fit a pick. */
static enum lnt_err places(json_t *arr, struct lnt_sync_settings *out, char *err)
{
    size_t i;
    json_t *v;

    if (arr == NULL)
        return LNT_OK; /* an older server: the places kept from before stay */
    if (!json_is_array(arr) || json_array_size(arr) > LNT_STREET_PLACES_MAX)
        return lnt_fail(err, LNT_ERR_INVALID,
                        REPLY_WHAT ": field `places`: expected an array of at most %d names",
                        LNT_STREET_PLACES_MAX);
    json_array_foreach(arr, i, v)
    {
        const char *name = json_string_value(v);
        if (name == NULL || name[0] == '\0' || strlen(name) >= LNT_SHORT_TEXT)
            return lnt_fail(err, LNT_ERR_INVALID,
                            REPLY_WHAT ": place %zu: expected a name of 1 to %d bytes", i,
                            LNT_SHORT_TEXT - 1);
        lnt_str_copy(out->places[i], LNT_SHORT_TEXT, name);
    }
    out->n_places = json_array_size(arr);
    out->places_given = true;
    return LNT_OK;
}

static int64_t opt_int(json_t *obj, const char *key, int64_t max)
{
    json_t *v = json_object_get(obj, key);
    int64_t n = json_is_integer(v) ? json_integer_value(v) : 0;
    return n < 0 || n > max ? 0 : n;
}

enum lnt_err lnt_sync_parse_refresh(const char *json, size_t len, struct lnt_identity *id,
                                    struct lnt_sync_settings *out, char *err)
{
    struct lnt_identity *got = NULL;
    json_t *root = NULL, *v, *venue;
    json_error_t jerr;
    enum lnt_err rc = LNT_ERR_INVALID;
    const char *box;
    int64_t t;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, REPLY_WHAT " is not JSON: %s", jerr.text);
    got = malloc(sizeof *got);
    if (got == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(got, id, sizeof *got);
    if (!json_is_object(root)) {
        lnt_fail(err, rc, REPLY_WHAT ": expected an object");
        goto out;
    }
    v = json_object_get(root, "server_time");
    if (!json_is_string(v) || lnt_time_parse(json_string_value(v), &t) != LNT_OK) {
        lnt_fail(err, rc, REPLY_WHAT ": field `server_time`: expected RFC 3339 time");
        goto out;
    }
    /* The floor only ever rises: a reply from a server with a wrong clock cannot pull it back. */
    if (t > got->server_time)
        got->server_time = t;
    v = json_object_get(root, "scheme");
    if (json_is_string(v) && strcmp(json_string_value(v), got->scheme) != 0) {
        lnt_fail(err, rc, REPLY_WHAT ": scheme `%.16s` is not this kiosk's `%s`",
                 json_string_value(v), got->scheme);
        goto out;
    }
    if ((rc = lnt_sync_parse_trust(json_object_get(root, "trust"), got, REPLY_WHAT, err)) !=
            LNT_OK ||
        (rc = revocations(json_object_get(root, "revocations"), got, out, err)) != LNT_OK ||
        (rc = lnt_sync_parse_door_rules(root, got, REPLY_WHAT, err)) != LNT_OK)
        goto out;
    if ((rc = places(json_object_get(root, "places"), out, err)) != LNT_OK)
        goto out;
    rc = LNT_ERR_INVALID;
    venue = json_object_get(root, "venue");
    if (json_is_object(venue)) {
        v = json_object_get(venue, "name");
        if (json_is_string(v))
            lnt_str_copy(got->venue_name, sizeof got->venue_name, json_string_value(v));
        out->cup_threshold = opt_int(venue, "cup_cover_threshold", 1000000);
        out->capacity = opt_int(venue, "capacity", 1000000);
    }
    box = json_string_value(json_object_get(root, "box_public_key"));
    if (box != NULL) {
        if (strlen(box) > LNT_B64_LEN(LNT_BOX_PK_LEN) ||
            lnt_b64_decode(box, got->box_pk, LNT_BOX_PK_LEN, &n) != LNT_OK || n != LNT_BOX_PK_LEN) {
            lnt_fail(err, rc, REPLY_WHAT ": field `box_public_key`: expected base64 of %d bytes",
                     LNT_BOX_PK_LEN);
            goto out;
        }
    }
    memcpy(id, got, sizeof *id);
    rc = LNT_OK;

out:
    if (got != NULL) {
        memset(got, 0, sizeof *got); /* it held a copy of the secret key */
        free(got);
    }
    json_decref(root);
    return rc;
}

enum lnt_err lnt_sync_refresh(struct lnt_sync *s, struct lnt_identity *id, int64_t revoked_since,
                              struct lnt_sync_settings *out, char *err)
{
    char url[LNT_URL_MAX + PATH_MAX_LEN + 40], path[PATH_MAX_LEN], query[40];
    struct curl_slist *headers = NULL;
    enum lnt_err rc;
    size_t ul;
    long status = 0;

    memset(out, 0, sizeof *out);
    if (id->kiosk_id < 1)
        return lnt_fail(err, LNT_ERR_STATE, "not enrolled: nothing to refresh");
    rc = lnt_sync_make_url(id->server_url, PATH_KIOSK_SYNC, url, LNT_URL_MAX + PATH_MAX_LEN, path,
                           sizeof path, err);
    if (rc != LNT_OK)
        return rc;
    /* The query string is signed along with the path (docs/api.md, version 2). */
    snprintf(query, sizeof query, "revoked_since=%lld",
             (long long)(revoked_since > 0 ? revoked_since : 0));
    ul = strlen(url);
    snprintf(url + ul, sizeof url - ul, "?%s", query);
    rc = lnt_sync_sign_headers(id, "GET", path, query, "", 0, &headers, err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_sync_http(s, url, headers, NULL, 0, &status, err);
    if (rc != LNT_OK)
        goto out;
    if (status != 200) {
        rc = lnt_sync_status_error(status, &s->reply, "kiosk sync", err);
        goto out;
    }
    rc = lnt_sync_parse_refresh(s->reply.data, s->reply.len, id, out, err);
    if (rc != LNT_OK)
        lnt_fail_prefix(err, rc, "server %s: ", id->server_url);

out:
    curl_slist_free_all(headers);
    return rc;
}
