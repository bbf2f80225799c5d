/* town.c - a small two-authority town written straight into a store, for the dashboard's tests. */
#include "town.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "store_casework.h"

#define NIGHTS 42

struct kiosk_feed {
    int64_t kiosk;
    int64_t seq;
};

static enum lnt_err venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                          int32_t cap, const char *area, const char *authority, int64_t *id,
                          char *err)
{
    struct lnt_venue v;
    enum lnt_err rc;

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = cat;
    v.capacity = cap;
    lnt_str_copy(v.area, sizeof v.area, area);
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    rc = lnt_store_venue_add(s, &v, err);
    *id = v.id;
    return rc;
}

static enum lnt_err staff(struct lnt_store *s, int64_t venue_id, const char *name,
                          enum lnt_role role, const char *sia, int32_t sia_expires, int64_t *id,
                          char *err)
{
    struct lnt_staff st;
    enum lnt_err rc;

    memset(&st, 0, sizeof st);
    st.venue_id = venue_id;
    lnt_str_copy(st.name, sizeof st.name, name);
    st.role = role;
    lnt_str_copy(st.sia_number, sizeof st.sia_number, sia);
    st.sia_expires = sia_expires;
    rc = lnt_store_staff_add(s, &st, err);
    *id = st.id;
    return rc;
}

static enum lnt_err officer(struct lnt_store *s, const char *email, const char *name,
                            enum lnt_officer_role role, const char *authority, int64_t venue_id,
                            char *err)
{
    struct lnt_officer o;

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, name);
    o.scope.role = role;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    o.scope.venue_id = venue_id;
    return lnt_store_officer_add(s, &o, TOWN_PASSWORD, err);
}

static enum lnt_err kiosk(struct lnt_store *s, int64_t venue_id, int64_t now, struct kiosk_feed *k,
                          char *err)
{
    char code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk out;
    enum lnt_err rc;

    lnt_random(pk, sizeof pk);
    if ((rc = lnt_store_enroll_code_add(s, venue_id, now + 3600, code, err)) != LNT_OK ||
        (rc = lnt_store_enroll_redeem(s, code, pk, now - (NIGHTS + 2) * 86400, &out, err)) !=
            LNT_OK)
        return rc;
    k->kiosk = out.id;
    k->seq = 0;
    return LNT_OK;
}

static void base_event(struct lnt_event *e, struct kiosk_feed *k, enum lnt_event_type type,
                       int64_t at)
{
    memset(e, 0, sizeof *e);
    e->seq = ++k->seq;
    lnt_uuid4(e->uuid);
    e->type = type;
    e->occurred_at = at;
    e->recorded_at = at + 120;
}

static void badge_event(struct lnt_event *e, struct kiosk_feed *k, enum lnt_event_type type,
                        int64_t at, int64_t staff_id, enum lnt_role role, const char *sia)
{
    base_event(e, k, type, at);
    snprintf(e->u.badge.staff_id, sizeof e->u.badge.staff_id, "%lld", (long long)staff_id);
    snprintf(e->u.badge.serial, sizeof e->u.badge.serial, "%016llx", (long long)staff_id);
    e->u.badge.role = role;
    lnt_str_copy(e->u.badge.sia_number, sizeof e->u.badge.sia_number, sia);
    e->u.badge.sia_expires = sia[0] != '\0' ? lnt_london_date(at) + 400 : 0;
    e->u.badge.sia_status = role == LNT_ROLE_DOOR ? LNT_SIA_VALID : LNT_SIA_NOT_REQUIRED;
    e->u.badge.verdict = LNT_VERDICT_GREEN;
}

static void incident_event(struct lnt_event *e, struct kiosk_feed *k, int64_t at, const char *kind,
                           int severity, bool police, bool complete)
{
    base_event(e, k, LNT_EV_INCIDENT, at);
    lnt_uuid4(e->u.incident.report_id);
    lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, kind);
    e->u.incident.severity = severity;
    lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "main bar");
    lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "resolved on site");
    e->u.incident.police_called = police;
    e->u.incident.complete = complete;
    lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
}

static enum lnt_err feed(struct lnt_store *s, struct kiosk_feed *k, int64_t now,
                         const struct lnt_event *ev, size_t n, char *err)
{
    struct lnt_ingest_result res[LNT_BATCH_MAX];
    for (size_t i = 0; i < n; i += LNT_BATCH_MAX) {
        size_t m = n - i < LNT_BATCH_MAX ? n - i : LNT_BATCH_MAX;
        enum lnt_err rc = lnt_store_events_insert(s, k->kiosk, now, ev + i, m, res, err);
        if (rc != LNT_OK)
            return rc;
    }
    return LNT_OK;
}

/* Door shifts every Friday and Saturday night, and a few incidents, at one venue. */
static enum lnt_err nights(struct lnt_store *s, struct kiosk_feed *k, int64_t now, int64_t door,
                           int64_t bar, int incidents_every, const char *kind, char *err)
{
    static struct lnt_event ev[NIGHTS * 8];
    int32_t today = lnt_night_of(now);
    size_t n = 0;

    for (int32_t night = today - NIGHTS; night < today; night++) {
        int wd = lnt_weekday(night);
        int64_t evening = (int64_t)night * 86400 + 21 * 3600;
        if (wd != 4 && wd != 5)
            continue;
        badge_event(&ev[n++], k, LNT_EV_SIGN_IN, evening, door, LNT_ROLE_DOOR, "1234567812345678");
        badge_event(&ev[n++], k, LNT_EV_SIGN_IN, evening + 60, bar, LNT_ROLE_BAR, "");
        if (incidents_every > 0 && (night % incidents_every) == 0)
            incident_event(&ev[n++], k, evening + 3 * 3600, kind, 3, true, true);
        badge_event(&ev[n++], k, LNT_EV_SIGN_OUT, evening + 6 * 3600, door, LNT_ROLE_DOOR,
                    "1234567812345678");
        badge_event(&ev[n++], k, LNT_EV_SIGN_OUT, evening + 6 * 3600 + 60, bar, LNT_ROLE_BAR, "");
    }
    return feed(s, k, now, ev, n, err);
}

enum lnt_err town_build(const char *db, int64_t now, struct town *t, char *err)
{
    struct lnt_store *s = NULL;
    struct lnt_scheme sc;
    struct kiosk_feed kc, kv, ks, kh;
    struct lnt_event ev[6];
    struct lnt_training tr;
    struct lnt_finding f;
    int64_t dee, priya, bouncer, barman, ruth, south_door, south_bar;
    int32_t today = lnt_london_date(now); /* staff and courses are dated by London's calendar */
    enum lnt_err rc;

    memset(t, 0, sizeof *t);
    memset(&sc, 0, sizeof sc);
    if ((rc = lnt_crypto_init()) != LNT_OK)
        return lnt_fail(err, rc, "crypto init");
    if ((rc = lnt_store_open(&s, db, err)) != LNT_OK)
        return rc;
    lnt_store_set_actor(s, "test town");
#define TRY(x)                                                                                     \
    do {                                                                                           \
        if ((rc = (x)) != LNT_OK)                                                                  \
            goto out;                                                                              \
    } while (0)
    TRY(lnt_store_scheme_init(s, "TEST", err));
    TRY(lnt_store_scheme_get(s, &sc, err));
    TRY(venue(s, "The Crown", LNT_VENUE_PUB, 250, "High Street", "Northtown", &t->crown, err));
    TRY(venue(s, "Velvet", LNT_VENUE_NIGHTCLUB, 900, "Riverside", "Northtown", &t->velvet, err));
    TRY(venue(s, "Quayside Bar", LNT_VENUE_BAR, 180, "Riverside", "Northtown", &t->quay, err));
    TRY(venue(s, "The <Anchor> & \"Co\"", LNT_VENUE_PUB, 120, "Old Town", "Northtown", &t->anchor,
              err));
    TRY(venue(s, "Safe Haven", LNT_VENUE_HUB, 40, "High Street", "Northtown", &t->haven, err));
    TRY(venue(s, "Southvale Arms", LNT_VENUE_PUB, 200, "Market", "Southvale", &t->south, err));

    TRY(staff(s, t->crown, "Dee Okafor", LNT_ROLE_DOOR, "1234567812345678", today + 400, &dee,
              err));
    TRY(staff(s, t->crown, "Priya Raman", LNT_ROLE_BAR, "", 0, &priya, err));
    TRY(staff(s, t->velvet, "Sam Whitfield", LNT_ROLE_DOOR, "8765432187654321", today + 20,
              &bouncer, err));
    TRY(staff(s, t->velvet, "Jo Barnes", LNT_ROLE_BAR, "", 0, &barman, err));
    TRY(staff(s, t->haven, "Ruth Adeyemi", LNT_ROLE_VOLUNTEER, "", 0, &ruth, err));
    TRY(staff(s, t->south, "Ali Khan", LNT_ROLE_DOOR, "1111222233334444", today + 300, &south_door,
              err));
    TRY(staff(s, t->south, "Bea Long", LNT_ROLE_BAR, "", 0, &south_bar, err));
    memset(&tr, 0, sizeof tr);
    tr.completed = today - 200;
    tr.staff_id = dee;
    for (enum lnt_course c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE_SPIKING; c++) {
        tr.course = c;
        tr.expires = c == LNT_COURSE_ANGELA ? 0 : today + 165;
        TRY(lnt_store_training_add(s, &tr, err));
    }
    tr.staff_id = priya;
    tr.course = LNT_COURSE_BYSTANDER;
    tr.expires = today + 10;
    TRY(lnt_store_training_add(s, &tr, err));

    TRY(officer(s, TOWN_ADMIN, "Ada Admin", LNT_OFFICER_ADMIN, "", 0, err));
    TRY(officer(s, TOWN_OFFICER, "Olu Officer", LNT_OFFICER_OFFICER, "Northtown", 0, err));
    TRY(officer(s, TOWN_SOUTH, "Sue South", LNT_OFFICER_OFFICER, "Southvale", 0, err));
    TRY(officer(s, TOWN_MANAGER, "Tom Hargreaves", LNT_OFFICER_VENUE, "", t->crown, err));

    TRY(kiosk(s, t->crown, now, &kc, err));
    TRY(kiosk(s, t->velvet, now, &kv, err));
    TRY(kiosk(s, t->south, now, &ks, err));
    TRY(kiosk(s, t->haven, now, &kh, err));
    TRY(nights(s, &kc, now, dee, priya, 0, "", err));
    TRY(nights(s, &kv, now, bouncer, barman, 2, "violence", err));
    TRY(nights(s, &ks, now, south_door, south_bar, 3, "disorder", err));

    /* The Crown: an Ask-for-Angela case with sealed details, and stock */
    {
        const char *details = "{\"note\":\"" TOWN_SECRET_NOTE "\"}";
        uint8_t box[512];
        int64_t at = now - 3 * 86400;
        incident_event(&ev[0], &kc, at, "angela", 2, false, true);
        crypto_box_seal(box, (const uint8_t *)details, strlen(details), sc.box_pk);
        lnt_b64_encode(box, strlen(details) + crypto_box_SEALBYTES, ev[0].u.incident.sealed);
        lnt_str_copy(t->sealed_report, sizeof t->sealed_report, ev[0].u.incident.report_id);
        base_event(&ev[1], &kc, LNT_EV_STOCK, at + 600);
        lnt_str_copy(ev[1].u.stock.kind, sizeof ev[1].u.stock.kind, "count");
        ev[1].u.stock.quantity = 180;
        snprintf(ev[1].u.stock.staff_id, sizeof ev[1].u.stock.staff_id, "%lld", (long long)dee);
        base_event(&ev[2], &kc, LNT_EV_STOCK, at + 7200);
        lnt_str_copy(ev[2].u.stock.kind, sizeof ev[2].u.stock.kind, "handed_out");
        ev[2].u.stock.quantity = 40;
        snprintf(ev[2].u.stock.staff_id, sizeof ev[2].u.stock.staff_id, "%lld", (long long)dee);
        TRY(feed(s, &kc, now, ev, 3, err));
    }
    /* Safe Haven: a volunteer shift */
    {
        int64_t at = now - 5 * 86400;
        base_event(&ev[0], &kh, LNT_EV_SHIFT_START, at);
        snprintf(ev[0].u.shift.staff_id, sizeof ev[0].u.shift.staff_id, "%lld", (long long)ruth);
        lnt_str_copy(ev[0].u.shift.call_sign, sizeof ev[0].u.shift.call_sign, "Pastor 1");
        lnt_str_copy(ev[0].u.shift.team, sizeof ev[0].u.shift.team, "Street Pastors");
        lnt_str_copy(ev[0].u.shift.base, sizeof ev[0].u.shift.base, "safe_haven");
        lnt_str_copy(ev[0].u.shift.leader, sizeof ev[0].u.shift.leader, "self");
        ev[0].u.shift.team_size = 4;
        ev[1] = ev[0];
        base_event(&ev[1], &kh, LNT_EV_SHIFT_END, at + 5 * 3600);
        ev[1].u.shift = ev[0].u.shift;
        ev[1].u.shift.tallies[0] = 25;
        ev[1].u.shift.tallies[1] = 6;
        /* an older kiosk's shift: base and leader packed into the team */
        base_event(&ev[2], &kh, LNT_EV_SHIFT_START, at + 3600);
        snprintf(ev[2].u.shift.staff_id, sizeof ev[2].u.shift.staff_id, "%lld", (long long)ruth);
        lnt_str_copy(ev[2].u.shift.call_sign, sizeof ev[2].u.shift.call_sign, "Bravo");
        lnt_str_copy(ev[2].u.shift.team, sizeof ev[2].u.shift.team, "base:bus;leader:other");
        ev[2].u.shift.team_size = 2;
        base_event(&ev[3], &kh, LNT_EV_SHIFT_END, at + 4 * 3600);
        ev[3].u.shift = ev[2].u.shift;
        TRY(feed(s, &kh, now, ev, 4, err));
    }
    memset(&f, 0, sizeof f);
    f.venue_id = t->crown;
    lnt_str_copy(f.criterion, sizeof f.criterion, "A4");
    f.met = true;
    lnt_str_copy(f.evidence, sizeof f.evidence, "Radio link to the town's CCTV seen working");
    lnt_str_copy(f.assessor, sizeof f.assessor, "Ann Assessor");
    f.found_on = today - 30;
    TRY(lnt_store_finding_add(s, &f, now, err));
    {
        /* a warning letter on the Crown's case file, sent as a PDF */
        static const uint8_t letter_pdf[] = "%PDF-1.4\n% a warning letter\n%%EOF\n";
        struct lnt_casework *cw = calloc(1, sizeof *cw);
        if (cw == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
        cw->venue_id = t->crown;
        cw->type = LNT_CW_LETTER;
        cw->on = today - 20;
        lnt_str_copy(cw->kind, sizeof cw->kind, "warning_letter");
        lnt_str_copy(cw->text, sizeof cw->text, "Warning about the queue at closing time");
        rc = lnt_store_cw_add(s, NULL, now, cw, letter_pdf, sizeof letter_pdf - 1, err);
        t->letter = cw->id;
        free(cw);
        if (rc != LNT_OK)
            goto out;
    }
#undef TRY
out:
    memset(&sc, 0, sizeof sc);
    lnt_store_free(s);
    return rc;
}
