/* wire_reply.c - the server's reply to a batch: which events were accepted, duplicates,
 * conflicts or rejected, and why. */
#include "wire_int.h"

#include "codec.h"
#include "ltime.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- replies ---- */

struct reply_list {
    const char *key;
    enum lnt_ingest_status status;
    bool with_reason;
};

/* In this order on decode, too. */
static const struct reply_list reply_lists[] = {
    {"accepted", LNT_INGEST_ACCEPTED, false},
    {"duplicates", LNT_INGEST_DUPLICATE, false},
    {"conflicts", LNT_INGEST_CONFLICT, true},
    {"rejected", LNT_INGEST_REJECTED, true},
};

#define REASON_SIZE sizeof(((struct lnt_ingest_result *)NULL)->reason)

/* Copies `s` into `out` (REASON_SIZE), replacing bytes that are not printable UTF-8 with '?'. */
static void clean_reason(const char *s, char *out)
{
    size_t n = strnlen(s, REASON_SIZE - 1);
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k = lnt_wire_utf8_seq(u + i, n - i);
        if (k == 0 || u[i] < 0x20 || u[i] == 0x7f) {
            out[i++] = '?';
            continue;
        }
        memcpy(out + i, s + i, k);
        i += k;
    }
    out[n] = '\0';
}

/*
 * Reasons are for people, so an unprintable byte in one becomes '?' rather
 * than failing the whole reply; a bad seq or status is a bug (LNT_ERR_INVALID).
 */
enum lnt_err lnt_wire_reply_encode(const struct lnt_ingest_result *r, size_t n, struct lnt_buf *out,
                                   char *err)
{
    /* the lists in key order, as the other encoders write */
    static const enum lnt_ingest_status order[] = {LNT_INGEST_ACCEPTED, LNT_INGEST_CONFLICT,
                                                   LNT_INGEST_DUPLICATE, LNT_INGEST_REJECTED};
    struct lnt_wire_text t = {out, LNT_OK};
    size_t start = out->len;
    char reason[REASON_SIZE];

    for (size_t i = 0; i < n; i++) {
        if (r[i].status < LNT_INGEST_ACCEPTED || r[i].status > LNT_INGEST_REJECTED)
            return lnt_fail(err, LNT_ERR_INVALID, "result %zu: status %d is not an ingest status",
                            i, (int)r[i].status);
        if (r[i].seq < 1)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "result %zu: field `seq`: expected a positive integer", i);
    }
    lnt_wire_put_raw(&t, "{", 1);
    for (size_t k = 0; k < COUNT(order); k++) {
        const struct reply_list *l = &reply_lists[order[k] - 1];
        bool first = true;

        if (k > 0)
            lnt_wire_put_raw(&t, ",", 1);
        lnt_wire_put_key(&t, l->key);
        lnt_wire_put_raw(&t, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (r[i].status != l->status)
                continue;
            if (!first)
                lnt_wire_put_raw(&t, ",", 1);
            first = false;
            if (l->with_reason) {
                clean_reason(r[i].reason, reason);
                lnt_wire_put_lit(&t, "{\"reason\":");
                lnt_wire_put_str(&t, reason);
                lnt_wire_put_lit(&t, ",\"seq\":");
                lnt_wire_put_int(&t, r[i].seq);
                lnt_wire_put_raw(&t, "}", 1);
            } else {
                lnt_wire_put_int(&t, r[i].seq);
            }
        }
        lnt_wire_put_raw(&t, "]", 1);
    }
    lnt_wire_put_raw(&t, "}", 1);
    return lnt_wire_text_end(&t, start, LNT_BATCH_BODY_MAX, LNT_OK, err);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Reads one item of a reply list into *res; `where` names it in messages ("conflicts[2]"). */
static enum lnt_err reply_item(const struct reply_list *l, json_t *item, const char *where,
                               struct lnt_ingest_result *res, char *err)
{
    const char *key;
    json_t *v, *seq, *reason;
    char shown[SHOW_MAX];
    const char *problem;
    size_t len;

    memset(res, 0, sizeof *res);
    res->status = l->status;
    if (!l->with_reason) {
        if (!lnt_wire_get_int(item, 1, INT64_MAX, &res->seq))
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected a positive integer", where);
        return LNT_OK;
    }
    if (!json_is_object(item))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected an object with seq and reason",
                        where);
    json_object_foreach(item, key, v)
    {
        if (strcmp(key, "seq") != 0 && strcmp(key, "reason") != 0) {
            lnt_wire_show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s.%s`: unknown field", where, shown);
        }
    }
    seq = json_object_get(item, "seq");
    reason = json_object_get(item, "reason");
    if (seq == NULL || !lnt_wire_get_int(seq, 1, INT64_MAX, &res->seq))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.seq`: expected a positive integer", where);
    if (reason == NULL || !json_is_string(reason))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: expected a string", where);
    len = json_string_length(reason);
    if (len >= sizeof res->reason)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: longer than %zu bytes", where,
                        sizeof res->reason - 1);
    memcpy(res->reason, json_string_value(reason), len);
    res->reason[len] = '\0';
    problem = strlen(res->reason) != len
                  ? "contains a NUL character"
                  : lnt_wire_text_problem(res->reason, sizeof res->reason, 0);
    if (problem != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: %s", where, problem);
    return LNT_OK;
}

/*
 * A reply that refuses part of a batch (a save of another venue's incident
 * report) is a problem document (RFC 9457) carrying the four lists: its
 * members are read past, the lists are what counts.
 */
static bool is_problem_member(const char *key)
{
    static const char *const members[] = {"type", "title", "status", "detail", "instance"};

    for (size_t i = 0; i < COUNT(members); i++)
        if (strcmp(key, members[i]) == 0)
            return true;
    return false;
}

/* On error *n is left alone and `out` may hold part of the reply. */
enum lnt_err lnt_wire_reply_decode(const char *json, size_t len, struct lnt_ingest_result *out,
                                   size_t max, size_t *n, char *err)
{
    json_t *root = NULL;
    int64_t *seqs = NULL;
    const char *key;
    json_t *v;
    char shown[SHOW_MAX], where[SHOW_MAX];
    size_t count = 0;
    enum lnt_err rc;

    rc = lnt_wire_load(json, len, LNT_BATCH_BODY_MAX, &root, err);
    if (rc != LNT_OK)
        goto out;
    if (!json_is_object(root)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "reply: expected a JSON object");
        goto out;
    }
    json_object_foreach(root, key, v)
    {
        size_t k;
        for (k = 0; k < COUNT(reply_lists); k++)
            if (strcmp(key, reply_lists[k].key) == 0)
                break;
        if (k == COUNT(reply_lists) && !is_problem_member(key)) {
            lnt_wire_show(key, shown, sizeof shown);
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: unknown field", shown);
            goto out;
        }
    }
    for (size_t k = 0; k < COUNT(reply_lists); k++) {
        const struct reply_list *l = &reply_lists[k];
        json_t *arr = json_object_get(root, l->key);
        if (arr == NULL) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: missing", l->key);
            goto out;
        }
        if (!json_is_array(arr)) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected an array", l->key);
            goto out;
        }
        for (size_t i = 0; i < json_array_size(arr); i++) {
            if (count >= max) {
                rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "reply lists more than %zu events", max);
                goto out;
            }
            snprintf(where, sizeof where, "%s[%zu]", l->key, i);
            rc = reply_item(l, json_array_get(arr, i), where, &out[count], err);
            if (rc != LNT_OK)
                goto out;
            count++;
        }
    }
    if (count > 1) {
        seqs = malloc(count * sizeof *seqs);
        if (seqs == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < count; i++)
            seqs[i] = out[i].seq;
        qsort(seqs, count, sizeof *seqs, cmp_i64);
        for (size_t i = 1; i < count; i++) {
            if (seqs[i] == seqs[i - 1]) {
                rc = lnt_fail(err, LNT_ERR_INVALID, "reply lists seq %" PRId64 " more than once",
                              seqs[i]);
                goto out;
            }
        }
    }
    *n = count;
out:
    free(seqs);
    json_decref(root);
    return rc;
}
