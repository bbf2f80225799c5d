/* sync.c - the kiosk's HTTP client: the one libcurl seam (enrolment, signed event batches,
 * backoff). */
#include "sync.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "wire.h"

#define PATH_ENROLL "/api/v1/enroll"
#define PATH_EVENTS "/api/v1/events"
#define PATH_HEALTH "/healthz"

/* ---- backoff ---- */

void lnt_sync_backoff_init(struct lnt_backoff *b)
{
    memset(b, 0, sizeof *b);
}

void lnt_sync_backoff_fail(struct lnt_backoff *b, int64_t now_ms, uint32_t rnd)
{
    int64_t span, jitter;

    if (b->base_ms == 0)
        b->base_ms = LNT_BACKOFF_FIRST_MS;
    else if (b->base_ms < LNT_BACKOFF_MAX_MS)
        b->base_ms = b->base_ms * 2 > LNT_BACKOFF_MAX_MS ? LNT_BACKOFF_MAX_MS : b->base_ms * 2;
    /* jitter uniform in [-20%, +20%] of the base */
    span = b->base_ms * LNT_BACKOFF_JITTER_PCT / 100;
    jitter = (int64_t)(rnd % (uint32_t)(2 * span + 1)) - span;
    b->delay_ms = b->base_ms + jitter;
    if (b->delay_ms > LNT_BACKOFF_MAX_MS)
        b->delay_ms = LNT_BACKOFF_MAX_MS;
    b->next_ms = now_ms + b->delay_ms;
    if (b->failures < 1000000)
        b->failures++;
}

void lnt_sync_backoff_ok(struct lnt_backoff *b)
{
    lnt_sync_backoff_init(b);
}

bool lnt_sync_backoff_ready(const struct lnt_backoff *b, int64_t now_ms)
{
    return b->failures == 0 || now_ms >= b->next_ms;
}

/* ---- HTTP ---- */

#include "sync_int.h"

static size_t on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
    struct lnt_buf *b = ctx;
    size_t n = size * nmemb;

    /* Returning short makes curl fail the transfer: a reply over its bound is a bad reply. */
    if (lnt_buf_append(b, p, n) != LNT_OK)
        return 0;
    return n;
}

enum lnt_err lnt_sync_new(struct lnt_sync **out, char *err)
{
    static bool curl_ready;
    struct lnt_sync *s;

    *out = NULL;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return lnt_fail(err, LNT_ERR_NET, "libcurl failed to initialise");
        curl_ready = true;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    lnt_buf_init(&s->reply, LNT_SYNC_REPLY_MAX);
    s->curl = curl_easy_init();
    if (s->curl == NULL) {
        free(s);
        return lnt_fail(err, LNT_ERR_NET, "libcurl: cannot make a handle");
    }
    *out = s;
    return LNT_OK;
}

void lnt_sync_set_abort(struct lnt_sync *s, const volatile int *flag)
{
    s->abort_flag = flag;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const struct lnt_sync *s = ctx;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return s->abort_flag != NULL && *s->abort_flag != 0;
}

enum lnt_err lnt_sync_set_ca(struct lnt_sync *s, const char *path, char *err)
{
    if (path == NULL) {
        s->ca_file[0] = '\0';
        return LNT_OK;
    }
    if (access(path, R_OK) != 0)
        return lnt_fail(err, LNT_ERR_IO, "--ca %s: cannot read the file", path);
    if (lnt_str_copy(s->ca_file, sizeof s->ca_file, path) != LNT_OK)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "--ca: path too long");
    return LNT_OK;
}

void lnt_sync_free(struct lnt_sync *s)
{
    if (s == NULL)
        return;
    curl_easy_cleanup(s->curl);
    lnt_buf_release(&s->reply);
    free(s);
}

bool lnt_sync_code_valid(const char *code)
{
    size_t n = strlen(code);

    if (n == 0 || n > LNT_ENROLL_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

/*
 * Splits the server URL into the full request URL for `api_path` and the
 * path that is signed ("/base/api/v1/events" for "http://host/base/").
 */
enum lnt_err lnt_sync_make_url(const char *server, const char *api_path, char *url, size_t url_size,
                               char *path, size_t path_size, char *err)
{
    const char *host, *slash;
    size_t len = strlen(server);
    int n;

    if (!lnt_str_starts(server, "http://") && !lnt_str_starts(server, "https://"))
        return lnt_fail(err, LNT_ERR_INVALID, "server URL `%.64s`: expected http:// or https://",
                        server);
    if (len >= LNT_URL_MAX || strpbrk(server, "?# \t\r\n") != NULL)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "server URL `%.64s`: too long, or has a query, fragment or space", server);
    while (len > 0 && server[len - 1] == '/')
        len--;
    host = strstr(server, "://") + 3;
    slash = memchr(host, '/', len - (size_t)(host - server));
    n = snprintf(path, path_size, "%.*s%s", slash ? (int)(len - (size_t)(slash - server)) : 0,
                 slash ? slash : "", api_path);
    if (n < 0 || (size_t)n >= path_size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "server URL: path too long");
    n = snprintf(url, url_size, "%.*s%s", (int)len, server, api_path);
    if (n < 0 || (size_t)n >= url_size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "server URL too long");
    return LNT_OK;
}

/*
 * POSTs `body` (GET when NULL) to `url` with `headers`; the reply body lands in s->reply and
 * its status in *status. LNT_ERR_NET (with curl's words) when no reply came.
 */
enum lnt_err lnt_sync_http(struct lnt_sync *s, const char *url, struct curl_slist *headers,
                           const char *body, size_t len, long *status, char *err)
{
    CURLcode cc;

    *status = 0;
    lnt_buf_reset(&s->reply);
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)LNT_SYNC_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)LNT_SYNC_TIMEOUT_MS);
    curl_easy_setopt(s->curl, CURLOPT_USERAGENT, "lantern-kiosk/" LNT_VERSION);
    curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, headers);
    /* A pinned CA for the scheme's own server; otherwise the system's CAs. */
    if (s->ca_file[0] != '\0')
        curl_easy_setopt(s->curl, CURLOPT_CAINFO, s->ca_file);
    if (body != NULL) {
        curl_easy_setopt(s->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(s->curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(s->curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(s->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(s->curl, CURLOPT_XFERINFODATA, s);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &s->reply);
    cc = curl_easy_perform(s->curl);
    /* The handle keeps the connection for the next request; the header list is the caller's. */
    curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, NULL);
    if (cc != CURLE_OK) {
        if (cc == CURLE_WRITE_ERROR)
            return lnt_fail(err, LNT_ERR_NET, "%s: reply over %d bytes", url, LNT_SYNC_REPLY_MAX);
        return lnt_fail(err, LNT_ERR_NET, "%s: %s", url, curl_easy_strerror(cc));
    }
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, status);
    return LNT_OK;
}

void lnt_sync_problem_detail(const struct lnt_buf *reply, char *out, size_t size)
{
    json_t *root = reply->len ? json_loadb(reply->data, reply->len, 0, NULL) : NULL;
    json_t *detail = root ? json_object_get(root, "detail") : NULL;

    if (json_is_string(detail))
        snprintf(out, size, "%s", json_string_value(detail));
    else if (reply->len > 0)
        snprintf(out, size, "%.120s", reply->data);
    else
        snprintf(out, size, "no detail");
    for (char *p = out; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    json_decref(root);
}

enum lnt_err lnt_sync_status_error(long status, const struct lnt_buf *reply, const char *what,
                                   char *err)
{
    char detail[LNT_ERRBUF_SIZE];
    enum lnt_err code;

    lnt_sync_problem_detail(reply, detail, sizeof detail);
    switch (status) {
    case 400:
        code = LNT_ERR_INVALID;
        break;
    case 401:
        code = LNT_ERR_UNAUTHORIZED;
        break;
    case 403:
        code = LNT_ERR_FORBIDDEN;
        break;
    case 404:
        code = LNT_ERR_NOT_FOUND;
        break;
    case 410:
        code = LNT_ERR_EXPIRED;
        break;
    case 413:
        code = LNT_ERR_TOO_LARGE;
        break;
    default:
        code = status >= 400 && status < 500 ? LNT_ERR_INVALID : LNT_ERR_NET;
        break;
    }
    return lnt_fail(err, code, "%s: server said %ld: %s", what, status, detail);
}

/* Appends "name: value" (or "name:" alone, which tells curl not to send that header). */
enum lnt_err lnt_sync_add_header(struct curl_slist **list, const char *name, const char *value)
{
    char line[256];
    struct curl_slist *h;
    int n = value != NULL ? snprintf(line, sizeof line, "%s: %s", name, value)
                          : snprintf(line, sizeof line, "%s:", name);

    if (n < 0 || (size_t)n >= sizeof line)
        return LNT_ERR_TOO_LARGE;
    h = curl_slist_append(*list, line);
    if (h == NULL)
        return LNT_ERR_NOMEM;
    *list = h;
    return LNT_OK;
}

enum lnt_err lnt_sync_ping(struct lnt_sync *s, const char *server_url, char *err)
{
    char url[LNT_URL_MAX + PATH_MAX_LEN], path[PATH_MAX_LEN];
    enum lnt_err rc;
    long status;

    rc = lnt_sync_make_url(server_url, PATH_HEALTH, url, sizeof url, path, sizeof path, err);
    if (rc == LNT_OK)
        rc = lnt_sync_http(s, url, NULL, NULL, 0, &status, err);
    if (rc == LNT_OK && status != 200)
        rc = lnt_sync_status_error(status, &s->reply, "health check", err);
    return rc;
}

/* ---- enrolment ---- */

static enum lnt_err b64_exact(json_t *v, uint8_t *out, size_t n, const char *field, char *err)
{
    const char *s = json_string_value(v);
    size_t len = 0;

    if (s == NULL || strlen(s) > LNT_B64_LEN(n) || lnt_b64_decode(s, out, n, &len) != LNT_OK ||
        len != n)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "enrolment reply: field `%s`: expected base64 of %zu bytes", field, n);
    return LNT_OK;
}

enum lnt_err lnt_sync_parse_trust(json_t *trust, struct lnt_identity *id, const char *what,
                                  char *err)
{
    struct lnt_trusted_key keys[LNT_TRUST_MAX];
    size_t i, n = 0;
    json_t *v;

    if (!json_is_array(trust) || json_array_size(trust) > LNT_TRUST_MAX)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: field `trust`: expected an array of at most %d keys", what,
                        LNT_TRUST_MAX);
    json_array_foreach(trust, i, v)
    {
        struct lnt_trusted_key *k = &keys[n];
        const char *kid = json_string_value(json_object_get(v, "kid"));
        const char *pk = json_string_value(json_object_get(v, "public_key"));
        uint8_t want[LNT_KID_LEN];
        size_t len = 0;

        if (kid == NULL || strlen(kid) != LNT_KID_LEN * 2 ||
            lnt_hex_decode(kid, k->kid, LNT_KID_LEN) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: trust key %zu: field `kid`: expected %d hex digits", what, i,
                            LNT_KID_LEN * 2);
        if (pk == NULL || strlen(pk) > LNT_B64_LEN(LNT_SIGN_PK_LEN) ||
            lnt_b64_decode(pk, k->pk, LNT_SIGN_PK_LEN, &len) != LNT_OK || len != LNT_SIGN_PK_LEN)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: trust key %zu: field `public_key`: expected base64 of %d bytes",
                            what, i, LNT_SIGN_PK_LEN);
        lnt_badge_kid(k->pk, want);
        if (memcmp(want, k->kid, LNT_KID_LEN) != 0)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: trust key %zu: kid %s does not match its public key", what, i,
                            kid);
        n++;
    }
    memcpy(id->keys, keys, n * sizeof keys[0]);
    id->n_keys = n;
    return LNT_OK;
}

/* Reads the enrolment reply (docs/api.md) into `id`, strictly bounded. Unknown fields are ignored.
 */
static enum lnt_err parse_enroll(const struct lnt_buf *reply, struct lnt_identity *id, char *err)
{
    json_t *root, *v, *trust, *revoked, *venue;
    json_error_t jerr;
    enum lnt_err rc = LNT_ERR_INVALID;
    size_t i;

    root = json_loadb(reply->data, reply->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "enrolment reply is not JSON: %s", jerr.text);
    if (!json_is_object(root)) {
        lnt_fail(err, rc, "enrolment reply: expected an object");
        goto out;
    }
    v = json_object_get(root, "kiosk_id");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        lnt_fail(err, rc, "enrolment reply: field `kiosk_id`: expected an integer >= 1");
        goto out;
    }
    id->kiosk_id = json_integer_value(v);

    v = json_object_get(root, "scheme");
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        lnt_str_copy(id->scheme, sizeof id->scheme, json_string_value(v)) != LNT_OK) {
        lnt_fail(err, rc, "enrolment reply: field `scheme`: expected 1-%d characters",
                 LNT_SCHEME_NAME_MAX);
        goto out;
    }

    venue = json_object_get(root, "venue");
    if (json_is_object(venue)) {
        v = json_object_get(venue, "id");
        id->venue_id = json_is_integer(v) ? json_integer_value(v) : 0;
        v = json_object_get(venue, "name");
        /* A long name is only cut short on the status bar, never refused. */
        lnt_str_copy(id->venue_name, sizeof id->venue_name,
                     json_is_string(v) ? json_string_value(v) : "");
    }

    trust = json_object_get(root, "trust");
    if ((rc = lnt_sync_parse_trust(trust, id, "enrolment reply", err)) != LNT_OK)
        goto out;
    rc = LNT_ERR_INVALID;

    revoked = json_object_get(root, "revoked");
    if (!json_is_array(revoked) || json_array_size(revoked) > LNT_REVOKED_MAX) {
        lnt_fail(err, rc,
                 "enrolment reply: field `revoked`: expected an array of at most %d serials",
                 LNT_REVOKED_MAX);
        goto out;
    }
    id->n_revoked = 0;
    json_array_foreach(revoked, i, v)
    {
        const char *hex = json_string_value(v);
        if (hex == NULL || strlen(hex) != LNT_SERIAL_LEN * 2 ||
            lnt_hex_decode(hex, id->revoked[id->n_revoked], LNT_SERIAL_LEN) != LNT_OK) {
            lnt_fail(err, rc, "enrolment reply: revoked serial %zu: expected %d hex digits", i,
                     LNT_SERIAL_LEN * 2);
            goto out;
        }
        id->n_revoked++;
    }

    if ((rc = b64_exact(json_object_get(root, "box_public_key"), id->box_pk, LNT_BOX_PK_LEN,
                        "box_public_key", err)) != LNT_OK)
        goto out;
    if ((rc = lnt_sync_parse_door_rules(root, id, "enrolment reply", err)) != LNT_OK)
        goto out;
    rc = LNT_ERR_INVALID;
    v = json_object_get(root, "server_time");
    if (!json_is_string(v) || lnt_time_parse(json_string_value(v), &id->server_time) != LNT_OK) {
        lnt_fail(err, rc, "enrolment reply: field `server_time`: expected RFC 3339 time");
        goto out;
    }
    rc = LNT_OK;

out:
    json_decref(root);
    return rc;
}

enum lnt_err lnt_sync_enroll(struct lnt_sync *s, const char *server_url, const char *code,
                             struct lnt_identity *id, char *err)
{
    char url[LNT_URL_MAX + PATH_MAX_LEN], path[PATH_MAX_LEN], pk64[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    struct lnt_identity *got = NULL;
    struct curl_slist *headers = NULL;
    json_t *req = NULL;
    char *body = NULL;
    enum lnt_err rc;
    long status;

    if (!lnt_sync_code_valid(code))
        return lnt_fail(
            err, LNT_ERR_INVALID,
            "enrolment code `%.40s`: expected letters, digits and dashes, like ABCD-EFGH-JKLM",
            code);
    rc = lnt_sync_make_url(server_url, PATH_ENROLL, url, sizeof url, path, sizeof path, err);
    if (rc != LNT_OK)
        return rc;
    lnt_b64_encode(id->pk, LNT_SIGN_PK_LEN, pk64);
    req = json_pack("{s:s, s:s}", "code", code, "public_key", pk64);
    body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    got = malloc(sizeof *got);
    if (body == NULL || got == NULL ||
        lnt_sync_add_header(&headers, "Content-Type", "application/json") != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "enrolment: out of memory");
        goto out;
    }
    rc = lnt_sync_http(s, url, headers, body, strlen(body), &status, err);
    if (rc != LNT_OK)
        goto out;
    if (status != 201 && status != 200) {
        rc = lnt_sync_status_error(status, &s->reply, "enrolment", err);
        goto out;
    }
    memcpy(got, id, sizeof *got);
    rc = parse_enroll(&s->reply, got, err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_str_copy(got->server_url, sizeof got->server_url, server_url);
    if (rc != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "server URL too long");
        goto out;
    }
    memcpy(id, got, sizeof *id);

out:
    if (got != NULL) {
        memset(got, 0, sizeof *got); /* it held a copy of the secret key */
        free(got);
    }
    curl_slist_free_all(headers);
    free(body);
    json_decref(req);
    return rc;
}

/* ---- event batches ---- */

/*
 * Test hook: LNT_CRASH_AT=<where> ends the process at that point with exit
 * status 99, as a power cut or kill would, without flushing or acking
 * anything. Only "after_send" exists. Never active unless the variable is set.
 */
static void crash_point(const char *where)
{
    const char *at = getenv("LNT_CRASH_AT");
    if (at != NULL && strcmp(at, where) == 0)
        _exit(99);
}

static bool was_sent(const struct lnt_event *ev, size_t n, int64_t seq)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].seq == seq)
            return true;
    return false;
}

enum lnt_err lnt_sync_sign_headers(const struct lnt_identity *id, const char *method,
                                   const char *path, const char *query, const void *body,
                                   size_t len, struct curl_slist **list, char *err)
{
    char sig[LNT_REQSIG_B64_LEN], kiosk[24], ts_text[24];
    struct lnt_reqsig_parts parts = {method, path, query, NULL, body, len};
    enum lnt_err rc;
    int64_t ts;

    /* Never sign with a time before the server's last word: a kiosk clock stuck in 1970 would be
     * refused. */
    ts = lnt_time_now();
    if (ts < id->server_time)
        ts = id->server_time;
    rc = lnt_reqsig_sign2(id->sk, id->kiosk_id, ts, &parts, sig);
    if (rc != LNT_OK)
        return lnt_fail(err, rc, "sync: signing the request failed");
    snprintf(kiosk, sizeof kiosk, "%lld", (long long)id->kiosk_id);
    snprintf(ts_text, sizeof ts_text, "%lld", (long long)ts);
    if (lnt_sync_add_header(list, LNT_HDR_KIOSK, kiosk) != LNT_OK ||
        lnt_sync_add_header(list, LNT_HDR_TIME, ts_text) != LNT_OK ||
        lnt_sync_add_header(list, LNT_HDR_SIGNATURE, sig) != LNT_OK ||
        lnt_sync_add_header(list, LNT_HDR_SIG_VERSION, "2") != LNT_OK)
        return lnt_fail(err, LNT_ERR_NOMEM, "sync: out of memory");
    return LNT_OK;
}

/*
 * The batch position a 400 names ("event 17: field ..."), or -1. The server
 * names the event by its 0-based index in the batch it was sent.
 */
static int bad_event_index(const struct lnt_buf *reply, size_t n)
{
    char detail[LNT_ERRBUF_SIZE], num[16];
    size_t i = 0;
    int64_t v;

    lnt_sync_problem_detail(reply, detail, sizeof detail);
    if (!lnt_str_starts(detail, "event "))
        return -1;
    while (i + 1 < sizeof num && detail[6 + i] >= '0' && detail[6 + i] <= '9') {
        num[i] = detail[6 + i];
        i++;
    }
    num[i] = '\0';
    if (i == 0 || detail[6 + i] != ':' || lnt_parse_i64(num, 0, (int64_t)n - 1, &v) != LNT_OK)
        return -1;
    return (int)v;
}

/*
 * A 400 or a 413 is about the data, not the network: sending it again cannot
 * help. The event a 400 names, or the only event sent, is set aside with the
 * server's words, so the rest of the queue moves on. Without one the next
 * push sends events one at a time until the bad one is found.
 */
static enum lnt_err set_aside_refused(struct lnt_sync *s, struct lnt_outbox *ob, long status,
                                      const struct lnt_event *events, size_t n,
                                      struct lnt_sync_result *res, char *err)
{
    struct lnt_ingest_result r;
    char why[128];
    int bad = status == 400 ? bad_event_index(&s->reply, n) : -1;
    enum lnt_err rc;

    if (bad < 0 && n == 1)
        bad = 0;
    if (bad < 0) {
        s->one_at_a_time = true;
        return lnt_sync_status_error(status, &s->reply, "sync", err);
    }
    memset(&r, 0, sizeof r);
    r.seq = events[bad].seq;
    r.status = LNT_INGEST_REJECTED;
    lnt_sync_problem_detail(&s->reply, why, sizeof why);
    snprintf(r.reason, sizeof r.reason, "server said %ld: %.120s", status, why);
    lnt_warn("sync: event %lld set aside: %s", (long long)r.seq, r.reason);
    rc = lnt_outbox_ack(ob, &r, 1, err);
    if (rc != LNT_OK)
        return rc;
    res->aside = 1;
    res->aside_seq = r.seq;
    return LNT_OK;
}

/* The first *n events as a batch body; over the body bound, *n is halved until it fits (one
 * event alone always does). */
static enum lnt_err encode_batch(const struct lnt_identity *id, const struct lnt_event *events,
                                 size_t *n, struct lnt_buf *body, char *err)
{
    enum lnt_err rc;

    for (;;) {
        lnt_buf_reset(body);
        rc = lnt_wire_batch_encode(id->kiosk_id, events, *n, body, err);
        if (rc != LNT_ERR_TOO_LARGE || *n == 1)
            return rc;
        *n /= 2;
    }
}

/* POSTs `body` to `url`, signed as kiosk `id`; the reply in s->reply, its status in *status. */
static enum lnt_err post_signed(struct lnt_sync *s, const struct lnt_identity *id, const char *url,
                                const char *path, const struct lnt_buf *body, long *status,
                                char *err)
{
    struct curl_slist *headers = NULL;
    enum lnt_err rc;

    if (lnt_sync_add_header(&headers, "Content-Type", "application/json") != LNT_OK ||
        lnt_sync_add_header(&headers, "Expect", NULL) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "sync: out of memory");
        goto out;
    }
    rc = lnt_sync_sign_headers(id, "POST", path, NULL, body->data, body->len, &headers, err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_sync_http(s, url, headers, body->data, body->len, status, err);

out:
    curl_slist_free_all(headers);
    return rc;
}

/*
 * The server's per-event answers to a 200 or 409: what it has is deleted,
 * what it refused is set aside. Only what this batch carried may be
 * forgotten: a confused reply must never delete unsent events.
 */
static enum lnt_err take_reply(struct lnt_sync *s, struct lnt_outbox *ob, long status,
                               const struct lnt_event *events, size_t n,
                               struct lnt_sync_result *res, char *err)
{
    struct lnt_ingest_result *results = NULL;
    size_t n_results = 0, kept = 0;
    enum lnt_err rc;

    results = calloc(LNT_BATCH_MAX, sizeof *results);
    if (results == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "sync: out of memory");
        goto out;
    }
    rc =
        lnt_wire_reply_decode(s->reply.data, s->reply.len, results, LNT_BATCH_MAX, &n_results, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, LNT_ERR_NET, "sync: server reply %ld: ", status);
        rc = LNT_ERR_NET;
        goto out;
    }

    crash_point("after_send");

    for (size_t i = 0; i < n_results; i++) {
        if (!was_sent(events, n, results[i].seq)) {
            lnt_warn("sync: reply names event %lld, which was not in the batch; ignored",
                     (long long)results[i].seq);
            continue;
        }
        results[kept] = results[i];
        if (results[kept].status == LNT_INGEST_CONFLICT ||
            results[kept].status == LNT_INGEST_REJECTED) {
            lnt_warn("sync: event %lld set aside: %s: %s", (long long)results[kept].seq,
                     results[kept].status == LNT_INGEST_CONFLICT ? "conflict" : "rejected",
                     results[kept].reason);
            res->aside++;
            if (results[kept].seq > res->aside_seq)
                res->aside_seq = results[kept].seq;
        } else {
            res->sent++;
            if (results[kept].seq > res->sent_seq)
                res->sent_seq = results[kept].seq;
        }
        kept++;
    }
    rc = lnt_outbox_ack(ob, results, kept, err);
    if (rc != LNT_OK) {
        res->sent = res->aside = 0;
        res->sent_seq = res->aside_seq = 0;
        goto out;
    }
    s->one_at_a_time = false;

out:
    free(results);
    return rc;
}

enum lnt_err lnt_sync_push(struct lnt_sync *s, struct lnt_outbox *ob, const struct lnt_identity *id,
                           struct lnt_sync_result *res, char *err)
{
    char url[LNT_URL_MAX + PATH_MAX_LEN], path[PATH_MAX_LEN];
    struct lnt_event *events = NULL;
    struct lnt_buf body;
    size_t n = 0;
    enum lnt_err rc;
    long status = 0;

    memset(res, 0, sizeof *res);
    lnt_buf_init(&body, LNT_BATCH_BODY_MAX);
    if (id->kiosk_id < 1)
        return lnt_fail(err, LNT_ERR_STATE, "not enrolled: no kiosk id to send events as");
    rc = lnt_sync_make_url(id->server_url, PATH_EVENTS, url, sizeof url, path, sizeof path, err);
    if (rc != LNT_OK)
        return rc;
    events = calloc(LNT_BATCH_MAX, sizeof *events);
    if (events == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "sync: out of memory");
        goto out;
    }
    rc = lnt_outbox_peek(ob, events, s->one_at_a_time ? 1 : LNT_BATCH_MAX, &n, err);
    if (rc != LNT_OK || n == 0)
        goto out;
    rc = encode_batch(id, events, &n, &body, err);
    if (rc != LNT_OK)
        goto out;
    rc = post_signed(s, id, url, path, &body, &status, err);
    res->http_status = (int)status;
    if (rc != LNT_OK)
        goto out;

    if (status == 400 || status == 413) {
        rc = set_aside_refused(s, ob, status, events, n, res, err);
    } else if (status != 200 && status != 409) {
        rc = lnt_sync_status_error(status, &s->reply, "sync", err);
        lnt_warn("%s (%zu events kept)", err ? err : lnt_strerror(rc), n);
    } else {
        rc = take_reply(s, ob, status, events, n, res, err);
    }

out:
    lnt_buf_release(&body);
    free(events);
    return rc;
}
