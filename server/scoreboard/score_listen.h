/* score_listen.h - keeping the score caches of several lanternd on one database in step: a
 * change the store says as it commits (store_changes.h) is forgotten by every server's cache. */
#ifndef LNT_SCORE_LISTEN_H
#define LNT_SCORE_LISTEN_H

#include <stdint.h>

#include "err.h"
#include "score_cache.h"
#include "store.h"

/*
 * The writer of a change that a score reads forgets it in its own server's cache at once
 * (lnt_score_cache_invalidate), so that server's next answer is fresh; the other servers hear
 * of it from the store, which says so inside the write's transaction (on PostgreSQL a NOTIFY,
 * sent on commit, whoever wrote: lanternd or lanternctl), and their listeners forget theirs.
 */
struct lnt_score_listener;

/*
 * Starts a thread that hears the other servers' changes (lnt_store_changes_wait) and forgets
 * them in c; it connects, and reconnects after a lost connection, on its own (logging while it
 * cannot), forgetting everything each time it does.
 * LNT_ERR_UNSUPPORTED (nothing started, *out NULL) where the store has no other server to
 * hear (SQLite); LNT_ERR_NOMEM, LNT_ERR_INTERNAL when the thread cannot start. c and s must
 * outlive the listener.
 */
enum lnt_err lnt_score_listener_start(struct lnt_score_listener **out, struct lnt_score_cache *c,
                                      struct lnt_store *s, char *err);
/* Stops the thread (within about a second) and frees the listener. NULL is a no-op. */
void lnt_score_listener_stop(struct lnt_score_listener *l);

#endif
