/* store.c - the backend-independent parts of the store: names, enrolment codes, checks, what
 * counts as harm in hot spots. */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "keyfile.h"
#include "night.h"
#include "store_auth.h"
#include "store_events.h"
#include "store_hotspots.h"
#include "store_notify.h"
#include "wire.h"

/* No 0/O, 1/I/L: a code read aloud or copied from paper survives. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define CODE_ALPHABET_LEN (sizeof code_alphabet - 1)

static const char *const category_names[] = {
    [LNT_VENUE_PUB] = "pub",
    [LNT_VENUE_BAR] = "bar",
    [LNT_VENUE_NIGHTCLUB] = "nightclub",
    [LNT_VENUE_HUB] = "hub",
};

const char *lnt_venue_category_name(enum lnt_venue_category c)
{
    if (c < LNT_VENUE_PUB || c > LNT_VENUE_HUB)
        return "unknown";
    return category_names[c];
}

enum lnt_err lnt_venue_category_parse(const char *s, enum lnt_venue_category *out)
{
    if (s == NULL)
        return LNT_ERR_INVALID;
    for (int c = LNT_VENUE_PUB; c <= LNT_VENUE_HUB; c++) {
        if (strcmp(s, category_names[c]) == 0) {
            *out = (enum lnt_venue_category)c;
            return LNT_OK;
        }
    }
    return LNT_ERR_INVALID;
}

void lnt_store_code_generate(char out[LNT_ENROLL_CODE_LEN + 1])
{
    size_t o = 0;

    for (int i = 0; i < LNT_ENROLL_CODE_CHARS; i++) {
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        /* uniform: randombytes_uniform rejects the biased tail */
        out[o++] = code_alphabet[randombytes_uniform((uint32_t)CODE_ALPHABET_LEN)];
    }
    out[o] = '\0';
}

enum lnt_err lnt_store_code_normalise(const char *code, char out[LNT_ENROLL_CODE_CHARS + 1])
{
    size_t n = 0;

    if (code == NULL)
        return LNT_ERR_INVALID;
    for (const char *p = code; *p != '\0'; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == '\0' || memchr(code_alphabet, c, CODE_ALPHABET_LEN) == NULL)
            return LNT_ERR_INVALID;
        if (n == LNT_ENROLL_CODE_CHARS)
            return LNT_ERR_INVALID;
        out[n++] = c;
    }
    if (n != LNT_ENROLL_CODE_CHARS)
        return LNT_ERR_INVALID;
    out[n] = '\0';
    return LNT_OK;
}

enum lnt_err lnt_store_code_hash(const char *code, uint8_t out[LNT_SHA256_LEN])
{
    char norm[LNT_ENROLL_CODE_CHARS + 1];

    if (lnt_store_code_normalise(code, norm) != LNT_OK)
        return LNT_ERR_INVALID;
    lnt_store_sha256(norm, LNT_ENROLL_CODE_CHARS, out);
    return LNT_OK;
}

void lnt_store_sha256(const void *p, size_t n, uint8_t out[LNT_SHA256_LEN])
{
    crypto_hash_sha256(out, p, n);
}

void lnt_store_box_keygen(uint8_t pk[32], uint8_t sk[32])
{
    crypto_box_keypair(pk, sk);
}

void lnt_store_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

enum lnt_err lnt_store_scheme_name_check(const char *name, char *err)
{
    size_t n = name != NULL ? strlen(name) : 0;

    if (n < 1 || n > 16)
        return lnt_fail(err, LNT_ERR_INVALID, "scheme name must be 1-16 characters, got %zu", n);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "scheme name may hold only A-Z, 0-9 and '-', not '%c' at %zu",
                            (c > 0x20 && c < 0x7f) ? c : '?', i + 1);
    }
    return LNT_OK;
}

enum lnt_err lnt_store_sia_check(const char *sia, char *err)
{
    size_t n = strlen(sia);

    if (n == 0)
        return LNT_OK;
    if (n != 16)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "SIA licence number must be 16 digits, got %zu characters", n);
    for (size_t i = 0; i < n; i++)
        if (sia[i] < '0' || sia[i] > '9')
            return lnt_fail(err, LNT_ERR_INVALID, "SIA licence number must be 16 digits");
    return LNT_OK;
}

/* Length of the UTF-8 sequence starting at p (1-4), or 0 when it is not well formed. */
static size_t utf8_seq(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t len;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

enum lnt_err lnt_store_text_check(const char *what, const char *s, size_t max_bytes, char *err)
{
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;

    if (n == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s must not be empty", what);
    if (n > max_bytes)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s is %zu bytes, at most %zu allowed", what, n,
                        max_bytes);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq(p + i);
        if (len == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "%s is not valid UTF-8 (byte %zu)", what, i + 1);
        if (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))
            return lnt_fail(err, LNT_ERR_INVALID, "%s contains a control character (byte %zu)",
                            what, i + 1);
        i += len;
    }
    return LNT_OK;
}

static const char *const flag_names[] = {
    [LNT_FLAG_COPIED_BADGE] = "copied_badge",
    [LNT_FLAG_UNMATCHED_SIGN_OUT] = "unmatched_sign_out",
    [LNT_FLAG_UNMATCHED_SHIFT_END] = "unmatched_shift_end",
    [LNT_FLAG_SEQ_GAP] = "seq_gap",
    [LNT_FLAG_SEQ_BACKWARDS] = "seq_backwards",
    [LNT_FLAG_CONFLICT] = "conflict",
    [LNT_FLAG_REVOKED_BADGE] = "revoked_badge",
    [LNT_FLAG_UNKNOWN_SERIAL] = "unknown_serial",
    [LNT_FLAG_UNIDENTIFIED_STAFF] = "unidentified_staff",
    [LNT_FLAG_DOOR_REFUSED] = "door_refused",
    [LNT_FLAG_SIA_NOT_VALID] = "sia_not_valid",
};

const char *lnt_shift_licence_word(const struct lnt_shift *s)
{
    if (s->role != LNT_ROLE_DOOR)
        return "not required";
    switch (s->sia_status) {
    case LNT_SIA_VALID:
    case LNT_SIA_EXPIRING:
        return "valid";
    case LNT_SIA_EXPIRED:
        return "expired";
    case LNT_SIA_SUSPENDED:
        return "suspended";
    case LNT_SIA_REVOKED:
        return "revoked";
    default:
        return "missing";
    }
}

const char *lnt_signin_flag_name(enum lnt_signin_flag f)
{
    switch (f) {
    case LNT_SIGNIN_REVOKED:
        return "revoked";
    case LNT_SIGNIN_UNKNOWN_SERIAL:
        return "unknown_serial";
    default:
        return NULL;
    }
}

const char *lnt_flag_kind_name(enum lnt_flag_kind k)
{
    if (k < LNT_FLAG_COPIED_BADGE || k > LNT_FLAG__MAX)
        return "unknown";
    return flag_names[k];
}

enum lnt_err lnt_flag_kind_parse(const char *s, enum lnt_flag_kind *out)
{
    for (int k = LNT_FLAG_COPIED_BADGE; s != NULL && k <= LNT_FLAG__MAX; k++) {
        if (strcmp(s, flag_names[k]) == 0) {
            *out = (enum lnt_flag_kind)k;
            return LNT_OK;
        }
    }
    return LNT_ERR_INVALID;
}

static const char *const officer_role_names[] = {
    [LNT_OFFICER_ADMIN] = "admin",       [LNT_OFFICER_OFFICER] = "officer",
    [LNT_OFFICER_POLICE] = "police",     [LNT_OFFICER_VENUE] = "venue",
    [LNT_OFFICER_ASSESSOR] = "assessor",
};

const char *lnt_officer_role_name(enum lnt_officer_role r)
{
    if (r < LNT_OFFICER_ADMIN || r > LNT_OFFICER__MAX)
        return "unknown";
    return officer_role_names[r];
}

bool lnt_scope_may_read_register(const struct lnt_scope *scope)
{
    switch (scope->role) {
    case LNT_OFFICER_ADMIN:
    case LNT_OFFICER_OFFICER:
    case LNT_OFFICER_POLICE:
    case LNT_OFFICER_VENUE:
        return true;
    default:
        return false;
    }
}

enum lnt_err lnt_officer_role_parse(const char *s, enum lnt_officer_role *out)
{
    for (int r = LNT_OFFICER_ADMIN; s != NULL && r <= LNT_OFFICER__MAX; r++) {
        if (strcmp(s, officer_role_names[r]) == 0) {
            *out = (enum lnt_officer_role)r;
            return LNT_OK;
        }
    }
    return LNT_ERR_INVALID;
}

void lnt_retention_defaults(struct lnt_retention *out)
{
    memset(out, 0, sizeof *out);
    out->raw_events = 396 * (int64_t)LNT_DAY;
    out->door_register = 365 * (int64_t)LNT_DAY;
    out->incident_details = 730 * (int64_t)LNT_DAY;
    out->incidents = 2192 * (int64_t)LNT_DAY;
    out->stock_ledger = 730 * (int64_t)LNT_DAY;
    out->volunteer_shifts = 730 * (int64_t)LNT_DAY;
    out->flags = 730 * (int64_t)LNT_DAY;
    out->audit_log = 2192 * (int64_t)LNT_DAY;
    out->sessions = 1 * (int64_t)LNT_DAY;
}

void lnt_store_b64url(const uint8_t *in, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;

    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (6 - bits)) & 0x3f];
    out[o] = '\0';
}

enum lnt_err lnt_store_email_norm(const char *email, char *out, char *err)
{
    size_t n = email != NULL ? strnlen(email, LNT_EMAIL_MAX + 1) : 0;
    size_t at = 0, ats = 0;

    out[0] = '\0';
    if (n == 0 || n > LNT_EMAIL_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "email address must be 1-%d bytes", LNT_EMAIL_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)email[i];
        if (c <= 0x20 || c == 0x7f)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "email address must not contain spaces or control characters");
        if (c == '@') {
            ats++;
            at = i;
        }
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    out[n] = '\0';
    if (ats != 1 || at == 0 || at == n - 1) {
        out[0] = '\0';
        return lnt_fail(err, LNT_ERR_INVALID, "email address must look like name@example.org");
    }
    return LNT_OK;
}

enum lnt_err lnt_store_scope_check(const struct lnt_scope *sc, char *err)
{
    if (sc->role < LNT_OFFICER_ADMIN || sc->role > LNT_OFFICER__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "role %d is not known", (int)sc->role);
    if (memchr(sc->authority, '\0', sizeof sc->authority) == NULL)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "authority is over %d bytes", LNT_AUTHORITY_MAX);
    if (sc->authority[0] != '\0') {
        enum lnt_err rc = lnt_store_text_check("authority", sc->authority, LNT_AUTHORITY_MAX, err);
        if (rc != LNT_OK)
            return rc;
    }
    if (sc->venue_id < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue id must not be negative");
    if (sc->authority[0] != '\0' && sc->venue_id != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "scope is an authority or a venue, not both");
    if (sc->role == LNT_OFFICER_VENUE && sc->venue_id == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "role venue needs a venue");
    if (sc->role != LNT_OFFICER_VENUE && sc->venue_id != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "only role venue is scoped to one venue");
    return LNT_OK;
}

void lnt_scope_volunteers(const struct lnt_scope *who, int64_t venue_id,
                          struct lnt_rollup_scope *out)
{
    memset(out, 0, sizeof *out);
    out->venue_id = venue_id;
    if (who == NULL)
        return;
    /* a venue-bound reader asking for another venue gets its own venue's rule: nothing else */
    if (who->venue_id != 0)
        out->venue_id = venue_id == 0 || venue_id == who->venue_id ? who->venue_id : -1;
    if (who->authority[0] != '\0')
        out->authority = who->authority;
}

/* ---- shared by the backends: a venue's checks, a batch's canonical JSON ---- */

enum lnt_err lnt_store_venue_check(struct lnt_venue *v, char *err)
{
    struct lnt_trading t;
    enum lnt_err rc = lnt_store_text_check("venue name", v->name, sizeof v->name - 1, err);

    if (rc == LNT_OK)
        rc = lnt_store_text_check("venue area", v->area, sizeof v->area - 1, err);
    if (rc == LNT_OK && v->authority[0] != '\0')
        rc = lnt_store_text_check("licensing authority", v->authority, LNT_AUTHORITY_MAX, err);
    if (rc != LNT_OK)
        return rc;
    if (v->category < LNT_VENUE_PUB || v->category > LNT_VENUE_HUB)
        return lnt_fail(err, LNT_ERR_INVALID, "venue category %d is not known", (int)v->category);
    if (v->capacity < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue capacity must not be negative");
    if (v->cup_cover_threshold < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "cup-cover threshold must not be negative");
    if (v->joined_on < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "joining date must not be before 1970");
    if (memchr(v->trading, '\0', sizeof v->trading) == NULL)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "trading pattern is over %d bytes",
                        LNT_TRADING_MAX);
    if (v->trading[0] == '\0')
        (void)lnt_str_copy(v->trading, sizeof v->trading,
                           lnt_trading_default(lnt_venue_category_name(v->category)));
    rc = lnt_trading_parse(v->trading, &t, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "trading pattern: ");
    if (lnt_trading_format(&t, v->trading, sizeof v->trading) != LNT_OK)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "trading pattern is over %d bytes",
                        LNT_TRADING_MAX);
    return LNT_OK;
}

const char *lnt_store_event_staff(const struct lnt_event *e)
{
    const char *id = NULL;

    switch (e->type) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
    case LNT_EV_DOOR_REFUSED:
        id = e->u.badge.staff_id;
        break;
    case LNT_EV_INCIDENT:
        id = e->u.incident.staff_id;
        break;
    case LNT_EV_STOCK:
        id = e->u.stock.staff_id;
        break;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        id = e->u.shift.staff_id;
        break;
    case LNT_EV_WELFARE:
        id = e->u.welfare.staff_id;
        break;
    default:
        break;
    }
    return id != NULL && id[0] != '\0' ? id : NULL;
}

enum lnt_err lnt_store_encode_batch(const struct lnt_event *ev, size_t n,
                                    struct lnt_store_encoded *enc, char *err)
{
    /* an event encodes to at most LNT_BATCH_BODY_MAX bytes, so this bound is never the limit */
    lnt_buf_init(&enc->text, (size_t)LNT_BATCH_MAX * LNT_BATCH_BODY_MAX);
    for (size_t i = 0; i < n && i < LNT_BATCH_MAX; i++) {
        enum lnt_err rc;

        if (ev[i].seq < 1)
            return lnt_fail(err, LNT_ERR_INVALID, "event %zu: seq %" PRId64 ": must be at least 1",
                            i, ev[i].seq);
        rc = lnt_wire_event_encode(&ev[i], &enc->text, err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "event %zu: seq %" PRId64 ": ", i, ev[i].seq);
        enc->end[i] = enc->text.len;
    }
    return n > LNT_BATCH_MAX
               ? lnt_fail(err, LNT_ERR_TOO_LARGE, "a batch holds at most %d events", LNT_BATCH_MAX)
               : LNT_OK;
}

const char *lnt_store_encoded_body(const struct lnt_store_encoded *enc, size_t i, size_t *len)
{
    size_t start = i == 0 ? 0 : enc->end[i - 1];

    *len = enc->end[i] - start;
    return enc->text.data + start;
}

enum lnt_err lnt_store_same_body(const struct lnt_event *e, const char *body, size_t body_len,
                                 const void *old, size_t old_len, int64_t old_seq, bool *same,
                                 char *err)
{
    struct lnt_event *copy;
    struct lnt_buf text;
    enum lnt_err rc;

    if (old_seq == e->seq) {
        *same = old_len == body_len && memcmp(old, body, body_len) == 0;
        return LNT_OK;
    }
    copy = malloc(sizeof *copy);
    if (copy == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory comparing an event");
    *copy = *e;
    copy->seq = old_seq;
    lnt_buf_init(&text, LNT_BATCH_BODY_MAX);
    rc = lnt_wire_event_encode(copy, &text, err);
    *same = rc == LNT_OK && text.len == old_len && memcmp(text.data, old, old_len) == 0;
    lnt_buf_release(&text);
    free(copy);
    return rc;
}

/* ---- hot spots: what counts as harm, the night's columns, the harm ranking ---- */

const struct lnt_hot_harm_weight lnt_hot_harm_weights[] = {
    {"violence_injury", 3, "violence with injury"},
    {"sexual", 3, "sexual harassment or assault"},
    {"spiking", 3, "spiking"},
    {"violence", 2, "violence without injury"},
    {"weapons", 2, "weapons"},
    {NULL, 0, NULL},
};

int lnt_hot_hour_of_column(int col)
{
    return (col + LNT_NIGHT_CUTOFF_MIN / 60) % 24;
}

int lnt_hot_harm_of(const char *kind)
{
    for (size_t i = 0; lnt_hot_harm_weights[i].kind != NULL; i++)
        if (strcmp(lnt_hot_harm_weights[i].kind, kind) == 0)
            return lnt_hot_harm_weights[i].weight;
    return 0;
}

static int harm_cmp(const void *a, const void *b)
{
    const struct lnt_hot_venue *x = a, *y = b;

    if (x->harm_points != y->harm_points)
        return x->harm_points > y->harm_points ? -1 : 1;
    if (x->reports != y->reports)
        return x->reports > y->reports ? -1 : 1;
    return strcmp(x->venue.name, y->venue.name);
}

void lnt_hot_sort_by_harm(struct lnt_hot_venue *rows, size_t n)
{
    if (n > 1)
        qsort(rows, n, sizeof *rows, harm_cmp);
}

/* ---- webhook secrets ---- */

_Static_assert(LNT_WEBHOOK_SEALED_LEN == LNT_WRAP_KID_LEN + crypto_secretbox_NONCEBYTES +
                                             crypto_secretbox_MACBYTES + LNT_WEBHOOK_SECRET_LEN,
               "the sealed form of a webhook secret");

enum lnt_err lnt_store_webhook_url_check(const char *url, char *err)
{
    size_t len = strlen(url);
    const char *host;

    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "webhook URL must begin http:// or https://");
    if (len > LNT_DELIVERY_TARGET_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "webhook URL is longer than %d bytes",
                        LNT_DELIVERY_TARGET_MAX);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "webhook URL must not hold spaces, control or non-ASCII characters");
    /* the URL is shown on the admin page and in errors: no credentials in it */
    host = url + (url[4] == 's' ? 8 : 7);
    if (memchr(host, '@', strcspn(host, "/?#")) != NULL)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "webhook URL must not hold a user or password (user@host): it is shown "
                        "on the admin page; the posts are signed with the webhook's secret");
    return LNT_OK;
}

void lnt_store_webhook_seal(const struct lnt_wrap_key *k, const uint8_t *secret,
                            uint8_t out[LNT_WEBHOOK_SEALED_LEN])
{
    uint8_t *nonce = out + LNT_WRAP_KID_LEN;

    memcpy(out, k->kid, LNT_WRAP_KID_LEN);
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, secret, LNT_WEBHOOK_SECRET_LEN,
                          nonce, k->key);
}

enum lnt_err lnt_store_webhook_unseal(const char *keys_path, const struct lnt_keyfile *kf,
                                      const char *authority, const uint8_t *sealed, size_t len,
                                      uint8_t *secret, char *err)
{
    const struct lnt_wrap_key *k;
    char kid[2 * LNT_WRAP_KID_LEN + 1];

    if (sealed == NULL || len != LNT_WEBHOOK_SEALED_LEN)
        return lnt_fail(err, LNT_ERR_CRYPTO,
                        "the stored secret of the webhook of \"%s\" is damaged: set the webhook "
                        "again",
                        authority);
    k = lnt_keyfile_find_wrap(kf, sealed);
    if (k == NULL) {
        lnt_hex_encode(sealed, LNT_WRAP_KID_LEN, kid);
        return lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                        "wrong key file: the webhook secret of \"%s\" is sealed with wrapping "
                        "key %s, which the key file %s does not hold",
                        authority, kid, keys_path);
    }
    if (crypto_secretbox_open_easy(secret, sealed + LNT_WRAP_KID_LEN + crypto_secretbox_NONCEBYTES,
                                   len - LNT_WRAP_KID_LEN - crypto_secretbox_NONCEBYTES,
                                   sealed + LNT_WRAP_KID_LEN, k->key) != 0) {
        lnt_store_wipe(secret, LNT_WEBHOOK_SECRET_LEN);
        return lnt_fail(err, LNT_ERR_CRYPTO,
                        "the webhook secret of \"%s\" does not open with its wrapping key in %s: "
                        "damaged; set the webhook again",
                        authority, keys_path);
    }
    return LNT_OK;
}
