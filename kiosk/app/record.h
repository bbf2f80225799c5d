/* record.h - turns a flow's answers into the event the kiosk saves, sealing the sensitive part. */
#ifndef LNT_KIOSK_RECORD_H
#define LNT_KIOSK_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "flows.h"

#define LNT_BOX_KEY_LEN 32
#define LNT_DETAILS_MAX                                                                            \
    2800 /* bytes of details JSON: sealed and in base64 it fits LNT_SEALED_MAX */

/*
 * When it happened, from the answers: "now", N minutes ago, or a local
 * (Europe/London) HH:MM typed at `now` (lnt_record_typed_time); a time fixed
 * by an earlier save wins. Unix seconds.
 */
int64_t lnt_record_when(const struct lnt_form *fm, int64_t now);

/*
 * The instant a London HH:MM (`hhmm`, 0000-2359) typed at `now` names, in
 * *at: today's, when it is not later than now; yesterday's, when today's
 * falls in a later trading night than now (23:30 typed at 01:00). LNT_OK;
 * LNT_ERR_INVALID when it is later than now in the same trading night
 * (04:00 typed at 03:17), with that later instant in *at for saying so.
 */
enum lnt_err lnt_record_typed_time(int32_t hhmm, int64_t now, int64_t *at);

/*
 * The answers in `fields` as compact JSON appended to `out`:
 *   {"v":1,"flow":"spiking","report_id":"...","answers":{"symptoms":["vomiting"],...}}
 * Ticks are arrays of codes, picks codes, numbers integers, text strings.
 * Nothing about the person helped beyond what was ticked or typed.
 */
enum lnt_err lnt_record_details(const struct lnt_form *fm, uint64_t fields, struct lnt_buf *out,
                                char *err);

/*
 * Builds the event for the form's flow into *ev (seq, uuid and recorded_at
 * left for the outbox). Incidents: the clear fields (kind, severity, place,
 * outcome, police called, complete) plus the details of every answer given
 * in this save, sealed with crypto_box_seal to `box_pk` and base64'd; the
 * form's report_id must be set. `staff_id` is who is saving; `running` is a
 * volunteer's running shift for shift_end (may be NULL). Fails with
 * LNT_ERR_STATE when an incident has no sealing key (all zeros or NULL),
 * LNT_ERR_TOO_LARGE when the details do not fit; *ev is then undefined.
 */
enum lnt_err lnt_record_build(const struct lnt_form *fm, const char *staff_id,
                              const struct lnt_ev_shift *running, bool complete, int64_t now,
                              const uint8_t *box_pk, struct lnt_event *ev, char *err);

#endif
