/* web_request.c - what every dashboard file asks of the request: headers, cookies, the officer's
 * role and scope, the audit log. The lowest file of the dashboard: it calls no other. */
#include "web_int.h"

#include <string.h>

#include "log.h"

/* ---- headers and cookies ---- */

bool web_header(struct web_req *r, const char *name, const char *value)
{
    if (lnt_http_response_header(r->resp, name, value) != LNT_OK) {
        lnt_warn("dashboard: response header %s dropped (table full or value too long)", name);
        return false;
    }
    return true;
}

const char *web_session_cookie(const struct web_req *r)
{
    return r->tls ? "__Host-lnt_session" : "lnt_session";
}

bool web_secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la == lb ? 0 : 1;

    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0 && la > 0;
}

bool web_cookie(struct web_req *r, const char *name, char *out, size_t size)
{
    const char *c = lnt_http_header(r->http, "Cookie");
    size_t nlen = strlen(name);

    while (c != NULL && *c != '\0') {
        size_t len;
        while (*c == ' ' || *c == ';')
            c++;
        len = strcspn(c, ";");
        if (len > nlen && strncmp(c, name, nlen) == 0 && c[nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen + 1 > size)
                return false;
            memcpy(out, c + nlen + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        c += len;
    }
    return false;
}

const char *web_query(struct web_req *r, const char *name)
{
    return lnt_http_query(r->http, name);
}

/* ---- the audit log ---- */

void web_audit(struct web_req *r, const char *action, const char *object, const char *detail)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_audit_append(r->web->store, r->actor[0] != '\0' ? r->actor : "web:anonymous",
                               action, object, detail, err) != LNT_OK)
        lnt_error("dashboard: cannot write audit row %s %s: %s", action, object, err);
}

/* ---- roles and scope ---- */

bool web_can_admin(const struct web_req *r)
{
    return r->officer.scope.role == LNT_OFFICER_ADMIN;
}

bool web_can_open_incidents(const struct web_req *r)
{
    enum lnt_officer_role role = r->officer.scope.role;
    return role == LNT_OFFICER_ADMIN || role == LNT_OFFICER_OFFICER || role == LNT_OFFICER_POLICE;
}

bool web_can_record_findings(const struct web_req *r)
{
    enum lnt_officer_role role = r->officer.scope.role;
    return role == LNT_OFFICER_ADMIN || role == LNT_OFFICER_OFFICER || role == LNT_OFFICER_ASSESSOR;
}

bool web_can_read_register(const struct web_req *r)
{
    return lnt_scope_may_read_register(&r->officer.scope);
}

bool web_can_see_town(const struct web_req *r)
{
    return r->officer.scope.role != LNT_OFFICER_VENUE && r->officer.scope.venue_id == 0;
}

const char *web_scope_authority(const struct web_req *r)
{
    return r->officer.scope.authority[0] != '\0' ? r->officer.scope.authority : NULL;
}

bool web_local_path(const char *p)
{
    if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\' || strlen(p) >= WEB_NEXT_MAX)
        return false;
    for (; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\' || *p == '"' ||
            *p == '<' || *p == '>' || *p == '\'')
            return false;
    return true;
}
