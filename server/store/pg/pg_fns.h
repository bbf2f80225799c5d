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
LNT_STORE_FN(enroll_code_add, (LNT_STORE_T *s, int64_t venue_id, int64_t expires_at, char out_code[LNT_ENROLL_CODE_LEN + 1], char *err), (LNT_STORE_ARG, venue_id, expires_at, out_code, err))
LNT_STORE_FN(enroll_redeem, (LNT_STORE_T *s, const char *code, const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now, struct lnt_kiosk *out, char *err), (LNT_STORE_ARG, code, pk, now, out, err))
LNT_STORE_FN(kiosk_get, (LNT_STORE_T *s, int64_t id, struct lnt_kiosk *out, char *err), (LNT_STORE_ARG, id, out, err))
LNT_STORE_FN(events_insert, (LNT_STORE_T *s, int64_t kiosk_id, int64_t now, const struct lnt_event *ev, size_t n, struct lnt_ingest_result *results, char *err), (LNT_STORE_ARG, kiosk_id, now, ev, n, results, err))
LNT_STORE_FN_VOID(ingest_stats, (LNT_STORE_T *s, struct lnt_ingest_stats *out), (LNT_STORE_ARG, out))
LNT_STORE_FN(events_each, (LNT_STORE_T *s, int64_t venue_id, int64_t since, int (*fn)(void *ctx, const struct lnt_stored_event *e), void *ctx, char *err), (LNT_STORE_ARG, venue_id, since, fn, ctx, err))
LNT_STORE_FN_RET(alert_raised, int, (LNT_STORE_T *s, const char *dedup, char *err), (LNT_STORE_ARG, dedup, err))
LNT_STORE_FN(venue_list_by, (LNT_STORE_T *s, const char *authority, bool include_closed, struct lnt_venue **out, size_t *n, char *err), (LNT_STORE_ARG, authority, include_closed, out, n, err))
LNT_STORE_FN(required_get, (LNT_STORE_T *s, struct lnt_required_training *out, char *err), (LNT_STORE_ARG, out, err))
LNT_STORE_FN(required_set, (LNT_STORE_T *s, enum lnt_role role, enum lnt_course course, bool required, bool *changed, char *err), (LNT_STORE_ARG, role, course, required, changed, err))
LNT_STORE_FN(sia_set, (LNT_STORE_T *s, const char *number, enum lnt_sia_listing status, int32_t from, char *err), (LNT_STORE_ARG, number, status, from, err))
LNT_STORE_FN(sia_listed, (LNT_STORE_T *s, struct lnt_sia_listed **out, size_t *n, char *err), (LNT_STORE_ARG, out, n, err))
LNT_STORE_FN(sia_put, (LNT_STORE_T *s, const char *actor, const struct lnt_sia_entry *rows, size_t n, size_t *changed, char *err), (LNT_STORE_ARG, actor, rows, n, changed, err))
LNT_STORE_FN(sia_clear, (LNT_STORE_T *s, const char *actor, const char *number, int32_t from, char *err), (LNT_STORE_ARG, actor, number, from, err))
LNT_STORE_FN(sia_entries, (LNT_STORE_T *s, struct lnt_sia_entry **out, size_t *n, char *err), (LNT_STORE_ARG, out, n, err))
LNT_STORE_FN(sia_status_on, (LNT_STORE_T *s, const char *number, int32_t day, enum lnt_sia_listing *out, char *err), (LNT_STORE_ARG, number, day, out, err))
