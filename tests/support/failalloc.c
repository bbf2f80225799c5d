/* failalloc.c - an allocator that fails on demand (failalloc.h): the linker's --wrap targets. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <jansson.h>
#include <sqlite3.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "failalloc.h"

/* The real functions (the linker's __real_ names) and the wrappers it routes calls to. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);

static pthread_mutex_t fa_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t fa_count; /* allocations asked for since armed / reset */
static uint64_t fa_n;     /* the one to fail, 0 = disarmed */
static bool fa_after;     /* and every one after it */
static bool fa_hit_flag;  /* failed one since armed */

/*
 * The live blocks: an open-addressing set of their addresses, stored inverted
 * so that the leak checker does not take the set for a reference to them
 * (a leaked block must stay unreachable). 0 is an empty slot, 1 a deleted one.
 */
#define FA_EMPTY ((uintptr_t)0)
#define FA_GONE ((uintptr_t)1)
static uintptr_t *fa_set;
static size_t fa_cap;  /* slots, a power of two */
static size_t fa_used; /* live + deleted */
static size_t fa_live_n;

static size_t fa_slot(uintptr_t key)
{
    return (size_t)((key >> 4) * UINT64_C(0x9E3779B97F4A7C15)) & (fa_cap - 1);
}

static void fa_put(uintptr_t key);

static void fa_grow(void)
{
    uintptr_t *old = fa_set;
    size_t old_cap = fa_cap;
    size_t cap = old_cap ? old_cap : 1024;

    while ((fa_live_n + 1) * 2 > cap / 2)
        cap *= 2;
    fa_set = __real_calloc(cap, sizeof *fa_set);
    if (!fa_set)
        abort(); /* the test machine itself is out of memory */
    fa_cap = cap;
    fa_used = 0;
    fa_live_n = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i] != FA_EMPTY && old[i] != FA_GONE)
            fa_put(old[i]);
    __real_free(old);
}

/* Caller holds fa_lock. */
static void fa_put(uintptr_t key)
{
    size_t i;

    if ((fa_used + 1) * 2 > fa_cap)
        fa_grow();
    for (i = fa_slot(key); fa_set[i] != FA_EMPTY && fa_set[i] != FA_GONE;
         i = (i + 1) & (fa_cap - 1))
        if (fa_set[i] == key)
            return;
    if (fa_set[i] == FA_EMPTY)
        fa_used++;
    fa_set[i] = key;
    fa_live_n++;
}

/* Caller holds fa_lock. */
static void fa_drop(uintptr_t key)
{
    if (!fa_cap)
        return;
    for (size_t i = fa_slot(key); fa_set[i] != FA_EMPTY; i = (i + 1) & (fa_cap - 1))
        if (fa_set[i] == key) {
            fa_set[i] = FA_GONE;
            fa_live_n--;
            return;
        }
}

static void fa_track(void *p)
{
    if (p) {
        pthread_mutex_lock(&fa_lock);
        fa_put(~(uintptr_t)p);
        pthread_mutex_unlock(&fa_lock);
    }
}

/* Counts one allocation; true when it is the one (or one of those) to fail. */
static bool fa_fail_now(void)
{
    bool fail;

    pthread_mutex_lock(&fa_lock);
    fa_count++;
    fail = fa_n && (fa_count == fa_n || (fa_after && fa_count > fa_n));
    if (fail)
        fa_hit_flag = true;
    pthread_mutex_unlock(&fa_lock);
    if (fail)
        errno = ENOMEM;
    return fail;
}

void *__wrap_malloc(size_t n)
{
    void *p;

    if (fa_fail_now())
        return NULL;
    p = __real_malloc(n);
    fa_track(p);
    return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
    void *p;

    if (fa_fail_now())
        return NULL;
    p = __real_calloc(k, n);
    fa_track(p);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q;

    if (!p)
        return __wrap_malloc(n);
    if (n == 0) {
        __wrap_free(p);
        return NULL;
    }
    if (fa_fail_now())
        return NULL; /* p is untouched, as when realloc fails */
    q = __real_realloc(p, n);
    if (q) {
        pthread_mutex_lock(&fa_lock);
        fa_drop(~(uintptr_t)p);
        fa_put(~(uintptr_t)q);
        pthread_mutex_unlock(&fa_lock);
    }
    return q;
}

char *__wrap_strdup(const char *s)
{
    char *p;

    if (fa_fail_now())
        return NULL;
    p = __real_strdup(s);
    fa_track(p);
    return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
    char *p;

    if (fa_fail_now())
        return NULL;
    p = __real_strndup(s, n);
    fa_track(p);
    return p;
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&fa_lock);
    fa_drop(~(uintptr_t)p);
    pthread_mutex_unlock(&fa_lock);
    __real_free(p);
}

/* ---- SQLite and jansson, which allocate inside their shared libraries ---- */

static void *fa_sq_malloc(int n)
{
    return n < 0 ? NULL : __wrap_malloc((size_t)n);
}

static void fa_sq_free(void *p)
{
    __wrap_free(p);
}

static void *fa_sq_realloc(void *p, int n)
{
    return n < 0 ? NULL : __wrap_realloc(p, (size_t)n);
}

static int fa_sq_size(void *p)
{
    return p ? (int)malloc_usable_size(p) : 0;
}

static int fa_sq_roundup(int n)
{
    return (n + 7) & ~7;
}

static int fa_sq_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void fa_sq_shutdown(void *unused)
{
    (void)unused;
}

bool lnt_fa_install(void)
{
    static const sqlite3_mem_methods methods = {
        fa_sq_malloc,  fa_sq_free, fa_sq_realloc,  fa_sq_size,
        fa_sq_roundup, fa_sq_init, fa_sq_shutdown, NULL,
    };

    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK)
        return false;
    json_set_alloc_funcs(__wrap_malloc, __wrap_free);
    return true;
}

/* ---- libcbor's builders (the badge and COSE code), which allocate in libcbor ---- */

#define FA_CBOR(name, params, args)                                                                \
    cbor_item_t *__real_##name params;                                                             \
    cbor_item_t *__wrap_##name params;                                                             \
    cbor_item_t *__wrap_##name params                                                              \
    {                                                                                              \
        return fa_fail_now() ? NULL : __real_##name args;                                          \
    }

FA_CBOR(cbor_new_definite_map, (size_t n), (n))
FA_CBOR(cbor_new_definite_array, (size_t n), (n))
FA_CBOR(cbor_build_bytestring, (cbor_data h, size_t n), (h, n))
FA_CBOR(cbor_build_stringn, (const char *s, size_t n), (s, n))
FA_CBOR(cbor_build_tag, (uint64_t v, cbor_item_t *item), (v, item))
FA_CBOR(cbor_build_uint8, (uint8_t v), (v))
FA_CBOR(cbor_build_uint16, (uint16_t v), (v))
FA_CBOR(cbor_build_uint32, (uint32_t v), (v))
FA_CBOR(cbor_build_uint64, (uint64_t v), (v))
FA_CBOR(cbor_build_negint8, (uint8_t v), (v))
FA_CBOR(cbor_build_negint32, (uint32_t v), (v))

cbor_item_t *__real_cbor_load(cbor_data src, size_t n, struct cbor_load_result *res);
cbor_item_t *__wrap_cbor_load(cbor_data src, size_t n, struct cbor_load_result *res);
cbor_item_t *__wrap_cbor_load(cbor_data src, size_t n, struct cbor_load_result *res)
{
    if (fa_fail_now()) {
        memset(res, 0, sizeof *res);
        res->error.code = CBOR_ERR_MEMERROR;
        return NULL;
    }
    return __real_cbor_load(src, n, res);
}

/* ---- the switch ---- */

void lnt_fa_arm(uint64_t n, bool after)
{
    pthread_mutex_lock(&fa_lock);
    fa_count = 0;
    fa_n = n;
    fa_after = after;
    fa_hit_flag = false;
    pthread_mutex_unlock(&fa_lock);
}

void lnt_fa_disarm(void)
{
    pthread_mutex_lock(&fa_lock);
    fa_n = 0;
    pthread_mutex_unlock(&fa_lock);
}

uint64_t lnt_fa_count(void)
{
    uint64_t n;

    pthread_mutex_lock(&fa_lock);
    n = fa_count;
    pthread_mutex_unlock(&fa_lock);
    return n;
}

bool lnt_fa_hit(void)
{
    bool hit;

    pthread_mutex_lock(&fa_lock);
    hit = fa_hit_flag;
    pthread_mutex_unlock(&fa_lock);
    return hit;
}

void lnt_fa_reset(void)
{
    pthread_mutex_lock(&fa_lock);
    fa_count = 0;
    fa_n = 0;
    fa_hit_flag = false;
    pthread_mutex_unlock(&fa_lock);
}

size_t lnt_fa_live(void)
{
    size_t n;

    pthread_mutex_lock(&fa_lock);
    n = fa_live_n;
    pthread_mutex_unlock(&fa_lock);
    return n;
}

bool lnt_fa_leaked(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return __lsan_do_recoverable_leak_check() != 0;
#else
    return false;
#endif
}
