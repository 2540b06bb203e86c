/*
 * detect.c - telling a trace's format from its first bytes (--format auto).
 *
 * Looks at the first TRACE_SAMPLE (64 KiB) of decoded data, consuming none:
 *
 *  1. nothing at all                   -> error "empty trace"
 *     the .vmt magic (89 56 4d 54 0d 0a 1a 0a) -> vmt (also a whole stream
 *     shorter than it that begins like it: a cut .vmt file)
 *  2. binary or text? binary when more than 1/8 of the bytes are neither
 *     printable ASCII, white space nor part of a valid UTF-8 sequence (a NUL
 *     counts as binary). A text trace with a stray NUL stays text, so the
 *     reader can point at the NUL's line and column.
 *  3. binary: u64le if every second 32-bit little-endian word (the high
 *     halves) is zero and some low half is not; otherwise u32be or u32le,
 *     whichever reading gives more values below 2^24 (real page numbers are
 *     small, the wrong byte order makes them huge); on a tie the smaller sum
 *     of values, then u32le.
 *  4. text: the first line that is not blank, a '#' comment or a valgrind
 *     "==" / "--" line decides, tried in this order:
 *        [ILSM] <hex>,<dec>            lackey
 *        <dec> R|W|X <hex>             vmm
 *        <hex> R|W                     addr
 *        numbers, commas, white space  pages
 *     anything else is an error that shows the line and names --format.
 *
 * docs/formats.md documents the same rules for users; --format skips all this.
 */
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

/* The length of the valid UTF-8 multi-byte sequence at p (at most e), or 0. */
static size_t utf8_len(const uint8_t *p, const uint8_t *e)
{
    size_t need;
    if (*p >= 0xc2 && *p <= 0xdf)
        need = 2;
    else if (*p >= 0xe0 && *p <= 0xef)
        need = 3;
    else if (*p >= 0xf0 && *p <= 0xf4)
        need = 4;
    else
        return 0;
    if ((size_t)(e - p) < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    }
    return need;
}

/* True when more than 1/8 of [s, s + n) is not text. */
static bool looks_binary(const uint8_t *s, size_t n)
{
    const uint8_t *p = s, *e = s + n;
    size_t odd = 0;
    while (p < e) {
        uint8_t c = *p;
        if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r' || c == '\v' ||
            c == '\f') {
            p++;
        } else if (c >= 0x80 && utf8_len(p, e)) {
            p += utf8_len(p, e);
        } else {
            odd++;
            p++;
        }
    }
    return odd * 8 > n;
}

/* Step 3: which binary format [s, s + n) is. whole: n is the whole stream. */
static enum vmm_trace_format binary_kind(const uint8_t *s, size_t n, bool whole)
{
    size_t words = n / 4;
    if (words >= 2 && (!whole || n % 8 == 0)) {
        bool high_zero = true, low_set = false;
        for (size_t i = 0; i + 1 < words; i += 2) {
            uint32_t lo, hi;
            memcpy(&lo, s + 4 * i, 4);
            memcpy(&hi, s + 4 * i + 4, 4);
            high_zero &= hi == 0; /* zero in either byte order */
            low_set |= lo != 0;
        }
        if (high_zero && low_set)
            return VMM_FMT_U64LE;
    }
    size_t small_be = 0, small_le = 0;
    uint64_t sum_be = 0, sum_le = 0;
    for (size_t i = 0; i < words; i++) {
        const uint8_t *w = s + 4 * i;
        uint32_t be = (uint32_t)w[0] << 24 | (uint32_t)w[1] << 16 | (uint32_t)w[2] << 8 | w[3];
        uint32_t le = (uint32_t)w[3] << 24 | (uint32_t)w[2] << 16 | (uint32_t)w[1] << 8 | w[0];
        small_be += be < (1u << 24);
        small_le += le < (1u << 24);
        sum_be += be;
        sum_le += le;
    }
    if (small_be != small_le)
        return small_be > small_le ? VMM_FMT_U32BE : VMM_FMT_U32LE;
    return sum_be < sum_le ? VMM_FMT_U32BE : VMM_FMT_U32LE;
}

/* ---- step 4: one line [p, e) of text ---------------------------------------------- */

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_dec(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(uint8_t c)
{
    return is_dec(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static const uint8_t *skip_blanks(const uint8_t *p, const uint8_t *e)
{
    while (p < e && is_blank(*p))
        p++;
    return p;
}

/* Past a hex number with an optional 0x at p, or NULL if there is none. */
static const uint8_t *hex_token(const uint8_t *p, const uint8_t *e)
{
    if (e - p >= 3 && p[0] == '0' && (p[1] | 0x20) == 'x' && is_hex(p[2]))
        p += 2;
    const uint8_t *s = p;
    while (p < e && is_hex(*p))
        p++;
    return p == s ? NULL : p;
}

/* Past a decimal number at p, or NULL if there is none. */
static const uint8_t *dec_token(const uint8_t *p, const uint8_t *e)
{
    const uint8_t *s = p;
    while (p < e && is_dec(*p))
        p++;
    return p == s ? NULL : p;
}

/* The end of a field: end of line, white space or a comment. */
static bool field_end(const uint8_t *p, const uint8_t *e)
{
    return p == e || is_blank(*p) || *p == '#';
}

/* [ILSM] <blanks> <hex> [blanks] , [blanks] <dec> */
static bool is_lackey(const uint8_t *p, const uint8_t *e)
{
    if (p == e || !(*p == 'I' || *p == 'L' || *p == 'S' || *p == 'M'))
        return false;
    p++;
    if (p == e || !is_blank(*p))
        return false;
    if (!(p = hex_token(skip_blanks(p, e), e)))
        return false;
    p = skip_blanks(p, e);
    if (p == e || *p != ',')
        return false;
    p = skip_blanks(p + 1, e);
    return dec_token(p, e) != NULL;
}

/* <dec> <blanks> R|W|X <blanks> <hex> */
static bool is_vmm(const uint8_t *p, const uint8_t *e)
{
    if (!(p = dec_token(p, e)) || p == e || !is_blank(*p))
        return false;
    p = skip_blanks(p, e);
    if (p == e || !((*p | 0x20) == 'r' || (*p | 0x20) == 'w' || (*p | 0x20) == 'x'))
        return false;
    p++;
    if (p == e || !is_blank(*p))
        return false;
    p = hex_token(skip_blanks(p, e), e);
    return p && field_end(p, e);
}

/* <hex> <blanks> R|W */
static bool is_addr(const uint8_t *p, const uint8_t *e)
{
    if (!(p = hex_token(p, e)) || p == e || !is_blank(*p))
        return false;
    p = skip_blanks(p, e);
    if (p == e || ((*p | 0x20) != 'r' && (*p | 0x20) != 'w'))
        return false;
    return field_end(p + 1, e);
}

/* Decimal or 0x-hex numbers separated by commas and white space, up to a
 * comment. A number cut by the end of the sample still counts. */
static bool is_pages(const uint8_t *p, const uint8_t *e)
{
    if (p == e || !is_dec(*p))
        return false;
    while (p < e && *p != '#') {
        if (is_blank(*p) || *p == ',') {
            p++;
            continue;
        }
        const uint8_t *q = NULL;
        if (p[0] == '0' && e - p >= 2 && (p[1] | 0x20) == 'x')
            q = e - p == 2 ? e : hex_token(p, e);
        else
            q = dec_token(p, e);
        if (!q || !(q == e || is_blank(*q) || *q == ',' || *q == '#'))
            return false;
        p = q;
    }
    return true;
}

/* Writes the line [p, e) for a message: at most 60 bytes, escaped. */
static void quote_line(char *out, size_t len, const uint8_t *p, const uint8_t *e)
{
    size_t o = 0;
    for (; p < e && o + 8 < len; p++) {
        if (o >= 60) {
            o += (size_t)snprintf(out + o, len - o, "...");
            break;
        }
        if (*p >= 0x20 && *p < 0x7f)
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, len - o, "\\x%02x", *p);
    }
    out[o < len ? o : len - 1] = 0;
}

/* Step 4 over the sample [s, s + n). whole: n is the whole stream. */
static int text_kind(struct vmm_trace *tr, const uint8_t *s, size_t n, bool whole)
{
    const uint8_t *p = s, *end = s + n;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *e = nl ? nl : end;
        const uint8_t *b = skip_blanks(p, e);
        bool skip =
            b == e || *b == '#' || (e - b >= 2 && (b[0] == '=' || b[0] == '-') && b[1] == b[0]);
        if (!skip) {
            if (is_lackey(b, e))
                return VMM_FMT_LACKEY;
            if (is_vmm(b, e))
                return VMM_FMT_VMM;
            if (is_addr(b, e))
                return VMM_FMT_ADDR;
            if (is_pages(b, e))
                return VMM_FMT_PAGES;
            char line[100];
            quote_line(line, sizeof line, b, e);
            return trace_fail(tr, VMM_EPARSE, true,
                              "cannot tell the trace format (first line: '%s'); name it with "
                              "--format pages|addr|lackey|vmm|u32be|u32le|u64le|vmt",
                              line);
        }
        p = nl ? nl + 1 : end;
    }
    if (whole)
        return trace_fail(tr, VMM_EPARSE, true, "empty trace (no references)");
    return trace_fail(tr, VMM_EPARSE, true,
                      "cannot tell the trace format (no reference in the first %u KiB); name it "
                      "with --format pages|addr|lackey|vmm|u32be|u32le|u64le|vmt",
                      TRACE_SAMPLE / 1024);
}

int trace_detect(struct vmm_trace *tr)
{
    int rc = trace_fill_to(tr, TRACE_SAMPLE);
    if (rc < 0)
        return rc;
    const uint8_t *s = tr->buf + tr->pos;
    size_t have = tr->len - tr->pos;
    size_t n = have < TRACE_SAMPLE ? have : TRACE_SAMPLE;
    bool whole = tr->eof && n == have;
    if (n == 0)
        return trace_fail(tr, VMM_EPARSE, true, "empty trace (no references)");
    /* .vmt by its magic; a whole stream shorter than the magic that begins
     * like it is a cut .vmt (its reader says so), not a page or two. */
    if (memcmp(s, vmt_magic, n < VMT_MAGIC_LEN ? n : VMT_MAGIC_LEN) == 0 &&
        (n >= VMT_MAGIC_LEN || whole))
        return VMM_FMT_VMT;
    if (looks_binary(s, n))
        return binary_kind(s, n, whole);
    return text_kind(tr, s, n, whole);
}
