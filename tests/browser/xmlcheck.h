/* xmlcheck.h - a small well-formedness checker for the markup the dashboard writes (tests only). */
#ifndef LNT_XMLCHECK_H
#define LNT_XMLCHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * true when `s` is well-formed XML-style markup: every element closed in
 * order (or self-closed), attributes quoted, no raw '<' or stray '&' in text
 * or values, only known entities, valid UTF-8. A leading <!DOCTYPE ...> and
 * comments are allowed. On false, `why` (of `why_size` bytes) names the first
 * problem and its byte offset.
 */
bool lnt_xml_check(const char *s, char *why, size_t why_size);

/* How many times `needle` occurs in `hay` (overlapping not counted). */
size_t lnt_count(const char *hay, const char *needle);

#endif
