/* pg_fns.h - written by scripts/store-fns from the .c files in server/store/pg;
 * do not edit (ctest store_fns checks it). */
/* clang-format off */
/* The store functions the PostgreSQL backend defines so far (entries as in store_fns.h);
 * the dispatch answers every other one with LNT_ERR_UNSUPPORTED. */
LNT_STORE_FN_RET(keys_path, const char *, (const LNT_STORE_T *s), (LNT_STORE_ARG))
LNT_STORE_FN_VOID(set_actor, (LNT_STORE_T *s, const char *actor), (LNT_STORE_ARG, actor))
LNT_STORE_FN(venue_add, (LNT_STORE_T *s, struct lnt_venue *v, char *err), (LNT_STORE_ARG, v, err))
LNT_STORE_FN(venue_get, (LNT_STORE_T *s, int64_t id, struct lnt_venue *out, char *err), (LNT_STORE_ARG, id, out, err))
LNT_STORE_FN(venue_list, (LNT_STORE_T *s, struct lnt_venue **out, size_t *n, char *err), (LNT_STORE_ARG, out, n, err))
LNT_STORE_FN(staff_add, (LNT_STORE_T *s, struct lnt_staff *st, char *err), (LNT_STORE_ARG, st, err))
LNT_STORE_FN(staff_get, (LNT_STORE_T *s, int64_t id, struct lnt_staff *out, char *err), (LNT_STORE_ARG, id, out, err))
LNT_STORE_FN(staff_list, (LNT_STORE_T *s, int64_t venue_id, struct lnt_staff **out, size_t *n, char *err), (LNT_STORE_ARG, venue_id, out, n, err))
LNT_STORE_FN(training_add, (LNT_STORE_T *s, const struct lnt_training *t, char *err), (LNT_STORE_ARG, t, err))
LNT_STORE_FN(training_list, (LNT_STORE_T *s, int64_t staff_id, struct lnt_training **out, size_t *n, char *err), (LNT_STORE_ARG, staff_id, out, n, err))
LNT_STORE_FN(enroll_code_add, (LNT_STORE_T *s, int64_t venue_id, int64_t expires_at, char out_code[LNT_ENROLL_CODE_LEN + 1], char *err), (LNT_STORE_ARG, venue_id, expires_at, out_code, err))
LNT_STORE_FN(enroll_redeem, (LNT_STORE_T *s, const char *code, const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now, struct lnt_kiosk *out, char *err), (LNT_STORE_ARG, code, pk, now, out, err))
LNT_STORE_FN(kiosk_get, (LNT_STORE_T *s, int64_t id, struct lnt_kiosk *out, char *err), (LNT_STORE_ARG, id, out, err))
LNT_STORE_FN(events_insert, (LNT_STORE_T *s, int64_t kiosk_id, int64_t now, const struct lnt_event *ev, size_t n, struct lnt_ingest_result *results, char *err), (LNT_STORE_ARG, kiosk_id, now, ev, n, results, err))
LNT_STORE_FN_VOID(ingest_stats, (LNT_STORE_T *s, struct lnt_ingest_stats *out), (LNT_STORE_ARG, out))
LNT_STORE_FN(events_each, (LNT_STORE_T *s, int64_t venue_id, int64_t since, int (*fn)(void *ctx, const struct lnt_stored_event *e), void *ctx, char *err), (LNT_STORE_ARG, venue_id, since, fn, ctx, err))
LNT_STORE_FN_RET(alert_raised, int, (LNT_STORE_T *s, const char *dedup, char *err), (LNT_STORE_ARG, dedup, err))
LNT_STORE_FN(venue_edit, (LNT_STORE_T *s, int64_t id, const struct lnt_venue *v, unsigned fields, char *err), (LNT_STORE_ARG, id, v, fields, err))
LNT_STORE_FN(venue_close, (LNT_STORE_T *s, int64_t id, int64_t at, char *err), (LNT_STORE_ARG, id, at, err))
LNT_STORE_FN(venue_list_by, (LNT_STORE_T *s, const char *authority, bool include_closed, struct lnt_venue **out, size_t *n, char *err), (LNT_STORE_ARG, authority, include_closed, out, n, err))
LNT_STORE_FN(staff_edit, (LNT_STORE_T *s, int64_t id, const struct lnt_staff *st, unsigned fields, char *err), (LNT_STORE_ARG, id, st, fields, err))
LNT_STORE_FN(staff_leave, (LNT_STORE_T *s, int64_t id, int64_t at, char *err), (LNT_STORE_ARG, id, at, err))
LNT_STORE_FN(staff_list_by, (LNT_STORE_T *s, int64_t venue_id, bool include_leavers, struct lnt_staff **out, size_t *n, char *err), (LNT_STORE_ARG, venue_id, include_leavers, out, n, err))
LNT_STORE_FN(training_history, (LNT_STORE_T *s, int64_t staff_id, struct lnt_training **out, size_t *n, char *err), (LNT_STORE_ARG, staff_id, out, n, err))
