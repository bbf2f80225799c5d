/* town.h - a small two-authority town written straight into a store, for the dashboard's tests. */
#ifndef LNT_TEST_TOWN_H
#define LNT_TEST_TOWN_H

#include <stdint.h>

#include "err.h"

#define TOWN_PASSWORD "correct horse battery staple"
#define TOWN_ADMIN "admin@north.example"
#define TOWN_OFFICER "officer@north.example"
#define TOWN_SOUTH "officer@south.example"
#define TOWN_MANAGER "manager@crown.example"
#define TOWN_SECRET_NOTE "<script>alert('x')</script> bar staff saw the drink touched"

struct town {
    int64_t crown, velvet, quay, anchor, haven; /* Northtown */
    int64_t south;                              /* Southvale */
    char sealed_report[40];                     /* an incident at The Crown with sealed details */
    int64_t letter;                             /* casework: a warning letter (PDF) to The Crown */
};

/*
 * Creates the database at `db`: venues in two licensing authorities, staff
 * with training, kiosks with six weeks of door shifts, incidents (one with
 * sealed details), stock, volunteer shifts, officer accounts for each role
 * (all with TOWN_PASSWORD). `now` is the clock the events are laid out from.
 */
enum lnt_err town_build(const char *db, int64_t now, struct town *out, char *err);

#endif
