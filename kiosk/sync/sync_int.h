/* sync_int.h - what sync.c and sync_refresh.c share: the client and its HTTP helpers. */
#ifndef LNT_SYNC_INT_H
#define LNT_SYNC_INT_H

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "sync.h"

#define PATH_MAX_LEN 768
#define CA_PATH_MAX 1024

struct lnt_sync {
    CURL *curl;
    struct lnt_buf reply;
    char ca_file[CA_PATH_MAX];      /* "" = the system's CAs */
    bool one_at_a_time;             /* a refused batch named no event: find it by sending singly */
    const volatile int *abort_flag; /* when set and non-zero, transfers give up at once */
};

/* The `detail` of a problem+json reply, or the start of whatever came back, on one line. */
void lnt_sync_problem_detail(const struct lnt_buf *reply, char *out, size_t size);

/* Full request URL and signed path for `api_path` under the server URL. */
enum lnt_err lnt_sync_make_url(const char *server, const char *api_path, char *url, size_t url_size,
                               char *path, size_t path_size, char *err);
/* POSTs `body` (GET when NULL); reply in s->reply, status in *status. LNT_ERR_NET without one. */
enum lnt_err lnt_sync_http(struct lnt_sync *s, const char *url, struct curl_slist *headers,
                           const char *body, size_t len, long *status, char *err);
/* The error code and message for an unexpected HTTP status, with the server's detail. */
enum lnt_err lnt_sync_status_error(long status, const struct lnt_buf *reply, const char *what,
                                   char *err);
/* Appends "name: value" (value NULL: "name:", which stops curl sending it). */
enum lnt_err lnt_sync_add_header(struct curl_slist **list, const char *name, const char *value);
/* Replaces id's trust keys with the JSON array `trust` (each kid checked against its key).
 * On error id is unchanged; `what` names the reply in the message. */
enum lnt_err lnt_sync_parse_trust(json_t *trust, struct lnt_identity *id, const char *what,
                                  char *err);
/*
 * sync_rules.c: takes the door rules of a reply object `root` into id: "required_training"
 * replaces id's (absent: left as it was), "sia_listed" replaces the listed
 * licences (absent: left). On error the message names the field and `what`;
 * id may be partly changed (callers work on a copy).
 */
enum lnt_err lnt_sync_parse_door_rules(json_t *root, struct lnt_identity *id, const char *what,
                                       char *err);
/*
 * Appends the signature headers (version 2: docs/api.md) for a request by
 * kiosk `id` to *list. `query` is the query string the URL carries, without
 * '?' (NULL: none). LNT_ERR_INVALID for a part that cannot be signed,
 * LNT_ERR_NOMEM.
 */
enum lnt_err lnt_sync_sign_headers(const struct lnt_identity *id, const char *method,
                                   const char *path, const char *query, const void *body,
                                   size_t len, struct curl_slist **list, char *err);

#endif
