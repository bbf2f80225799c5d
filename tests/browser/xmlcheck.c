/* xmlcheck.c - a small well-formedness checker for the dashboard's markup (tests only). */
#include "xmlcheck.h"

#include <stdio.h>
#include <string.h>

#define DEPTH_MAX 256
#define NAME_MAX_LEN 64

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.';
}

static bool fail(char *why, size_t size, size_t at, const char *what)
{
    snprintf(why, size, "at byte %zu: %s", at, what);
    return false;
}

/* Checks an entity starting at s[*i] == '&'; advances *i past it. */
static bool entity(const char *s, size_t *i)
{
    static const char *const named[] = {"&amp;",  "&lt;",  "&gt;",  "&quot;",
                                        "&apos;", "&#39;", "&#10;", "&nbsp;"};
    size_t j = *i + 1;

    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
        if (strncmp(s + *i, named[k], strlen(named[k])) == 0) {
            *i += strlen(named[k]);
            return true;
        }
    if (s[j] == '#') {
        j++;
        if (s[j] == 'x')
            j++;
        size_t start = j;
        while ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f') ||
               (s[j] >= 'A' && s[j] <= 'F'))
            j++;
        if (j > start && s[j] == ';') {
            *i = j + 1;
            return true;
        }
    }
    return false;
}

static bool utf8_ok(const char *s, char *why, size_t size)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (u[i] != 0) {
        size_t len = u[i] < 0x80                      ? 1
                     : (u[i] >= 0xc2 && u[i] <= 0xdf) ? 2
                     : (u[i] >= 0xe0 && u[i] <= 0xef) ? 3
                     : (u[i] >= 0xf0 && u[i] <= 0xf4) ? 4
                                                      : 0;
        if (len == 0)
            return fail(why, size, i, "invalid UTF-8 lead byte");
        for (size_t k = 1; k < len; k++)
            if ((u[i + k] & 0xc0) != 0x80)
                return fail(why, size, i, "truncated UTF-8 sequence");
        i += len;
    }
    return true;
}

bool lnt_xml_check(const char *s, char *why, size_t why_size)
{
    char stack[DEPTH_MAX][NAME_MAX_LEN];
    size_t depth = 0, i = 0;

    if (!utf8_ok(s, why, why_size))
        return false;
    while (s[i] != '\0') {
        if (s[i] == '&') {
            if (!entity(s, &i))
                return fail(why, why_size, i, "stray '&' in text");
            continue;
        }
        if (s[i] != '<') {
            i++;
            continue;
        }
        if (strncmp(s + i, "<!--", 4) == 0) {
            const char *e = strstr(s + i + 4, "-->");
            if (e == NULL)
                return fail(why, why_size, i, "unterminated comment");
            i = (size_t)(e - s) + 3;
            continue;
        }
        if (strncmp(s + i, "<!DOCTYPE", 9) == 0 || strncmp(s + i, "<?", 2) == 0) {
            const char *e = strchr(s + i, '>');
            if (e == NULL)
                return fail(why, why_size, i, "unterminated declaration");
            i = (size_t)(e - s) + 1;
            continue;
        }
        if (s[i + 1] == '/') {
            size_t j = i + 2, n;
            while (name_char(s[j]))
                j++;
            n = j - (i + 2);
            if (s[j] != '>')
                return fail(why, why_size, i, "malformed end tag");
            if (depth == 0)
                return fail(why, why_size, i, "end tag with nothing open");
            depth--;
            if (strlen(stack[depth]) != n || strncmp(stack[depth], s + i + 2, n) != 0) {
                char msg[2 * NAME_MAX_LEN + 32];
                snprintf(msg, sizeof msg, "</%.*s> closes <%.63s>",
                         (int)(n < NAME_MAX_LEN ? n : NAME_MAX_LEN), s + i + 2, stack[depth]);
                return fail(why, why_size, i, msg);
            }
            i = j + 1;
            continue;
        }
        /* start tag */
        {
            size_t j = i + 1, n;
            while (name_char(s[j]))
                j++;
            n = j - (i + 1);
            if (n == 0 || n >= NAME_MAX_LEN)
                return fail(why, why_size, i, "raw '<' in text or bad tag name");
            for (;;) {
                while (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r')
                    j++;
                if (s[j] == '>' || (s[j] == '/' && s[j + 1] == '>'))
                    break;
                if (!name_char(s[j]))
                    return fail(why, why_size, j, "bad attribute name");
                while (name_char(s[j]))
                    j++;
                if (s[j] != '=')
                    return fail(why, why_size, j, "attribute without a value");
                j++;
                if (s[j] != '"' && s[j] != '\'')
                    return fail(why, why_size, j, "unquoted attribute value");
                {
                    char q = s[j++];
                    while (s[j] != q) {
                        if (s[j] == '\0' || s[j] == '<')
                            return fail(why, why_size, j, "'<' or end inside attribute value");
                        if (s[j] == '&') {
                            if (!entity(s, &j))
                                return fail(why, why_size, j, "stray '&' in attribute value");
                            continue;
                        }
                        j++;
                    }
                    j++;
                }
            }
            if (s[j] == '/') {
                i = j + 2;
                continue;
            }
            if (depth == DEPTH_MAX)
                return fail(why, why_size, i, "nesting too deep");
            memcpy(stack[depth], s + i + 1, n);
            stack[depth][n] = '\0';
            depth++;
            i = j + 1;
            /* script and style bodies are raw text up to their end tag */
            if (strcmp(stack[depth - 1], "script") == 0 || strcmp(stack[depth - 1], "style") == 0) {
                char end[NAME_MAX_LEN + 4];
                const char *e;
                snprintf(end, sizeof end, "</%s>", stack[depth - 1]);
                e = strstr(s + i, end);
                if (e == NULL)
                    return fail(why, why_size, i, "unterminated script or style");
                i = (size_t)(e - s);
            }
        }
    }
    if (depth != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "<%s> never closed", stack[depth - 1]);
        return fail(why, why_size, i, msg);
    }
    return true;
}

size_t lnt_count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);

    if (len == 0)
        return 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle))
        n++;
    return n;
}
