/* store_int.h - helpers shared by the store's backends; not part of the store interface. */
#ifndef LNT_STORE_INT_H
#define LNT_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "store.h"

/* Characters of an enrolment code without its dashes. */
#define LNT_ENROLL_CODE_CHARS 12
#define LNT_SHA256_LEN 32

/* A fresh random code, formatted "ABCD-EFGH-JKMN" from the unambiguous alphabet. */
void lnt_store_code_generate(char out[LNT_ENROLL_CODE_LEN + 1]);
/*
 * The normalised form of a code as typed: upper case, dashes (and spaces)
 * removed, exactly 12 characters of the alphabet. LNT_ERR_INVALID otherwise,
 * with `out` undefined.
 */
enum lnt_err lnt_store_code_normalise(const char *code, char out[LNT_ENROLL_CODE_CHARS + 1]);
/* SHA-256 of the normalised code: the only form a code is stored in. */
enum lnt_err lnt_store_code_hash(const char *code, uint8_t out[LNT_SHA256_LEN]);

void lnt_store_sha256(const void *p, size_t n, uint8_t out[LNT_SHA256_LEN]);
/* A new X25519 key pair for crypto_box_seal. */
void lnt_store_box_keygen(uint8_t pk[32], uint8_t sk[32]);
/* Overwrites secret bytes in a way the compiler keeps. */
void lnt_store_wipe(void *p, size_t n);

/* LNT_OK for 1-16 characters of [A-Z0-9-]; LNT_ERR_INVALID with a message otherwise. */
enum lnt_err lnt_store_scheme_name_check(const char *name, char *err);
/* LNT_OK for "" or exactly 16 digits. */
enum lnt_err lnt_store_sia_check(const char *sia, char *err);
/* LNT_OK for non-empty valid UTF-8 of at most max_bytes without control characters. */
enum lnt_err lnt_store_text_check(const char *what, const char *s, size_t max_bytes, char *err);

/* Base64url without padding (RFC 4648 section 5) of n bytes; out holds LNT_B64URL_LEN(n). */
#define LNT_B64URL_LEN(n) (((n)*4 + 2) / 3 + 1)
void lnt_store_b64url(const uint8_t *in, size_t n, char *out);
/*
 * Checks an email address as typed (1-254 bytes, one '@' with text either
 * side, no spaces or control characters) and writes it lower-cased to out
 * (LNT_EMAIL_MAX + 1 bytes). LNT_ERR_INVALID with a message otherwise.
 */
enum lnt_err lnt_store_email_norm(const char *email, char *out, char *err);
/* LNT_OK for a scope its role allows (see struct lnt_scope), LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_store_scope_check(const struct lnt_scope *sc, char *err);

/* ---- shared by the backends: a venue's checks, a batch's canonical JSON ---- */

/*
 * Checks a venue as typed and puts its trading pattern in canonical form (the
 * category's default when ""). LNT_ERR_INVALID or LNT_ERR_TOO_LARGE with a
 * message naming the field; thread-safe.
 */
enum lnt_err lnt_store_venue_check(struct lnt_venue *v, char *err);
/* The staff id an event names, or NULL when it names none. */
const char *lnt_store_event_staff(const struct lnt_event *e);

/*
 * The canonical JSON of a batch's events, made before any lock or connection is
 * taken: encoding is most of an event's CPU time outside the database and needs
 * none, so concurrent batches encode side by side and only the database work
 * is serialised. The caller owns `text` and releases it (lnt_buf_release).
 */
struct lnt_store_encoded {
    struct lnt_buf text;       /* every body, one after the other */
    size_t end[LNT_BATCH_MAX]; /* body i is text[end[i-1] .. end[i]) */
};
/*
 * Fills `enc` for ev[0..n) (n <= LNT_BATCH_MAX). On error err names the event
 * ("event 3: seq 4: ...") and `enc` holds the bodies before it; the caller
 * releases enc->text either way.
 */
enum lnt_err lnt_store_encode_batch(const struct lnt_event *ev, size_t n,
                                    struct lnt_store_encoded *enc, char *err);
/* Body i of `enc` and its length. */
const char *lnt_store_encoded_body(const struct lnt_store_encoded *enc, size_t i, size_t *len);
/*
 * Whether `e` (canonical JSON `body`) says what the stored canonical JSON `old`
 * (of seq `old_seq`) says: byte for byte, once e is given old_seq. LNT_ERR_NOMEM,
 * or an encoding error, with `err` set.
 */
enum lnt_err lnt_store_same_body(const struct lnt_event *e, const char *body, size_t body_len,
                                 const void *old, size_t old_len, int64_t old_seq, bool *same,
                                 char *err);

/* ---- shared by the backends: casework's findings and edits (casework/cw_rules.c) ---- */

struct lnt_casework;
/* c->findings (at most LNT_CW_FINDINGS_MAX) from their stored text, finding ids separated by
 * commas; stops at the first that is not a number. NULL or "" is none. */
void lnt_cw_findings_parse(struct lnt_casework *c, const char *s);
/* The stored text of c->findings into out (size bytes, always terminated). */
void lnt_cw_findings_text(const struct lnt_casework *c, char *out, size_t size);
/* An edit `c` of record `cur` keeps what a record is and whose it is (type, venue, plan), is
 * open, and keeps cur's PDF unless the edit brings a new one. */
void lnt_cw_edit_keep(struct lnt_casework *c, const struct lnt_casework *cur, bool new_pdf);

/* ---- shared by the backends: hot spots and the places register ---- */

/* The harm points of one report of `kind` (lnt_hot_harm_weights), 0 for a kind not listed. */
int lnt_hot_harm_of(const char *kind);

struct lnt_place_incident;
/* LNT_OK when a record of an incident in a public place may be stored: a kind of
 * lnt_incident_kinds, a note of 0..LNT_PLACE_NOTE_MAX bytes of text, a time not after
 * in->recorded_at; else LNT_ERR_INVALID naming the field. With `correction`, a reason of
 * 1..LNT_PLACE_NOTE_MAX bytes of text as well. */
enum lnt_err lnt_place_incident_check(const struct lnt_place_incident *in, bool correction,
                                      char *err);
/* LNT_OK for a place's authority as stored: "" (the whole scheme's), or text of at most
 * LNT_AUTHORITY_MAX bytes that neither begins nor ends with a space; LNT_ERR_INVALID (or
 * LNT_ERR_TOO_LARGE) otherwise. */
enum lnt_err lnt_place_authority_check(const char *authority, char *err);
/* ---- webhook secrets: one home for both backends (sq_webhook.c, pg/casework/pg_webhook.c) ---- */

struct lnt_keyfile;
struct lnt_wrap_key;
/* Bytes of a sealed webhook secret: the wrapping key's kid (4), the nonce (24), then the
 * 32-byte secret with its MAC (16). */
#define LNT_WEBHOOK_SEALED_LEN 76
/* LNT_OK for a webhook URL an admin may set: http:// or https://, at most
 * LNT_DELIVERY_TARGET_MAX bytes of printable ASCII, no user or password. LNT_ERR_INVALID with
 * the message the admin sees otherwise. */
enum lnt_err lnt_store_webhook_url_check(const char *url, char *err);
/* Seals the LNT_WEBHOOK_SECRET_LEN bytes of `secret` with wrapping key k (crypto_secretbox,
 * a fresh nonce) into out. */
void lnt_store_webhook_seal(const struct lnt_wrap_key *k, const uint8_t *secret,
                            uint8_t out[LNT_WEBHOOK_SEALED_LEN]);
/*
 * Opens the sealed secret (len bytes) of `authority`'s webhook with the wrapping keys of kf
 * (read from the key file at keys_path) into secret (LNT_WEBHOOK_SECRET_LEN bytes, wiped on
 * failure). LNT_ERR_CRYPTO (damaged) or LNT_ERR_UNKNOWN_KEY (wrong key file), the message
 * leading with what is wrong, in the few words the admin page keeps.
 */
enum lnt_err lnt_store_webhook_unseal(const char *keys_path, const struct lnt_keyfile *kf,
                                      const char *authority, const uint8_t *sealed, size_t len,
                                      uint8_t *secret, char *err);

#endif
