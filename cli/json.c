/*
 * json.c - the strict pull reader of json.h. The text is never changed and
 * never read past its end; a position becomes LINE:COL only when an error is
 * reported, by counting the newlines before it.
 */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json_reader *r, const char *name, const char *text, size_t len)
{
    r->name = name;
    r->text = r->p = text;
    r->end = text + len;
    r->err[0] = '\0';
}

int json_fail(struct json_reader *r, const char *at, const char *fmt, ...)
{
    if (r->err[0])
        return -1;
    if (!at)
        at = r->p;
    unsigned long line = 1;
    const char *bol = r->text;
    for (const char *q = r->text; q < at; q++)
        if (*q == '\n') {
            line++;
            bol = q + 1;
        }
    int n = snprintf(r->err, sizeof r->err, "%s:%lu:%lu: ", r->name, line,
                     (unsigned long)(at - bol) + 1);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof r->err)
        vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* What is at `at`, for a message: "'x'", "byte 0x07", or the end. */
static const char *found(const struct json_reader *r, const char *at, char *buf, size_t len)
{
    if (at >= r->end)
        return "the end of the file (truncated?)";
    unsigned char c = (unsigned char)*at;
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "byte 0x%02x", c);
    return buf;
}

const char *json_here(struct json_reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
    return r->p;
}

/* Fails with "expected WHAT, found ..." at the reader's position. */
static int expected(struct json_reader *r, const char *what)
{
    char b[16];
    return json_fail(r, NULL, "expected %s, found %s", what, found(r, r->p, b, sizeof b));
}

int json_open(struct json_reader *r, char bracket, const char *what)
{
    char want[128];
    if (r->err[0])
        return -1;
    json_here(r);
    if (r->p >= r->end || *r->p != bracket) {
        snprintf(want, sizeof want, "%s ('%c')", what, bracket);
        return expected(r, want);
    }
    r->p++;
    json_here(r);
    if (r->p < r->end && *r->p == (bracket == '{' ? '}' : ']')) {
        r->p++;
        return 0;
    }
    return 1;
}

int json_more(struct json_reader *r, char bracket)
{
    char close = bracket == '{' ? '}' : ']';
    if (r->err[0])
        return -1;
    json_here(r);
    if (r->p < r->end && (*r->p == ',' || *r->p == close))
        return *r->p++ == ',';
    return expected(r, close == '}' ? "',' or '}'" : "',' or ']'");
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/* A \uXXXX escape at r->p (just past the 'u'), with its pair if it is a
 * high surrogate, into *cp. */
static int unicode_escape(struct json_reader *r, const char *esc, unsigned *cp)
{
    unsigned lo;
    if (r->end - r->p < 4 || hex4(r->p, cp) < 0)
        return json_fail(r, esc, "expected four hex digits after \\u");
    r->p += 4;
    if (*cp >= 0xdc00 && *cp <= 0xdfff)
        return json_fail(r, esc, "a lone low surrogate \\u%04x", *cp);
    if (*cp >= 0xd800 && *cp <= 0xdbff) {
        if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || hex4(r->p + 2, &lo) < 0 ||
            lo < 0xdc00 || lo > 0xdfff)
            return json_fail(r, esc, "a high surrogate \\u%04x without its low half", *cp);
        r->p += 6;
        *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (*cp == 0)
        return json_fail(r, esc, "\\u0000 in a string (strings here hold no NUL)");
    return 0;
}

int json_string(struct json_reader *r, char *buf, size_t cap, size_t *len, const char *what)
{
    char want[128];
    size_t n = 0;
    if (r->err[0])
        return -1;
    const char *start = json_here(r);
    if (r->p >= r->end || *r->p != '"') {
        snprintf(want, sizeof want, "%s, a string", what);
        return expected(r, want);
    }
    r->p++;
    for (;;) {
        char out[4];
        size_t k = 1;
        if (r->p >= r->end)
            return json_fail(r, start,
                             "%s: the string that opens here is not closed before the end of the "
                             "file (truncated?)",
                             what);
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            break;
        }
        if (c < 0x20)
            return json_fail(r, r->p,
                             "a control character (byte 0x%02x) inside a string; JSON "
                             "writes it as \\u%04x",
                             c, c);
        if (c != '\\') {
            out[0] = (char)c;
            r->p++;
        } else {
            const char *esc = r->p;
            unsigned cp;
            if (r->end - r->p < 2)
                return json_fail(r, r->end, "the string ends inside an escape (truncated?)");
            r->p += 2;
            switch (esc[1]) {
            case '"':
            case '\\':
            case '/':
                out[0] = esc[1];
                break;
            case 'b':
                out[0] = '\b';
                break;
            case 'f':
                out[0] = '\f';
                break;
            case 'n':
                out[0] = '\n';
                break;
            case 'r':
                out[0] = '\r';
                break;
            case 't':
                out[0] = '\t';
                break;
            case 'u':
                if (unicode_escape(r, esc, &cp) < 0)
                    return -1;
                if (cp < 0x80) {
                    out[0] = (char)cp;
                } else if (cp < 0x800) {
                    out[0] = (char)(0xc0 | cp >> 6);
                    out[1] = (char)(0x80 | (cp & 0x3f));
                    k = 2;
                } else if (cp < 0x10000) {
                    out[0] = (char)(0xe0 | cp >> 12);
                    out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
                    out[2] = (char)(0x80 | (cp & 0x3f));
                    k = 3;
                } else {
                    out[0] = (char)(0xf0 | cp >> 18);
                    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
                    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
                    out[3] = (char)(0x80 | (cp & 0x3f));
                    k = 4;
                }
                break;
            default:
                return json_fail(r, esc, "unknown escape '\\%c' in a string",
                                 esc[1] > 0x20 && esc[1] < 0x7f ? esc[1] : '?');
            }
        }
        if (n + k >= cap)
            return json_fail(r, start, "%s is longer than %zu bytes", what, cap - 1);
        memcpy(buf + n, out, k);
        n += k;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return 0;
}

int json_key(struct json_reader *r, char *key, size_t cap)
{
    if (json_string(r, key, cap, NULL, "a key") < 0)
        return -1;
    json_here(r);
    if (r->p >= r->end || *r->p != ':')
        return expected(r, "':' after the key");
    r->p++;
    return 0;
}

/* Scans a number's grammar at r->p: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * Sets *whole when it has no sign, fraction or exponent. */
static int scan_number(struct json_reader *r, const char *what, bool *whole)
{
    char want[128];
    const char *s = r->p, *e = r->end;
    *whole = true;
    if (s < e && *s == '-') {
        s++;
        *whole = false;
    }
    if (s >= e || *s < '0' || *s > '9') {
        snprintf(want, sizeof want, "%s, a number", what);
        return expected(r, want);
    }
    if (*s == '0' && s + 1 < e && s[1] >= '0' && s[1] <= '9')
        return json_fail(r, r->p, "%s: a number may not start with 0", what);
    while (s < e && *s >= '0' && *s <= '9')
        s++;
    if (s < e && *s == '.') {
        *whole = false;
        if (++s >= e || *s < '0' || *s > '9')
            return json_fail(r, s, "%s: expected a digit after the decimal point", what);
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    }
    if (s < e && (*s == 'e' || *s == 'E')) {
        *whole = false;
        if (++s < e && (*s == '+' || *s == '-'))
            s++;
        if (s >= e || *s < '0' || *s > '9')
            return json_fail(r, s, "%s: expected a digit in the exponent", what);
        while (s < e && *s >= '0' && *s <= '9')
            s++;
    }
    r->p = s;
    return 0;
}

int json_number(struct json_reader *r, const char *what)
{
    bool whole;
    if (r->err[0])
        return -1;
    json_here(r);
    return scan_number(r, what, &whole);
}

int json_u64(struct json_reader *r, uint64_t *v, const char *what)
{
    bool whole;
    if (r->err[0])
        return -1;
    const char *at = json_here(r);
    if (scan_number(r, what, &whole) < 0)
        return -1;
    if (!whole)
        return json_fail(r, at, "%s: expected a whole number, found %.*s", what,
                         (int)(r->p - at < 40 ? r->p - at : 40), at);
    uint64_t x = 0;
    for (const char *s = at; s < r->p; s++) {
        if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return json_fail(r, at, "%s: %.*s is too large", what, (int)(r->p - at), at);
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return 0;
}

int json_bool(struct json_reader *r, bool *v, const char *what)
{
    char want[128];
    if (r->err[0])
        return -1;
    json_here(r);
    size_t left = (size_t)(r->end - r->p);
    if (left >= 4 && memcmp(r->p, "true", 4) == 0) {
        *v = true;
        r->p += 4;
    } else if (left >= 5 && memcmp(r->p, "false", 5) == 0) {
        *v = false;
        r->p += 5;
    } else {
        snprintf(want, sizeof want, "%s, true or false", what);
        return expected(r, want);
    }
    return 0;
}

int json_end(struct json_reader *r)
{
    char b[16];
    if (r->err[0])
        return -1;
    json_here(r);
    if (r->p < r->end)
        return json_fail(r, NULL, "%s after the end of the JSON value",
                         found(r, r->p, b, sizeof b));
    return 0;
}
