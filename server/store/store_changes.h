/* store_changes.h - telling the other servers on the same database that something a score
 * reads has changed, so that each forgets what it cached. */
#ifndef LNT_STORE_CHANGES_H
#define LNT_STORE_CHANGES_H

#include "store.h"

#define LNT_STORE_CHANGED_ALL 0   /* a venue id meaning every venue */
#define LNT_STORE_CHANGES_MAX 256 /* venue ids one lnt_store_changes_wait hands back */

/*
 * Tells every server on this database (this one's listener too) that what venue_id's score
 * reads has changed (LNT_STORE_CHANGED_ALL: every venue's). On PostgreSQL a NOTIFY on channel
 * lantern_changes, its payload the venue id in decimal ("0": every venue); on SQLite, whose
 * file one server serves, LNT_OK with nothing sent. Thread-safe. LNT_ERR_NET when the database
 * cannot be reached (the other servers' caches then expire on their own).
 * The store's own writes that a score reads need no call: the PostgreSQL backend says the same
 * inside their transactions, so it is heard when they commit and never when they are rolled
 * back, whoever writes (lanternd, lanternctl): findings, venues added, edited or closed, staff
 * and training, kiosks enrolled, SIA listings, required training, ingested events (each venue
 * with an event accepted) and retention purges.
 */
enum lnt_err lnt_store_changed(struct lnt_store *s, int64_t venue_id, char *err);

/*
 * Waits up to timeout_ms (0: only what has arrived) for lnt_store_changed calls by any server
 * on this database, and writes their venue ids, each once, to out[0..*n) (cap at most
 * LNT_STORE_CHANGES_MAX). *n = 0 when none came. More distinct venues than cap, and the first
 * call or the first after a lost connection (changes may have gone unheard), come back as one
 * LNT_STORE_CHANGED_ALL. One thread at a time may wait on a store. LNT_ERR_NET when the
 * listening connection is lost or cannot be made (*n = 0; the next call reconnects);
 * LNT_ERR_UNSUPPORTED on SQLite, where there is no other server to hear.
 */
enum lnt_err lnt_store_changes_wait(struct lnt_store *s, int timeout_ms, int64_t *out, size_t cap,
                                    size_t *n, char *err);

#endif
