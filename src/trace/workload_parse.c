/*
 * workload_parse.c - the workload language's reader: a lexer, a statement
 * parser driven by tables, vmm_workload_load/parse/settings/free.
 *
 * Lexing. A script is lines; '#' starts a comment to the end of the line;
 * spaces and tabs separate tokens. '{', '}' and ';' are tokens of their own
 * wherever they appear, and ';' ends a statement as a newline does, so
 *
 *     repeat 3 { P1 read data+0 ; P1 write heap+0 }
 *
 * is two statements in a block on one line. Columns count bytes from 1 (a
 * tab is one column). A '"' starts a byte string that runs to the next
 * unescaped '"' on the same line: "a b # c" is one token, with the escapes
 * \\ \" \n \t \r \0 \xHH; a '"' also ends a word before it.
 *
 * Parsing. A statement is a keyword (or a process name P<n>) followed by the
 * words up to the end of the statement. The keyword picks a row of `keywords`
 * (settings such as frames, sched or quantum; program, spawn, exit, repeat,
 * fork, exec, mmap, munmap, msync);
 * a process name picks a row of `actions` (read, write, check, brk, trace,
 * pattern) by the word after it. key=value arguments are
 * read by one function from a table per statement (`keyspec`). Adding a
 * statement is adding a row and its function; nothing else changes.
 *
 * Every error is "NAME:LINE:COL: what was found; what was expected", the
 * column pointing at the offending token (or at the end of the line when
 * something is missing). The first error ends the parse.
 */
#include "internal.h"
#include "trace/workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

const struct wl_region_kind wl_regions[WR__COUNT] = {
    [WR_TEXT] = {"text", VMM_PROT_READ | VMM_PROT_EXEC},
    [WR_DATA] = {"data", VMM_PROT_READ | VMM_PROT_WRITE},
    [WR_BSS] = {"bss", VMM_PROT_READ | VMM_PROT_WRITE},
    [WR_HEAP] = {"heap", VMM_PROT_READ | VMM_PROT_WRITE},
    [WR_STACK] = {"stack", VMM_PROT_READ | VMM_PROT_WRITE},
};

/* ---- the lexer ------------------------------------------------------------- */

enum tok_kind {
    TK_WORD,   /* anything else, up to a separator */
    TK_STRING, /* "bytes", quotes and escapes as written (string_bytes decodes it) */
    TK_LBRACE, /* '{' */
    TK_RBRACE, /* '}' */
    TK_END,    /* a newline or ';': the end of a statement */
    TK_EOF,    /* the end of the text */
    TK_BAD,    /* a malformed string: bad_col and bad say where and why */
};

struct tok {
    enum tok_kind kind; /* what it is */
    const char *s;      /* its first byte in the text */
    uint32_t len;       /* its bytes (0 for TK_EOF) */
    uint32_t line;      /* 1-based line */
    uint32_t col;       /* 1-based column */
};

struct parser {
    struct vmm_workload *w;         /* being built */
    const char *p;                  /* next byte to scan */
    const char *line_start;         /* first byte of the current line */
    uint32_t line;                  /* line of p */
    struct tok peeked;              /* a token pushed back by unread() */
    bool have_peeked;               /* peeked is valid */
    uint32_t open[WL_MAX_DEPTH];    /* statement index of each open repeat */
    struct tok brace[WL_MAX_DEPTH]; /* its '{', for "never closed" */
    unsigned depth;                 /* repeat blocks open */
    uint32_t first_run;             /* line of the first statement that runs; 0 = none */
    uint32_t set_line[WSET__COUNT]; /* line of each setting given */
    uint32_t *pid_proc;             /* pid -> index in w->procs + 1; 0 = not spawned */
    size_t cap_pid;                 /* entries of pid_proc */
    char bad[128];                  /* TK_BAD: what is wrong with the string */
    uint32_t bad_col;               /* TK_BAD: the column it points at */
    char *err;                      /* message out */
    size_t errlen;                  /* its size */
};

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#' || c == ';' || c == '{' ||
           c == '}' || c == '"' || c == '\0';
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Scans the string that starts at the '"' at p. Returns the byte after its
 * closing '"', or NULL with ps->bad / ps->bad_col set (line_start is the
 * start of its line, for columns). */
static const char *scan_string(struct parser *ps, const char *p, const char *line_start)
{
    const char *open = p++;
    for (;;) {
        char c = *p;
        if (c == '"')
            return p + 1;
        if (c == '\0' || c == '\n' || (c == '\r' && p[1] == '\n')) {
            snprintf(ps->bad, sizeof ps->bad,
                     "unterminated string; expected a closing '\"' on the same line");
            ps->bad_col = (uint32_t)(open - line_start) + 1;
            return NULL;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        switch (p[1]) {
        case '\\':
        case '"':
        case 'n':
        case 't':
        case 'r':
        case '0':
            p += 2;
            continue;
        case 'x':
            if (hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0) {
                p += 4;
                continue;
            }
            break;
        default:
            break;
        }
        snprintf(ps->bad, sizeof ps->bad,
                 "bad escape '\\%.*s' in a string; expected \\\\, \\\", \\n, \\t, \\r, \\0 or "
                 "\\xHH (two hex digits)",
                 p[1] && p[1] != '\n' && p[1] != '\r' ? 1 : 0, p + 1);
        ps->bad_col = (uint32_t)(p - line_start) + 1;
        return NULL;
    }
}

/* Decodes the string token t (scanned by scan_string) into out, which has
 * room for t->len bytes. Returns the number of bytes. */
static size_t string_bytes(const struct tok *t, uint8_t *out)
{
    size_t n = 0;
    for (const char *p = t->s + 1, *end = t->s + t->len - 1; p < end; p++) {
        if (*p != '\\') {
            out[n++] = (uint8_t)*p;
            continue;
        }
        p++;
        switch (*p) {
        case 'n':
            out[n++] = '\n';
            break;
        case 't':
            out[n++] = '\t';
            break;
        case 'r':
            out[n++] = '\r';
            break;
        case '0':
            out[n++] = 0;
            break;
        case 'x':
            out[n++] = (uint8_t)(hex_digit(p[1]) * 16 + hex_digit(p[2]));
            p += 2;
            break;
        default: /* \\ and \" */
            out[n++] = (uint8_t)*p;
            break;
        }
    }
    return n;
}

static void lex(struct parser *ps, struct tok *t)
{
    if (ps->have_peeked) {
        *t = ps->peeked;
        ps->have_peeked = false;
        return;
    }
    const char *p = ps->p;
    for (;;) {
        if (*p == ' ' || *p == '\t' || *p == '\r') {
            p++;
        } else if (*p == '#') {
            while (*p && *p != '\n')
                p++;
        } else {
            break;
        }
    }
    t->s = p;
    t->line = ps->line;
    t->col = (uint32_t)(p - ps->line_start) + 1;
    t->len = 1;
    switch (*p) {
    case '\0':
        t->kind = TK_EOF;
        t->len = 0;
        break;
    case '\n':
        t->kind = TK_END;
        ps->line++;
        ps->line_start = p + 1;
        p++;
        break;
    case ';':
        t->kind = TK_END;
        p++;
        break;
    case '{':
        t->kind = TK_LBRACE;
        p++;
        break;
    case '}':
        t->kind = TK_RBRACE;
        p++;
        break;
    case '"': {
        const char *e = scan_string(ps, p, ps->line_start);
        if (!e) { /* the rest of the line is not read: the parse ends here */
            t->kind = TK_BAD;
            while (*p && *p != '\n')
                p++;
            break;
        }
        t->kind = TK_STRING;
        t->len = (uint32_t)(e - p);
        p = e;
        break;
    }
    default:
        t->kind = TK_WORD;
        while (!is_sep(*p))
            p++;
        t->len = (uint32_t)(p - t->s);
        break;
    }
    ps->p = p;
}

static void unread(struct parser *ps, const struct tok *t)
{
    ps->peeked = *t;
    ps->have_peeked = true;
}

static bool tok_is(const struct tok *t, const char *word)
{
    return t->kind == TK_WORD && strlen(word) == t->len && memcmp(t->s, word, t->len) == 0;
}

/* ---- errors ---------------------------------------------------------------- */

/* Longest token quoted in a message. */
#define SHOW_MAX 40

/* How a token is named in a message: 'word', '{', end of line, end of file. */
static const char *found(const struct tok *t, char *buf, size_t len)
{
    switch (t->kind) {
    case TK_WORD:
        snprintf(buf, len, "'%.*s%s'", (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), t->s,
                 t->len > SHOW_MAX ? "..." : "");
        break;
    case TK_BAD:
        snprintf(buf, len, "a malformed string");
        break;
    case TK_STRING:
        snprintf(buf, len, "string %.*s%s", (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), t->s,
                 t->len > SHOW_MAX ? "...\"" : "");
        break;
    case TK_LBRACE:
        snprintf(buf, len, "'{'");
        break;
    case TK_RBRACE:
        snprintf(buf, len, "'}'");
        break;
    case TK_END:
        snprintf(buf, len, *t->s == ';' ? "';'" : "end of line");
        break;
    case TK_EOF:
        snprintf(buf, len, "end of file");
        break;
    }
    return buf;
}

/* Writes "NAME:LINE:COL: " and the message for the token at, and returns
 * VMM_EPARSE. */
static int fail(struct parser *ps, const struct tok *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct parser *ps, const struct tok *at, const char *fmt, ...)
{
    if (!ps->err || !ps->errlen)
        return VMM_EPARSE;
    int n = snprintf(ps->err, ps->errlen, "%s:%u:%u: ", ps->w->name, at->line, at->col);
    if (n >= 0 && (size_t)n < ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return VMM_EPARSE;
}

/* The error of a TK_BAD token: at the column the lexer found wrong. */
static int bad_string(struct parser *ps, const struct tok *t)
{
    struct tok at = *t;
    at.col = ps->bad_col;
    return fail(ps, &at, "%s", ps->bad);
}

static int oom(struct parser *ps)
{
    if (ps->err && ps->errlen)
        snprintf(ps->err, ps->errlen, "%s: out of memory", ps->w->name);
    return VMM_ENOMEM;
}

/* Makes room for one more element of size sz in *v (n used, *cap allocated). */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, c * sz);
    if (!nv)
        return VMM_ENOMEM;
    *v = nv;
    *cap = c;
    return 0;
}

/* ---- numbers, names, addresses ----------------------------------------------- */

/* Parses t as a number: decimal, or hex with 0x; with size, decimal may also
 * carry a K/M/G/T suffix (vmm_parse_size: 4K = 4096). Returns 0, VMM_EPARSE
 * or VMM_ERANGE. */
static int number(const char *s, size_t len, bool size, uint64_t *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return len ? VMM_ERANGE : VMM_EPARSE;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
        char *end;
        const char *h = buf + 2;
        bool hex = (*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f') || (*h >= 'A' && *h <= 'F');
        if (!hex)
            return VMM_EPARSE;
        errno = 0;
        unsigned long long v = strtoull(h, &end, 16);
        if (*end)
            return VMM_EPARSE;
        if (errno)
            return VMM_ERANGE;
        *out = v;
        return 0;
    }
    if (size)
        return vmm_parse_size(buf, out);
    for (size_t i = 0; i < len; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return VMM_EPARSE;
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, 10);
    if (errno)
        return VMM_ERANGE;
    *out = v;
    return 0;
}

/* A number token with limits; what names it in messages ("frames"). */
static int number_tok(struct parser *ps, const struct tok *t, const char *s, size_t len, bool size,
                      uint64_t min, uint64_t max, const char *what, uint64_t *out)
{
    char b[64];
    int r = number(s, len, size, out);
    if (r == VMM_EPARSE)
        return fail(ps, t, "%s is not a %s; expected %s", found(t, b, sizeof b),
                    size ? "size" : "number",
                    size ? "bytes in decimal or 0x hex, or with a suffix: 4096, 0x1000, 4K, 2M"
                         : "a decimal or 0x hex number");
    if (r < 0 || *out > max || *out < min)
        return fail(ps, t, "%s %s is out of range; expected %" PRIu64 " .. %" PRIu64, what,
                    found(t, b, sizeof b), min, max);
    return 0;
}

/* Reads a process name P<n>: n is the pid, 1 .. VMM_PID_MAX, no leading 0. */
static int proc_name(struct parser *ps, const struct tok *t, uint32_t *pid)
{
    char b[64];
    uint64_t v;
    if (t->kind != TK_WORD || t->len < 2 || t->s[0] != 'P' || t->s[1] < '1' || t->s[1] > '9' ||
        number(t->s + 1, t->len - 1, false, &v) < 0 || v > VMM_PID_MAX)
        return fail(ps, t,
                    "%s is not a process name; expected P followed by a number 1 .. %u "
                    "(P1, P2, ...)",
                    found(t, b, sizeof b), VMM_PID_MAX);
    *pid = (uint32_t)v;
    return 0;
}

/* Reads a process name that a spawn earlier in the text created; *index is
 * its place in w->procs. */
static int known_proc(struct parser *ps, const struct tok *t, uint32_t *index)
{
    uint32_t pid;
    int r = proc_name(ps, t, &pid);
    if (r < 0)
        return r;
    if (pid >= ps->cap_pid || ps->pid_proc[pid] == 0)
        return fail(ps, t,
                    "P%u is not created before this line; expected 'spawn P%u PROGRAM' "
                    "or 'fork P<n> P%u' earlier",
                    pid, pid, pid);
    *index = ps->pid_proc[pid] - 1;
    return 0;
}

static int find_region(const char *s, size_t len)
{
    for (int i = 0; i < WR__COUNT; i++)
        if (strlen(wl_regions[i].name) == len && memcmp(wl_regions[i].name, s, len) == 0)
            return i;
    return -1;
}

/* The characters of program and mapping names: a letter or '_' first, then
 * also digits, '-' and '.'. */
static bool name_char(char ch, bool first)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
           (!first && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
}

/* True if t is a word that is a valid program or mapping name. */
static bool valid_name(const struct tok *t)
{
    bool ok = t->kind == TK_WORD && t->len < WL_NAME_MAX && name_char(t->s[0], true);
    for (uint32_t i = 1; ok && i < t->len; i++)
        ok = name_char(t->s[i], false);
    return ok;
}

/* Index in w->maps of the mapping name s (len bytes), or -1. */
static long find_map(const struct vmm_workload *w, const char *s, size_t len)
{
    for (size_t i = 0; i < w->nmaps; i++)
        if (strlen(w->maps[i].name) == len && memcmp(w->maps[i].name, s, len) == 0)
            return (long)i;
    return -1;
}

/* The mapping names defined so far, "buf, log", cut short with "..." if long. */
static void map_list(const struct vmm_workload *w, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < w->nmaps; i++) {
        size_t l = strlen(buf);
        if (l + strlen(w->maps[i].name) + 8 > len) {
            snprintf(buf + l, len - l, ", ...");
            return;
        }
        snprintf(buf + l, len - l, "%s%s", i ? ", " : "", w->maps[i].name);
    }
}

/* Reads the mapping name t of an mmap (define: a new name is defined here)
 * or of munmap / msync (it must be defined earlier); *index is its place in
 * w->maps. */
static int map_name(struct parser *ps, const struct tok *t, bool define, uint32_t *index)
{
    char b[64], list[160];
    struct vmm_workload *w = ps->w;
    long i = t->kind == TK_WORD ? find_map(w, t->s, t->len) : -1;
    if (i >= 0) {
        *index = (uint32_t)i;
        return 0;
    }
    if (!define) {
        map_list(w, list, sizeof list);
        if (!w->nmaps)
            return fail(ps, t,
                        "unknown mapping %s; expected a name that an earlier 'mmap P<n> NAME ...' "
                        "gives (there is none)",
                        found(t, b, sizeof b));
        return fail(ps, t, "unknown mapping %s; expected a name that an earlier mmap gives (%s)",
                    found(t, b, sizeof b), list);
    }
    if (!valid_name(t))
        return fail(ps, t,
                    "%s is not a mapping name; expected a letter or '_' then letters, digits, "
                    "'_', '-' or '.', at most %d bytes",
                    found(t, b, sizeof b), WL_NAME_MAX - 1);
    if (find_region(t->s, t->len) >= 0)
        return fail(ps, t,
                    "%s is a region's name; expected a mapping name other than text, data, bss, "
                    "heap and stack",
                    found(t, b, sizeof b));
    if (grow((void **)&w->maps, &w->cap_maps, w->nmaps, sizeof *w->maps) < 0)
        return oom(ps);
    struct wl_map *m = &w->maps[w->nmaps];
    memset(m, 0, sizeof *m);
    memcpy(m->name, t->s, t->len);
    m->line = t->line;
    *index = (uint32_t)w->nmaps++;
    return 0;
}

/* Reads ADDR: REGION, REGION+OFFSET, NAME, NAME+OFFSET (a mapping), or an
 * absolute address. */
static int address(struct parser *ps, const struct tok *t, struct wl_stmt *st)
{
    char b[64], list[160];
    st->addr_col = t->col;
    st->addr_off = (uint32_t)(t->s - ps->w->text);
    st->addr_len = t->len;
    if (t->kind != TK_WORD)
        return fail(ps, t,
                    "found %s; expected an address: REGION, REGION+OFFSET, a mapping NAME or "
                    "NAME+OFFSET, or an absolute address",
                    found(t, b, sizeof b));
    if (t->s[0] >= '0' && t->s[0] <= '9') {
        st->region = WR_ABSOLUTE;
        return number_tok(ps, t, t->s, t->len, false, 0, UINT64_MAX, "address", &st->addr);
    }
    const char *end = t->s + t->len, *plus = t->s;
    while (plus < end && *plus != '+' && *plus != '-')
        plus++;
    size_t nlen = (size_t)(plus - t->s);
    int reg = find_region(t->s, nlen);
    long map = reg < 0 ? find_map(ps->w, t->s, nlen) : -1;
    if (reg < 0 && map < 0 && !ps->w->nmaps)
        return fail(ps, t,
                    "unknown region '%.*s' in %s; expected text, data, bss, heap or stack "
                    "(REGION or REGION+OFFSET), or an absolute address",
                    (int)(nlen < SHOW_MAX ? nlen : SHOW_MAX), t->s, found(t, b, sizeof b));
    if (reg < 0 && map < 0) {
        map_list(ps->w, list, sizeof list);
        return fail(ps, t,
                    "unknown region or mapping '%.*s' in %s; expected text, data, bss, heap or "
                    "stack (REGION or REGION+OFFSET), a mapping an earlier mmap names (%s; NAME "
                    "or NAME+OFFSET), or an absolute address",
                    (int)(nlen < SHOW_MAX ? nlen : SHOW_MAX), t->s, found(t, b, sizeof b), list);
    }
    st->region = reg >= 0 ? (uint8_t)reg : WR_MAPPING;
    st->arg = map >= 0 ? (uint32_t)map : 0;
    st->addr = 0;
    /* Terms added or subtracted: heap+4K+16, stack-8K. The sum is kept modulo
     * 2^64 (two's complement), so a region's start plus it is the address. */
    int64_t sum = 0;
    while (plus < end) {
        bool minus = *plus == '-';
        const char *term = plus + 1;
        plus = term;
        while (plus < end && *plus != '+' && *plus != '-')
            plus++;
        uint64_t v;
        int r = number(term, (size_t)(plus - term), true, &v);
        if (r == 0 && (v > INT64_MAX ||
                       (minus ? sum < INT64_MIN + (int64_t)v : sum > INT64_MAX - (int64_t)v)))
            r = VMM_ERANGE;
        if (r < 0)
            return fail(ps, t,
                        "bad offset in %s; expected REGION+OFFSET or REGION-OFFSET with OFFSET "
                        "in decimal, 0x hex or with a suffix (heap+16, data+0x10, stack-4K, "
                        "heap+4K+16)",
                        found(t, b, sizeof b));
        sum = minus ? sum - (int64_t)v : sum + (int64_t)v;
    }
    st->addr = (uint64_t)sum;
    return 0;
}

/* ---- key=value arguments ------------------------------------------------------- */

enum key_type {
    KEY_SIZE,   /* a size (len=8K) */
    KEY_BYTE,   /* 0 .. 255 (value=0x41) */
    KEY_COUNT,  /* a number without suffix (refs=100000, seed=7) */
    KEY_REAL,   /* a decimal fraction, min .. max (write=0.3, alpha=1.2) */
    KEY_REGION, /* a region name (region=heap): its enum wl_region */
    KEY_FORMAT, /* a trace format name (format=lackey): its enum vmm_trace_format */
    KEY_PATH,   /* a file's path (file=data.bin), 1 .. WL_PATH_MAX bytes; u is unused */
    KEY_PROT,   /* prot=r (0) or prot=rw (1) */
};

/* A key's value: u for every type but KEY_REAL, d for it. */
struct kval {
    uint64_t u;
    double d;
};

struct keyspec {
    const char *key;    /* before '=' */
    enum key_type type; /* how the value reads */
    bool required;      /* must be given */
    uint64_t min, max;  /* KEY_SIZE limits */
};

#define KEYS_MAX 12

/* Reads the value v (vlen bytes) of the key=value token t by spec. */
static int key_value(struct parser *ps, const struct tok *t, const struct keyspec *spec,
                     const char *v, size_t vlen, struct kval *out)
{
    char b[64], buf[64];
    int r;
    switch (spec->type) {
    case KEY_BYTE:
        if (number(v, vlen, false, &out->u) < 0 || out->u > 255)
            return fail(ps, t, "%s is not a byte; expected %s=0 .. 255 or 0x00 .. 0xff",
                        found(t, b, sizeof b), spec->key);
        return 0;
    case KEY_SIZE:
    case KEY_COUNT:
        r = number(v, vlen, spec->type == KEY_SIZE, &out->u);
        if (r == VMM_EPARSE)
            return fail(ps, t, "%s is not a %s; expected %s=%s", found(t, b, sizeof b),
                        spec->type == KEY_SIZE ? "size" : "number", spec->key,
                        spec->type == KEY_SIZE ? "SIZE (4096, 0x1000, 4K, 2M)"
                                               : "N in decimal or 0x hex");
        if (r < 0 || out->u < spec->min || out->u > spec->max)
            return fail(ps, t, "%s is out of range; expected %s=%" PRIu64 " .. %" PRIu64,
                        found(t, b, sizeof b), spec->key, spec->min, spec->max);
        return 0;
    case KEY_REAL: {
        char *e = NULL;
        if (vlen > 0 && vlen < sizeof buf) {
            memcpy(buf, v, vlen);
            buf[vlen] = '\0';
            out->d = strtod(buf, &e);
        }
        if (!e || *e || vlen == 0 || !(v[0] == '.' || (v[0] >= '0' && v[0] <= '9')) ||
            !(out->d >= (double)spec->min && out->d <= (double)spec->max))
            return fail(ps, t,
                        "%s is not a number in %" PRIu64 " .. %" PRIu64
                        "; expected %s=X such as 0.5",
                        found(t, b, sizeof b), spec->min, spec->max, spec->key);
        return 0;
    }
    case KEY_REGION: {
        int reg = find_region(v, vlen);
        if (reg < 0)
            return fail(ps, t, "unknown region in %s; expected %s=text, data, bss, heap or stack",
                        found(t, b, sizeof b), spec->key);
        out->u = (uint64_t)reg;
        return 0;
    }
    case KEY_FORMAT: {
        int fmt = -1;
        if (vlen < sizeof buf) {
            memcpy(buf, v, vlen);
            buf[vlen] = '\0';
            fmt = vmm_trace_format_parse(buf);
        }
        if (fmt < 0) {
            char list[160] = "";
            for (int i = 1; i < VMM_FMT__COUNT; i++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "",
                         vmm_trace_format_name((enum vmm_trace_format)i));
            }
            return fail(ps, t, "unknown trace format in %s; expected %s=%s or auto",
                        found(t, b, sizeof b), spec->key, list);
        }
        out->u = (uint64_t)fmt;
        return 0;
    }
    case KEY_PATH:
        if (vlen == 0 || vlen > WL_PATH_MAX)
            return fail(ps, t, "%s is no path; expected %s=PATH of 1 .. %d bytes",
                        found(t, b, sizeof b), spec->key, WL_PATH_MAX);
        return 0;
    case KEY_PROT:
        if ((vlen != 1 || v[0] != 'r') && (vlen != 2 || memcmp(v, "rw", 2) != 0))
            return fail(ps, t, "unknown protection in %s; expected %s=r or %s=rw",
                        found(t, b, sizeof b), spec->key, spec->key);
        out->u = vlen == 2;
        return 0;
    }
    return VMM_EPARSE;
}

/* Reads args[0 .. n) as key=value pairs of spec (NULL-key terminated), each at
 * most once; val[i] and seen[i] are for spec[i]. usage names the statement's
 * form in messages; end is the token after the last argument. */
static int keys(struct parser *ps, const struct tok *args, size_t n, const struct keyspec *spec,
                struct kval val[KEYS_MAX], bool seen[KEYS_MAX], const char *usage,
                const struct tok *end)
{
    char b[64], list[160] = "";
    size_t nspec = 0;
    for (; spec[nspec].key; nspec++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s=", nspec ? ", " : "", spec[nspec].key);
        seen[nspec] = false;
    }
    for (size_t i = 0; i < n; i++) {
        const struct tok *t = &args[i];
        const char *eq = t->kind == TK_WORD ? memchr(t->s, '=', t->len) : NULL;
        size_t klen = eq ? (size_t)(eq - t->s) : 0;
        size_t k = 0;
        while (k < nspec &&
               !(eq && strlen(spec[k].key) == klen && memcmp(spec[k].key, t->s, klen) == 0))
            k++;
        if (k == nspec)
            return fail(ps, t, "unexpected %s; expected %s (%s)", found(t, b, sizeof b),
                        nspec ? list : "end of statement", usage);
        if (seen[k])
            return fail(ps, t, "%s= given twice; expected each key once", spec[k].key);
        seen[k] = true;
        const char *v = eq + 1;
        size_t vlen = t->len - klen - 1;
        int r = key_value(ps, t, &spec[k], v, vlen, &val[k]);
        if (r < 0)
            return r;
    }
    for (size_t k = 0; k < nspec; k++)
        if (spec[k].required && !seen[k])
            return fail(ps, end, "found %s without %s=; expected '%s'", found(end, b, sizeof b),
                        spec[k].key, usage);
    return 0;
}

/* ---- statements ------------------------------------------------------------------ */

/* What a statement parser receives: its keyword (or process name), the words
 * after it, and the token that ended it (TK_END, TK_EOF, '{' or '}'). */
struct stmt_ctx {
    const struct tok *kw;   /* first token */
    const struct tok *args; /* the words after it */
    size_t nargs;           /* how many */
    const struct tok *end;  /* what ended the statement */
};

static struct wl_stmt *new_stmt(struct parser *ps, const struct stmt_ctx *c, unsigned kind)
{
    struct vmm_workload *w = ps->w;
    if (grow((void **)&w->stmts, &w->cap_stmts, w->nstmts, sizeof *w->stmts) < 0)
        return NULL;
    struct wl_stmt *st = &w->stmts[w->nstmts++];
    memset(st, 0, sizeof *st);
    st->kind = (uint8_t)kind;
    st->line = c->kw->line;
    st->col = c->kw->col;
    st->value = -1;
    return st;
}

/* Checks the argument count: at least min (else "missing" at the end token),
 * at most max (else "unexpected" at the first extra word). */
static int arity(struct parser *ps, const struct stmt_ctx *c, size_t min, size_t max,
                 const char *usage)
{
    char b[64];
    if (c->nargs < min)
        return fail(ps, c->end, "found %s; expected '%s'", found(c->end, b, sizeof b), usage);
    if (c->nargs > max)
        return fail(ps, &c->args[max], "unexpected %s; expected '%s'",
                    found(&c->args[max], b, sizeof b), usage);
    return 0;
}

/* A setting: one argument, before the first statement that runs, once. */
static int setting_start(struct parser *ps, const struct stmt_ctx *c, enum wl_setting which,
                         const char *usage)
{
    int r = arity(ps, c, 1, 1, usage);
    if (r < 0)
        return r;
    if (ps->first_run)
        return fail(ps, c->kw,
                    "setting '%.*s' after the first statement (line %u); expected settings "
                    "before any spawn, exit, repeat or process statement",
                    (int)c->kw->len, c->kw->s, ps->first_run);
    if (ps->w->set & (1u << which))
        return fail(ps, c->kw, "'%.*s' is already set at line %u; expected each setting once",
                    (int)c->kw->len, c->kw->s, ps->set_line[which]);
    ps->w->set |= 1u << which;
    ps->set_line[which] = c->kw->line;
    return 0;
}

static int p_frames(struct parser *ps, const struct stmt_ctx *c)
{
    int r = setting_start(ps, c, WSET_FRAMES, "frames N");
    return r < 0 ? r
                 : number_tok(ps, &c->args[0], c->args[0].s, c->args[0].len, false, 1, FRAMES_MAX,
                              "frames", &ps->w->frames);
}

static int p_seed(struct parser *ps, const struct stmt_ctx *c)
{
    int r = setting_start(ps, c, WSET_SEED, "seed N");
    return r < 0 ? r
                 : number_tok(ps, &c->args[0], c->args[0].s, c->args[0].len, false, 0, UINT64_MAX,
                              "seed", &ps->w->seed);
}

static int p_flush_interval(struct parser *ps, const struct stmt_ctx *c)
{
    int r = setting_start(ps, c, WSET_FLUSH, "flush-interval N");
    return r < 0 ? r
                 : number_tok(ps, &c->args[0], c->args[0].s, c->args[0].len, false, 0, UINT64_MAX,
                              "flush-interval", &ps->w->flush_interval);
}

static int p_sched(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64];
    int r = setting_start(ps, c, WSET_SCHED, "sched rr|none");
    if (r < 0)
        return r;
    const struct tok *t = &c->args[0];
    if (tok_is(t, "rr"))
        ps->w->sched = VMM_SCHED_RR;
    else if (tok_is(t, "none"))
        ps->w->sched = VMM_SCHED_NONE;
    else
        return fail(ps, t,
                    "unknown scheduler %s; expected rr (round robin) or none (statements in "
                    "script order)",
                    found(t, b, sizeof b));
    return 0;
}

/* mmu NAME, binding NAME, fit NAME: settings whose names the library knows. */
static int named_setting(struct parser *ps, const struct stmt_ctx *c, enum wl_setting which,
                         enum vmm_setting lib, const char *usage)
{
    char b[64], word[32];
    const char *choices;
    int r = setting_start(ps, c, which, usage);
    if (r < 0)
        return r;
    const struct tok *t = &c->args[0];
    snprintf(word, sizeof word, "%.*s", (int)(t->len < sizeof word ? t->len : 0), t->s);
    int v = vmm_setting_parse(lib, word, &choices);
    if (v < 0)
        return fail(ps, t, "unknown %.*s %s; expected %s", (int)c->kw->len, c->kw->s,
                    found(t, b, sizeof b), choices);
    ps->w->named[which - WSET_MMU] = (unsigned)v;
    return 0;
}

static int p_mmu(struct parser *ps, const struct stmt_ctx *c)
{
    return named_setting(ps, c, WSET_MMU, VMM_SET_MMU, "mmu paging|relocation|segmentation");
}

static int p_binding(struct parser *ps, const struct stmt_ctx *c)
{
    return named_setting(ps, c, WSET_BINDING, VMM_SET_BINDING, "binding execution|load|compile");
}

static int p_fit(struct parser *ps, const struct stmt_ctx *c)
{
    return named_setting(ps, c, WSET_FIT, VMM_SET_FIT, "fit first|best|worst|next");
}

/* quantum TIME (decimal with a unit: ns, us, ms, s) or quantum Nrefs. */
static int p_quantum(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64], text[32];
    int r = setting_start(ps, c, WSET_QUANTUM, "quantum TIME or quantum Nrefs");
    if (r < 0)
        return r;
    const struct tok *t = &c->args[0];
    r = VMM_EPARSE;
    if (t->len < sizeof text) {
        memcpy(text, t->s, t->len);
        text[t->len] = '\0';
        r = vmm_parse_quantum(text, &ps->w->quantum_ns, &ps->w->quantum_refs);
    }
    if (r == VMM_ERANGE)
        return fail(ps, t,
                    "quantum %s is out of range; expected at least 1 (a quantum of 0 never "
                    "ends) and at most 2^64-1 ns",
                    found(t, b, sizeof b));
    if (r < 0)
        return fail(ps, t,
                    "%s is not a quantum; expected a time (10ms, 500us, 1s, 200000ns; a bare "
                    "number is ns) or a number of references (500refs)",
                    found(t, b, sizeof b));
    return 0;
}

static int p_tlb(struct parser *ps, const struct stmt_ctx *c)
{
    uint64_t v;
    int r = setting_start(ps, c, WSET_TLB, "tlb N");
    if (r < 0 || (r = number_tok(ps, &c->args[0], c->args[0].s, c->args[0].len, false, 0, 65536,
                                 "tlb entries", &v)) < 0)
        return r;
    ps->w->tlb = (unsigned)v;
    return 0;
}

static int p_va_bits(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64];
    uint64_t v;
    int r = setting_start(ps, c, WSET_VA_BITS, "va-bits N");
    if (r < 0)
        return r;
    if (number(c->args[0].s, c->args[0].len, false, &v) < 0 || (v != 32 && v != 48 && v != 57))
        return fail(ps, &c->args[0], "va-bits %s is not supported; expected 32, 48 or 57",
                    found(&c->args[0], b, sizeof b));
    ps->w->va_bits = (unsigned)v;
    return 0;
}

static int p_page_size(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64];
    uint64_t v;
    int r = setting_start(ps, c, WSET_PAGE_SIZE, "page-size SIZE");
    if (r < 0)
        return r;
    r = number(c->args[0].s, c->args[0].len, true, &v);
    if (r < 0 || v < 512 || v > (1u << 20) || (v & (v - 1)))
        return fail(ps, &c->args[0],
                    "page-size %s is not a page size; expected a power of two from 512 to 1M "
                    "(4096, 4K, 16K)",
                    found(&c->args[0], b, sizeof b));
    ps->w->page_size = (uint32_t)v;
    return 0;
}

static int p_policy(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64], list[256] = "";
    int r = setting_start(ps, c, WSET_POLICY, "policy NAME or policy NAME:k=v,k=v");
    if (r < 0)
        return r;
    const struct tok *t = &c->args[0];
    const char *colon = memchr(t->s, ':', t->len);
    size_t nlen = colon ? (size_t)(colon - t->s) : t->len;
    size_t plen = colon ? t->len - nlen - 1 : 0;
    if (nlen < sizeof ps->w->policy) {
        memcpy(ps->w->policy, t->s, nlen);
        ps->w->policy[nlen] = '\0';
    }
    if (nlen >= sizeof ps->w->policy || !vmm__policy_find(ps->w->policy)) {
        const struct vmm_policy_info *pi;
        for (size_t i = 0; (pi = vmm_policy_at(i)) != NULL; i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", pi->name);
        }
        return fail(ps, t, "unknown policy %s; expected one of %s", found(t, b, sizeof b), list);
    }
    if (plen >= sizeof ps->w->policy_params)
        return fail(ps, t, "policy parameters of %zu bytes; expected at most %zu", plen,
                    sizeof ps->w->policy_params - 1);
    memcpy(ps->w->policy_params, colon ? colon + 1 : "", plen);
    ps->w->policy_params[plen] = '\0';
    return 0;
}

static int p_program(struct parser *ps, const struct stmt_ctx *c)
{
    static const struct keyspec spec[] = {
        {"text", KEY_SIZE, false, 0, 1ull << 56},  {"data", KEY_SIZE, false, 0, 1ull << 56},
        {"bss", KEY_SIZE, false, 0, 1ull << 56},   {"heap", KEY_SIZE, false, 0, 1ull << 56},
        {"stack", KEY_SIZE, false, 0, 1ull << 56}, {"stack-limit", KEY_SIZE, false, 0, 1ull << 56},
        {"at", KEY_SIZE, false, 0, 1ull << 56},    {NULL, KEY_SIZE, false, 0, 0},
    };
    const char *usage = "program NAME text=SIZE data=SIZE bss=SIZE heap=SIZE stack=SIZE "
                        "[stack-limit=SIZE] [at=ADDR], or program NAME flat";
    char b[64];
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    struct vmm_workload *w = ps->w;
    int r = arity(ps, c, 1, WL_MAX_ARGS, usage);
    if (r < 0)
        return r;
    if (ps->depth)
        return fail(ps, c->kw, "a program definition inside a repeat block; expected it outside");
    const struct tok *n = &c->args[0];
    if (!valid_name(n))
        return fail(ps, n,
                    "%s is not a program name; expected a letter or '_' then letters, digits, "
                    "'_', '-' or '.', at most %d bytes",
                    found(n, b, sizeof b), WL_NAME_MAX - 1);
    for (size_t i = 0; i < w->nprogs; i++)
        if (strlen(w->progs[i].name) == n->len && memcmp(w->progs[i].name, n->s, n->len) == 0)
            return fail(ps, n, "program %s is already defined at line %u; expected a new name",
                        found(n, b, sizeof b), w->progs[i].line);
    bool flat = c->nargs >= 2 && tok_is(&c->args[1], "flat");
    if (flat && c->nargs > 2)
        return fail(ps, &c->args[2], "unexpected %s; expected nothing after 'flat' (%s)",
                    found(&c->args[2], b, sizeof b), usage);
    if (!flat && (r = keys(ps, c->args + 1, c->nargs - 1, spec, val, seen, usage, c->end)) < 0)
        return r;
    if (grow((void **)&w->progs, &w->cap_progs, w->nprogs, sizeof *w->progs) < 0)
        return oom(ps);
    struct wl_program *pg = &w->progs[w->nprogs++];
    memset(pg, 0, sizeof *pg);
    memcpy(pg->name, n->s, n->len);
    pg->line = c->kw->line;
    pg->flat = flat;
    for (int i = 0; !flat && i < WR__COUNT; i++) /* spec rows are in enum wl_region order */
        pg->size[i] = seen[i] ? val[i].u : 0;
    pg->stack_limit = !flat && seen[WR__COUNT] ? val[WR__COUNT].u : WL_STACK_LIMIT;
    if (pg->stack_limit < pg->size[WR_STACK])
        pg->stack_limit = pg->size[WR_STACK];
    pg->at = !flat && seen[WR__COUNT + 1] ? val[WR__COUNT + 1].u : 0;
    return 0;
}

/* Marks the first statement that runs (settings must precede it). */
static void runs(struct parser *ps, const struct stmt_ctx *c)
{
    if (!ps->first_run)
        ps->first_run = c->kw->line;
}

/* Reads a program name defined earlier; *index is its place in w->progs. */
static int known_prog(struct parser *ps, const struct tok *pn, uint32_t *index)
{
    char b[64];
    const struct vmm_workload *w = ps->w;
    size_t prog = 0;
    while (prog < w->nprogs && !(strlen(w->progs[prog].name) == pn->len &&
                                 memcmp(w->progs[prog].name, pn->s, pn->len) == 0))
        prog++;
    if (prog == w->nprogs)
        return fail(ps, pn,
                    "unknown program %s; expected a program defined earlier with "
                    "'program NAME text=SIZE ...'",
                    found(pn, b, sizeof b));
    *index = (uint32_t)prog;
    return 0;
}

/* Records t (P<n>) as a new process created at c running prog (WL_FORKED:
 * its parent's); *index is its place in w->procs. */
static int new_proc(struct parser *ps, const struct stmt_ctx *c, const struct tok *t, uint32_t prog,
                    uint32_t *index)
{
    uint32_t pid;
    struct vmm_workload *w = ps->w;
    int r = proc_name(ps, t, &pid);
    if (r < 0)
        return r;
    if (pid < ps->cap_pid && ps->pid_proc[pid])
        return fail(ps, t,
                    "P%u is already created at line %u; expected a new process "
                    "name",
                    pid, w->procs[ps->pid_proc[pid] - 1].line);
    if (pid >= ps->cap_pid) {
        size_t cap = ps->cap_pid ? ps->cap_pid : 64;
        while (cap <= pid)
            cap *= 2;
        uint32_t *n = realloc(ps->pid_proc, cap * sizeof *n);
        if (!n)
            return oom(ps);
        memset(n + ps->cap_pid, 0, (cap - ps->cap_pid) * sizeof *n);
        ps->pid_proc = n;
        ps->cap_pid = cap;
    }
    if (grow((void **)&w->procs, &w->cap_procs, w->nprocs, sizeof *w->procs) < 0)
        return oom(ps);
    w->procs[w->nprocs] = (struct wl_proc){pid, c->kw->line, prog};
    ps->pid_proc[pid] = (uint32_t)++w->nprocs;
    *index = (uint32_t)(w->nprocs - 1);
    return 0;
}

/* spawn P<n> PROGRAM [priority=N] */
static int p_spawn(struct parser *ps, const struct stmt_ctx *c)
{
    static const struct keyspec spec[] = {
        {"priority", KEY_COUNT, false, 1, UINT32_MAX},
        {NULL, KEY_SIZE, false, 0, 0},
    };
    const char *usage = "spawn P<n> PROGRAM [priority=N]";
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    uint32_t prog, proc;
    int r = arity(ps, c, 2, 3, usage);
    if (r < 0 || (r = proc_name(ps, &c->args[0], &proc)) < 0 ||
        (r = known_prog(ps, &c->args[1], &prog)) < 0 ||
        (r = keys(ps, c->args + 2, c->nargs - 2, spec, val, seen, usage, c->end)) < 0 ||
        (r = new_proc(ps, c, &c->args[0], prog, &proc)) < 0)
        return r;
    struct wl_stmt *st = new_stmt(ps, c, WS_SPAWN);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->arg = prog;
    st->n = seen[0] ? val[0].u : 0;
    runs(ps, c);
    return 0;
}

static int p_fork(struct parser *ps, const struct stmt_ctx *c)
{
    uint32_t parent, child;
    int r = arity(ps, c, 2, 2, "fork P<parent> P<child>");
    if (r < 0 || (r = known_proc(ps, &c->args[0], &parent)) < 0 ||
        (r = new_proc(ps, c, &c->args[1], WL_FORKED, &child)) < 0)
        return r;
    struct wl_stmt *st = new_stmt(ps, c, WS_FORK);
    if (!st)
        return oom(ps);
    st->proc = parent;
    st->arg = child;
    runs(ps, c);
    return 0;
}

static int p_exec(struct parser *ps, const struct stmt_ctx *c)
{
    uint32_t proc, prog;
    int r = arity(ps, c, 2, 2, "exec P<n> PROGRAM");
    if (r < 0 || (r = known_proc(ps, &c->args[0], &proc)) < 0 ||
        (r = known_prog(ps, &c->args[1], &prog)) < 0)
        return r;
    struct wl_stmt *st = new_stmt(ps, c, WS_EXEC);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->arg = prog;
    runs(ps, c);
    return 0;
}

static int p_exit(struct parser *ps, const struct stmt_ctx *c)
{
    uint32_t proc;
    int r = arity(ps, c, 1, 1, "exit P<n>");
    if (r < 0 || (r = known_proc(ps, &c->args[0], &proc)) < 0)
        return r;
    struct wl_stmt *st = new_stmt(ps, c, WS_EXIT);
    if (!st)
        return oom(ps);
    st->proc = proc;
    runs(ps, c);
    return 0;
}

static int p_repeat(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64];
    uint64_t n;
    int r = arity(ps, c, 1, 1, "repeat N { STATEMENTS }");
    if (r < 0)
        return r;
    if (c->end->kind != TK_LBRACE)
        return fail(ps, c->end, "found %s; expected '{' after 'repeat N' on the same line",
                    found(c->end, b, sizeof b));
    if ((r = number_tok(ps, &c->args[0], c->args[0].s, c->args[0].len, false, 0, UINT64_MAX,
                        "repeat count", &n)) < 0)
        return r;
    if (ps->depth == WL_MAX_DEPTH)
        return fail(ps, c->end, "repeat blocks nested more than %d deep; expected at most %d",
                    WL_MAX_DEPTH, WL_MAX_DEPTH);
    struct wl_stmt *st = new_stmt(ps, c, WS_REPEAT);
    if (!st)
        return oom(ps);
    st->n = n;
    ps->brace[ps->depth] = *c->end;
    ps->open[ps->depth++] = (uint32_t)(ps->w->nstmts - 1);
    runs(ps, c);
    return 0;
}

/* ---- mappings: mmap, munmap, msync ----------------------------------------------- */

/* The token of args[0 .. n) that starts with prefix ("file="), or NULL. */
static const struct tok *key_tok(const struct tok *args, size_t n, const char *prefix)
{
    size_t l = strlen(prefix);
    for (size_t i = 0; i < n; i++)
        if (args[i].kind == TK_WORD && args[i].len >= l && memcmp(args[i].s, prefix, l) == 0)
            return &args[i];
    return NULL;
}

/* mmap P<n> NAME file=PATH shared|private [offset=SIZE] [len=SIZE] [prot=r|rw], or
 * mmap P<n> NAME anon shared len=SIZE [prot=r|rw]; the words and keys after NAME in
 * any order. */
static int p_mmap(struct parser *ps, const struct stmt_ctx *c)
{
    static const struct keyspec spec[] = {
        {"file", KEY_PATH, false, 0, 0},         {"offset", KEY_SIZE, false, 0, WL_MAX_MAP},
        {"len", KEY_SIZE, false, 1, WL_MAX_MAP}, {"prot", KEY_PROT, false, 0, 0},
        {NULL, KEY_SIZE, false, 0, 0},
    };
    const char *usage = "mmap P<n> NAME file=PATH shared|private [offset=SIZE] [len=SIZE] "
                        "[prot=r|rw], or mmap P<n> NAME anon shared len=SIZE [prot=r|rw]";
    char b[64];
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    struct tok kv[WL_MAX_ARGS];
    const struct tok *word[3] = {NULL, NULL, NULL}; /* shared, private, anon */
    static const char *const words[3] = {"shared", "private", "anon"};
    struct vmm_workload *w = ps->w;
    uint32_t proc, map;
    size_t nkv = 0;
    int r = arity(ps, c, 3, WL_MAX_ARGS, usage);
    if (r < 0 || (r = known_proc(ps, &c->args[0], &proc)) < 0 ||
        (r = map_name(ps, &c->args[1], true, &map)) < 0)
        return r;
    for (size_t i = 2; i < c->nargs; i++) {
        const struct tok *t = &c->args[i];
        int k = 0;
        while (k < 3 && !tok_is(t, words[k]))
            k++;
        if (k == 3) {
            kv[nkv++] = *t;
            continue;
        }
        if (word[k])
            return fail(ps, t, "%s given twice; expected it once", words[k]);
        word[k] = t;
    }
    if ((r = keys(ps, kv, nkv, spec, val, seen, usage, c->end)) < 0)
        return r;
    const struct tok *shared = word[0], *private = word[1], *anon = word[2];
    /* Tokens of c->args, so that which comes later can be told. */
    const struct tok *file = key_tok(c->args + 2, c->nargs - 2, "file="),
                     *off = key_tok(c->args + 2, c->nargs - 2, "offset=");
    if (shared && private)
        return fail(ps, shared < private ? private : shared,
                    "both shared and private; expected one of them");
    if (!anon && !file)
        return fail(ps, c->end, "found %s without file= or anon; expected '%s'",
                    found(c->end, b, sizeof b), usage);
    if (anon && file)
        return fail(ps, anon > file ? anon : file,
                    "both file= and anon; expected a file or anonymous shared memory ('%s')",
                    usage);
    if (anon && private)
        return fail(ps, private,
                    "anon private; expected anon shared (private anonymous memory is what data, "
                    "bss and heap are)");
    if (anon && off)
        return fail(ps, off, "offset= with anon; expected it only with file=");
    if (anon && !shared)
        return fail(ps, c->end,
                    "found %s without shared; expected 'mmap P<n> NAME anon shared "
                    "len=SIZE [prot=r|rw]'",
                    found(c->end, b, sizeof b));
    if (anon && !seen[2])
        return fail(ps, c->end,
                    "found %s without len=; expected len=SIZE with anon (the size of the shared "
                    "memory)",
                    found(c->end, b, sizeof b));
    if (!anon && !shared && !private)
        return fail(ps, c->end, "found %s without shared or private; expected '%s'",
                    found(c->end, b, sizeof b), usage);
    if (grow((void **)&w->mmaps, &w->cap_mmaps, w->nmmaps, sizeof *w->mmaps) < 0)
        return oom(ps);
    struct wl_stmt *st = new_stmt(ps, c, WS_MMAP);
    if (!st)
        return oom(ps);
    struct wl_mmap *m = &w->mmaps[w->nmmaps];
    *m = (struct wl_mmap){
        .map = map,
        .anon = anon != NULL,
        .shared = shared != NULL,
        .writable = !seen[3] || val[3].u == 1,
        .offset_given = seen[1],
        .len_given = seen[2],
        .name_col = c->args[1].col,
        .path_col = file ? file->col : anon->col,
        .path_off = file ? (uint32_t)(file->s + 5 - w->text) : 0,
        .path_len = file ? file->len - 5 : 0,
        .off_col = off ? off->col : 0,
        .offset = seen[1] ? val[1].u : 0,
        .len = seen[2] ? val[2].u : 0,
    };
    st->proc = proc;
    st->arg = (uint32_t)w->nmmaps++;
    st->addr_col = c->args[1].col;
    runs(ps, c);
    return 0;
}

/* munmap P<n> NAME, msync P<n> NAME [async] */
static int map_stmt(struct parser *ps, const struct stmt_ctx *c, unsigned kind, const char *usage)
{
    char b[64];
    uint32_t proc, map;
    int r = arity(ps, c, 2, kind == WS_MSYNC ? 3 : 2, usage);
    if (r < 0 || (r = known_proc(ps, &c->args[0], &proc)) < 0 ||
        (r = map_name(ps, &c->args[1], false, &map)) < 0)
        return r;
    if (c->nargs == 3 && !tok_is(&c->args[2], "async"))
        return fail(ps, &c->args[2], "unexpected %s; expected async or nothing ('%s')",
                    found(&c->args[2], b, sizeof b), usage);
    struct wl_stmt *st = new_stmt(ps, c, kind);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->arg = map;
    st->mode = c->nargs == 3;
    st->addr_col = c->args[1].col;
    runs(ps, c);
    return 0;
}

static int p_munmap(struct parser *ps, const struct stmt_ctx *c)
{
    return map_stmt(ps, c, WS_MUNMAP, "munmap P<n> NAME");
}

static int p_msync(struct parser *ps, const struct stmt_ctx *c)
{
    return map_stmt(ps, c, WS_MSYNC, "msync P<n> NAME [async]");
}

/* ---- process actions: P<n> VERB ... ------------------------------------------------ */

static const struct keyspec read_keys[] = {
    {"len", KEY_SIZE, false, 1, WL_MAX_LEN},
    {NULL, KEY_SIZE, false, 0, 0},
};
static const struct keyspec write_keys[] = {
    {"len", KEY_SIZE, false, 1, WL_MAX_LEN},
    {"value", KEY_BYTE, false, 0, 255},
    {NULL, KEY_SIZE, false, 0, 0},
};
static const struct keyspec check_keys[] = {
    {"len", KEY_SIZE, false, 1, WL_MAX_LEN},
    {"value", KEY_BYTE, true, 0, 255},
    {NULL, KEY_SIZE, false, 0, 0},
};

struct action {
    const char *verb;           /* the word after P<n> */
    unsigned kind;              /* enum wl_stmt_kind */
    const struct keyspec *keys; /* its key=value arguments (len first, value second) */
    const char *usage;          /* its form, for messages */
    int (*parse)(struct parser *ps, const struct stmt_ctx *c, const struct action *a,
                 uint32_t proc);
};

/* write and check with a "string" (the token str): nothing else may follow
 * ADDR. Appends its bytes to w->bytes: *at is where they start, *n how many. */
static int string_arg(struct parser *ps, const struct stmt_ctx *c, const struct tok *str,
                      uint32_t *at, uint64_t *n)
{
    char b[64];
    struct vmm_workload *w = ps->w;
    for (size_t i = 2; i < c->nargs; i++) {
        const struct tok *t = &c->args[i];
        if (t == str)
            continue;
        if (t->kind == TK_STRING)
            return fail(ps, t, "a second string; expected one string after the address");
        return fail(ps, t,
                    "unexpected %s with a string; expected the string alone (its bytes are the "
                    "values, its length the length)",
                    found(t, b, sizeof b));
    }
    if (w->nbytes + str->len > w->cap_bytes) {
        size_t cap = w->cap_bytes ? w->cap_bytes : 256;
        while (cap < w->nbytes + str->len)
            cap *= 2;
        uint8_t *nb = realloc(w->bytes, cap);
        if (!nb)
            return oom(ps);
        w->bytes = nb;
        w->cap_bytes = cap;
    }
    size_t len = string_bytes(str, w->bytes + w->nbytes);
    if (len == 0 || len > WL_MAX_LEN)
        return fail(ps, str, "%s has %zu bytes; expected 1 .. %llu", found(str, b, sizeof b), len,
                    WL_MAX_LEN);
    *at = (uint32_t)w->nbytes;
    *n = len;
    w->nbytes += len;
    return 0;
}

/* read, write, check: ADDR then key=value; write and check: or ADDR "string". */
static int p_access(struct parser *ps, const struct stmt_ctx *c, const struct action *a,
                    uint32_t proc)
{
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    /* c->args[0] is the verb. */
    int r = arity(ps, c, 2, WL_MAX_ARGS, a->usage);
    if (r < 0)
        return r;
    const struct tok *str = NULL;
    for (size_t i = 2; a->kind != WS_READ && !str && i < c->nargs; i++)
        if (c->args[i].kind == TK_STRING)
            str = &c->args[i];
    struct wl_stmt tmp = {0};
    uint32_t at = 0;
    uint64_t n = 0;
    if ((r = address(ps, &c->args[1], &tmp)) < 0)
        return r;
    if (str)
        r = string_arg(ps, c, str, &at, &n);
    else
        r = keys(ps, c->args + 2, c->nargs - 2, a->keys, val, seen, a->usage, c->end);
    if (r < 0)
        return r;
    struct wl_stmt *st = new_stmt(ps, c, a->kind);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->region = tmp.region;
    st->arg = tmp.arg;
    st->addr = tmp.addr;
    st->addr_col = tmp.addr_col;
    st->addr_off = tmp.addr_off;
    st->addr_len = tmp.addr_len;
    if (str) {
        st->mode = 1;
        st->bytes = at;
        st->n = n;
    } else {
        st->n = seen[0] ? val[0].u : 1;
        if (a->keys[1].key && seen[1])
            st->value = (int16_t)val[1].u;
    }
    runs(ps, c);
    return 0;
}

/* brk +SIZE | -SIZE | SIZE */
static int p_brk(struct parser *ps, const struct stmt_ctx *c, const struct action *a, uint32_t proc)
{
    char b[64];
    int r = arity(ps, c, 2, 2, a->usage);
    if (r < 0)
        return r;
    const struct tok *t = &c->args[1];
    uint8_t mode = t->s[0] == '+' ? WB_GROW : t->s[0] == '-' ? WB_SHRINK : WB_SET;
    size_t skip = mode == WB_SET ? 0 : 1;
    uint64_t v;
    r = number(t->s + skip, t->len - skip, true, &v);
    if (r < 0 || v > WL_MAX_LEN)
        return fail(ps, t,
                    "%s is not a heap change; expected +SIZE (grow), -SIZE (shrink) or SIZE "
                    "(the new heap size), SIZE at most 1G: +16K, -4K, 64K",
                    found(t, b, sizeof b));
    struct wl_stmt *st = new_stmt(ps, c, a->kind);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->mode = mode;
    st->n = v;
    runs(ps, c);
    return 0;
}

/* trace FILE [format=NAME] [region=NAME], or trace refs=LIST [region=NAME] */
static int p_trace(struct parser *ps, const struct stmt_ctx *c, const struct action *a,
                   uint32_t proc)
{
    char b[64];
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    int r = arity(ps, c, 2, 4, a->usage);
    if (r < 0 ||
        (r = keys(ps, c->args + 2, c->nargs - 2, a->keys, val, seen, a->usage, c->end)) < 0)
        return r;
    const struct tok *f = &c->args[1];
    if (f->kind != TK_WORD)
        return fail(ps, f, "found %s; expected a file's path or refs=LIST ('%s')",
                    found(f, b, sizeof b), a->usage);
    bool inline_refs = f->len > 5 && memcmp(f->s, "refs=", 5) == 0;
    if (inline_refs && seen[0])
        return fail(ps, f, "refs= is a list of page numbers; expected no format= with it");
    struct wl_stmt *st = new_stmt(ps, c, a->kind);
    if (!st)
        return oom(ps);
    st->proc = proc;
    st->mode = inline_refs;
    st->addr_col = f->col + (inline_refs ? 5 : 0);
    st->addr_off = (uint32_t)(f->s - ps->w->text) + (inline_refs ? 5 : 0);
    st->addr_len = f->len - (inline_refs ? 5 : 0);
    st->arg = seen[0] ? (uint32_t)val[0].u : VMM_FMT_AUTO;
    st->region = seen[1] ? (uint8_t)val[1].u : WR_ABSOLUTE;
    runs(ps, c);
    return 0;
}

/* pattern KIND pages=N refs=N [alpha=] [write=] [seed=] [region=] [value=] [phases=]
 * [phase-pages=] */
static int p_pattern(struct parser *ps, const struct stmt_ctx *c, const struct action *a,
                     uint32_t proc)
{
    char b[64], list[64] = "";
    struct kval val[KEYS_MAX];
    bool seen[KEYS_MAX];
    struct vmm_workload *w = ps->w;
    int r = arity(ps, c, 2, WL_MAX_ARGS, a->usage);
    if (r < 0)
        return r;
    const struct tok *k = &c->args[1];
    int kind = -1;
    for (int i = 0; i < PAT__COUNT; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", pat_kind_names[i]);
        if (tok_is(k, pat_kind_names[i]))
            kind = i;
    }
    if (kind < 0)
        return fail(ps, k, "unknown pattern %s; expected %s", found(k, b, sizeof b), list);
    if ((r = keys(ps, c->args + 2, c->nargs - 2, a->keys, val, seen, a->usage, c->end)) < 0)
        return r;
    /* a->keys: pages refs alpha write seed region value phases phase-pages */
    if (kind == PAT_PHASES && !seen[8])
        return fail(ps, c->end, "found %s without phase-pages=; expected it for 'pattern phases'",
                    found(c->end, b, sizeof b));
    if (seen[8] && val[8].u > val[0].u)
        return fail(ps, k,
                    "phase-pages=%" PRIu64 " is more than pages=%" PRIu64
                    "; expected a window inside the pages",
                    val[8].u, val[0].u);
    if (grow((void **)&w->pats, &w->cap_pats, w->npats, sizeof *w->pats) < 0)
        return oom(ps);
    struct wl_stmt *st = new_stmt(ps, c, a->kind);
    if (!st)
        return oom(ps);
    struct wl_pattern *pt = &w->pats[w->npats];
    *pt = (struct wl_pattern){
        .spec = {.kind = (enum pat_kind)kind,
                 .pages = val[0].u,
                 .refs = val[1].u,
                 .alpha = seen[2] ? val[2].d : PAT_DEFAULT_ALPHA,
                 .write = seen[3] ? val[3].d : 0.0,
                 .seed = seen[4] ? val[4].u : 0,
                 .phases = seen[7] ? val[7].u : 4,
                 .phase_pages = seen[8] ? val[8].u : 1},
        .seeded = seen[4],
        .region = seen[5] ? (uint8_t)val[5].u : WR_HEAP,
        .value = seen[6] ? (int16_t)val[6].u : WL_DEFAULT_BYTE,
    };
    st->proc = proc;
    st->arg = (uint32_t)w->npats++;
    runs(ps, c);
    return 0;
}

static const struct keyspec brk_keys[] = {{NULL, KEY_SIZE, false, 0, 0}};
static const struct keyspec trace_keys[] = {
    {"format", KEY_FORMAT, false, 0, 0},
    {"region", KEY_REGION, false, 0, 0},
    {NULL, KEY_SIZE, false, 0, 0},
};
static const struct keyspec pattern_keys[] = {
    {"pages", KEY_SIZE, true, 1, 1ull << 40},
    {"refs", KEY_COUNT, true, 0, UINT64_MAX},
    {"alpha", KEY_REAL, false, 0, 100},
    {"write", KEY_REAL, false, 0, 1},
    {"seed", KEY_COUNT, false, 0, UINT64_MAX},
    {"region", KEY_REGION, false, 0, 0},
    {"value", KEY_BYTE, false, 0, 255},
    {"phases", KEY_COUNT, false, 1, 1ull << 32},
    {"phase-pages", KEY_SIZE, false, 1, 1ull << 40},
    {NULL, KEY_SIZE, false, 0, 0},
};

static const struct action actions[] = {
    {"read", WS_READ, read_keys, "P<n> read ADDR [len=SIZE]", p_access},
    {"write", WS_WRITE, write_keys,
     "P<n> write ADDR [len=SIZE] [value=BYTE] or P<n> write ADDR \"TEXT\"", p_access},
    {"check", WS_CHECK, check_keys,
     "P<n> check ADDR value=BYTE [len=SIZE] or P<n> check ADDR \"TEXT\"", p_access},
    {"brk", WS_BRK, brk_keys, "P<n> brk +SIZE|-SIZE|SIZE", p_brk},
    {"trace", WS_TRACE, trace_keys,
     "P<n> trace FILE [format=NAME] [region=NAME] or P<n> trace refs=P,P,... [region=NAME]",
     p_trace},
    {"pattern", WS_PATTERN, pattern_keys,
     "P<n> pattern KIND pages=N refs=N [alpha=A] [write=P] [seed=N] [region=NAME] [value=BYTE] "
     "[phases=N] [phase-pages=N]",
     p_pattern},
};
#define NACTIONS (sizeof actions / sizeof actions[0])

static int p_process(struct parser *ps, const struct stmt_ctx *c)
{
    char b[64], list[128] = "";
    uint32_t proc;
    int r = known_proc(ps, c->kw, &proc);
    if (r < 0)
        return r;
    for (size_t i = 0; i < NACTIONS; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", actions[i].verb);
        if (c->nargs && tok_is(&c->args[0], actions[i].verb))
            return actions[i].parse(ps, c, &actions[i], proc);
    }
    const struct tok *at = c->nargs ? &c->args[0] : c->end;
    return fail(ps, at, "found %s after P%u; expected an action: %s", found(at, b, sizeof b),
                ps->w->procs[proc].pid, list);
}

/* ---- the statement table ---------------------------------------------------------- */

struct keyword {
    const char *word;                                          /* first token */
    int (*parse)(struct parser *ps, const struct stmt_ctx *c); /* reads the rest */
};

static const struct keyword keywords[] = {
    {"frames", p_frames},
    {"policy", p_policy},
    {"page-size", p_page_size},
    {"tlb", p_tlb},
    {"seed", p_seed},
    {"va-bits", p_va_bits},
    {"flush-interval", p_flush_interval},
    {"sched", p_sched},
    {"quantum", p_quantum},
    {"mmu", p_mmu},
    {"binding", p_binding},
    {"fit", p_fit},
    {"program", p_program},
    {"spawn", p_spawn},
    {"exit", p_exit},
    {"repeat", p_repeat},
    {"fork", p_fork},
    {"exec", p_exec},
    {"mmap", p_mmap},
    {"munmap", p_munmap},
    {"msync", p_msync},
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

/* Closes the innermost repeat block at '}'. */
static int close_block(struct parser *ps, const struct tok *t)
{
    if (ps->depth == 0)
        return fail(ps, t, "found '}' with no repeat block open; expected a statement");
    ps->depth--;
    ps->w->stmts[ps->open[ps->depth]].arg = (uint32_t)ps->w->nstmts;
    return 0;
}

/* One statement starting at the word kw. */
static int statement(struct parser *ps, const struct tok *kw)
{
    char b[64], list[256] = "";
    struct tok args[WL_MAX_ARGS], end;
    size_t n = 0;
    for (;;) {
        lex(ps, &end);
        if (end.kind == TK_BAD)
            return bad_string(ps, &end);
        if (end.kind != TK_WORD && end.kind != TK_STRING)
            break;
        if (n == WL_MAX_ARGS)
            return fail(ps, &end, "%s is word %d after %.*s; expected at most %d",
                        found(&end, b, sizeof b), WL_MAX_ARGS + 1,
                        (int)(kw->len < SHOW_MAX ? kw->len : SHOW_MAX), kw->s, WL_MAX_ARGS);
        args[n++] = end;
    }
    struct stmt_ctx c = {kw, args, n, &end};
    int r;
    if (end.kind == TK_LBRACE && !tok_is(kw, "repeat"))
        return fail(ps, &end,
                    "found '{'; expected the end of the statement (only 'repeat N {' "
                    "opens a block)");
    if (kw->s[0] == 'P' && kw->len > 1 && kw->s[1] >= '0' && kw->s[1] <= '9') {
        r = p_process(ps, &c);
    } else {
        size_t i = 0;
        while (i < NKEYWORDS && !tok_is(kw, keywords[i].word))
            i++;
        if (i == NKEYWORDS) {
            for (size_t k = 0; k < NKEYWORDS; k++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s, ", keywords[k].word);
            }
            return fail(ps, kw, "unknown statement %s; expected %sor a process name P<n>",
                        found(kw, b, sizeof b), list);
        }
        r = keywords[i].parse(ps, &c);
    }
    if (r < 0)
        return r;
    if (end.kind == TK_RBRACE || end.kind == TK_EOF)
        unread(ps, &end);
    return 0;
}

static int parse_all(struct parser *ps)
{
    char b[64];
    struct tok t;
    for (;;) {
        lex(ps, &t);
        int r = 0;
        switch (t.kind) {
        case TK_EOF:
            if (ps->depth)
                return fail(ps, &ps->brace[ps->depth - 1],
                            "'{' of the repeat at line %u is never closed; expected '}' before "
                            "the end of the file",
                            ps->brace[ps->depth - 1].line);
            return 0;
        case TK_END:
            break;
        case TK_RBRACE:
            r = close_block(ps, &t);
            break;
        case TK_LBRACE:
            return fail(ps, &t, "found %s; expected a statement (only 'repeat N {' opens a block)",
                        found(&t, b, sizeof b));
        case TK_WORD:
            r = statement(ps, &t);
            break;
        case TK_STRING:
            return fail(ps, &t, "found %s; expected a statement (a string follows an address)",
                        found(&t, b, sizeof b));
        case TK_BAD:
            return bad_string(ps, &t);
        }
        if (r < 0)
            return r;
    }
}

/* ---- the public functions ------------------------------------------------------------ */

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void vmm_workload_free(struct vmm_workload *w)
{
    if (!w)
        return;
    free(w->name);
    free(w->dir);
    free(w->files);
    free(w->text);
    free(w->pats);
    free(w->maps);
    free(w->mmaps);
    free(w->bytes);
    free(w->progs);
    free(w->procs);
    free(w->stmts);
    free(w);
}

int vmm_workload_parse(const char *name, const char *text, struct vmm_workload **out, char *err,
                       size_t errlen)
{
    if (out)
        *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!text || !out) {
        if (err && errlen)
            snprintf(err, errlen, "vmm_workload_parse: no text or no result pointer");
        return VMM_EINVAL;
    }
    struct vmm_workload *w = calloc(1, sizeof *w);
    if (!w || !(w->name = dup_text(name ? name : "workload")) || !(w->text = dup_text(text))) {
        vmm_workload_free(w);
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory", name ? name : "workload");
        return VMM_ENOMEM;
    }
    if (strlen(text) > UINT32_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "%s: larger than 4 GiB; expected a smaller script", w->name);
        vmm_workload_free(w);
        return VMM_ELIMIT;
    }
    struct parser ps = {
        .w = w, .p = w->text, .line_start = w->text, .line = 1, .err = err, .errlen = errlen};
    int r = parse_all(&ps);
    free(ps.pid_proc);
    if (r < 0) {
        vmm_workload_free(w);
        return r;
    }
    *out = w;
    return 0;
}

/* Writes a message to err, if there is room for one. */
static void say_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int vmm_workload_load(const char *path, struct vmm_workload **out, char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    if (!path || !out) {
        say_err(err, errlen, "vmm_workload_load: no path or no result pointer");
        return VMM_EINVAL;
    }
    bool in = strcmp(path, "-") == 0; /* standard input, named "stdin" in messages */
    FILE *f = in ? stdin : fopen(path, "rb");
    if (in)
        path = "stdin";
    if (!f) {
        int e = errno;
        say_err(err, errlen, "%s: cannot open: %s", path, strerror(e));
        return e == ENOENT ? VMM_ENOENT : VMM_EIO;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    int r = buf ? 0 : VMM_ENOMEM;
    while (r == 0) {
        if (len == cap) {
            if (cap >= WL_MAX_FILE) {
                say_err(err, errlen, "%s: larger than %u MiB; expected a smaller script", path,
                        WL_MAX_FILE >> 20);
                r = VMM_ELIMIT;
                break;
            }
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                r = VMM_ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                say_err(err, errlen, "%s: read error: %s", path, strerror(errno));
                r = VMM_EIO;
            }
            break;
        }
    }
    if (!in)
        fclose(f);
    if (r == VMM_ENOMEM)
        say_err(err, errlen, "%s: out of memory", path);
    if (r == 0) {
        const char *nul = memchr(buf, '\0', len);
        if (nul) {
            say_err(err, errlen, "%s: a NUL byte at offset %zu; expected a text file", path,
                    (size_t)(nul - buf));
            r = VMM_EPARSE;
        }
    }
    if (r == 0) {
        buf[len] = '\0';
        r = vmm_workload_parse(path, buf, out, err, errlen);
    }
    if (r == 0) { /* traces it names are found from its directory */
        const char *slash = strrchr(path, '/');
        size_t dlen = slash ? (size_t)(slash - path) + (slash == path) : 0;
        (*out)->dir = malloc(dlen + 1);
        if (!(*out)->dir) {
            vmm_workload_free(*out);
            *out = NULL;
            say_err(err, errlen, "%s: out of memory", path);
            r = VMM_ENOMEM;
        } else {
            memcpy((*out)->dir, path, dlen);
            (*out)->dir[dlen] = '\0';
        }
    }
    free(buf);
    return r;
}

int vmm_workload_set_files(struct vmm_workload *w, const char *dir)
{
    if (!w || !dir)
        return VMM_EINVAL;
    char *d = dup_text(dir);
    if (!d)
        return VMM_ENOMEM;
    free(w->files);
    w->files = d;
    return 0;
}

void vmm_workload_settings(const struct vmm_workload *w, struct vmm_config *cfg)
{
    if (!w || !cfg)
        return;
    if (w->set & (1u << WSET_FRAMES))
        cfg->frames = w->frames;
    if (w->set & (1u << WSET_POLICY)) {
        cfg->policy = w->policy;
        cfg->policy_params = w->policy_params[0] ? w->policy_params : NULL;
    }
    if (w->set & (1u << WSET_PAGE_SIZE))
        cfg->page_size = w->page_size;
    if (w->set & (1u << WSET_TLB))
        cfg->tlb_entries = w->tlb;
    if (w->set & (1u << WSET_SEED))
        cfg->seed = w->seed;
    if (w->set & (1u << WSET_VA_BITS))
        cfg->va_bits = w->va_bits;
    if (w->set & (1u << WSET_FLUSH))
        cfg->flush_interval = w->flush_interval;
    if (w->set & (1u << WSET_SCHED))
        cfg->sched = w->sched;
    if (w->set & (1u << WSET_MMU))
        cfg->mmu = w->named[0];
    if (w->set & (1u << WSET_BINDING))
        cfg->binding = w->named[1];
    if (w->set & (1u << WSET_FIT))
        cfg->fit = w->named[2];
    if (w->set & (1u << WSET_QUANTUM)) { /* a count of references wins over a time when set */
        if (w->quantum_refs)
            cfg->quantum_refs = w->quantum_refs;
        else {
            cfg->quantum_ns = w->quantum_ns;
            cfg->quantum_refs = 0;
        }
    }
}
