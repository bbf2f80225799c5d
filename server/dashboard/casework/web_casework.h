/* web_casework.h - the dashboard's casework (private to lnt_web): the case file's casework
 * section and timeline, a record's history page, its forms, the overview's overdue action
 * items and the evidence pack's casework section. Reads and writes go through
 * store_casework.h; every change is audited there under the officer's name. */
#ifndef LNT_WEB_CASEWORK_H
#define LNT_WEB_CASEWORK_H

#include "../web_int.h"
#include "store_casework.h"

/* bytes of a casework form post: a letter's PDF, as large as the API takes, and the fields */
#define WEB_CW_UPLOAD_BODY_MAX (LNT_CW_PDF_MAX + 65536)

/*
 * Who may read and write casework: every role but a venue manager's, within its scope. A venue
 * hears of a letter by the letter itself; the partnership's notes and plans stay with it.
 */
bool web_can_casework(const struct web_req *r);

/* The case file's casework section (records, forms) and its timeline beside the incidents;
 * nothing for a venue manager (web_casework.c). */
void web_casework_section(struct web_req *r, const struct lnt_venue *v);
/* The overview's list of this officer's own action items past their due date, in scope. */
void web_casework_overdue(struct web_req *r);
/* The evidence pack's casework section (web_pdf.c draws it as "casework"); a line saying it is
 * not included for a venue manager. */
void web_casework_pack(struct web_req *r, const struct lnt_venue *v, struct web_pdf *p);

/* Pages (web_casework.c): a record's every version; a letter's attached PDF. */
void web_casework_history(struct web_req *r);
void web_casework_letter_pdf(struct web_req *r);
/* Forms (web_casework_form.c): record, edit, close. Record and edit come as
 * multipart/form-data: a letter's PDF in the file input "pdf", checked as the API checks it. */
void web_casework_add(struct web_req *r);
void web_casework_edit(struct web_req *r);
/* true for the paths of the record and edit forms, whose posts may carry a PDF (the body limit
 * WEB_CW_UPLOAD_BODY_MAX); thread-safe. */
bool web_casework_takes_pdf(const char *path);
/*
 * A page saying `message` ("Not saved") with the form of record *c again, as typed (c->id 0:
 * the form that records a new one), so that nothing but the file has to be given again;
 * status `status` (web_casework.c).
 */
void web_casework_again(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *c,
                        int status, const char *message);
void web_casework_close(struct web_req *r);

/* ---- score changes beside the casework (web_casework_score.c) ---- */

#define WEB_SCORE_CHANGES_MAX 30 /* score changes on the timeline and in the pack */
/* One score change in words: "Band Amber → Red, 61 risk points"; a venue's first row ends
 * "first recorded". Always NUL-terminated. */
void web_score_change_words(const struct lnt_score_change *c, char *out, size_t size);
/* The case file as at the night of the change: "/venues/3?at=2026-11-27". */
void web_score_change_href(const struct lnt_score_change *c, char *out, size_t size);
/* The evidence pack's score changes up to the pack's date (r->now), newest first. */
void web_score_changes_pack(struct web_req *r, const struct lnt_venue *v, struct web_pdf *p);

/* The words for a type, a visit's or letter's kind, an item's status ("Police visit"). */
const char *web_casework_words(const char *code);

#endif
