/*
 * failalloc.h - an allocator that fails on demand, for the out-of-memory suites.
 *
 * A suite linked with lnt_failalloc (tests/CMakeLists.txt) has every malloc,
 * calloc, realloc, strdup, strndup and free made by Lantern's own code (the
 * static libraries and the suite) routed here by the linker (--wrap), and
 * every allocating libcbor builder the codec calls. lnt_fa_install() routes
 * SQLite (SQLITE_CONFIG_MALLOC) and jansson (json_set_alloc_funcs) here too;
 * code in other shared libraries allocates out of sight.
 *
 * Disarmed, every call goes through to the real allocator (ASan's, in the
 * test build) and is counted. Armed with lnt_fa_arm(n, ...), the n-th
 * allocation from then on returns NULL (and, when `after`, every one after it)
 * until lnt_fa_disarm(). The usual loop: for n = 1, 2, ... arm n, run one
 * operation, disarm, check, and stop at the first n that lnt_fa_hit() says was
 * never reached: by then every allocation on that path has failed once.
 *
 * All functions are thread-safe (one lock), but the counter is global: arm it
 * only while one thread allocates.
 */
#ifndef LNT_TEST_FAILALLOC_H
#define LNT_TEST_FAILALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Routes SQLite and jansson through the counter. Call once, first thing in
 * main(), before anything opens a database or parses JSON: SQLite refuses a
 * new allocator once initialised. Returns false (and routes nothing) then.
 */
bool lnt_fa_install(void);

/* Counts allocations from zero; the n-th (n >= 1) fails, and every later one when `after`. */
void lnt_fa_arm(uint64_t n, bool after);
/* Every allocation succeeds again. The counts are kept for lnt_fa_count and lnt_fa_hit. */
void lnt_fa_disarm(void);
/* Allocations asked for since the last lnt_fa_arm (or lnt_fa_reset). */
uint64_t lnt_fa_count(void);
/* Whether the last arming failed at least one allocation. */
bool lnt_fa_hit(void);
/* Zeroes the count, disarmed. */
void lnt_fa_reset(void);

/*
 * Blocks allocated here and not yet freed. Counts only blocks this allocator
 * handed out (memory a shared library allocates itself is not seen), so
 * compare it with a baseline taken before an operation and after its
 * teardown, not with zero.
 */
size_t lnt_fa_live(void);

/*
 * Under AddressSanitizer: runs its leak checker now (reporting what it finds
 * on stderr) and returns true when memory is leaked, including memory that
 * shared libraries allocated. Without it: false.
 */
bool lnt_fa_leaked(void);

#endif
