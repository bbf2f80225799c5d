/* sim_http.c - lantern-sim's HTTP client: the one file of the simulator that talks to libcurl. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "sim.h"

#define REPLY_MAX (1 << 20)
#define URL_MAX 512
#define CONNECT_TIMEOUT_MS 5000
#define TIMEOUT_MS 60000

struct lnt_sim_http {
    CURL *curl;
    char base[URL_MAX];
};

enum lnt_err lnt_sim_http_new(struct lnt_sim_http **out, const char *base_url, char *err)
{
    struct lnt_sim_http *h;
    size_t n = strlen(base_url);

    *out = NULL;
    if (!lnt_str_starts(base_url, "http://") && !lnt_str_starts(base_url, "https://"))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "--server: expected http:// or https:// URL, got '%s'", base_url);
    if (n >= URL_MAX - 64)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "--server: URL over %d bytes", URL_MAX - 64);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return lnt_fail(err, LNT_ERR_NET, "libcurl would not initialise");
    h = calloc(1, sizeof *h);
    if (h == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    h->curl = curl_easy_init();
    if (h->curl == NULL) {
        free(h);
        return lnt_fail(err, LNT_ERR_NOMEM, "libcurl: no handle");
    }
    (void)lnt_str_copy(h->base, sizeof h->base, base_url);
    while (n > 0 && h->base[n - 1] == '/')
        h->base[--n] = '\0';
    *out = h;
    return LNT_OK;
}

void lnt_sim_http_free(struct lnt_sim_http *h)
{
    if (h == NULL)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
    curl_global_cleanup();
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

enum lnt_err lnt_sim_http_post(struct lnt_sim_http *h, const char *path, const char *body,
                               size_t len, const char *const *headers, int *status,
                               struct lnt_buf *reply, char *err)
{
    struct curl_slist *hl = NULL, *tmp;
    char url[URL_MAX];
    long code = 0;
    CURLcode cc;
    enum lnt_err rc = LNT_OK;

    *status = 0;
    lnt_buf_reset(reply);
    snprintf(url, sizeof url, "%s%s", h->base, path);
    tmp = curl_slist_append(hl, "Content-Type: application/json");
    for (size_t i = 0; tmp != NULL && headers != NULL && headers[i] != NULL; i++)
        tmp = curl_slist_append(hl = tmp, headers[i]);
    if (tmp == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    hl = tmp;
    curl_easy_reset(h->curl);
    curl_easy_setopt(h->curl, CURLOPT_URL, url);
    curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)TIMEOUT_MS);
    curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
    cc = curl_easy_perform(h->curl);
    if (cc != CURLE_OK) {
        rc = lnt_fail(err, LNT_ERR_NET, "%s: %s", url, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
    *status = (int)code;
out:
    curl_slist_free_all(hl);
    return rc;
}

/* The `detail` of a problem+json reply, or the start of whatever came back. */
static void problem_detail(const struct lnt_buf *reply, char *out, size_t size)
{
    json_t *j = reply->data != NULL ? json_loadb(reply->data, reply->len, 0, NULL) : NULL;
    const char *d = json_string_value(json_object_get(j, "detail"));

    if (d == NULL)
        d = json_string_value(json_object_get(j, "title"));
    snprintf(out, size, "%.200s", d != NULL ? d : reply->data != NULL ? reply->data : "");
    json_decref(j);
}

enum lnt_err lnt_sim_http_enroll(struct lnt_sim_http *h, const char *code, const uint8_t pk[32],
                                 int64_t *kiosk_id, char *err)
{
    char pk64[LNT_B64_LEN(32)], body[256], detail[256];
    struct lnt_buf reply;
    json_t *j = NULL;
    json_int_t id;
    int status;
    enum lnt_err rc;

    lnt_b64_encode(pk, 32, pk64);
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"public_key\":\"%s\"}", code, pk64);
    lnt_buf_init(&reply, REPLY_MAX);
    rc = lnt_sim_http_post(h, "/api/v1/enroll", body, strlen(body), NULL, &status, &reply, err);
    if (rc != LNT_OK)
        goto out;
    if (status != 200 && status != 201) {
        problem_detail(&reply, detail, sizeof detail);
        rc = lnt_fail(err, status == 404 || status == 410 ? LNT_ERR_NOT_FOUND : LNT_ERR_NET,
                      "enrolment refused (HTTP %d): %s", status, detail);
        goto out;
    }
    j = json_loadb(reply.data != NULL ? reply.data : "", reply.len, 0, NULL);
    id = json_integer_value(json_object_get(j, "kiosk_id"));
    if (id <= 0) {
        rc = lnt_fail(err, LNT_ERR_NET, "enrolment reply has no kiosk_id");
        goto out;
    }
    *kiosk_id = (int64_t)id;
out:
    json_decref(j);
    lnt_buf_release(&reply);
    return rc;
}
