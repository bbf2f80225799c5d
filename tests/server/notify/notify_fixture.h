/* notify_fixture.h - the alert delivery suites' set-up: a store in a temp dir, officers and
 * alerts written with plain SQL as the raising side writes them, a self-signed certificate,
 * and the real receivers (tests/support/smtp_sink.py, webhook_sink.py). */
#ifndef LNT_NOTIFY_FIXTURE_H
#define LNT_NOTIFY_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "notify.h"
#include "store.h"

/* SQL that takes a database back from the newest schema to schema 16, for the upgrade tests
 * that go back further (schema 17's score history, schema 18's reason on street records):
 * extend it with each new migration. */
#define NF_BACK_TO_16 "DROP TABLE score_history; ALTER TABLE place_incidents DROP COLUMN reason; "

#define NF_T0 1795813200 /* 2026-11-27T21:00:00Z, a Friday evening */

struct nf {
    char *dir;
    char *path;  /* the database */
    char *inbox; /* where the receiver writes what it got */
    char cert[1024], key[1024];
    struct lnt_store *s;
    pid_t sink;
    char url[128]; /* smtp://127.0.0.1:PORT or http://127.0.0.1:PORT/hook */
    struct lnt_notify_config cfg;
};

/* cmocka setup/teardown: a fresh store and certificate; no receiver yet. */
int nf_setup(void **state);
int nf_teardown(void **state);
/* Closes and opens the store again, as a restarted lanternd would. */
void nf_reopen(struct nf *f);

/* Starts aiosmtpd (STARTTLS) and points f->cfg at it, trusting f->cert. */
void nf_smtp_start(struct nf *f);
/* As nf_smtp_start, the server requiring a login (after STARTTLS) as `user` with the password
 * on the first line of `password_file`; refused logins are counted in f->inbox/auth-refused. */
void nf_smtp_start_login(struct nf *f, const char *user, const char *password_file);
/* Writes `text` to a new file at `path`, mode 0600 (a password file). */
void nf_write_secret(const char *path, const char *text);
/* Starts the webhook receiver; f->url is its URL. */
void nf_webhook_start(struct nf *f);

/* One integer from `sql` on a separate connection. */
int64_t nf_sql_int(const char *path, const char *sql);
/* Runs `sql` on a separate connection. */
void nf_sql_exec(const char *path, const char *sql);
/* An officer with `email`, as lanternctl would add one; returns its id. */
int64_t nf_officer(const char *path, const char *email, const char *authority);
/*
 * An alert raised for `officer` (by_email set) in one transaction, as the raising side writes
 * it: alerts row plus alert_inbox row. Returns the alert id.
 */
int64_t nf_alert(const char *path, const char *dedup, const char *authority, const char *summary,
                 const char *link, int64_t raised_at, int64_t officer, bool by_email);

/* Files named prefix* in f->inbox. */
size_t nf_count(const struct nf *f, const char *prefix);
/* The whole of f->inbox/name (caller frees); fails the test when absent. */
char *nf_read(const struct nf *f, const char *name);
/* The whole of file `path` (caller frees); fails the test when absent. */
char *nf_read_path(const char *path);
/* Creates or removes f->inbox/name (the receivers' refuse and fail switches). */
void nf_switch(const struct nf *f, const char *name, bool on);
/* Runs the queue at `now` and asserts the pass itself worked. */
struct lnt_notify_counts nf_run(struct nf *f, int64_t now);

#endif
