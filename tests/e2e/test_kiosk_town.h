/* test_kiosk_town.h - a small town for the kiosk's end-to-end suites: lanternctl sets it up,
 * lanternd runs on 127.0.0.1, lantern-kiosk plays replay scripts against it. */
#ifndef LNT_TEST_KIOSK_TOWN_H
#define LNT_TEST_KIOSK_TOWN_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "support.h"

struct town {
    char *dir;
    char *db;
    char *kiosk_data;
    char *log;
    char url[64];
    char code[32];
    char staff[5][16]; /* door, bar, manager, volunteer, second door supervisor */
    pid_t server;
};

enum { DOOR = 0, BAR, MANAGER, VOLUNTEER, DOOR2 };

/* Scheme WTN, The Crown, five staff with badges (door.png, bar.png, manager.png, volunteer.png,
 * door2.png), the enrolment QR (enrol.png) and a QR that is no badge (random.png) in t->dir. */
struct town *town_new(void);
void town_free(struct town *t);
void town_start_server(struct town *t);
/* The same with more lanternd options (NULL-terminated; at most 32). */
void town_start_server_with(struct town *t, const char *const *extra);
void town_stop_server(struct town *t);

/* Writes `script` to DIR/name and runs lantern-kiosk --headless --replay on it (enrolling with
 * the code when `enrol`). Returns the exit status; output in *r (release it). */
int town_replay(struct town *t, const char *name, const char *script, bool enrol, int timeout_s,
                struct lnt_proc_result *r);

/* cmocka group fixtures: a town with its server running in *state; and freeing it. */
int town_setup(void **state);
int town_teardown(void **state);

/* town_replay of `script`, failing the test with the kiosk's words unless it exits 0. */
void town_play(struct town *t, const char *script, bool enrol);
/* The same on the enrolled kiosk with the shortest idle time (5 s), as one left alone. */
void town_play_idle(struct town *t, const char *script);

/* lanternctl --db DB --json ARGS... with `input` (or nothing) on standard input; asserts exit
 * 0; returns its JSON (the caller decrefs). */
json_t *town_ctl(struct town *t, const char *input, const char *const *args);

/* Member `key` of an event, failing the test when it is missing or of another type. */
const char *town_str(json_t *ev, const char *key);
json_int_t town_num(json_t *ev, const char *key);

/* Every stored event as the kiosk sent it, oldest first (a JSON array; decref it). */
json_t *town_events(struct town *t);
/* The stored events of `type`, in order (a new array; decref it). */
json_t *town_events_of(struct town *t, const char *type);

#endif
