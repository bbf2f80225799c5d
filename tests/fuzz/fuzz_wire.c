/*
 * fuzz_wire.c - libFuzzer target for the event batch decoder. Whatever
 * decodes must encode, decode again to the same events, and encode again to
 * the same canonical bytes; whatever the fast decoder accepts, the full one
 * must accept too, as the very same events. Any other outcome aborts.
 *
 * The ctest fuzz_wire replays tests/fuzz/corpus/wire/ with it; `scripts/fuzz wire`
 * runs it under libFuzzer (docs/reliability.md). tests/common/test_wire.c
 * also runs this function over deterministic mutations of a valid batch in
 * the ordinary test suite.
 */
#include "wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many inputs the fast decoder accepted (the tests check it is exercised at all). */
unsigned long fuzz_wire_fast_accepted;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lnt_batch first = {0}, second = {0};
    struct lnt_buf one, two;
    char err[LNT_ERRBUF_SIZE];

    lnt_buf_init(&one, LNT_BATCH_BODY_MAX);
    lnt_buf_init(&two, LNT_BATCH_BODY_MAX);
    if (lnt_wire_batch_decode_fast((const char *)data, size, &first)) {
        if (lnt_wire_batch_decode_full((const char *)data, size, &second, err) != LNT_OK ||
            second.kiosk_id != first.kiosk_id || second.n != first.n ||
            memcmp(second.events, first.events, first.n * sizeof *first.events) != 0)
            abort();
        fuzz_wire_fast_accepted++;
        lnt_batch_release(&second);
    } else if (lnt_wire_batch_decode_full((const char *)data, size, &first, err) != LNT_OK) {
        goto out;
    }
    if (lnt_wire_batch_encode(first.kiosk_id, first.events, first.n, &one, err) != LNT_OK)
        abort();
    if (lnt_wire_batch_decode(one.data, one.len, &second, err) != LNT_OK)
        abort();
    if (second.kiosk_id != first.kiosk_id || second.n != first.n ||
        memcmp(second.events, first.events, first.n * sizeof *first.events) != 0)
        abort();
    if (lnt_wire_batch_encode(second.kiosk_id, second.events, second.n, &two, err) != LNT_OK)
        abort();
    if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
        abort();
out:
    lnt_batch_release(&second);
    lnt_batch_release(&first);
    lnt_buf_release(&two);
    lnt_buf_release(&one);
    return 0;
}
