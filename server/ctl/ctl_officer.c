/* ctl_officer.c - `lanternctl officer add|list|disable` and `token add|list|revoke`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"

#define PW_BUF (LNT_PASSWORD_MAX + 4)
#define PW_MIN_CHARS 12

/* Characters, not bytes: a passphrase in any script counts what the person typed. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Reads one line from fd 0 into buf (without its newline). -1 on error or nothing read. */
static int read_line(char *buf, size_t size)
{
    size_t len = 0;

    while (len + 1 < size) {
        ssize_t r = read(STDIN_FILENO, buf + len, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || buf[len] == '\n')
            break;
        len++;
    }
    buf[len] = '\0';
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return len + 1 >= size ? -2 : 0;
}

/* Prompts with echo off on a terminal. */
static int prompt(const char *text, char *buf, size_t size)
{
    struct termios old, quiet;
    int rc;

    fputs(text, stderr);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return -1;
    rc = read_line(buf, size);
    (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return rc;
}

/*
 * The new account's password: asked twice (not echoed) on a terminal,
 * otherwise the first line of standard input. Never from argv, where any
 * user of the machine could read it.
 */
static int read_password(const char *email, char *pw, size_t size)
{
    char again[PW_BUF], text[LNT_EMAIL_MAX + 32];
    int rc;

    if (isatty(STDIN_FILENO)) {
        snprintf(text, sizeof text, "password for %s: ", email);
        rc = prompt(text, pw, size);
        if (rc == 0)
            rc = prompt("the same again: ", again, sizeof again);
        if (rc == 0 && strcmp(pw, again) != 0) {
            explicit_bzero(again, sizeof again);
            return lnt_ctl_fail("officer add: the two passwords differ");
        }
        explicit_bzero(again, sizeof again);
    } else {
        rc = read_line(pw, size);
    }
    if (rc == -2)
        return lnt_ctl_fail("officer add: password: at most %d bytes", LNT_PASSWORD_MAX);
    if (rc != 0 || pw[0] == '\0')
        return lnt_ctl_fail("officer add: no password on standard input (give it as the first "
                            "line, e.g. from a password manager)");
    if (utf8_chars(pw) < PW_MIN_CHARS)
        return lnt_ctl_fail("officer add: password: at least %d characters, got %zu", PW_MIN_CHARS,
                            utf8_chars(pw));
    return LNT_CTL_OK;
}

/* --authority NAME | --venue ID into a scope (neither: the whole scheme). */
static int parse_scope(const char *role, const char *authority, const char *venue,
                       struct lnt_scope *sc)
{
    int rc;

    memset(sc, 0, sizeof *sc);
    if (lnt_officer_role_parse(role, &sc->role) != LNT_OK)
        return lnt_ctl_fail("--role: expected admin, officer, police, venue or assessor, got '%s'",
                            role);
    if (authority != NULL && venue != NULL)
        return lnt_ctl_fail("--authority and --venue: give one or the other");
    if (authority != NULL &&
        (authority[0] == '\0' ||
         lnt_str_copy(sc->authority, sizeof sc->authority, authority) != LNT_OK))
        return lnt_ctl_fail("--authority: expected 1 to %d bytes", LNT_AUTHORITY_MAX);
    if (venue != NULL && (rc = lnt_ctl_parse_id("venue", venue, &sc->venue_id)) != LNT_CTL_OK)
        return rc;
    if (sc->role == LNT_OFFICER_VENUE && sc->venue_id == 0)
        return lnt_ctl_fail("--role venue: a venue manager needs --venue ID");
    if (sc->role != LNT_OFFICER_VENUE && sc->venue_id != 0)
        return lnt_ctl_fail("--venue: only for --role venue; use --authority for an officer");
    return LNT_CTL_OK;
}

static void out_scope(struct lnt_ctl_out *o, const struct lnt_scope *sc)
{
    lnt_ctl_out_str(o, "role", lnt_officer_role_name(sc->role));
    if (sc->authority[0] != '\0')
        lnt_ctl_out_str(o, "authority", sc->authority);
    if (sc->venue_id != 0)
        lnt_ctl_out_int(o, "venue_id", sc->venue_id);
    if (sc->authority[0] == '\0' && sc->venue_id == 0)
        lnt_ctl_out_str(o, "scope", "scheme");
}

static void out_officer(struct lnt_ctl_out *o, const struct lnt_officer *off)
{
    lnt_ctl_out_int(o, "id", off->id);
    lnt_ctl_out_str(o, "email", off->email);
    lnt_ctl_out_str(o, "name", off->name);
    out_scope(o, &off->scope);
    lnt_ctl_out_time(o, "created_at", off->created_at);
    lnt_ctl_out_bool(o, "disabled", off->disabled_at != 0);
    if (off->last_login_at != 0)
        lnt_ctl_out_time(o, "last_login_at", off->last_login_at);
}

int lnt_ctl_officer_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_EMAIL, O_NAME, O_ROLE, O_AUTHORITY, O_VENUE };
    static const struct option opts[] = {{"email", required_argument, NULL, O_EMAIL},
                                         {"name", required_argument, NULL, O_NAME},
                                         {"role", required_argument, NULL, O_ROLE},
                                         {"authority", required_argument, NULL, O_AUTHORITY},
                                         {"venue", required_argument, NULL, O_VENUE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char *pw = NULL;
    struct lnt_officer off = {0};
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_require(c, opts, v, O_EMAIL, O_ROLE)) != LNT_CTL_OK)
        return rc;
    if ((rc = parse_scope(v[O_ROLE], v[O_AUTHORITY], v[O_VENUE], &off.scope)) != LNT_CTL_OK)
        return rc;
    if (lnt_str_copy(off.email, sizeof off.email, v[O_EMAIL]) != LNT_OK ||
        strchr(v[O_EMAIL], '@') == NULL)
        return lnt_ctl_fail("--email: expected an address like name@example.org, got '%s'",
                            v[O_EMAIL]);
    if (v[O_NAME][0] == '\0' || lnt_str_copy(off.name, sizeof off.name, v[O_NAME]) != LNT_OK)
        return lnt_ctl_fail("--name: expected 1 to %zu bytes", sizeof off.name - 1);
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    pw = calloc(1, PW_BUF);
    if (pw == NULL)
        return lnt_ctl_fail("out of memory");
    if ((rc = read_password(off.email, pw, PW_BUF)) != LNT_CTL_OK)
        goto out;
    if (lnt_store_officer_add(c->store, &off, pw, err) != LNT_OK) {
        rc = lnt_ctl_fail("officer add: %s", err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    out_officer(&o, &off);
    rc = lnt_ctl_out_end(&o);
out:
    explicit_bzero(pw, PW_BUF);
    free(pw);
    return rc;
}

int lnt_ctl_officer_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_officer *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_officer_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("officer list: %s", err);
    rc = lnt_ctl_audit_read(c, "officers.read", "officer accounts", "");
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_officer(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_officer_disable(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_EMAIL, O_ID };
    static const struct option opts[] = {
        {"email", required_argument, NULL, O_EMAIL}, {"id", required_argument, NULL, O_ID}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_officer off;
    struct lnt_ctl_out o;
    int64_t id = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((v[O_EMAIL] == NULL) == (v[O_ID] == NULL))
        return lnt_ctl_usage(c, "officer disable: give exactly one of --email and --id");
    if (v[O_ID] != NULL && (rc = lnt_ctl_parse_id("id", v[O_ID], &id)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (v[O_EMAIL] != NULL) {
        if (lnt_store_officer_get(c->store, v[O_EMAIL], &off, err) != LNT_OK)
            return lnt_ctl_fail("officer disable: %s", err);
        id = off.id;
    }
    if (lnt_store_officer_disable(c->store, id, lnt_time_now(), err) != LNT_OK ||
        lnt_store_officer_get_id(c->store, id, &off, err) != LNT_OK)
        return lnt_ctl_fail("officer disable: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_officer(&o, &off);
    return lnt_ctl_out_end(&o);
}

/* ---- API tokens ---- */

static void out_token(struct lnt_ctl_out *o, const struct lnt_token *t, int64_t now)
{
    lnt_ctl_out_int(o, "id", t->id);
    lnt_ctl_out_str(o, "label", t->label);
    out_scope(o, &t->scope);
    lnt_ctl_out_str(o, "hint", t->hint);
    lnt_ctl_out_time(o, "created_at", t->created_at);
    if (t->expires_at != 0)
        lnt_ctl_out_time(o, "expires_at", t->expires_at);
    else
        lnt_ctl_out_raw(o, "expires_at", "null", "never");
    lnt_ctl_out_str(o, "status",
                    t->revoked_at != 0                           ? "revoked"
                    : t->expires_at != 0 && t->expires_at <= now ? "expired"
                                                                 : "active");
}

int lnt_ctl_token_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_ROLE, O_AUTHORITY, O_VENUE, O_LABEL, O_EXPIRES };
    static const struct option opts[] = {{"role", required_argument, NULL, O_ROLE},
                                         {"authority", required_argument, NULL, O_AUTHORITY},
                                         {"venue", required_argument, NULL, O_VENUE},
                                         {"label", required_argument, NULL, O_LABEL},
                                         {"expires", required_argument, NULL, O_EXPIRES},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char text[LNT_TOKEN_LEN + 1];
    struct lnt_token t = {0};
    struct lnt_ctl_out o;
    int64_t now = lnt_time_now();
    int32_t day;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_ROLE] == NULL)
        return lnt_ctl_usage(c, "token add: --role is required");
    if ((rc = parse_scope(v[O_ROLE], v[O_AUTHORITY], v[O_VENUE], &t.scope)) != LNT_CTL_OK)
        return rc;
    if (v[O_LABEL] != NULL) {
        if (v[O_LABEL][0] == '\0' || lnt_str_copy(t.label, sizeof t.label, v[O_LABEL]) != LNT_OK)
            return lnt_ctl_fail("--label: expected 1 to %zu bytes", sizeof t.label - 1);
    } else {
        char made[LNT_DATE_STRLEN] = "";
        (void)lnt_date_format(lnt_london_date(now), made);
        snprintf(t.label, sizeof t.label, "%s token made %s", v[O_ROLE], made);
    }
    if (v[O_EXPIRES] != NULL) {
        if ((rc = lnt_ctl_parse_date("expires", v[O_EXPIRES], &day)) != LNT_CTL_OK)
            return rc;
        /* valid through the whole of that London day: until the next London midnight */
        t.expires_at = ((int64_t)day + 1) * 86400;
        t.expires_at -= lnt_london_offset(t.expires_at);
        if (t.expires_at <= now)
            return lnt_ctl_fail("--expires: %s is in the past", v[O_EXPIRES]);
    }
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_token_add(c->store, &t, now, text, err) != LNT_OK)
        return lnt_ctl_fail("token add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "token", text);
    out_token(&o, &t, now);
    rc = lnt_ctl_out_end(&o);
    explicit_bzero(text, sizeof text);
    if (rc == LNT_CTL_OK && !c->json)
        lnt_ctl_warn("the token is shown only this once: store it now (only its hash is kept)");
    return rc;
}

int lnt_ctl_token_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_token *list = NULL;
    int64_t now = lnt_time_now();
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_token_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("token list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_token(&o, &list[i], now);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_token_revoke(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"id", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_token *list = NULL;
    struct lnt_ctl_out o;
    int64_t id, now = lnt_time_now();
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "token revoke: --id is required");
    if ((rc = lnt_ctl_parse_id("id", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_token_revoke(c->store, id, now, err) != LNT_OK ||
        lnt_store_token_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("token revoke: %s", err);
    rc = LNT_CTL_FAIL;
    for (size_t i = 0; i < n; i++) {
        if (list[i].id != id)
            continue;
        lnt_ctl_out_begin(&o, c, false);
        out_token(&o, &list[i], now);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}
