/* api_open.c - how an officer route opens, in one place: the bearer token, the roles the route
 * admits, the venue named in its path checked against the token's scope, and its JSON body.
 * Below the route files; uses api_officer.c's token and scope checks. */
#include "api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

const struct lnt_api_gate lnt_api_gate_town = {0, true, "a venue's token sees its own venue only"};

bool lnt_api_open(struct lnt_api *api, const struct lnt_http_request *req,
                  const struct lnt_api_gate *gate, struct lnt_api_caller *c,
                  struct lnt_http_response *resp)
{
    const struct lnt_scope *s;

    if (!lnt_api_officer_auth(api, req, c, resp))
        return false;
    if (gate == NULL)
        return true;
    s = &c->token.scope;
    if ((gate->roles == 0 || (gate->roles & LNT_API_ROLE(s->role)) != 0) &&
        (!gate->town || s->venue_id == 0))
        return true;
    lnt_api_audit_refusal(api, req, c, req->path);
    lnt_http_problem(resp, 403, "%s", gate->refusal);
    return false;
}

bool lnt_api_open_venue(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, const struct lnt_api_gate *gate,
                        struct lnt_api_caller *c, int64_t *id, struct lnt_venue *v,
                        struct lnt_http_response *resp)
{
    return lnt_api_open(api, req, gate, c, resp) &&
           lnt_api_param_id(params, 0, "venue", id, resp) &&
           lnt_api_venue_in_scope(api, req, c, *id, v, resp);
}

struct json_t *lnt_api_open_body(const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);

    if (!json_is_object(body)) {
        lnt_http_problem(resp, 400, "the body must be a JSON object: %s", jerr.text);
        json_decref(body);
        return NULL;
    }
    return body;
}

void *lnt_api_open_alloc(size_t size, struct lnt_http_response *resp)
{
    void *p = calloc(1, size);

    if (p == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    return p;
}
