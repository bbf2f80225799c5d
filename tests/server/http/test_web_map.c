/* test_web_map.c - the map, the Street page and officers' street incidents against a real
 * lanternd over HTTP: the map's SVG names each venue and place with its count, the background
 * upload takes a PNG or JPEG within its bound and nothing else, and another authority's officer
 * is refused on the dashboard and the API. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "store_auth.h"
#include "store_map.h"
#include "support.h"

#define PASSWORD "correct horse battery staple"
#define ADMIN "admin@scheme.example"
#define NORTH "sgt@north.example"
#define SOUTH "sgt@south.example"

static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    int64_t anchor, far_bar, hub, castle, rank;
    int64_t kiosk_anchor, kiosk_hub;
    char north_token[LNT_TOKEN_LEN + 1], south_token[LNT_TOKEN_LEN + 1];
    char day[LNT_DATE_STRLEN];  /* eight days ago in London: the officers' records' date */
    char from[LNT_DATE_STRLEN]; /* thirty days ago: the period the pages are asked for */
    char at[LNT_TIME_STRLEN];   /* an instant in the small hours after `day` */
    char night_words[LNT_LOCAL_DATE_STRLEN]; /* `day` as the pages write it */
} g;

/* ---- the town ---- */

static enum lnt_err venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                          const char *authority, double lat, double lon, int64_t now, int64_t *id,
                          int64_t *kiosk, char *err)
{
    struct lnt_venue v;
    struct lnt_geo geo = {true, lat, lon};
    struct lnt_kiosk k;
    char code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    enum lnt_err rc;

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = cat;
    v.capacity = 200;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if ((rc = lnt_store_venue_add(s, &v, err)) != LNT_OK ||
        (rc = lnt_store_venue_geo_set(s, v.id, &geo, now, err)) != LNT_OK)
        return rc;
    *id = v.id;
    if (kiosk == NULL)
        return LNT_OK;
    lnt_random(pk, sizeof pk);
    if ((rc = lnt_store_enroll_code_add(s, v.id, now + 3600, code, err)) != LNT_OK ||
        (rc = lnt_store_enroll_redeem(s, code, pk, now - 30 * 86400, &k, err)) != LNT_OK)
        return rc;
    *kiosk = k.id;
    return LNT_OK;
}

static enum lnt_err place(struct lnt_store *s, const char *name, enum lnt_place_kind kind,
                          const char *authority, double lat, double lon, int64_t now, int64_t *id,
                          char *err)
{
    struct lnt_place_info p;
    enum lnt_err rc = lnt_store_place_add(s, name, now, id, err);

    if (rc != LNT_OK)
        return rc;
    memset(&p, 0, sizeof p);
    p.id = *id;
    p.kind = kind;
    p.geo = (struct lnt_geo){true, lat, lon};
    lnt_str_copy(p.authority, sizeof p.authority, authority);
    return lnt_store_place_edit(s, &p, err);
}

static enum lnt_err officer(struct lnt_store *s, const char *email, enum lnt_officer_role role,
                            const char *authority, char *err)
{
    struct lnt_officer o;

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, "Officer");
    o.scope.role = role;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    return lnt_store_officer_add(s, &o, PASSWORD, err);
}

static enum lnt_err token(struct lnt_store *s, const char *authority, int64_t now, char *out,
                          char *err)
{
    struct lnt_token t;

    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, authority);
    t.scope.role = LNT_OFFICER_POLICE;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    return lnt_store_token_add(s, &t, now, out, err);
}

/* Two incidents at The Anchor, three welfare records at Castle Park from the hub, last week. */
static enum lnt_err events(struct lnt_store *s, int64_t now, char *err)
{
    struct lnt_event ev[3];
    struct lnt_ingest_result res[3];
    int64_t at = now - 7 * 86400;
    enum lnt_err rc;

    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        ev[i].seq = i + 1;
        lnt_uuid4(ev[i].uuid);
        ev[i].type = LNT_EV_INCIDENT;
        ev[i].occurred_at = at + i * 600;
        ev[i].recorded_at = at + i * 600 + 60;
        lnt_uuid4(ev[i].u.incident.report_id);
        lnt_str_copy(ev[i].u.incident.kind, sizeof ev[i].u.incident.kind, "violence");
        ev[i].u.incident.severity = 2;
        lnt_str_copy(ev[i].u.incident.place, sizeof ev[i].u.incident.place, "bar");
        lnt_str_copy(ev[i].u.incident.outcome, sizeof ev[i].u.incident.outcome, "resolved");
        ev[i].u.incident.complete = true;
        lnt_str_copy(ev[i].u.incident.staff_id, sizeof ev[i].u.incident.staff_id, "1");
    }
    if ((rc = lnt_store_events_insert(s, g.kiosk_anchor, now, ev, 2, res, err)) != LNT_OK)
        return rc;
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 3; i++) {
        ev[i].seq = i + 1;
        lnt_uuid4(ev[i].uuid);
        ev[i].type = LNT_EV_WELFARE;
        ev[i].occurred_at = at + i * 900;
        ev[i].recorded_at = at + i * 900 + 60;
        lnt_str_copy(ev[i].u.welfare.staff_id, sizeof ev[i].u.welfare.staff_id, "9");
        lnt_str_copy(ev[i].u.welfare.place, sizeof ev[i].u.welfare.place, "Castle Park");
        lnt_str_copy(ev[i].u.welfare.what, sizeof ev[i].u.welfare.what, "intoxicated");
        lnt_str_copy(ev[i].u.welfare.outcome, sizeof ev[i].u.welfare.outcome, "taxi");
    }
    return lnt_store_events_insert(s, g.kiosk_hub, now, ev, 3, res, err);
}

static enum lnt_err town_build(int64_t now, char *err)
{
    struct lnt_store *s = NULL;
    enum lnt_err rc;

    if ((rc = lnt_crypto_init()) != LNT_OK)
        return lnt_fail(err, rc, "crypto init");
    if ((rc = lnt_store_open(&s, g.db, err)) != LNT_OK)
        return rc;
    lnt_store_set_actor(s, "test town");
    rc = lnt_store_scheme_init(s, "TEST", err);
    if (rc == LNT_OK)
        rc = venue(s, "The Anchor", LNT_VENUE_PUB, "Northtown", 51.4540, -2.5930, now, &g.anchor,
                   &g.kiosk_anchor, err);
    if (rc == LNT_OK)
        rc = venue(s, "Far Bar", LNT_VENUE_BAR, "Southtown", 51.4480, -2.5850, now, &g.far_bar,
                   NULL, err);
    if (rc == LNT_OK)
        rc = venue(s, "Night Hub", LNT_VENUE_HUB, "Northtown", 51.4520, -2.5900, now, &g.hub,
                   &g.kiosk_hub, err);
    if (rc == LNT_OK)
        rc = place(s, "Castle Park", LNT_PLACE_PARK, "", 51.4560, -2.5880, now, &g.castle, err);
    if (rc == LNT_OK)
        rc = place(s, "Station Rank", LNT_PLACE_TAXI_RANK, "Southtown", 51.4490, -2.5810, now,
                   &g.rank, err);
    if (rc == LNT_OK)
        rc = events(s, now, err);
    if (rc == LNT_OK)
        rc = officer(s, ADMIN, LNT_OFFICER_ADMIN, "", err);
    if (rc == LNT_OK)
        rc = officer(s, NORTH, LNT_OFFICER_POLICE, "Northtown", err);
    if (rc == LNT_OK)
        rc = officer(s, SOUTH, LNT_OFFICER_POLICE, "Southtown", err);
    if (rc == LNT_OK)
        rc = token(s, "Northtown", now, g.north_token, err);
    if (rc == LNT_OK)
        rc = token(s, "Southtown", now, g.south_token, err);
    lnt_store_free(s);
    return rc;
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    {
        int64_t now = lnt_time_now();
        int32_t day = lnt_london_date(now) - 8;
        assert_int_equal(lnt_date_format(day, g.day), LNT_OK);
        assert_int_equal(lnt_date_format(day - 22, g.from), LNT_OK);
        assert_int_equal(lnt_local_date_format(day, g.night_words), LNT_OK);
        /* 01:30 UTC the next morning: 01:30 or 02:30 in London, still `day`'s night */
        assert_int_equal(lnt_time_format((int64_t)(day + 1) * 86400 + 5400, g.at), LNT_OK);
    }
    if (town_build(lnt_time_now(), err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.dir);
    return 0;
}

/* ---- requests ---- */

static CURL *login(const char *email)
{
    CURL *c = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(c, g.server.base, email, PASSWORD, NULL, 0), 303);
    return c;
}

/* GET `path`; the body (caller frees) when the status is `status`. */
static char *get(CURL *c, const char *path, long status)
{
    struct lnt_test_page r;
    char *body;

    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    if (r.status != status)
        fail_msg("GET %s: %ld, expected %ld: %.300s", path, r.status, status, r.body.data);
    body = strdup(r.body.data);
    assert_non_null(body);
    lnt_test_page_release(&r);
    return body;
}

static void csrf(CURL *c, const char *page, char *out, size_t size)
{
    char *html = get(c, page, 200);
    lnt_test_csrf_of(html, out, size);
    free(html);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

/* The map image form posted as multipart/form-data; the status. */
static long upload(CURL *c, const char *token, const void *image, size_t len, const char *lat1)
{
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *part;
    struct lnt_buf body;
    char url[LNT_TEST_URL_MAX];
    long status = 0;
    static const char *const fields[][2] = {
        {"lon1", "-2.5950"}, {"lat2", "51.4470"}, {"lon2", "-2.5790"}};

    lnt_buf_init(&body, 1 << 20);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "csrf");
    curl_mime_data(part, token, CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "lat1");
    curl_mime_data(part, lat1, CURL_ZERO_TERMINATED);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        part = curl_mime_addpart(mime);
        curl_mime_name(part, fields[i][0]);
        curl_mime_data(part, fields[i][1], CURL_ZERO_TERMINATED);
    }
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "image");
    curl_mime_filename(part, "town.png");
    curl_mime_type(part, "image/png");
    curl_mime_data(part, image, len);
    snprintf(url, sizeof url, "%s/admin/map-image", g.server.base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, NULL);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, NULL);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_mime_free(mime);
    lnt_buf_release(&body);
    return status;
}

/* A PNG header: the signature and IHDR, w by h pixels, then `len` bytes in all. */
static uint8_t *png(uint32_t w, uint32_t h, size_t len)
{
    static const uint8_t head[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                     0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    uint8_t *b = calloc(1, len);

    assert_non_null(b);
    memcpy(b, head, sizeof head);
    for (int i = 0; i < 4; i++) {
        b[16 + i] = (uint8_t)(w >> (24 - 8 * i));
        b[20 + i] = (uint8_t)(h >> (24 - 8 * i));
    }
    return b;
}

/* The <g class="spot ..."> of `name` on the map, with its count, is there. */
static bool spot(const char *html, const char *kind, long long count, const char *name)
{
    char key[160];

    snprintf(key, sizeof key, "<g class=\"spot %s\" data-count=\"%lld\" data-name=\"%s\">", kind,
             count, name);
    return strstr(html, key) != NULL;
}

/* ---- tests ---- */

static void test_web_map__svg_shows_each_venue_and_place_with_its_count(void **state)
{
    CURL *north = login(NORTH), *admin = login(ADMIN);
    char token[128], body[512], path[96], *html;
    struct lnt_test_page r;
    (void)state;

    /* The sergeant records a fight in the park on the Street page's form. */
    csrf(north, "/street", token, sizeof token);
    snprintf(body, sizeof body,
             "csrf=%s&place=%lld&date=%s&time=23:40&kind=violence&note=Two+men+fighting", token,
             (long long)g.castle, g.day);
    lnt_test_officer_http(north, g.server.base, "/street/record", body, NULL, &r);
    assert_int_equal(r.status, 303);
    lnt_test_page_release(&r);

    snprintf(path, sizeof path, "/map?from=%s", g.from);
    html = get(admin, path, 200);
    assert_true(spot(html, "venue", 2, "The Anchor"));
    assert_true(spot(html, "venue", 0, "Far Bar"));
    assert_true(spot(html, "venue", 0, "Night Hub"));
    assert_true(spot(html, "place", 4, "Castle Park")); /* 3 welfare + 1 officer's record */
    assert_true(spot(html, "place", 0, "Station Rank"));
    assert_non_null(strstr(html, "<rect class=\"grid\"")); /* no image uploaded: a plain grid */
    assert_null(strstr(html, "<image"));
    assert_non_null(strstr(html, "<desc>5 places and venues, 6 records in all:"));
    free(html);

    /* Filtered from the lists: welfare only, and one place only. */
    snprintf(path, sizeof path, "/map?from=%s&kind=welfare", g.from);
    html = get(admin, path, 200);
    assert_true(spot(html, "place", 3, "Castle Park"));
    assert_true(spot(html, "venue", 0, "The Anchor"));
    free(html);
    snprintf(path, sizeof path, "/map?from=%s&kind=violence", g.from);
    html = get(admin, path, 200);
    assert_true(spot(html, "place", 1, "Castle Park"));
    assert_true(spot(html, "venue", 2, "The Anchor"));
    free(html);

    /* Northtown's sergeant sees Northtown and the shared park, never Southtown. */
    snprintf(path, sizeof path, "/map?from=%s", g.from);
    html = get(north, path, 200);
    assert_true(spot(html, "place", 4, "Castle Park"));
    assert_true(spot(html, "venue", 2, "The Anchor"));
    assert_null(strstr(html, "Far Bar"));
    assert_null(strstr(html, "Station Rank"));
    free(html);

    /* The Street list says the same by place and by trading night. */
    snprintf(path, sizeof path, "/street?from=%s", g.from);
    html = get(north, path, 200);
    {
        char key[64];
        const char *row;
        snprintf(key, sizeof key, "<tr data-place=\"%lld\">", (long long)g.castle);
        row = strstr(html, key);
        assert_non_null(row);
        assert_non_null(strstr(row, "<td class=\"num\">3</td><td class=\"num\">1</td>"));
    }
    assert_non_null(strstr(html, "Two men fighting"));
    assert_non_null(strstr(html, g.night_words)); /* the trading night of 23:40 that day */
    free(html);
    curl_easy_cleanup(north);
    curl_easy_cleanup(admin);
}

static void test_web_map__upload_refused_unless_png_or_jpeg_within_bound(void **state)
{
    CURL *admin = login(ADMIN), *north = login(NORTH);
    static const char gif[] = "GIF89a\x10\x00\x10\x00 not a map";
    char token[128], *html;
    uint8_t *good = png(640, 480, 4096), *big = png(640, 480, LNT_MAP_IMAGE_MAX + 1);
    struct lnt_test_page r;
    (void)state;

    csrf(admin, "/admin", token, sizeof token);
    assert_int_equal(upload(admin, token, gif, sizeof gif - 1, "51.4580"), 415);
    assert_int_equal(upload(admin, token, big, LNT_MAP_IMAGE_MAX + 1, "51.4580"), 413);
    assert_int_equal(upload(admin, token, good, 4096, "91"), 400);         /* off the globe */
    assert_int_equal(upload(admin, "forged", good, 4096, "51.4580"), 403); /* no valid token */
    {
        char other[128];
        csrf(north, "/street", other, sizeof other);
        assert_int_equal(upload(north, other, good, 4096, "51.4580"), 403); /* not an admin */
    }
    html = get(admin, "/map", 200);
    assert_null(strstr(html, "<image")); /* nothing was stored */
    free(html);
    free(get(admin, "/map/image", 404));

    assert_int_equal(upload(admin, token, good, 4096, "51.4580"), 303);
    html = get(admin, "/map", 200);
    assert_non_null(strstr(html, "<image x=\"0\" y=\"0\" width=\"1000\" height=\"750\""));
    assert_non_null(strstr(html, "href=\"/map/image\""));
    assert_true(spot(html, "venue", 2, "The Anchor"));
    free(html);
    lnt_test_officer_http(north, g.server.base, "/map/image", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 4096);
    assert_memory_equal(r.body.data, good, 4096);
    lnt_test_page_release(&r);
    free(good);
    free(big);
    curl_easy_cleanup(admin);
    curl_easy_cleanup(north);
}

static void test_web_map__another_authoritys_officer_is_refused(void **state)
{
    CURL *north = login(NORTH), *api = lnt_test_officer_client();
    char token[128], body[512], path[96];
    struct lnt_test_page r;
    (void)state;

    /* The dashboard: Northtown's sergeant may not record at Southtown's taxi rank. */
    csrf(north, "/street", token, sizeof token);
    snprintf(body, sizeof body, "csrf=%s&place=%lld&date=%s&time=23:40&kind=theft", token,
             (long long)g.rank, g.day);
    lnt_test_officer_http(north, g.server.base, "/street/record", body, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_test_page_release(&r);

    /* The API: the same rule for tokens, recording and reading. */
    snprintf(path, sizeof path, "/api/v1/places/%lld/incidents", (long long)g.rank);
    curl_easy_setopt(api, CURLOPT_HTTPHEADER, NULL);
    {
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        char auth[128];
        struct lnt_buf out;
        char url[LNT_TEST_URL_MAX];
        long status = 0;
        char json[200], bad[200], night[48];

        snprintf(json, sizeof json,
                 "{\"occurred_at\":\"%s\",\"kind\":\"disorder\",\"note\":\"Queue fight\"}", g.at);
        snprintf(bad, sizeof bad, "{\"occurred_at\":\"%s\",\"kind\":\"brawl\"}", g.at);
        snprintf(night, sizeof night, "\"night\":\"%s\"", g.day);

        snprintf(auth, sizeof auth, "Authorization: Bearer %s", g.north_token);
        h = curl_slist_append(h, auth);
        lnt_buf_init(&out, 1 << 16);
        snprintf(url, sizeof url, "%s%s", g.server.base, path);
        curl_easy_setopt(api, CURLOPT_URL, url);
        curl_easy_setopt(api, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(api, CURLOPT_POSTFIELDS, json);
        curl_easy_setopt(api, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(api, CURLOPT_WRITEDATA, &out);
        assert_int_equal(curl_easy_perform(api), CURLE_OK);
        curl_easy_getinfo(api, CURLINFO_RESPONSE_CODE, &status);
        assert_int_equal(status, 403);
        assert_non_null(strstr(out.data != NULL ? out.data : "", "outside"));

        /* Southtown's own token records there; a bad kind is a 400 naming the field. */
        curl_slist_free_all(h);
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", g.south_token);
        h = curl_slist_append(NULL, "Content-Type: application/json");
        h = curl_slist_append(h, auth);
        curl_easy_setopt(api, CURLOPT_HTTPHEADER, h);
        lnt_buf_reset(&out);
        assert_int_equal(curl_easy_perform(api), CURLE_OK);
        curl_easy_getinfo(api, CURLINFO_RESPONSE_CODE, &status);
        assert_int_equal(status, 201);
        assert_non_null(strstr(out.data, night));
        assert_non_null(strstr(out.data, "\"kind\":\"disorder\""));
        lnt_buf_reset(&out);
        curl_easy_setopt(api, CURLOPT_POSTFIELDS, bad);
        assert_int_equal(curl_easy_perform(api), CURLE_OK);
        curl_easy_getinfo(api, CURLINFO_RESPONSE_CODE, &status);
        assert_int_equal(status, 400);
        assert_non_null(strstr(out.data, "kind"));
        curl_easy_setopt(api, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(h);
        lnt_buf_release(&out);
    }
    /* Reading Southtown's records with Northtown's token: refused; with Southtown's: there. */
    lnt_test_officer_http(api, g.server.base, path, NULL, g.north_token, &r);
    assert_int_equal(r.status, 403);
    lnt_test_page_release(&r);
    lnt_test_officer_http(api, g.server.base, path, NULL, g.south_token, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "Queue fight"));
    lnt_test_page_release(&r);
    curl_easy_cleanup(api);
    curl_easy_cleanup(north);
}

/* ---- correcting a street record ---- */

/* The id in the first `attr="N"` after `from` in `html`, 0 when there is none. */
static long long attr_id(const char *html, const char *attr)
{
    const char *p = strstr(html, attr);
    return p != NULL ? strtoll(p + strlen(attr), NULL, 10) : 0;
}

/* POST `body` to `path`; the status, and the reply's Location into `loc` when given. */
static long post(CURL *c, const char *path, const char *body, const char *bearer, char *loc,
                 size_t loc_size, char **reply)
{
    struct lnt_test_page r;
    long status;

    lnt_test_officer_http(c, g.server.base, path, body, bearer, &r);
    status = r.status;
    if (loc != NULL)
        snprintf(loc, loc_size, "%s", r.location);
    if (reply != NULL) {
        *reply = strdup(r.body.data != NULL ? r.body.data : "");
        assert_non_null(*reply);
    }
    lnt_test_page_release(&r);
    return status;
}

/* How many audit rows have `action` and an object or detail containing `what`. */
static size_t audited(const char *action, const char *what)
{
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, found = 0;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 500, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].action, action) == 0 &&
            (strstr(a[i].object, what) != NULL || strstr(a[i].detail, what) != NULL))
            found++;
    free(a);
    lnt_store_free(s);
    return found;
}

static void test_web_map__street_record_corrected_with_a_reason_and_history_kept(void **state)
{
    CURL *north = login(NORTH), *south = login(SOUTH), *api = lnt_test_officer_client();
    char token[128], body[600], path[96], loc[LNT_TEST_URL_MAX], obj[48], *html, *reply;
    long long old_id, new_id;
    (void)state;

    /* The Northtown sergeant records a theft in the shared park. */
    csrf(north, "/street", token, sizeof token);
    snprintf(body, sizeof body,
             "csrf=%s&place=%lld&date=%s&time=22:15&kind=theft&note=Phone+taken+at+the+gate", token,
             (long long)g.castle, g.day);
    assert_int_equal(post(north, "/street/record", body, NULL, NULL, 0, NULL), 303);
    snprintf(path, sizeof path, "/street?from=%s", g.from);
    html = get(north, path, 200);
    {
        const char *row = strstr(html, "Phone taken at the gate");
        const char *start;
        assert_non_null(row);
        /* the row's own id, and its Correct link named for a screen reader */
        for (start = row; start > html && strncmp(start, "<tr data-record=\"", 17) != 0; start--)
            ;
        old_id = attr_id(start, "<tr data-record=\"");
        assert_true(old_id > 0);
        snprintf(loc, sizeof loc,
                 "href=\"/street/records/%lld#correct\" aria-label=\"Correct the "
                 "record of ",
                 old_id);
        assert_non_null(strstr(start, loc));
    }
    free(html);

    /* The form comes prefilled with the record. */
    snprintf(path, sizeof path, "/street/records/%lld", old_id);
    html = get(north, path, 200);
    assert_non_null(strstr(html, "<option value=\"theft\" selected=\"selected\">"));
    assert_non_null(strstr(html, "name=\"note\" maxlength=\"280\" value=\"Phone taken at the "
                                 "gate\""));
    snprintf(loc, sizeof loc, "id=\"pc-date\" name=\"date\" value=\"%s\"", g.day);
    assert_non_null(strstr(html, loc));
    assert_non_null(strstr(html, "id=\"pc-time\" name=\"time\" value=\"22:15\""));
    lnt_test_csrf_of(html, token, sizeof token);
    free(html);

    /* No reason: refused, saying so; nothing changes. */
    snprintf(path, sizeof path, "/street/records/%lld/correct", old_id);
    snprintf(body, sizeof body,
             "csrf=%s&date=%s&time=22:05&kind=disorder&note=Scuffle+at+the+gate&reason=", token,
             g.day);
    assert_int_equal(post(north, path, body, NULL, NULL, 0, &reply), 400);
    assert_non_null(strstr(reply, "why"));
    free(reply);

    /* Another authority's sergeant: no such record in their list, and refused outright. */
    html = get(south, "/street", 200);
    snprintf(loc, sizeof loc, "/street/records/%lld", old_id);
    assert_null(strstr(html, loc));
    assert_null(strstr(html, "Phone taken at the gate"));
    free(html);
    free(get(south, loc, 403));
    {
        char other[128];
        csrf(south, "/street", other, sizeof other);
        snprintf(body, sizeof body,
                 "csrf=%s&date=%s&time=22:05&kind=disorder&note=&reason=Not+ours", other, g.day);
        assert_int_equal(post(south, path, body, NULL, NULL, 0, NULL), 403);
    }
    snprintf(obj, sizeof obj, "place incident %lld", old_id);
    assert_int_equal(audited("access.refused", obj), 2);

    /* With a reason: a new version supersedes the old, which is kept in the history. */
    snprintf(body, sizeof body,
             "csrf=%s&date=%s&time=22:05&kind=disorder&note=Scuffle+at+the+gate&reason=CCTV+"
             "shows+a+scuffle%%2C+nothing+taken",
             token, g.day);
    assert_int_equal(post(north, path, body, NULL, loc, sizeof loc, NULL), 303);
    assert_non_null(strstr(loc, "?done=1"));
    new_id = attr_id(loc, "/street/records/");
    assert_true(new_id > old_id);
    assert_int_equal(audited("street.correct", obj), 1);
    snprintf(path, sizeof path, "/street/records/%lld", new_id);
    html = get(north, path, 200);
    {
        char key[96];
        const char *first, *second;
        snprintf(key, sizeof key, "<tr data-record=\"%lld\" class=\"superseded\">", old_id);
        first = strstr(html, key);
        snprintf(key, sizeof key, "<tr data-record=\"%lld\" class=\"current\">", new_id);
        second = strstr(html, key);
        assert_non_null(first);
        assert_non_null(second);
        assert_true(first < second); /* oldest first */
        assert_non_null(strstr(first, "Phone taken at the gate"));
        assert_non_null(strstr(first, "Superseded by version 2"));
        assert_non_null(strstr(second, "CCTV shows a scuffle, nothing taken"));
        assert_non_null(strstr(second, NORTH));
    }
    assert_non_null(strstr(html, "id=\"place-correct\"")); /* the current one may be corrected */
    free(html);
    /* The old version's page shows the same history and no form: it is not current. */
    snprintf(path, sizeof path, "/street/records/%lld", old_id);
    html = get(north, path, 200);
    assert_non_null(strstr(html, "CCTV shows a scuffle"));
    free(html);
    /* Correcting the old version again: refused, the newer one is what to correct. */
    snprintf(path, sizeof path, "/street/records/%lld/correct", old_id);
    snprintf(body, sizeof body, "csrf=%s&date=%s&time=22:05&kind=other&note=&reason=Again", token,
             g.day);
    assert_int_equal(post(north, path, body, NULL, NULL, 0, NULL), 409);

    /* The Street list counts the corrected record once, as corrected. */
    snprintf(path, sizeof path, "/street?from=%s&kind=theft", g.from);
    html = get(north, path, 200);
    assert_null(strstr(html, "Phone taken at the gate"));
    free(html);
    snprintf(path, sizeof path, "/street?from=%s", g.from);
    html = get(north, path, 200);
    assert_non_null(strstr(html, "Scuffle at the gate"));
    assert_non_null(strstr(html, "(corrected)"));
    free(html);

    /* The API: the history for the record's authority, refused to another; a correction. */
    snprintf(path, sizeof path, "/api/v1/place-incidents/%lld", old_id);
    {
        struct lnt_test_page r;
        lnt_test_officer_http(api, g.server.base, path, NULL, g.south_token, &r);
        assert_int_equal(r.status, 403);
        lnt_test_page_release(&r);
        lnt_test_officer_http(api, g.server.base, path, NULL, g.north_token, &r);
        assert_int_equal(r.status, 200);
        snprintf(loc, sizeof loc, "\"current\":%lld", new_id);
        assert_non_null(strstr(r.body.data, loc));
        assert_non_null(strstr(r.body.data, "\"reason\":\"CCTV shows a scuffle, nothing taken\""));
        assert_non_null(strstr(r.body.data, "\"superseded_at\":\""));
        lnt_test_page_release(&r);
    }
    assert_true(audited("place.incident.read", obj) >= 1);
    snprintf(path, sizeof path, "/api/v1/place-incidents/%lld/correct", new_id);
    snprintf(body, sizeof body, "{\"occurred_at\":\"%s\",\"kind\":\"disorder\"}", g.at);
    assert_int_equal(post(api, path, body, g.north_token, NULL, 0, &reply), 400);
    assert_non_null(strstr(reply, "reason"));
    free(reply);
    snprintf(body, sizeof body,
             "{\"occurred_at\":\"%s\",\"kind\":\"disorder\",\"note\":\"Scuffle\","
             "\"reason\":\"Time from the CCTV\"}",
             g.at);
    assert_int_equal(post(api, path, body, g.south_token, NULL, 0, NULL), 403);
    assert_int_equal(post(api, path, body, g.north_token, NULL, 0, &reply), 201);
    snprintf(loc, sizeof loc, "\"supersedes\":%lld", new_id);
    assert_non_null(strstr(reply, loc));
    assert_non_null(strstr(reply, "\"reason\":\"Time from the CCTV\""));
    free(reply);
    assert_int_equal(post(api, path, body, g.north_token, NULL, 0, NULL), 409);

    curl_easy_cleanup(api);
    curl_easy_cleanup(north);
    curl_easy_cleanup(south);
}

/* ---- labels on a crowded map ---- */

/* The four numbers "x y w h" at p into b; the text after them. */
static const char *read_box(const char *p, double b[4])
{
    char *end = NULL;
    for (int i = 0; i < 4; i++) {
        b[i] = strtod(p, &end);
        assert_true(end != p);
        p = end;
    }
    return p;
}

/* A number attribute `name="..."` in the element starting at `el`. */
static double num_attr(const char *el, const char *name)
{
    char key[32];
    const char *p;

    snprintf(key, sizeof key, " %s=\"", name);
    p = strstr(el, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static bool overlap(const double a[4], const double b[4])
{
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

static void test_web_map__labels_of_venues_metres_apart_never_overlap(void **state)
{
    static const char *const names[8] = {"Cluster One",   "Cluster Two",  "Cluster Three",
                                         "Cluster Four",  "Cluster Five", "Cluster Six",
                                         "Cluster Seven", "Cluster Eight"};
    double labels[40][4], markers[40][4];
    size_t nl = 0, nm = 0, named = 0;
    char err[LNT_ERRBUF_SIZE] = "", path[96], *html;
    const char *p, *key;
    struct lnt_store *s = NULL;
    CURL *admin = login(ADMIN);
    (void)state;

    /* eight bars round one square, a couple of metres apart (0.00002 degrees) */
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    for (int i = 0; i < 8; i++) {
        int64_t id;
        assert_int_equal(venue(s, names[i], LNT_VENUE_BAR, "Northtown", 51.4530 + (i % 3) * 0.00002,
                               -2.5890 + (i / 3) * 0.00002, lnt_time_now(), &id, NULL, err),
                         LNT_OK);
    }
    lnt_store_free(s);
    snprintf(path, sizeof path, "/map?from=%s", g.from);
    html = get(admin, path, 200);
    key = strstr(html, "<ol class=\"map-key\"");
    for (p = strstr(html, "<g class=\"spot "); p != NULL; p = strstr(p + 1, "<g class=\"spot ")) {
        const char *end = strstr(p, "</g>");
        const char *mk = strstr(p, "<rect x=\"");
        const char *lb = strstr(p, "data-box=\"");
        assert_non_null(end);
        assert_true(nm < 40);
        if (mk != NULL && mk < end) {
            markers[nm][0] = num_attr(mk, "x");
            markers[nm][1] = num_attr(mk, "y");
            markers[nm][2] = num_attr(mk, "width");
            markers[nm][3] = num_attr(mk, "height");
        } else {
            const char *c = strstr(p, "<circle ");
            double r;
            assert_true(c != NULL && c < end);
            r = num_attr(c, "r");
            markers[nm][0] = num_attr(c, "cx") - r;
            markers[nm][1] = num_attr(c, "cy") - r;
            markers[nm][2] = markers[nm][3] = 2 * r;
        }
        nm++;
        if (lb != NULL && lb < end)
            read_box(lb + strlen("data-box=\""), labels[nl++]);
    }
    /* each of the eight is named: by its label on the map, or in the key under it */
    for (int i = 0; i < 8; i++) {
        char dn[64];
        const char *g0, *end, *lb;
        snprintf(dn, sizeof dn, "data-name=\"%s\"", names[i]);
        g0 = strstr(html, dn);
        assert_non_null(g0);
        end = strstr(g0, "</g>");
        lb = strstr(g0, "class=\"spot-label\"");
        snprintf(dn, sizeof dn, ">%s</a>: ", names[i]);
        if ((lb != NULL && lb < end) || (key != NULL && strstr(key, dn) != NULL))
            named++;
    }
    assert_int_equal(nm, 13); /* the five of the first test and the eight */
    assert_int_equal(named, 8);
    for (size_t i = 0; i < nl; i++) {
        for (size_t j = 0; j < nm; j++)
            if (overlap(labels[i], markers[j]))
                fail_msg("label %zu covers marker %zu", i, j);
        for (size_t j = i + 1; j < nl; j++)
            if (overlap(labels[i], labels[j]))
                fail_msg("labels %zu and %zu overlap", i, j);
    }
    /* leaders carry the cluster's names out to where there is room */
    assert_true(count_str(html, "<line class=\"leader\"") >= 3);
    free(html);
    curl_easy_cleanup(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_map__svg_shows_each_venue_and_place_with_its_count),
        cmocka_unit_test(test_web_map__upload_refused_unless_png_or_jpeg_within_bound),
        cmocka_unit_test(test_web_map__another_authoritys_officer_is_refused),
        cmocka_unit_test(test_web_map__street_record_corrected_with_a_reason_and_history_kept),
        cmocka_unit_test(test_web_map__labels_of_venues_metres_apart_never_overlap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
