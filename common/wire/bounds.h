/* bounds.h - the sizes of the text kiosk and server exchange, named once for both sides. */
#ifndef LNT_BOUNDS_H
#define LNT_BOUNDS_H

/*
 * Each is a number of bytes (UTF-8 for names), without the terminating NUL:
 * a field holding one is `char x[LNT_..._MAX + 1]`. The server refuses longer
 * text when it is registered, so whatever it sends fits a kiosk's copy whole.
 */
#define LNT_SCHEME_NAME_MAX 16 /* a scheme's code, 1-16 of A-Z 0-9 -: "WTN"; a badge's issuer */
#define LNT_STAFF_ID_MAX 16    /* a staff id as decimal text: a badge's subject, events' staff_id */
#define LNT_SIA_NUMBER_LEN 16  /* an SIA licence number: exactly 16 digits ("" when none) */
#define LNT_STAFF_NAME_MAX 80  /* a staff member's name in the register (badges carry 28 bytes) */
#define LNT_VENUE_NAME_MAX 80  /* a venue's name, as registered and as a kiosk shows it */
#define LNT_AREA_MAX 64        /* the area of town a venue is in: "Riverside" */

#endif
