/* web.c - the dashboard's front door: its route table, sessions, CSRF, security headers, assets.
 * lanternd's router (server/lanternd/routes.c) sends it the paths lnt_web_owns. */
#include "web_int.h"
#include "map/web_map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "casework/web_casework.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_load.h"
#include "sheet.h"

/* Embedded from assets/web by cmake (lnt_embed). */
extern const unsigned char lnt_web_css[];
extern const size_t lnt_web_css_len;
extern const unsigned char lnt_web_js[];
extern const size_t lnt_web_js_len;
extern const unsigned char lnt_web_favicon[];
extern const size_t lnt_web_favicon_len;

#define CSP                                                                                        \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

typedef void (*page_fn)(struct web_req *r);

struct route {
    const char *method;
    const char *pattern;
    bool public_;
    page_fn fn;
};

static void serve_asset(struct web_req *r);

static const struct route routes[] = {
    {"GET", "/login", true, web_login_form},
    {"POST", "/login", true, web_login_post},
    {"GET", "/assets/{name}", true, serve_asset},
    {"POST", "/logout", false, web_logout},
    {"GET", "/", false, web_overview},
    {"GET", "/venues/{id}", false, web_venue},
    {"GET", "/venues/{id}/register", false, web_register},
    {"GET", "/venues/{id}/evidence.pdf", false, web_evidence_pdf},
    {"POST", "/venues/{id}/incidents/{report}/open", false, web_incident_open},
    {"POST", "/venues/{id}/findings", false, web_finding_post},
    {"POST", "/venues/{id}/casework", false, web_casework_add},
    {"GET", "/venues/{id}/casework/{record}", false, web_casework_history},
    {"GET", "/venues/{id}/casework/{record}/letter.pdf", false, web_casework_letter_pdf},
    {"POST", "/venues/{id}/casework/{record}/edit", false, web_casework_edit},
    {"POST", "/venues/{id}/casework/{record}/close", false, web_casework_close},
    {"GET", "/trends", false, web_trends},
    {"GET", "/volunteers", false, web_volunteers},
    {"GET", "/stock", false, web_stock},
    {"GET", "/admin", false, web_admin},
    {"POST", "/admin/{action}", false, web_admin_post},
    {"GET", "/exports", false, web_exports},
    {"GET", "/exports/{name}", false, web_export_csv},
    {"GET", "/street", false, web_street_page},
    {"POST", "/street/record", false, web_place_incident_post},
    {"GET", "/street/records/{id}", false, web_place_record_page},
    {"POST", "/street/records/{id}/correct", false, web_place_record_correct},
    {"GET", "/map", false, web_map_page},
    {"GET", "/map/image", false, web_map_image},
    {"GET", "/alerts", false, web_inbox},
    {"POST", "/alerts/subscribe", false, web_inbox_subscribe},
    {"POST", "/alerts/{id}/ack", false, web_inbox_ack},
    {"POST", "/alerts/subscriptions/{id}/end", false, web_inbox_end},
};
#define N_ROUTES (sizeof routes / sizeof routes[0])

size_t lnt_web_route_count(void)
{
    return N_ROUTES;
}

bool lnt_web_route_at(size_t i, const char **method, const char **pattern)
{
    if (i >= N_ROUTES)
        return false;
    *method = routes[i].method;
    *pattern = routes[i].pattern;
    return true;
}

/* ---- lifecycle ---- */

enum lnt_err lnt_web_new(struct lnt_web **out, const struct lnt_web_config *cfg, char *err)
{
    struct lnt_web *w = calloc(1, sizeof *w);

    if (w == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    w->store = cfg->store;
    w->rules = cfg->rules;
    w->score_cache = cfg->score_cache;
    w->now = cfg->now;
    w->now_ctx = cfg->now_ctx;
    *out = w;
    return LNT_OK;
}

void lnt_web_free(struct lnt_web *w)
{
    free(w);
}

/* ---- routing ---- */

bool lnt_web_owns(const char *path)
{
    static const char *const exact[] = {"/",       "/login",      "/logout",  "/trends",
                                        "/admin",  "/volunteers", "/exports", "/stock",
                                        "/street", "/map",        "/alerts"};
    static const char *const prefix[] = {"/venues/", "/assets/", "/admin/", "/exports/",
                                         "/street/", "/map/",    "/alerts/"};

    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(path, exact[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++)
        if (lnt_str_starts(path, prefix[i]))
            return true;
    return false;
}

size_t lnt_web_body_max(void *ctx, const char *method, const char *path)
{
    (void)ctx;
    if (strcmp(method, "POST") == 0 && strcmp(path, "/admin/sia-import") == 0)
        return WEB_SIA_IMPORT_BODY_MAX;
    if (strcmp(method, "POST") == 0 && strcmp(path, WEB_MAP_UPLOAD_PATH) == 0)
        return WEB_MAP_UPLOAD_BODY_MAX;
    if (strcmp(method, "POST") == 0 && web_casework_takes_pdf(path))
        return WEB_CW_UPLOAD_BODY_MAX;
    if (strcmp(method, "POST") == 0 && lnt_web_owns(path))
        return WEB_FORM_BODY_MAX;
    return LNT_WEB_BODY_DEFAULT;
}

/* Matches `path` against `pattern`, capturing "{x}" segments into r->params. */
static bool match(const char *pattern, const char *path, struct web_req *r)
{
    const char *p = pattern, *s = path;

    r->n_params = 0;
    while (*p != '\0' && *s != '\0') {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            size_t n = strcspn(s, "/");
            if (pe == NULL || n == 0 || n >= WEB_PARAM_LEN || r->n_params == WEB_PARAMS_MAX)
                return false;
            memcpy(r->params[r->n_params], s, n);
            r->params[r->n_params][n] = '\0';
            r->n_params++;
            p = pe + 1;
            s += n;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

/* ---- assets ---- */

static void serve_asset(struct web_req *r)
{
    const char *name = r->params[0];
    const unsigned char *data = NULL;
    size_t len = 0;
    const char *type = NULL;

    if (strcmp(name, "lantern.css") == 0) {
        data = lnt_web_css;
        len = lnt_web_css_len;
        type = "text/css; charset=utf-8";
    } else if (strcmp(name, "lantern.js") == 0) {
        data = lnt_web_js;
        len = lnt_web_js_len;
        type = "text/javascript; charset=utf-8";
    } else if (strcmp(name, "favicon.svg") == 0) {
        data = lnt_web_favicon;
        len = lnt_web_favicon_len;
        type = "image/svg+xml";
    }
    if (data == NULL) {
        lnt_buf_reset(&r->resp->body);
        lnt_buf_puts(&r->resp->body, "not found\n");
        lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type,
                     "text/plain; charset=utf-8");
        r->resp->status = 404;
        return;
    }
    lnt_buf_reset(&r->resp->body);
    if (lnt_buf_append(&r->resp->body, data, len) != LNT_OK) {
        r->resp->status = 500;
        return;
    }
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, type);
    r->resp->status = 200;
}

/* ---- the request ---- */

/*
 * Sends a logged-out browser to the login page, remembering where it was going
 * (GET only): the path and its query, or the path alone when the query is not
 * safe to send back (web_local_path).
 */
static void to_login(struct web_req *r, bool expired)
{
    char loc[3 * WEB_NEXT_MAX + 64], want[WEB_NEXT_MAX];
    struct lnt_buf b;
    struct lnt_html h;
    int w;

    w = snprintf(want, sizeof want, "%s%s%s", r->http->path, r->http->query[0] ? "?" : "",
                 r->http->query);
    if (w < 0 || (size_t)w >= sizeof want || !web_local_path(want))
        lnt_str_copy(want, sizeof want, r->http->path);
    lnt_buf_init(&b, sizeof loc - 1);
    lnt_html_init(&h, &b);
    lnt_html_raw(&h, "/login");
    if (strcmp(r->http->method, "GET") == 0 && web_local_path(want) && strcmp(want, "/") != 0) {
        lnt_html_raw(&h, "?next=");
        lnt_html_url(&h, want);
    }
    if (expired)
        lnt_html_raw(&h, strchr(b.data != NULL ? b.data : "", '?') ? "&expired=1" : "?expired=1");
    lnt_str_copy(loc, sizeof loc, h.err == LNT_OK && b.data != NULL ? b.data : "/login");
    lnt_buf_release(&b);
    if (expired) {
        char cookie[128];
        snprintf(cookie, sizeof cookie, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                 web_session_cookie(r), r->tls ? "; Secure" : "");
        web_header(r, "Set-Cookie", cookie);
    }
    web_redirect(r, loc);
}

/* Loads the session named by the cookie. false = not logged in (expired says whether it lapsed). */
static bool authenticate(struct web_req *r, bool *expired)
{
    char id[LNT_SESSION_ID_LEN + 8], err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    *expired = false;
    if (!web_cookie(r, web_session_cookie(r), id, sizeof id) || id[0] == '\0')
        return false;
    rc = lnt_store_session_get(r->web->store, id, r->now, &r->session, &r->officer, err);
    if (rc != LNT_OK) {
        *expired = true; /* whatever was wrong with it, the cookie is cleared */
        if (rc != LNT_ERR_NOT_FOUND && rc != LNT_ERR_EXPIRED && rc != LNT_ERR_FORBIDDEN)
            lnt_error("dashboard: session lookup: %s", err);
        return false;
    }
    r->logged_in = true;
    snprintf(r->actor, sizeof r->actor, "web:%s", r->officer.email);
    return true;
}

static void security_headers(struct web_req *r)
{
    web_header(r, "Content-Security-Policy", CSP);
    web_header(r, "X-Content-Type-Options", "nosniff");
    web_header(r, "Referrer-Policy", "same-origin");
    if (r->tls)
        web_header(r, "Strict-Transport-Security", "max-age=31536000");
}

void lnt_web_handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    struct lnt_web *w = ctx;
    struct web_req *r = calloc(1, sizeof *r);
    const struct route *route = NULL;
    bool method_seen = false, expired = false;
    char err[LNT_ERRBUF_SIZE] = "";

    if (r == NULL) {
        lnt_http_problem(resp, 503, "out of memory");
        return;
    }
    r->web = w;
    r->http = req;
    r->resp = resp;
    r->now = w->now != NULL ? w->now(w->now_ctx) : lnt_time_now();
    r->tls = lnt_http_is_tls(req);
    lnt_http_peer(req, r->peer, sizeof r->peer);
    lnt_html_init(&r->h, &resp->body);

    for (size_t i = 0; i < N_ROUTES; i++) {
        if (!match(routes[i].pattern, req->path, r))
            continue;
        method_seen = true;
        if (strcmp(routes[i].method, req->method) == 0 ||
            (strcmp(routes[i].method, "GET") == 0 && strcmp(req->method, "HEAD") == 0)) {
            route = &routes[i];
            break;
        }
    }
    security_headers(r);
    if (route == NULL || strcmp(route->pattern, "/assets/{name}") != 0)
        web_header(r, "Cache-Control", "no-store");
    else
        web_header(r, "Cache-Control", "private, max-age=300");

    if (route == NULL) {
        (void)authenticate(r, &expired);
        if (!r->logged_in)
            to_login(r, false);
        else if (method_seen)
            web_error(r, 405, "Not allowed", "That action cannot be done this way.");
        else
            web_error(r, 404, "Not found", "There is no such page.");
        goto out;
    }
    if (!route->public_ && !authenticate(r, &expired)) {
        to_login(r, expired);
        goto out;
    }
    if (route->public_ && strcmp(route->pattern, "/assets/{name}") != 0)
        (void)authenticate(r, &expired);

    /* the map image comes as multipart/form-data: its handler reads the body and checks the
     * security token itself (web_admin_map.c) */
    if (strcmp(req->method, "POST") == 0 && strcmp(req->path, WEB_MAP_UPLOAD_PATH) != 0) {
        const char *ct = lnt_http_header(req, "Content-Type");
        enum lnt_err rc;
        if (lnt_multipart_is(ct)) { /* a form with a file: the same fields, the same token */
            r->parts = malloc(sizeof *r->parts);
            rc = r->parts == NULL ? lnt_fail(err, LNT_ERR_NOMEM, "out of memory")
                                  : web_form_parse_multipart(&r->form, r->parts, ct, req->body,
                                                             req->body_len, err);
        } else if (ct != NULL && lnt_str_starts(ct, "application/x-www-form-urlencoded")) {
            rc = web_form_parse(&r->form, req->body, req->body_len, err);
        } else {
            web_error(r, 415, "Unsupported form", "Forms must be sent as ordinary web forms.");
            goto out;
        }
        if (rc != LNT_OK) {
            web_error(r, 400, "Bad form", err);
            goto out;
        }
        if (!route->public_) {
            const char *token = web_form_get(&r->form, "csrf");
            if (token == NULL || !web_secret_equal(token, r->session.csrf)) {
                web_audit(r, "csrf.refused", req->path, token == NULL ? "no token" : "wrong token");
                web_error(r, 403, "Form refused",
                          "This form did not carry a valid security token. Go back, reload the "
                          "page and try again.");
                goto out;
            }
        }
    }
    {
        const char *heading = NULL, *detail = NULL; /* ?at= that cannot be read */
        if (web_period_begin(r, &heading, &detail))
            route->fn(r);
        else
            web_error(r, 400, heading, detail);
    }
out:
    web_form_release(&r->form);
    free(r->parts);
    {
        volatile unsigned char *p = (volatile unsigned char *)&r->session;
        for (size_t i = 0; i < sizeof r->session; i++)
            p[i] = 0;
    }
    free(r);
}

enum lnt_err lnt_web_attach(struct lnt_web **out, struct lnt_store *store,
                            struct lnt_score_cache *score_cache, char *err)
{
    struct lnt_web_config wc;
    struct lnt_score_rules rules;
    char rules_err[LNT_ERRBUF_SIZE] = "";
    bool have_rules;
    enum lnt_err rc;

    memset(&rules, 0, sizeof rules);
    have_rules = lnt_score_load_rules(&rules, rules_err) == LNT_OK;
    if (!have_rules)
        lnt_warn("dashboard: scores will not be shown: %s", rules_err);
    memset(&wc, 0, sizeof wc);
    wc.store = store;
    wc.rules = NULL;
    wc.score_cache = score_cache;
    rc = lnt_web_new(out, &wc, err);
    if (rc != LNT_OK) {
        if (have_rules)
            lnt_score_rules_release(&rules);
        return rc;
    }
    if (have_rules) {
        (*out)->own_rules = rules;
        (*out)->owns_rules = true;
        (*out)->rules = &(*out)->own_rules;
    }
    return LNT_OK;
}

void lnt_web_detach(struct lnt_web *w)
{
    if (w == NULL)
        return;
    if (w->owns_rules)
        lnt_score_rules_release(&w->own_rules);
    lnt_web_free(w);
    lnt_sheet_cleanup(); /* cairo's font caches, filled by evidence packs and badge sheets */
}
