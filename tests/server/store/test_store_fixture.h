/* test_store_fixture.h - a store in a temp dir and event builders, shared by the test_store_*
 * suites. */
#ifndef LNT_TEST_STORE_FIXTURE_H
#define LNT_TEST_STORE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

#define SF_T0 1795813200 /* 2026-11-27T21:00:00Z, a Friday evening */

/* SQL that takes a database back from the newest schema to schema 10, for the upgrade tests
 * that go back further still: schema 11's alert tables, schema 12's map and places columns,
 * schema 13's casework, schema 15's alert delivery, schema 17's score history. */
#define SF_BACK_TO_10                                                                              \
    "DROP TABLE score_history; "                                                                   \
    "DROP TABLE alert_delivery_cursor; DROP TABLE alert_deliveries; DROP TABLE alert_webhooks; "   \
    "DROP TABLE casework_files; DROP TABLE casework_versions; DROP TABLE casework; "               \
    "DROP TABLE alert_inbox; DROP TABLE alerts; DROP TABLE alert_subscriptions; "                  \
    "DROP TABLE venue_coords; DROP TABLE place_incidents; DROP TABLE map_image; "                  \
    "ALTER TABLE places DROP COLUMN kind; ALTER TABLE places DROP COLUMN lat; "                    \
    "ALTER TABLE places DROP COLUMN lon; ALTER TABLE places DROP COLUMN authority; "

struct sf {
    char *dir;
    char *path; /* a SQLite file, or a PostgreSQL database's URI */
    char *keys; /* PostgreSQL: the key file, in dir; SQLite: NULL, the default beside the file */
    struct lnt_store *s;
};

/*
 * cmocka setup/teardown: a fresh store with an initialised scheme "WTN". With
 * LNT_TEST_STORE=postgresql (the suites' NAME_pg runs) the store is a new database in a
 * throwaway PostgreSQL cluster started once per run (tests/support/pgcluster.h), each test's
 * a copy of one migrated database; otherwise a SQLite file in a temp dir.
 */
int sf_setup(void **state);
int sf_teardown(void **state);
void sf_reopen(struct sf *f);
/* True on a NAME_pg run. */
bool sf_on_postgresql(void);
/* One integer from `sql` on a separate connection, as another process would see it (-1 when
 * no row); `path` is f->path, a SQLite file or a PostgreSQL URI. */
int64_t sf_sql_int(const char *path, const char *sql);

int64_t sf_venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                 const char *area, const char *authority);
int64_t sf_staff(struct lnt_store *s, int64_t venue, const char *name, enum lnt_role role);
int64_t sf_kiosk(struct lnt_store *s, int64_t venue);
void sf_training(struct lnt_store *s, int64_t staff, enum lnt_course c, int32_t completed,
                 int32_t expires);
/* Issues badge `serial` (hex) to `staff` at `issued_at` under the scheme's current key. */
void sf_badge_issue(struct lnt_store *s, int64_t staff, const char *serial, int64_t issued_at);
/* Inserts a batch and asserts it went in. */
void sf_insert(struct lnt_store *s, int64_t kiosk, int64_t now, const struct lnt_event *ev,
               size_t n);

struct lnt_event sf_badge(int64_t seq, enum lnt_event_type type, int64_t at, int64_t staff,
                          const char *serial, enum lnt_role role);
struct lnt_event sf_incident(int64_t seq, int64_t at, int64_t recorded, const char *report_id,
                             const char *kind, bool complete, const char *sealed);
struct lnt_event sf_stock(int64_t seq, int64_t at, const char *kind, int32_t qty);
struct lnt_event sf_shift(int64_t seq, enum lnt_event_type type, int64_t at, int64_t staff,
                          const char *team, int32_t water);
struct lnt_event sf_refused(int64_t seq, int64_t at);

#endif
