/* ctl_badge.c - `lanternctl badge issue` and `badge verify`: signed staff badges as QR codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "ctl.h"
#include "image.h"
#include "ltime.h"
#include "night.h"
#include "scan.h"
#include "staff_badge.h"

#define SCAN_TEXT_MAX 1024 /* longer than any badge, so an oversized one is reported as such */

int lnt_ctl_badge_issue(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_STAFF, O_PNG, O_DAYS };
    static const struct option opts[] = {{"staff", required_argument, NULL, O_STAFF},
                                         {"png", required_argument, NULL, O_PNG},
                                         {"valid-days", required_argument, NULL, O_DAYS},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char text[LNT_BADGE_MAX_TEXT + 1], serial[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    struct lnt_scheme sc;
    struct lnt_staff st;
    struct lnt_badge_claims cl;
    struct lnt_ctl_out o;
    int64_t staff_id, days = LNT_STAFF_BADGE_DEFAULT_DAYS, now = lnt_time_now();
    int rc, version = 0;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_STAFF] == NULL || v[O_PNG] == NULL)
        return lnt_ctl_usage(c, "badge issue: --%s is required",
                             v[O_STAFF] == NULL ? "staff" : "png");
    if ((rc = lnt_ctl_parse_id("staff", v[O_STAFF], &staff_id)) != LNT_CTL_OK)
        return rc;
    if (v[O_DAYS] != NULL &&
        (rc = lnt_ctl_parse_int("valid-days", v[O_DAYS], 1, LNT_STAFF_BADGE_MAX_DAYS, &days)) !=
            LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open_signing(c, &sc)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_staff_get(c->store, staff_id, &st, err) != LNT_OK) {
        rc = lnt_ctl_fail("badge issue: %s", err);
        goto out;
    }
    if (lnt_staff_badge_sign(c->store, &sc, &st, now, days, &cl, text, sizeof text, err) !=
        LNT_OK) {
        rc = lnt_ctl_fail("badge issue: staff %lld: %s", (long long)st.id, err);
        goto out;
    }
    if ((rc = lnt_ctl_write_qr(text, v[O_PNG], &version)) != LNT_CTL_OK)
        goto out;

    /* recorded only once printable; recording also revokes this person's earlier badges */
    if (lnt_staff_badge_record(c->store, &cl, st.id, err) != LNT_OK) {
        (void)unlink(v[O_PNG]);
        rc = lnt_ctl_fail("badge issue: %s (no badge was issued)", err);
        goto out;
    }
    lnt_hex_encode(cl.serial, LNT_SERIAL_LEN, serial);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "serial", serial);
    lnt_ctl_out_int(&o, "staff_id", st.id);
    lnt_ctl_out_str(&o, "qr_text", text);
    lnt_ctl_out_time(&o, "issued_at", cl.issued_at);
    lnt_ctl_out_time(&o, "expires_at", cl.expires_at);
    lnt_ctl_out_int(&o, "qr_version", version);
    lnt_ctl_out_str(&o, "png", v[O_PNG]);
    rc = lnt_ctl_out_end(&o);
out:
    memset(&sc, 0, sizeof sc);
    return rc;
}

/* Reads the badge text from a PNG with the kiosk's own scanner. */
static int scan_png(const char *path, char *text, size_t size)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_image img = {0};
    struct lnt_scanner *sc = NULL;
    bool found = false;
    int rc = LNT_CTL_OK;

    if (lnt_image_read_png(path, &img, err) != LNT_OK) {
        rc = lnt_ctl_fail("--image: %s", err);
        goto out;
    }
    if (lnt_scanner_new(&sc, err) != LNT_OK) {
        rc = lnt_ctl_fail("starting the QR scanner: %s", err);
        goto out;
    }
    if (lnt_scanner_scan(sc, &img, text, size, &found, err) != LNT_OK)
        rc = lnt_ctl_fail("--image: %s: %s", path, err);
    else if (!found)
        rc = lnt_ctl_fail("--image: no QR code found in %s", path);
out:
    lnt_scanner_free(sc);
    lnt_image_release(&img);
    return rc;
}

/* Courses as a JSON array and as words, for the verified claims. */
static void out_courses(struct lnt_ctl_out *o, const struct lnt_badge_claims *cl)
{
    struct lnt_buf js, words;
    char date[LNT_DATE_STRLEN], local[LNT_LOCAL_DATE_STRLEN] = "";

    lnt_buf_init(&js, 4096);
    lnt_buf_init(&words, 4096);
    (void)lnt_buf_puts(&js, "[");
    for (size_t i = 0; i < cl->n_courses; i++) {
        const struct lnt_badge_course *bc = &cl->courses[i];
        bool dated = bc->expires != 0 && lnt_date_format(bc->expires, date) == LNT_OK;
        (void)lnt_buf_printf(&js, "%s{\"course\":\"%s\",\"expires\":", i ? "," : "",
                             lnt_course_name(bc->course));
        if (dated)
            (void)lnt_buf_printf(&js, "\"%s\"}", date);
        else
            (void)lnt_buf_puts(&js, "null}");
        if (dated) /* the words are for a person: the dashboard's date form */
            (void)lnt_local_date_format(bc->expires, local);
        (void)lnt_buf_printf(&words, "%s%s (%s%s)", i ? ", " : "", lnt_course_name(bc->course),
                             dated ? "until " : "no expiry", dated ? local : "");
    }
    (void)lnt_buf_puts(&js, "]");
    lnt_ctl_out_raw(o, "courses", js.data, words.data != NULL ? words.data : "none");
    lnt_buf_release(&js);
    lnt_buf_release(&words);
}

int lnt_ctl_badge_verify(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_TEXT, O_IMAGE };
    static const struct option opts[] = {{"text", required_argument, NULL, O_TEXT},
                                         {"image", required_argument, NULL, O_IMAGE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char text[SCAN_TEXT_MAX];
    char serial[LNT_HEX_LEN(LNT_SERIAL_LEN)], kid[LNT_HEX_LEN(LNT_KID_LEN)];
    struct lnt_scheme sc;
    struct lnt_trusted_key *keys = NULL;
    uint8_t(*revoked)[LNT_SERIAL_LEN] = NULL;
    size_t n_keys = 0, n_revoked = 0;
    struct lnt_badge_claims cl;
    struct lnt_trust trust;
    enum lnt_badge_reason why;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((v[O_TEXT] == NULL) == (v[O_IMAGE] == NULL))
        return lnt_ctl_usage(c, "badge verify: give exactly one of --text and --image");
    if (v[O_TEXT] != NULL) {
        if (lnt_str_copy(text, sizeof text, v[O_TEXT]) != LNT_OK)
            return lnt_ctl_fail("--text: %zu bytes is longer than any badge", strlen(v[O_TEXT]));
    } else if ((rc = scan_png(v[O_IMAGE], text, sizeof text)) != LNT_CTL_OK) {
        return rc;
    }
    if ((rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_trust_keys(c->store, &keys, &n_keys, err) != LNT_OK ||
        lnt_store_badge_revoked(c->store, &revoked, &n_revoked, err) != LNT_OK) {
        rc = lnt_ctl_fail("badge verify: %s", err);
        goto out;
    }
    trust.scheme = sc.name;
    trust.keys = keys;
    trust.n_keys = n_keys;
    trust.revoked = (const uint8_t(*)[LNT_SERIAL_LEN])revoked;
    trust.n_revoked = n_revoked;
    err[0] = '\0';
    why = lnt_badge_verify(text, &trust, lnt_time_now(), &cl, err);

    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_bool(&o, "valid", why == LNT_BADGE_VALID);
    if (why != LNT_BADGE_VALID) {
        lnt_ctl_out_str(&o, "reason", lnt_badge_reason_code(why));
        lnt_ctl_out_str(&o, "message", lnt_badge_reason_text(why));
        if (err[0] != '\0')
            lnt_ctl_out_str(&o, "detail", err);
        (void)lnt_ctl_out_end(&o);
        rc = LNT_CTL_FAIL; /* a refused badge is the command's failure, whatever was printed */
        goto out;
    }
    lnt_hex_encode(cl.serial, LNT_SERIAL_LEN, serial);
    lnt_hex_encode(cl.kid, LNT_KID_LEN, kid);
    lnt_ctl_out_str(&o, "name", cl.name);
    lnt_ctl_out_str(&o, "role", lnt_role_name(cl.role));
    lnt_ctl_out_str(&o, "subject", cl.subject);
    lnt_ctl_out_int(&o, "venue", cl.venue);
    lnt_ctl_out_str(&o, "sia_number", cl.sia_number);
    lnt_ctl_out_date(&o, "sia_expires", cl.sia_expires);
    out_courses(&o, &cl);
    lnt_ctl_out_time(&o, "issued_at", cl.issued_at);
    lnt_ctl_out_time(&o, "expires_at", cl.expires_at);
    lnt_ctl_out_str(&o, "serial", serial);
    lnt_ctl_out_str(&o, "kid", kid);
    lnt_ctl_out_str(&o, "issuer", cl.issuer);
    rc = lnt_ctl_out_end(&o);
out:
    free(keys);
    free(revoked);
    return rc;
}

/* ---- badge list, badge revoke ---- */

static const char *badge_status(const struct lnt_badge_record *b, int64_t now)
{
    if (b->revoked_at != 0)
        return "revoked";
    return b->expires_at <= now ? "expired" : "valid";
}

static void out_badge(struct lnt_ctl_out *o, const struct lnt_badge_record *b, int64_t now)
{
    char serial[LNT_HEX_LEN(LNT_SERIAL_LEN)], kid[LNT_HEX_LEN(LNT_KID_LEN)];

    lnt_hex_encode(b->serial, LNT_SERIAL_LEN, serial);
    lnt_hex_encode(b->kid, LNT_KID_LEN, kid);
    lnt_ctl_out_str(o, "serial", serial);
    lnt_ctl_out_int(o, "staff_id", b->staff_id);
    lnt_ctl_out_str(o, "status", badge_status(b, now));
    lnt_ctl_out_str(o, "kid", kid);
    lnt_ctl_out_time(o, "issued_at", b->issued_at);
    lnt_ctl_out_time(o, "expires_at", b->expires_at);
    if (b->revoked_at != 0) {
        lnt_ctl_out_time(o, "revoked_at", b->revoked_at);
        lnt_ctl_out_str(o, "revoke_reason", b->revoke_reason);
    }
}

int lnt_ctl_badge_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"staff", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_badge_record *list = NULL;
    struct lnt_staff st;
    int64_t staff = 0, now = lnt_time_now();
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] != NULL && (rc = lnt_ctl_parse_id("staff", v[0], &staff)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if ((staff != 0 && lnt_store_staff_get(c->store, staff, &st, err) != LNT_OK) ||
        lnt_store_badge_list(c->store, staff, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("badge list: %s", err);
    {
        char object[32];
        if (staff != 0)
            snprintf(object, sizeof object, "staff %lld", (long long)staff);
        else
            snprintf(object, sizeof object, "all staff");
        rc = lnt_ctl_audit_read(c, "badges.read", object, "");
    }
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_badge(&o, &list[i], now);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_badge_revoke(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_SERIAL, O_REASON };
    static const struct option opts[] = {{"serial", required_argument, NULL, O_SERIAL},
                                         {"reason", required_argument, NULL, O_REASON},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t serial[LNT_SERIAL_LEN];
    const char *reason;
    struct lnt_ctl_out o;
    int64_t version = 0, now = lnt_time_now();
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_SERIAL] == NULL)
        return lnt_ctl_usage(c, "badge revoke: --serial is required");
    if (strlen(v[O_SERIAL]) != LNT_SERIAL_LEN * 2 ||
        lnt_hex_decode(v[O_SERIAL], serial, LNT_SERIAL_LEN) != LNT_OK)
        return lnt_ctl_fail("--serial: expected %d hex digits (as 'badge list' shows), got '%s'",
                            LNT_SERIAL_LEN * 2, v[O_SERIAL]);
    reason = v[O_REASON] != NULL ? v[O_REASON] : "revoked by the scheme administrator";
    if (reason[0] == '\0' || strlen(reason) > 80)
        return lnt_ctl_fail("--reason: expected 1 to 80 bytes");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_badge_revoke(c->store, serial, reason, now, &version, err) != LNT_OK)
        return lnt_ctl_fail("badge revoke: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "serial", v[O_SERIAL]);
    lnt_ctl_out_time(&o, "revoked_at", now);
    lnt_ctl_out_str(&o, "reason", reason);
    lnt_ctl_out_int(&o, "revocation_version", version);
    return lnt_ctl_out_end(&o);
}
