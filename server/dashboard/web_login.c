/* web_login.c - signing in and out: Argon2id-checked passwords, throttling, fresh sessions. */
#include "web_int.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "log.h"

#define LOGIN_COOKIE "lnt_login"
#define LOGIN_TOKEN_BYTES 24
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_ACCOUNT 5 /* password checks per account in the window, until one succeeds */
#define THROTTLE_ADDR 20   /* password checks per client address in the window */

/* The pre-session token that protects the login form itself; made and set as a cookie when absent.
 */
static void login_token(struct web_req *r, char token[LNT_HEX_LEN(LOGIN_TOKEN_BYTES)])
{
    uint8_t raw[LOGIN_TOKEN_BYTES];
    char cookie[160];

    if (web_cookie(r, LOGIN_COOKIE, token, LNT_HEX_LEN(LOGIN_TOKEN_BYTES)) &&
        strlen(token) == LOGIN_TOKEN_BYTES * 2)
        return;
    lnt_random(raw, sizeof raw);
    lnt_hex_encode(raw, sizeof raw, token);
    snprintf(cookie, sizeof cookie,
             LOGIN_COOKIE "=%s; Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict%s", token,
             r->tls ? "; Secure" : "");
    web_header(r, "Set-Cookie", cookie);
}

/* `next` when it is a local path of ours (web_local_path), else "". */
static const char *next_path(const char *p)
{
    return web_local_path(p) ? p : "";
}

void web_login_page(struct web_req *r, int status, const char *error)
{
    char token[LNT_HEX_LEN(LOGIN_TOKEN_BYTES)];
    const char *next =
        next_path(web_form_get(&r->form, "next") != NULL ? web_form_get(&r->form, "next")
                                                         : web_query(r, "next"));
    const char *email = web_form_get(&r->form, "email");

    login_token(r, token);
    web_page_begin(r, "Sign in", NULL);
    lnt_html_raw(&r->h, "<div class=\"login\"><h1>Sign in to Lantern</h1>");
    if (error != NULL) {
        lnt_html_raw(&r->h, "<div class=\"notice error\" role=\"alert\" id=\"login-error\">");
        lnt_html_txt(&r->h, error);
        lnt_html_raw(&r->h, "</div>");
    } else if (web_query(r, "expired") != NULL) {
        lnt_html_raw(&r->h, "<div class=\"notice\" role=\"status\">Your session ended. Sign in "
                            "again to carry on.</div>");
    } else if (web_query(r, "bye") != NULL) {
        lnt_html_raw(&r->h, "<div class=\"notice ok\" role=\"status\">You have signed out.</div>");
    }
    lnt_html_raw(&r->h, "<div class=\"panel\"><form method=\"post\" action=\"/login\" "
                        "id=\"login-form\"><input type=\"hidden\" name=\"csrf\" value=\"");
    lnt_html_attr(&r->h, token);
    lnt_html_raw(&r->h, "\"/><input type=\"hidden\" name=\"next\" value=\"");
    lnt_html_attr(&r->h, next);
    lnt_html_raw(&r->h, "\"/><div class=\"field\"><label for=\"email\">Email address</label>"
                        "<input type=\"email\" id=\"email\" name=\"email\" required=\"required\" "
                        "autocomplete=\"username\" maxlength=\"254\" value=\"");
    lnt_html_attr(&r->h, email);
    lnt_html_raw(&r->h, "\"/></div><div class=\"field\"><label for=\"password\">Password</label>"
                        "<input type=\"password\" id=\"password\" name=\"password\" "
                        "required=\"required\" autocomplete=\"current-password\" "
                        "maxlength=\"1024\"/></div><button type=\"submit\" id=\"sign-in\">Sign "
                        "in</button></form></div><p class=\"muted\">Accounts are made by your "
                        "scheme's administrator. Five wrong passwords lock an account for 15 "
                        "minutes.</p></div>");
    web_page_end(r, status);
}

void web_login_form(struct web_req *r)
{
    if (r->logged_in) {
        web_redirect(r, "/");
        return;
    }
    web_login_page(r, 200, NULL);
}

/* Where a freshly signed-in officer lands. */
static void landing(struct web_req *r, const char *next, char *out, size_t size)
{
    if (next[0] != '\0')
        lnt_str_copy(out, size, next);
    else if (r->officer.scope.venue_id != 0)
        snprintf(out, size, "/venues/%lld", (long long)r->officer.scope.venue_id);
    else
        lnt_str_copy(out, size, "/");
}

void web_login_post(struct web_req *r)
{
    char cookie_token[LNT_HEX_LEN(LOGIN_TOKEN_BYTES)] = "", err[LNT_ERRBUF_SIZE] = "";
    char set[200], where[WEB_NEXT_MAX + 20], old[LNT_SESSION_ID_LEN + 8];
    const char *token = web_form_get(&r->form, "csrf");
    const char *email = web_form_get(&r->form, "email");
    const char *password = web_form_get(&r->form, "password");
    const char *next = next_path(web_form_get(&r->form, "next"));
    bool granted = false;
    enum lnt_err rc;

    if (!web_cookie(r, LOGIN_COOKIE, cookie_token, sizeof cookie_token) || token == NULL ||
        !web_secret_equal(token, cookie_token)) {
        web_audit(r, "csrf.refused", "/login", token == NULL ? "no token" : "wrong token");
        web_login_page(r, 403, "The sign-in form had expired. Please try again.");
        return;
    }
    if (email == NULL || password == NULL || email[0] == '\0' || password[0] == '\0' ||
        strlen(email) > LNT_EMAIL_MAX || strlen(password) > LNT_PASSWORD_MAX) {
        web_login_page(r, 400, "Enter your email address and password.");
        return;
    }
    snprintf(r->actor, sizeof r->actor, "web:%s", email);
    /* the attempt is recorded before the password is hashed, so parallel attempts cannot
       outrun the count */
    rc = lnt_store_login_reserve(r->web->store, email, r->peer, r->now, THROTTLE_WINDOW,
                                 THROTTLE_ACCOUNT, THROTTLE_ADDR, &granted, err);
    if (rc != LNT_OK) {
        lnt_error("dashboard: login throttle: %s", err);
        web_login_page(r, 500, "Signing in is not possible right now.");
        return;
    }
    if (!granted) {
        web_audit(r, "login.throttled", email, r->peer);
        web_login_page(r, 429,
                       "Too many failed attempts. Wait 15 minutes before trying again, or ask "
                       "your administrator.");
        return;
    }
    rc = lnt_store_officer_verify(r->web->store, email, password, r->now, &r->officer, err);
    if (rc != LNT_OK) {
        if (rc == LNT_ERR_UNAUTHORIZED) {
            /* the reserved attempt stays counted; a disabled account gets this same reply */
            web_audit(r, "login.failed", email, r->peer);
            web_login_page(r, 401, "That email address and password do not match an account.");
        } else {
            lnt_error("dashboard: login: %s", err);
            web_login_page(r, 500, "Signing in is not possible right now.");
        }
        return;
    }
    /* a fresh session every time; any session this browser had is ended */
    if (web_cookie(r, web_session_cookie(r), old, sizeof old))
        (void)lnt_store_session_delete(r->web->store, old, NULL);
    rc = lnt_store_session_create(r->web->store, r->officer.id, r->now, &r->session, err);
    if (rc != LNT_OK) {
        lnt_error("dashboard: session: %s", err);
        web_login_page(r, 500, "Signing in is not possible right now.");
        return;
    }
    (void)lnt_store_login_clear(r->web->store, email, NULL);
    r->logged_in = true;
    snprintf(r->actor, sizeof r->actor, "web:%s", r->officer.email);
    web_audit(r, "login", r->officer.email, r->peer);
    snprintf(set, sizeof set, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", web_session_cookie(r),
             r->session.id, r->tls ? "; Secure" : "");
    web_header(r, "Set-Cookie", set);
    snprintf(set, sizeof set, LOGIN_COOKIE "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict%s",
             r->tls ? "; Secure" : "");
    web_header(r, "Set-Cookie", set);
    landing(r, next, where, sizeof where);
    web_redirect(r, where);
}

void web_logout(struct web_req *r)
{
    char set[160];

    (void)lnt_store_session_delete(r->web->store, r->session.id, NULL);
    web_audit(r, "logout", r->officer.email, r->peer);
    snprintf(set, sizeof set, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
             web_session_cookie(r), r->tls ? "; Secure" : "");
    web_header(r, "Set-Cookie", set);
    r->logged_in = false;
    web_redirect(r, "/login?bye=1");
}
