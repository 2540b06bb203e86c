/*
 * text.c - the text trace formats: pages (a stream of page numbers) and the
 * line formats addr, lackey and vmm (docs/formats.md gives their syntax).
 *
 * The scanners are hand-written loops over the block buffer. No line is ever
 * copied or needed whole: a pages trace may be one line of a billion numbers,
 * and its position is tracked as it goes (line, and the stream offset where the
 * line began, so a column is offset - line_start + 1).
 *
 * The look-ahead rule keeps the token parsers free of buffer checks: before a
 * token starts, at least TRACE_WINDOW (512) bytes are buffered, or the stream's
 * end is. A number may have at most TOKEN_MAX (64) digits, leading zeros
 * included, so a valid token always lies inside the window, and a token parser
 * runs to the sentinel NUL at worst and never refills. The limit is the same
 * wherever the token falls in the buffer. White space and comments may be of
 * any length and are skipped with refills.
 *
 * References that cross a page boundary (lackey, vmm) and lackey's M (a load
 * then a store) become several references; tr->pend carries the rest over to
 * the next read when the caller's array fills up.
 */
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

#define W         TRACE_WINDOW
#define TOKEN_MAX 64 /* digits a number may have, leading zeros included (< W) */

/* Character classes of the scanners. */
enum {
    C_DIGIT = 1, /* 0-9 */
    C_HEX = 2,   /* 0-9 a-f A-F */
    C_BLANK = 4, /* white space within a line: space, tab, CR, VT, FF */
    C_NL = 8,    /* newline */
    C_COMMA = 16 /* ',' */
};

#define D (C_DIGIT | C_HEX)
static const uint8_t cls[256] = {
    ['0'] = D,        ['1'] = D,        ['2'] = D,       ['3'] = D,        ['4'] = D,
    ['5'] = D,        ['6'] = D,        ['7'] = D,       ['8'] = D,        ['9'] = D,
    ['a'] = C_HEX,    ['b'] = C_HEX,    ['c'] = C_HEX,   ['d'] = C_HEX,    ['e'] = C_HEX,
    ['f'] = C_HEX,    ['A'] = C_HEX,    ['B'] = C_HEX,   ['C'] = C_HEX,    ['D'] = C_HEX,
    ['E'] = C_HEX,    ['F'] = C_HEX,    [' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK,
    ['\v'] = C_BLANK, ['\f'] = C_BLANK, ['\n'] = C_NL,   [','] = C_COMMA,
};
#undef D

/* The value of a hex digit (any case). */
static inline unsigned hexval(unsigned c)
{
    return (c & 0xfu) + (c >> 6) * 9u;
}

static inline uint64_t offset_of(const struct vmm_trace *tr, const uint8_t *p)
{
    return tr->base + (uint64_t)(p - tr->buf);
}

/* A newline was consumed; p is the first byte of the next line. */
static inline void newline(struct vmm_trace *tr, const uint8_t *p)
{
    tr->line++;
    tr->line_start = offset_of(tr, p);
}

static inline const uint8_t *buf_end(const struct vmm_trace *tr)
{
    return tr->buf + tr->len;
}

/* Records an error at stream offset off: "name:line:col: text" (the line is
 * the current one). Returns code. */
static int vfail_off(struct vmm_trace *tr, uint64_t off, int code, const char *fmt, va_list ap)
{
    char what[400];
    vsnprintf(what, sizeof what, fmt, ap);
    unsigned long long col = (unsigned long long)(off - tr->line_start) + 1;
    return trace_fail(tr, code, false, "%s:%llu:%llu: %s", tr->name, (unsigned long long)tr->line,
                      col, what);
}

__attribute__((format(printf, 4, 5))) static int fail_off(struct vmm_trace *tr, uint64_t off,
                                                          int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_off(tr, off, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* Records an error at p. Returns code. */
__attribute__((format(printf, 4, 5))) static int fail_at(struct vmm_trace *tr, const uint8_t *p,
                                                         int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail_off(tr, offset_of(tr, p), code, fmt, ap);
    va_end(ap);
    return rc;
}

/* Records "expected <what>, found <the byte at p>" (or the NUL error). */
__attribute__((format(printf, 3, 4))) static int unexpected(struct vmm_trace *tr, const uint8_t *p,
                                                            const char *fmt, ...)
{
    if (p < buf_end(tr) && *p == 0)
        return fail_at(tr, p, VMM_EPARSE, "NUL byte in a text trace");
    char exp[200], got[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(exp, sizeof exp, fmt, ap);
    va_end(ap);
    if (p >= buf_end(tr))
        snprintf(got, sizeof got, "the end of the file");
    else if (*p == '\n')
        snprintf(got, sizeof got, "the end of the line");
    else if (*p == ' ')
        snprintf(got, sizeof got, "a space");
    else if (*p == '\t')
        snprintf(got, sizeof got, "a tab");
    else if (*p > 0x20 && *p < 0x7f)
        snprintf(got, sizeof got, "'%c'", *p);
    else
        snprintf(got, sizeof got, "byte 0x%02x", *p);
    return fail_at(tr, p, VMM_EPARSE, "expected %s, found %s", exp, got);
}

/* Records "<what> <token> is too large<why>" for the token [s, e), or "is
 * too long" when it has more than TOKEN_MAX characters. */
static int too_large(struct vmm_trace *tr, const uint8_t *s, const uint8_t *e, const char *what,
                     const char *why)
{
    int len = e - s > 40 ? 40 : (int)(e - s);
    if (e - s > TOKEN_MAX)
        return fail_at(tr, s, VMM_ERANGE, "%s %.*s... is too long (more than %d characters)", what,
                       len, (const char *)s, TOKEN_MAX);
    return fail_at(tr, s, VMM_ERANGE, "%s %.*s%s is too large%s", what, len, (const char *)s,
                   e - s > 40 ? "..." : "", why);
}

/* Parses decimal digits at p (the caller saw at least one). Sets *endp past
 * them and *out to the value. Returns 0, or VMM_ERANGE beyond 64 bits or
 * TOKEN_MAX digits (a limit that keeps tokens within the look-ahead window). */
static inline int parse_dec(const uint8_t *p, const uint8_t **endp, uint64_t *out)
{
    const uint8_t *s = p;
    uint64_t v = 0;
    unsigned d;
    int rc = 0;
    /* 19 digits cannot overflow; only longer numbers pay for the check. */
    while ((d = (unsigned)*p - '0') < 10 && p - s < 19) {
        v = v * 10 + d;
        p++;
    }
    while ((d = (unsigned)*p - '0') < 10) {
        if (v > (UINT64_MAX - d) / 10)
            rc = VMM_ERANGE;
        v = v * 10 + d;
        p++;
    }
    *endp = p;
    *out = v;
    return p - s > TOKEN_MAX ? VMM_ERANGE : rc;
}

/* Parses hex digits at p (no prefix). Sets *endp past them and *out to the
 * value. Returns 0, VMM_EPARSE if there is no digit, or VMM_ERANGE for more
 * than 16 significant digits or TOKEN_MAX digits in all. */
static inline int parse_hex(const uint8_t *p, const uint8_t **endp, uint64_t *out)
{
    const uint8_t *s = p;
    while (*p == '0')
        p++;
    const uint8_t *sig = p;
    uint64_t v = 0;
    while (cls[*p] & C_HEX) {
        v = (v << 4) | hexval(*p);
        p++;
    }
    *endp = p;
    *out = v;
    if (p == s)
        return VMM_EPARSE;
    return p - sig > 16 || p - s > TOKEN_MAX ? VMM_ERANGE : 0;
}

/* Refills keeping the bytes from p on. Returns the new p, NULL on error. */
static const uint8_t *more(struct vmm_trace *tr, const uint8_t *p)
{
    tr->pos = (size_t)(p - tr->buf);
    if (trace_refill(tr) < 0)
        return NULL;
    return tr->buf + tr->pos;
}

/* Skips a comment from p (its '#', or a lackey "==" line) to the newline,
 * which is left for the caller. Returns the cursor at the newline or at the
 * end of the stream, or NULL on error (a NUL byte, a read error). */
static const uint8_t *skip_comment(struct vmm_trace *tr, const uint8_t *p)
{
    for (;;) {
        while (*p != '\n' && *p != 0)
            p++;
        if (*p == '\n')
            return p;
        if (p < buf_end(tr)) {
            unexpected(tr, p, "text");
            return NULL;
        }
        if (tr->eof)
            return p;
        p = more(tr, p);
        if (!p)
            return NULL;
    }
}

/* ---- pages ------------------------------------------------------------------- */

size_t trace_read_pages(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    const unsigned shift = tr->shift;
    const uint64_t limit = tr->max_addr >> shift; /* largest page number with an address */
    const uint8_t *p = tr->buf + tr->pos, *end = buf_end(tr);
    size_t n = 0;

    while (n < max) {
        unsigned c = *p;
        if (cls[c] & (C_BLANK | C_COMMA)) {
            p++;
            continue;
        }
        if (c == '\n') {
            p++;
            newline(tr, p);
            continue;
        }
        if ((size_t)(end - p) < W && !tr->eof) {
            if (!(p = more(tr, p)))
                return n;
            end = buf_end(tr);
            continue;
        }
        if (p == end)
            break;
        if (c - '0' < 10) {
            const uint8_t *q;
            uint64_t v;
            int rc;
            if (c == '0' && (p[1] | 0x20) == 'x') {
                rc = parse_hex(p + 2, &q, &v);
                if (rc == VMM_EPARSE) {
                    unexpected(tr, p + 2, "hex digits after '0x'");
                    return n;
                }
            } else {
                rc = parse_dec(p, &q, &v);
            }
            if (rc == VMM_ERANGE) {
                too_large(tr, p, q, "number", "");
                return n;
            }
            if (!(cls[*q] & (C_BLANK | C_COMMA | C_NL)) && *q != '#' && q != end) {
                unexpected(tr, q, "',' or white space after the page number");
                return n;
            }
            if (v > limit && tr->va_bits < 64) {
                trace_beyond(tr, v << shift, offset_of(tr, p), true);
                return n;
            }
            if (v > limit) {
                fail_at(tr, p, VMM_ERANGE,
                        "page number %llu is too large for %llu-byte pages (its address "
                        "exceeds 64 bits)",
                        (unsigned long long)v, (unsigned long long)tr->page_size);
                return n;
            }
            refs[n].addr = v << shift;
            refs[n].pid = 1;
            refs[n].size = 1;
            refs[n].op = VMM_READ;
            n++;
            p = q;
            continue;
        }
        if (c == '#') {
            if (!(p = skip_comment(tr, p)))
                return n;
            end = buf_end(tr);
            continue;
        }
        unexpected(tr, p, "a page number");
        return n;
    }
    tr->pos = (size_t)(p - tr->buf);
    return n;
}

/* ---- the line formats ------------------------------------------------------------ */

/* One record of a line format, before splitting at page boundaries. */
struct rec {
    uint64_t addr;   /* first byte */
    uint32_t size;   /* bytes, 1 .. 65535 */
    uint32_t pid;    /* issuing process */
    uint8_t op;      /* enum vmm_op */
    bool then_write; /* lackey M: the same bytes are written after the read */
};

/* Skips blanks within a line and re-establishes the window. Returns the
 * cursor, or NULL on a read error. */
static const uint8_t *blanks(struct vmm_trace *tr, const uint8_t *p)
{
    for (;;) {
        while (cls[*p] & C_BLANK)
            p++;
        if ((size_t)(buf_end(tr) - p) >= W || tr->eof)
            return p;
        if (!(p = more(tr, p)))
            return NULL;
    }
}

/* Moves to the first byte of the next record line, past blank lines, comments
 * and, for lackey, valgrind's own "==pid==" and "--pid--" lines. Returns the
 * cursor with the window buffered, or NULL at the end (tr->pos saved, err 0)
 * or on error. */
static const uint8_t *next_record(struct vmm_trace *tr, const uint8_t *p)
{
    for (;;) {
        unsigned c = *p;
        if (cls[c] & C_BLANK) {
            p++;
            continue;
        }
        if (c == '\n') {
            p++;
            newline(tr, p);
            continue;
        }
        if ((size_t)(buf_end(tr) - p) < W && !tr->eof) {
            if (!(p = more(tr, p)))
                return NULL;
            continue;
        }
        if (p == buf_end(tr)) {
            tr->pos = (size_t)(p - tr->buf);
            return NULL;
        }
        if (c == '#' || (tr->fmt == VMM_FMT_LACKEY && (c == '=' || c == '-') && p[1] == c)) {
            if (!(p = skip_comment(tr, p)))
                return NULL;
            continue;
        }
        return p;
    }
}

/* Expects the rest of a record's line to be blanks and perhaps a comment, and
 * consumes its newline. after names the last field, for the message. Returns
 * the cursor at the next line, or NULL on error. */
static const uint8_t *line_end(struct vmm_trace *tr, const uint8_t *p, const char *after)
{
    if (!(p = blanks(tr, p)))
        return NULL;
    if (*p == '#' && !(p = skip_comment(tr, p)))
        return NULL;
    if (*p == '\n') {
        p++;
        newline(tr, p);
        return p;
    }
    if (p == buf_end(tr)) /* blanks() and skip_comment() stop here only at eof */
        return p;
    unexpected(tr, p, "the end of the line after %s", after);
    return NULL;
}

/* Parses a hex address (optional 0x) at p into *addr. Returns the cursor past
 * it, or NULL on error. */
static const uint8_t *address(struct vmm_trace *tr, const uint8_t *p, uint64_t *addr,
                              const char *where)
{
    const uint8_t *s = p, *q;
    if (p[0] == '0' && (p[1] | 0x20) == 'x' && (cls[p[2]] & C_HEX))
        p += 2;
    int rc = parse_hex(p, &q, addr);
    if (rc == VMM_EPARSE) {
        unexpected(tr, p, "a hex address %s", where);
        return NULL;
    }
    if (rc == VMM_ERANGE) {
        too_large(tr, s, q, "address", " (more than 16 hex digits)");
        return NULL;
    }
    return q;
}

/* Parses a decimal field in [lo, hi] at p, named what. Returns the cursor past
 * it, or NULL on error. */
static const uint8_t *dec_field(struct vmm_trace *tr, const uint8_t *p, uint64_t lo, uint64_t hi,
                                const char *what, uint64_t *out)
{
    const uint8_t *q;
    if ((unsigned)*p - '0' >= 10) {
        unexpected(tr, p, "%s (a decimal number)", what);
        return NULL;
    }
    int rc = parse_dec(p, &q, out);
    if (rc == VMM_ERANGE || *out < lo || *out > hi) {
        int len = q - p > 40 ? 40 : (int)(q - p);
        fail_at(tr, p, VMM_ERANGE, "%s %.*s%s is out of range %llu..%llu", what, len,
                (const char *)p, q - p > 40 ? "..." : "", (unsigned long long)lo,
                (unsigned long long)hi);
        return NULL;
    }
    return q;
}

/* Requires white space at p after the field named after; skips it. */
static const uint8_t *gap(struct vmm_trace *tr, const uint8_t *p, const char *after)
{
    if (!(cls[*p] & C_BLANK)) {
        unexpected(tr, p, "white space after %s", after);
        return NULL;
    }
    return blanks(tr, p);
}

/* Requires [addr, addr + size) to lie within the 64-bit address space; off
 * is where the address was written. */
static bool span_ok(struct vmm_trace *tr, const struct rec *r, uint64_t off)
{
    if (r->addr > tr->max_addr || (r->size - 1 > tr->max_addr - r->addr && tr->va_bits < 64)) {
        trace_beyond(tr, r->addr, off, true);
        return false;
    }
    if (r->size - 1 <= UINT64_MAX - r->addr)
        return true;
    fail_off(tr, off, VMM_ERANGE,
             "the access at 0x%llx of %u bytes runs past the top of the 64-bit address space",
             (unsigned long long)r->addr, r->size);
    return false;
}

/* addr: "<hex address> R|W". */
static const uint8_t *parse_addr(struct vmm_trace *tr, const uint8_t *p, struct rec *r)
{
    uint64_t at = offset_of(tr, p);
    r->size = 1;
    if (!(p = address(tr, p, &r->addr, "at the start of the line")) || !span_ok(tr, r, at) ||
        !(p = gap(tr, p, "the address")))
        return NULL;
    switch (*p | 0x20) {
    case 'r':
        r->op = VMM_READ;
        break;
    case 'w':
        r->op = VMM_WRITE;
        break;
    default:
        unexpected(tr, p, "R or W after the address");
        return NULL;
    }
    r->size = 1;
    r->pid = 1;
    return line_end(tr, p + 1, "the operation");
}

/* lackey: "I  addr,size", " L addr,size", " S addr,size", " M addr,size". */
static const uint8_t *parse_lackey(struct vmm_trace *tr, const uint8_t *p, struct rec *r)
{
    uint64_t size;
    r->then_write = false;
    switch (*p) {
    case 'I':
        r->op = VMM_EXEC;
        break;
    case 'L':
        r->op = VMM_READ;
        break;
    case 'S':
        r->op = VMM_WRITE;
        break;
    case 'M':
        r->op = VMM_READ;
        r->then_write = true;
        break;
    default:
        unexpected(tr, p, "I, L, S or M (a lackey record)");
        return NULL;
    }
    if (!(p = gap(tr, p + 1, "the operation")))
        return NULL;
    uint64_t at = offset_of(tr, p);
    if (!(p = address(tr, p, &r->addr, "after the operation")) || !(p = blanks(tr, p)))
        return NULL;
    if (*p != ',') {
        unexpected(tr, p, "',' after the address");
        return NULL;
    }
    if (!(p = blanks(tr, p + 1)) || !(p = dec_field(tr, p, 1, UINT16_MAX, "size", &size)))
        return NULL;
    r->size = (uint32_t)size;
    r->pid = 1;
    if (!span_ok(tr, r, at))
        return NULL;
    return line_end(tr, p, "the size");
}

/* vmm: "<pid> R|W|X <hex address> [size]". */
static const uint8_t *parse_vmm(struct vmm_trace *tr, const uint8_t *p, struct rec *r)
{
    uint64_t pid, size = 1;
    if (!(p = dec_field(tr, p, 1, VMM_PID_MAX, "pid", &pid)) || !(p = gap(tr, p, "the pid")))
        return NULL;
    switch (*p | 0x20) {
    case 'r':
        r->op = VMM_READ;
        break;
    case 'w':
        r->op = VMM_WRITE;
        break;
    case 'x':
        r->op = VMM_EXEC;
        break;
    default:
        unexpected(tr, p, "R, W or X after the pid");
        return NULL;
    }
    if (!(p = gap(tr, p + 1, "the operation")))
        return NULL;
    uint64_t at = offset_of(tr, p);
    if (!(p = address(tr, p, &r->addr, "after the operation")))
        return NULL;
    const char *last = "the address";
    if (cls[*p] & C_BLANK) {
        if (!(p = blanks(tr, p)))
            return NULL;
        if ((unsigned)*p - '0' < 10) {
            if (!(p = dec_field(tr, p, 1, UINT16_MAX, "size", &size)))
                return NULL;
            last = "the size";
        }
    }
    r->size = (uint32_t)size;
    r->pid = (uint32_t)pid;
    r->then_write = false;
    if (!span_ok(tr, r, at))
        return NULL;
    return line_end(tr, p, last);
}

/* Emits pieces of the pending reference into refs, at most max. Returns how
 * many. Each piece lies within one page. */
size_t trace_flush_pending(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    struct trace_pending *pd = &tr->pend;
    const uint64_t mask = tr->page_size - 1;
    size_t n = 0;
    while (n < max && pd->left) {
        uint64_t room = tr->page_size - (pd->addr & mask);
        uint32_t piece = pd->left < room ? pd->left : (uint32_t)room;
        refs[n].addr = pd->addr;
        refs[n].pid = pd->pid;
        refs[n].size = (uint16_t)piece;
        refs[n].op = pd->op;
        n++;
        pd->addr += piece;
        pd->left -= piece;
        if (pd->left == 0 && pd->then_write) {
            pd->then_write = false;
            pd->addr = pd->start;
            pd->left = pd->size;
            pd->op = VMM_WRITE;
        }
    }
    return n;
}

size_t trace_read_lines(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    const uint64_t mask = tr->page_size - 1;
    size_t n = trace_flush_pending(tr, refs, max);
    const uint8_t *p = tr->buf + tr->pos;

    while (n < max) {
        struct rec r;
        if (!(p = next_record(tr, p)))
            return n;
        switch (tr->fmt) {
        case VMM_FMT_ADDR:
            r.then_write = false;
            p = parse_addr(tr, p, &r);
            break;
        case VMM_FMT_LACKEY:
            p = parse_lackey(tr, p, &r);
            break;
        default:
            p = parse_vmm(tr, p, &r);
            break;
        }
        if (!p)
            return n;
        if ((r.addr & mask) + r.size <= tr->page_size && !r.then_write) {
            refs[n].addr = r.addr;
            refs[n].pid = r.pid;
            refs[n].size = (uint16_t)r.size;
            refs[n].op = r.op;
            n++;
            continue;
        }
        tr->pend = (struct trace_pending){.addr = r.addr,
                                          .left = r.size,
                                          .pid = r.pid,
                                          .op = r.op,
                                          .then_write = r.then_write,
                                          .start = r.addr,
                                          .size = r.size};
        n += trace_flush_pending(tr, refs + n, max - n);
    }
    tr->pos = (size_t)(p - tr->buf);
    return n;
}
