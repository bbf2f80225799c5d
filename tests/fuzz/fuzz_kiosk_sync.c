/*
 * fuzz_kiosk_sync.c - fuzz target for the kiosk's reading of the server's
 * sync reply (lnt_sync_parse_refresh, kiosk/sync/sync_refresh.c): the trust list
 * badges are verified with, the revoked badge serials, the venue's settings
 * and the server's clock. A kiosk must not let a broken or hostile reply
 * corrupt what it trusts. Invariants, any of which failing aborts:
 *   - a refused reply leaves the identity exactly as it was;
 *   - an accepted one keeps the kiosk's own id, keys and scheme, never lowers its
 *     clock floor, has at most LNT_TRUST_MAX keys each with the kid of its public key,
 *     at most LNT_REVOKED_MAX revoked serials without repeats (keeping the ones held
 *     unless the list was sent in full), and settings in range;
 *   - applying the same reply twice changes nothing the second time.
 * The same bytes are also read as a refusal's problem+json body
 * (lnt_sync_problem_detail, kiosk/sync/sync.c), whose detail the kiosk logs and
 * shows: one line, NUL-terminated within the buffer given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "outbox.h"
#include "sync.h"
#include "sync_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 65536
#define FLOOR INT64_C(1796000000) /* the kiosk's clock floor before the reply */

static struct lnt_identity start, now, twice;

static void setup(void)
{
    static int ready;

    if (ready)
        return;
    memset(&start, 0, sizeof start);
    start.kiosk_id = 7;
    for (int i = 0; i < LNT_SIGN_PK_LEN; i++)
        start.pk[i] = (uint8_t)i;
    for (int i = 0; i < LNT_SIGN_SK_LEN; i++)
        start.sk[i] = (uint8_t)(255 - i);
    lnt_str_copy(start.scheme, sizeof start.scheme, "WTN");
    lnt_str_copy(start.venue_name, sizeof start.venue_name, "The Lamb");
    start.n_keys = 1;
    memcpy(start.keys[0].pk, start.pk, LNT_SIGN_PK_LEN);
    lnt_badge_kid(start.keys[0].pk, start.keys[0].kid);
    start.n_revoked = 2;
    memset(start.revoked[0], 0x11, LNT_SERIAL_LEN);
    memset(start.revoked[1], 0x22, LNT_SERIAL_LEN);
    start.server_time = FLOOR;
    ready = 1;
}

static int has(const struct lnt_identity *id, const uint8_t *serial)
{
    for (size_t i = 0; i < id->n_revoked; i++)
        if (memcmp(id->revoked[i], serial, LNT_SERIAL_LEN) == 0)
            return 1;
    return 0;
}

static void detail(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = {1, 2, 16, LNT_ERRBUF_SIZE};
    struct lnt_buf reply;

    lnt_buf_init(&reply, FUZZ_MAX);
    if (lnt_buf_append(&reply, data, size) != LNT_OK)
        abort();
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *out = malloc(sizes[i]); /* exactly this size: ASan sees an overrun */
        size_t n;
        if (out == NULL)
            abort();
        lnt_sync_problem_detail(&reply, out, sizes[i]);
        n = strnlen(out, sizes[i]);
        if (n == sizes[i] || memchr(out, '\n', n) != NULL || memchr(out, '\r', n) != NULL)
            abort();
        free(out);
    }
    lnt_buf_release(&reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lnt_sync_settings set, set2;
    char err[LNT_ERRBUF_SIZE];
    enum lnt_err rc;

    setup();
    if (size > FUZZ_MAX)
        return 0;
    detail(data, size);
    memcpy(&now, &start, sizeof now);
    rc = lnt_sync_parse_refresh((const char *)data, size, &now, &set, err);
    if (rc != LNT_OK) {
        if (memcmp(&now, &start, sizeof now) != 0)
            abort();
        return 0;
    }
    if (now.kiosk_id != start.kiosk_id || memcmp(now.pk, start.pk, sizeof now.pk) != 0 ||
        memcmp(now.sk, start.sk, sizeof now.sk) != 0 || strcmp(now.scheme, start.scheme) != 0 ||
        now.server_time < FLOOR || now.n_keys > LNT_TRUST_MAX || now.n_revoked > LNT_REVOKED_MAX ||
        memchr(now.venue_name, 0, sizeof now.venue_name) == NULL || set.cup_threshold < 0 ||
        set.cup_threshold > 1000000 || set.capacity < 0 || set.capacity > 1000000 ||
        set.revoked_version < 0)
        abort();
    for (size_t i = 0; i < now.n_keys; i++) {
        uint8_t kid[LNT_KID_LEN];
        lnt_badge_kid(now.keys[i].pk, kid);
        if (memcmp(kid, now.keys[i].kid, LNT_KID_LEN) != 0)
            abort();
    }
    for (size_t i = 0; i < now.n_revoked; i++)
        for (size_t j = 0; j < i; j++)
            if (memcmp(now.revoked[i], now.revoked[j], LNT_SERIAL_LEN) == 0)
                abort();
    if (!set.revoked_full)
        for (size_t i = 0; i < start.n_revoked; i++)
            if (!has(&now, start.revoked[i]))
                abort();
    memcpy(&twice, &now, sizeof twice);
    if (lnt_sync_parse_refresh((const char *)data, size, &twice, &set2, err) != LNT_OK ||
        memcmp(&twice, &now, sizeof twice) != 0 || memcmp(&set2, &set, sizeof set) != 0)
        abort();
    return 0;
}
