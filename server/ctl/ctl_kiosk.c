/* ctl_kiosk.c - `lanternctl kiosk add|list|revoke` and the badge signing keys kiosks trust. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ctl.h"
#include "ltime.h"
#include "night.h"

#define ENROLL_VALIDITY (7 * 86400)
#define SILENT_AFTER (36 * 3600) /* a kiosk quiet for longer than a trading night and a day */

int lnt_ctl_kiosk_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_VENUE, O_PNG };
    static const struct option opts[] = {
        {"venue", required_argument, NULL, O_VENUE}, {"png", required_argument, NULL, O_PNG}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char code[LNT_ENROLL_CODE_LEN + 1], text[LNT_ENROLL_CODE_LEN + 8];
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int64_t venue, expires = lnt_time_now() + ENROLL_VALIDITY;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_VENUE] == NULL)
        return lnt_ctl_usage(c, "kiosk add: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &venue)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    memset(&sc, 0, sizeof sc);
    if (lnt_store_enroll_code_add(c->store, venue, expires, code, err) != LNT_OK)
        return lnt_ctl_fail("kiosk add: %s", err);
    if (v[O_PNG] != NULL) {
        /* the kiosk scans this to enrol; QR alphanumeric mode holds it as it is */
        snprintf(text, sizeof text, "LNTE:%s", code);
        if ((rc = lnt_ctl_write_qr(text, v[O_PNG], NULL)) != LNT_CTL_OK)
            return lnt_ctl_fail("the code %s was made but its QR was not written", code);
    }
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "enrollment_code", code);
    lnt_ctl_out_int(&o, "venue_id", venue);
    lnt_ctl_out_time(&o, "expires_at", expires);
    if (v[O_PNG] != NULL)
        lnt_ctl_out_str(&o, "png", v[O_PNG]);
    return lnt_ctl_out_end(&o);
}

/* One word for a kiosk's state, worst first, so an administrator can scan a list. */
static const char *kiosk_health(const struct lnt_kiosk *k, int64_t now)
{
    if (k->revoked)
        return "revoked";
    if (k->last_seen == 0)
        return "never_seen";
    if (now - k->last_seen > SILENT_AFTER)
        return "silent";
    if (k->seq_gaps > 0 || k->seq_backwards > 0)
        return "anomalies";
    if (k->backlog > 0)
        return "backlog";
    return "ok";
}

static void out_kiosk(struct lnt_ctl_out *o, const struct lnt_kiosk *k, int64_t now)
{
    lnt_ctl_out_int(o, "id", k->id);
    lnt_ctl_out_int(o, "venue_id", k->venue_id);
    lnt_ctl_out_str(o, "health", kiosk_health(k, now));
    lnt_ctl_out_time(o, "enrolled_at", k->enrolled_at);
    if (k->last_seen != 0)
        lnt_ctl_out_time(o, "last_seen", k->last_seen);
    else
        lnt_ctl_out_raw(o, "last_seen", "null", "never");
    lnt_ctl_out_int(o, "last_seq", k->last_seq);
    lnt_ctl_out_int(o, "backlog", k->backlog);
    lnt_ctl_out_int(o, "seq_gaps", k->seq_gaps);
    lnt_ctl_out_int(o, "seq_backwards", k->seq_backwards);
    lnt_ctl_out_bool(o, "revoked", k->revoked);
    if (k->revoked_at != 0)
        lnt_ctl_out_time(o, "revoked_at", k->revoked_at);
}

int lnt_ctl_kiosk_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"venue", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_kiosk *list = NULL;
    struct lnt_venue ven;
    int64_t venue = 0, now = lnt_time_now();
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] != NULL && (rc = lnt_ctl_parse_id("venue", v[0], &venue)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if ((venue != 0 && lnt_store_venue_get(c->store, venue, &ven, err) != LNT_OK) ||
        lnt_store_kiosk_list(c->store, venue, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("kiosk list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_kiosk(&o, &list[i], now);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_kiosk_revoke(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"kiosk", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_kiosk k;
    struct lnt_ctl_out o;
    int64_t id, now = lnt_time_now();
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "kiosk revoke: --kiosk is required");
    if ((rc = lnt_ctl_parse_id("kiosk", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_kiosk_revoke(c->store, id, now, err) != LNT_OK ||
        lnt_store_kiosk_get(c->store, id, &k, err) != LNT_OK)
        return lnt_ctl_fail("kiosk revoke: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_kiosk(&o, &k, now);
    return lnt_ctl_out_end(&o);
}

/* ---- signing keys ---- */

/* Every key as a JSON array and as words. */
static void out_keys(struct lnt_ctl_out *o, const struct lnt_key_info *keys, size_t n)
{
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    char made[LNT_TIME_STRLEN], retired[LNT_TIME_STRLEN], until[LNT_TIME_STRLEN];
    char until_local[LNT_LOCAL_TIME_STRLEN];
    struct lnt_buf js, words;

    lnt_buf_init(&js, 1 << 20);
    lnt_buf_init(&words, 1 << 20);
    (void)lnt_buf_puts(&js, "[");
    for (size_t i = 0; i < n; i++) {
        const struct lnt_key_info *k = &keys[i];
        lnt_hex_encode(k->kid, LNT_KID_LEN, kid);
        lnt_b64_encode(k->pk, LNT_SIGN_PK_LEN, pk);
        if (lnt_time_format(k->created_at, made) != LNT_OK)
            made[0] = '\0';
        if (k->retired_at == 0 || lnt_time_format(k->retired_at, retired) != LNT_OK)
            retired[0] = '\0';
        if (k->trusted_until == 0 || lnt_time_format(k->trusted_until, until) != LNT_OK)
            until[0] = '\0';
        (void)lnt_buf_printf(&js, "%s{\"kid\":\"%s\",\"public_key\":\"%s\",\"created_at\":\"%s\"",
                             i ? "," : "", kid, pk, made);
        if (k->retired_at == 0)
            (void)lnt_buf_puts(&js,
                               ",\"current\":true,\"retired_at\":null,\"trusted_until\":null}");
        else
            (void)lnt_buf_printf(
                &js, ",\"current\":false,\"retired_at\":\"%s\",\"trusted_until\":\"%s\"}", retired,
                until);
        if (k->retired_at == 0 || k->trusted_until == 0 ||
            lnt_local_time_format(k->trusted_until, until_local) != LNT_OK)
            until_local[0] = '\0';
        (void)lnt_buf_printf(&words, "%s%s (%s%s)", i ? ", " : "", kid,
                             k->retired_at == 0 ? "current" : "trusted until ",
                             k->retired_at == 0 ? "" : until_local);
    }
    (void)lnt_buf_puts(&js, "]");
    lnt_ctl_out_raw(o, "keys", js.data != NULL ? js.data : "[]",
                    words.data != NULL ? words.data : "");
    lnt_buf_release(&js);
    lnt_buf_release(&words);
}

/* The sealing keys as a JSON array and as words. */
static void out_boxes(struct lnt_ctl_out *o, const struct lnt_box_info *b, size_t n)
{
    struct lnt_buf js, words;
    char pk[LNT_B64_LEN(32)], created[LNT_TIME_STRLEN], retired[LNT_TIME_STRLEN];

    lnt_buf_init(&js, 64 * 1024);
    lnt_buf_init(&words, 64 * 1024);
    (void)lnt_buf_puts(&js, "[");
    for (size_t i = 0; i < n; i++) {
        lnt_b64_encode(b[i].pk, sizeof b[i].pk, pk);
        if (lnt_time_format(b[i].created_at, created) != LNT_OK)
            created[0] = '\0';
        if (b[i].retired_at == 0 || lnt_time_format(b[i].retired_at, retired) != LNT_OK)
            retired[0] = '\0';
        (void)lnt_buf_printf(&js, "%s{\"public_key\":\"%s\",\"created_at\":\"%s\",\"retired_at\":",
                             i ? "," : "", pk, created);
        if (b[i].retired_at == 0)
            (void)lnt_buf_puts(&js, "null}");
        else
            (void)lnt_buf_printf(&js, "\"%s\"}", retired);
        (void)lnt_buf_printf(&words, "%s%.8s... (%s%s)", i ? ", " : "", pk,
                             b[i].retired_at == 0 ? "current" : "retired ", retired);
    }
    (void)lnt_buf_puts(&js, "]");
    lnt_ctl_out_raw(o, "sealing_keys", js.data != NULL ? js.data : "[]",
                    words.data != NULL ? words.data : "");
    lnt_buf_release(&js);
    lnt_buf_release(&words);
}

int lnt_ctl_key_show(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)], box[LNT_B64_LEN(32)];
    struct lnt_key_info *keys = NULL;
    struct lnt_box_info *boxes = NULL;
    size_t n = 0, n_boxes = 0;
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    bool held;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    lnt_hex_encode(sc.key.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(sc.key.pk, LNT_SIGN_PK_LEN, pk);
    lnt_b64_encode(sc.box_pk, sizeof sc.box_pk, box);
    if (lnt_store_key_list(c->store, &keys, &n, err) != LNT_OK)
        return lnt_ctl_fail("key show: %s", err);
    if (lnt_store_box_list(c->store, &boxes, &n_boxes, err) != LNT_OK) {
        free(keys);
        return lnt_ctl_fail("key show: %s", err);
    }
    /* whether this key file can serve the scheme: said, not fatal, so a copy can be inspected */
    held = lnt_store_keys_check(c->store, err) == LNT_OK;
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "scheme", sc.name);
    lnt_ctl_out_str(&o, "kid", kid);
    lnt_ctl_out_str(&o, "public_key", pk);
    lnt_ctl_out_str(&o, "box_public_key", box);
    out_keys(&o, keys, n);
    out_boxes(&o, boxes, n_boxes);
    lnt_ctl_out_str(&o, "key_file", lnt_store_keys_path(c->store));
    lnt_ctl_out_bool(&o, "secret_keys_held", held);
    if (!held)
        lnt_ctl_out_str(&o, "key_file_problem", err);
    free(keys);
    free(boxes);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_key_rotate(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], old[LNT_HEX_LEN(LNT_KID_LEN)];
    char pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    struct lnt_key_info info;
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    lnt_hex_encode(sc.key.kid, LNT_KID_LEN, old);
    memset(&sc, 0, sizeof sc);
    if (lnt_store_key_rotate(c->store, lnt_time_now(), &info, err) != LNT_OK)
        return lnt_ctl_fail("key rotate: %s", err);
    lnt_hex_encode(info.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(info.pk, LNT_SIGN_PK_LEN, pk);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "kid", kid);
    lnt_ctl_out_str(&o, "public_key", pk);
    lnt_ctl_out_time(&o, "created_at", info.created_at);
    lnt_ctl_out_str(&o, "retired_kid", old);
    /* badges signed by the old key stay valid until they expire: at most 13 months */
    lnt_ctl_out_time(&o, "retired_trusted_until", info.created_at + LNT_BADGE_MAX_VALIDITY);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_key_rotate_sealing(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char pk[LNT_B64_LEN(32)], old[LNT_B64_LEN(32)];
    struct lnt_box_info info;
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    lnt_b64_encode(sc.box_pk, sizeof sc.box_pk, old);
    if (lnt_store_box_rotate(c->store, lnt_time_now(), &info, err) != LNT_OK)
        return lnt_ctl_fail("key rotate-sealing: %s", err);
    lnt_b64_encode(info.pk, sizeof info.pk, pk);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "box_public_key", pk);
    lnt_ctl_out_time(&o, "created_at", info.created_at);
    lnt_ctl_out_str(&o, "retired_box_public_key", old);
    lnt_ctl_out_str(&o, "key_file", lnt_store_keys_path(c->store));
    return lnt_ctl_out_end(&o);
}
