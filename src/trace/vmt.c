/*
 * vmt.c - reading vmm's binary trace format, .vmt (docs/formats.md, "vmt",
 * gives the layout byte by byte; writer.c writes it).
 *
 *   header (16 bytes) | block | block | ... | end block
 *   block:     length L (u32le), count C (u32le), checksum (u64le) | L bytes: C records
 *   end block: 0, 0, checksum of nothing seeded with the total record count
 *
 * A record is a LEB128 number V, its low 2 bits a form and the rest the
 * zigzag-coded delta of the address, then (form 3 only) a byte giving the
 * operation and whether a pid and a size follow, as LEB128 numbers:
 *
 *   V = zigzag(address - last address of the stream) << 2 | form
 *   form 0 read, 1 write, 2 execute: same pid, the stream's last size
 *   form 3: byte E = op | pid follows << 2 | size follows << 3, [pid], [size]
 *
 * There are two streams, code (execute) and data (read and write), so that
 * instruction fetches and data accesses each see small deltas. The common
 * record (a read by the same process, a delta of -16 .. 15) is one byte.
 * Every block starts afresh (pid 1, addresses 0, sizes 1): blocks decode
 * on their own, and damage stays in its block.
 *
 * Invariants of the reader:
 *  - a block's records are decoded only after its whole payload is in the
 *    buffer and its checksum matched: damaged data is an error before any of
 *    its references is returned, never a different trace;
 *  - no byte past the current block's end is ever read as a record;
 *  - the end block's checksum is seeded with the number of records, and
 *    each block's with the index of its first record, so a stream cut at a
 *    block boundary, or a block lost or repeated, is an error too.
 */
#include "trace/trace.h"

#include <stdio.h>
#include <string.h>

enum { VMT_AT_HEADER = 0, VMT_IN_BLOCKS, VMT_AT_END };

const uint8_t vmt_magic[VMT_MAGIC_LEN] = {0x89, 'V', 'M', 'T', '\r', '\n', 0x1a, '\n'};

/* ---- XXH64 (Yann Collet's xxHash, 64-bit; the published algorithm) ----------- */

#define XP1 0x9E3779B185EBCA87ull
#define XP2 0xC2B2AE3D27D4EB4Full
#define XP3 0x165667B19E3779F9ull
#define XP4 0x85EBCA77C2B2AE63ull
#define XP5 0x27D4EB2F165667C5ull

static inline uint64_t rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t xround(uint64_t acc, uint64_t in)
{
    acc += in * XP2;
    return rotl(acc, 31) * XP1;
}

static inline uint64_t xmerge(uint64_t h, uint64_t v)
{
    h ^= xround(0, v);
    return h * XP1 + XP4;
}

uint64_t vmt_hash(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    size_t left = n;
    uint64_t h;
    if (left >= 32) {
        uint64_t v1 = seed + XP1 + XP2, v2 = seed + XP2, v3 = seed, v4 = seed - XP1;
        do {
            v1 = xround(v1, load_le64(p));
            v2 = xround(v2, load_le64(p + 8));
            v3 = xround(v3, load_le64(p + 16));
            v4 = xround(v4, load_le64(p + 24));
            p += 32;
            left -= 32;
        } while (left >= 32);
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = xmerge(h, v1);
        h = xmerge(h, v2);
        h = xmerge(h, v3);
        h = xmerge(h, v4);
    } else {
        h = seed + XP5;
    }
    h += (uint64_t)n;
    for (; left >= 8; p += 8, left -= 8) {
        h ^= xround(0, load_le64(p));
        h = rotl(h, 27) * XP1 + XP4;
    }
    if (left >= 4) {
        h ^= (uint64_t)load_le32(p) * XP1;
        h = rotl(h, 23) * XP2 + XP3;
        p += 4;
        left -= 4;
    }
    for (; left; p++, left--) {
        h ^= *p * XP5;
        h = rotl(h, 11) * XP1;
    }
    h ^= h >> 33;
    h *= XP2;
    h ^= h >> 29;
    h *= XP3;
    h ^= h >> 32;
    return h;
}

/* ---- errors ---------------------------------------------------------------------- */

/* "file: record N at byte B: what", N counted from 1, B the stream offset. */
__attribute__((format(printf, 5, 6))) static int
fail_rec(struct vmm_trace *tr, int code, uint64_t index, uint64_t off, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return trace_fail(tr, code, true, "record %llu at byte %llu: %s", (unsigned long long)index + 1,
                      (unsigned long long)off, what);
}

static const char *wider(const struct vmm_trace *tr)
{
    return tr->va_bits == 32   ? " (a wider one: --va-bits 48 or 57)"
           : tr->va_bits == 48 ? " (a wider one: --va-bits 57)"
                               : "";
}

/* ---- header and blocks -------------------------------------------------------------- */

int trace_vmt_begin(struct vmm_trace *tr)
{
    struct trace_vmt *v = &tr->vmt;
    int rc = trace_fill_to(tr, VMT_HEADER_LEN);
    if (rc < 0)
        return rc;
    const uint8_t *h = tr->buf + tr->pos;
    size_t have = tr->len - tr->pos;
    if (memcmp(h, vmt_magic, have < VMT_MAGIC_LEN ? have : VMT_MAGIC_LEN) != 0)
        return trace_fail(tr, VMM_EPARSE, true,
                          "not a .vmt trace: it does not start with the .vmt magic bytes 89 56 4d "
                          "54 0d 0a 1a 0a");
    if (have < VMT_HEADER_LEN)
        return trace_fail(tr, VMM_EPARSE, true,
                          "truncated .vmt header: the file ends at byte %zu of its 16", have);
    if (h[8] != VMT_VERSION)
        return trace_fail(tr, VMM_EUNSUPPORTED, true,
                          ".vmt version %u, but this vmm reads version %u (a newer vmm wrote it?)",
                          h[8], VMT_VERSION);
    if (load_le32(h + 12) != (uint32_t)vmt_hash(h, 12, 0))
        return trace_fail(tr, VMM_EPARSE, true,
                          "the .vmt header's checksum does not match: the header is damaged");
    if (h[9] & ~VMT_FLAGS_KNOWN)
        return trace_fail(tr, VMM_EUNSUPPORTED, true,
                          ".vmt header flags 0x%02x include ones this vmm does not know (0x%02x)",
                          h[9], h[9] & ~VMT_FLAGS_KNOWN);
    if (h[10] > 63 || h[11] != 0)
        return trace_fail(tr, VMM_EPARSE, true,
                          "bad .vmt header: page shift %u (at most 63), reserved byte %u (must "
                          "be 0)",
                          h[10], h[11]);
    v->flags = h[9];
    v->page_shift = h[10];
    v->state = VMT_IN_BLOCKS;
    tr->pos += VMT_HEADER_LEN;
    return 0;
}

/* At a block boundary: reads the next block's header, and its whole payload
 * into the buffer, and checks its checksum; or reads the end block and checks
 * that nothing follows. Returns 0 or the error. */
static int next_block(struct vmm_trace *tr)
{
    struct trace_vmt *v = &tr->vmt;
    const uint64_t off = tr->base + tr->pos;
    int rc = trace_fill_to(tr, VMT_BLOCK_HEAD);
    if (rc < 0)
        return rc;
    size_t have = tr->len - tr->pos;
    if (have == 0)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "the trace ends without its end block (truncated after %llu records)",
                        (unsigned long long)v->record);
    if (have < VMT_BLOCK_HEAD)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "the trace ends inside a block header (%zu of its 16 bytes)", have);
    const uint8_t *h = tr->buf + tr->pos;
    uint32_t len = load_le32(h), count = load_le32(h + 4);
    uint64_t sum = load_le64(h + 8);
    if (len == 0 && count == 0) {
        if (sum != vmt_hash(h, 0, v->record))
            return fail_rec(tr, VMM_EPARSE, v->record, off,
                            "the end block's checksum does not match %llu records: it is "
                            "damaged, or blocks are missing",
                            (unsigned long long)v->record);
        tr->pos += VMT_BLOCK_HEAD;
        v->state = VMT_AT_END;
        if ((rc = trace_fill_to(tr, 1)) < 0)
            return rc;
        if (tr->len > tr->pos)
            return trace_fail(
                tr, VMM_EPARSE, true, "byte %llu: data after the end block (%llu records)",
                (unsigned long long)(tr->base + tr->pos), (unsigned long long)v->record);
        return 0;
    }
    if (len > VMT_BLOCK_MAX)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "block of %lu bytes (at most %u): the block header is damaged",
                        (unsigned long)len, VMT_BLOCK_MAX);
    if (count == 0 || count > len)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "a block of %lu bytes cannot hold %lu records: the block header is "
                        "damaged",
                        (unsigned long)len, (unsigned long)count);
    if ((rc = trace_fill_to(tr, VMT_BLOCK_HEAD + (size_t)len)) < 0)
        return rc;
    have = tr->len - tr->pos;
    if (have < VMT_BLOCK_HEAD + (size_t)len)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "the trace ends inside a block (%zu of its %lu bytes)",
                        have - VMT_BLOCK_HEAD, (unsigned long)len);
    h = tr->buf + tr->pos; /* the fill may have moved the buffer */
    if (vmt_hash(h + VMT_BLOCK_HEAD, len, vmt_block_seed(v->record, len, count)) != sum)
        return fail_rec(tr, VMM_EPARSE, v->record, off,
                        "the checksum of this block (records %llu .. %llu) does not match: "
                        "the data is damaged",
                        (unsigned long long)v->record + 1, (unsigned long long)v->record + count);
    tr->pos += VMT_BLOCK_HEAD;
    v->block_first = v->record;
    v->block_end = tr->base + tr->pos + len;
    v->left = count;
    v->pid = 1;
    v->addr[0] = v->addr[1] = 0;
    v->size[0] = v->size[1] = 1;
    return 0;
}

/* ---- records ------------------------------------------------------------------------ */

/* Reads a plain LEB128 number of at most maxb bytes from [*pp, e). Returns
 * false if it runs past e or is longer. */
static inline bool leb(const uint8_t **pp, const uint8_t *e, unsigned maxb, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t x = 0;
    for (unsigned i = 0; i < maxb; i++) {
        if (p >= e)
            return false;
        uint8_t b = *p++;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *pp = p;
            *out = x;
            return true;
        }
    }
    return false;
}

/* Reads a LEB128 number of at most 8 bytes at p (8 bytes readable) without a
 * branch on its length: one load, the continuation bits find the end, the
 * 7-bit groups are packed together. Returns false if it is longer (left to
 * the byte loop); else *out and *end. */
static inline bool leb8(const uint8_t *p, uint64_t *out, const uint8_t **end)
{
    const uint64_t w = load_le64(p);
    const uint64_t stops = ~w & 0x8080808080808080ull;
    if (!stops)
        return false;
    const unsigned bits = (unsigned)__builtin_ctzll(stops) + 1; /* 8 * length */
    uint64_t x = (bits == 64 ? w : w & ((1ull << bits) - 1)) & 0x7f7f7f7f7f7f7f7full;
    x = (x & 0x007f007f007f007full) | ((x & 0x7f007f007f007f00ull) >> 1);
    x = (x & 0x00003fff00003fffull) | ((x & 0x3fff00003fff0000ull) >> 2);
    x = (x & 0x000000000fffffffull) | ((x & 0x0fffffff00000000ull) >> 4);
    *out = x;
    *end = p + bits / 8;
    return true;
}

/* What stopped a decode: a message, or an address out of range. */
enum stop { STOP_NONE = 0, STOP_MSG, STOP_PAGE, STOP_SPAN };

/* Records the error that stopped decode() at record index, stream offset off. */
static void decode_fail(struct vmm_trace *tr, enum stop why, const char *what, int code,
                        uint64_t bad, uint32_t size, uint64_t index, uint64_t off)
{
    const unsigned shift = tr->shift;
    if (why == STOP_PAGE && tr->va_bits < 64 && bad <= UINT64_MAX >> shift)
        fail_rec(tr, VMM_ERANGE, index, off,
                 "page 0x%llx (address 0x%llx) is beyond the %u-bit virtual address space%s",
                 (unsigned long long)bad, (unsigned long long)(bad << shift), tr->va_bits,
                 wider(tr));
    else if (why == STOP_PAGE)
        fail_rec(tr, VMM_ERANGE, index, off,
                 "page number %llu is too large for %llu-byte pages (its address exceeds 64 bits)",
                 (unsigned long long)bad, (unsigned long long)tr->page_size);
    else if (why == STOP_SPAN && bad <= tr->max_addr && size - 1 <= UINT64_MAX - bad)
        fail_rec(tr, VMM_ERANGE, index, off,
                 "the access at 0x%llx of %lu bytes runs beyond the %u-bit virtual address "
                 "space%s",
                 (unsigned long long)bad, (unsigned long)size, tr->va_bits, wider(tr));
    else if (why == STOP_SPAN && bad <= tr->max_addr)
        fail_rec(tr, VMM_ERANGE, index, off,
                 "the access at 0x%llx of %lu bytes runs past the top of the 64-bit address "
                 "space",
                 (unsigned long long)bad, (unsigned long)size);
    else if (why == STOP_SPAN)
        fail_rec(tr, VMM_ERANGE, index, off,
                 "address 0x%llx is beyond the %u-bit virtual address space%s",
                 (unsigned long long)bad, tr->va_bits, wider(tr));
    else if (bad)
        fail_rec(tr, code, index, off, "%s (byte 0x%02llx)", what, (unsigned long long)bad);
    else
        fail_rec(tr, code, index, off, "%s", what);
}

/* The decoder of one block's records; pages is a constant at each call, so
 * the compiler makes a loop for page numbers and one for byte addresses.
 * Decodes up to max references (and at most the block's remaining records)
 * from the buffer into out; a record crossing a page boundary is split
 * through tr->pend. Returns the references written; on bad data records the
 * error (references before it are returned first). */
static inline __attribute__((always_inline)) size_t
decode(struct vmm_trace *tr, struct vmm_ref *out, size_t max, const bool pages)
{
    struct trace_vmt *v = &tr->vmt;
    const uint8_t *p = tr->buf + tr->pos;
    const uint8_t *const e = tr->buf + (size_t)(v->block_end - tr->base);
    const uint8_t *rec = p;
    const unsigned shift = tr->shift;
    const uint64_t psize = tr->page_size, mask = psize - 1, max_addr = tr->max_addr;
    const uint64_t lim = pages ? max_addr >> shift : max_addr;
    const unsigned flags = v->flags;
    uint64_t a0 = v->addr[0], a1 = v->addr[1];
    uint32_t s0 = v->size[0], s1 = v->size[1];
    uint32_t pid = v->pid, left = v->left;
    uint64_t done = 0; /* records consumed by this call */
    size_t n = 0;
    enum stop why = STOP_NONE;
    const char *what = NULL;
    int code = VMM_EPARSE;
    uint64_t bad = 0;
    uint32_t size = 1;

    while (n < max && left) {
        /* The common case first: a run of one-byte records (forms 0-2) that
         * need no split, one byte and one reference each. A record it cannot
         * take ends the run unconsumed, for the general code below. */
        size_t run = max - n < left ? max - n : left;
        if ((size_t)(e - p) < run)
            run = (size_t)(e - p);
        const uint8_t *const s = p, *const fe = p + run;
        struct vmm_ref *const o = out + n;
        for (; p < fe; p++) {
            const unsigned c = *p, cop = c & 3;
            if ((c & 0x80) || cop == 3)
                break;
            const bool cs = cop == VMM_EXEC;
            const uint64_t cz = c >> 2, cd = (cz >> 1) ^ (0 - (cz & 1));
            const uint64_t ca = (cs ? a1 : a0) + cd;
            const uint32_t csz = cs ? s1 : s0;
            const uint64_t caddr = pages ? ca << shift : ca;
            if (ca > lim || (caddr & mask) + csz > psize)
                break;
            a0 = cs ? a0 : ca;
            a1 = cs ? ca : a1;
            o[p - s] = (struct vmm_ref){caddr, pid, (uint16_t)csz, (uint8_t)cop};
        }
        n += (size_t)(p - s);
        left -= (uint32_t)(p - s);
        done += (uint64_t)(p - s);
        if (n == max || !left)
            break;
        rec = p;
        if (p >= e) {
            why = STOP_MSG, what = "the block ends before its records do";
            break;
        }
        unsigned b = *p++;
        unsigned op = b & 3;
        uint64_t z = (b >> 2) & 0x1f, vf;
        if ((b & 0x80) && e - rec >= 8 && leb8(rec, &vf, &p)) {
            op = vf & 3;
            z = vf >> 2;
        } else if (b & 0x80) {
            for (unsigned sh = 5;; sh += 7) {
                if (p >= e) {
                    why = STOP_MSG, what = "the record runs past the end of its block";
                    goto stop;
                }
                b = *p++;
                if (sh == 61 && b > 7) {
                    why = STOP_MSG, what = "its address delta does not fit in 64 bits";
                    goto stop;
                }
                z |= (uint64_t)(b & 0x7f) << sh;
                if (!(b & 0x80))
                    break;
            }
        }
        if (__builtin_expect(op == 3, 0)) {
            if (p >= e) {
                why = STOP_MSG, what = "the record runs past the end of its block";
                break;
            }
            unsigned x = *p++;
            op = x & 3;
            if (x & 0xf0) {
                why = STOP_MSG, what = "reserved bits are set in its extension byte", bad = x;
                break;
            }
            if (op == 3) {
                why = STOP_MSG, what = "operation 3 (0 read, 1 write and 2 execute are the only "
                                       "ones)";
                break;
            }
            if (x & 4) {
                uint64_t np;
                if (!(flags & VMM_TRACE_PIDS)) {
                    why = STOP_MSG, what = "it names a pid, but the header says the trace has none";
                    break;
                }
                if (!leb(&p, e, 5, &np) || np == 0 || np > VMM_PID_MAX) {
                    why = STOP_MSG, what = "its pid is malformed or out of range 1..1048575";
                    code = VMM_ERANGE;
                    break;
                }
                pid = (uint32_t)np;
            }
            if (x & 8) {
                uint64_t ns;
                if (!(flags & VMM_TRACE_SIZES)) {
                    why = STOP_MSG, what = "it gives a size, but the header says the trace has "
                                           "none";
                    break;
                }
                if (!leb(&p, e, 3, &ns) || ns == 0 || ns > UINT16_MAX) {
                    why = STOP_MSG, what = "its size is malformed or out of range 1..65535";
                    code = VMM_ERANGE;
                    break;
                }
                if (op == VMM_EXEC)
                    s1 = (uint32_t)ns;
                else
                    s0 = (uint32_t)ns;
            }
        }
        /* the stream's new address, without a branch on the stream */
        const bool code_stream = op == VMM_EXEC;
        const uint64_t d = (z >> 1) ^ (0 - (z & 1));
        const uint64_t na = (code_stream ? a1 : a0) + d;
        size = code_stream ? s1 : s0;
        a0 = code_stream ? a0 : na;
        a1 = code_stream ? na : a1;
        if (__builtin_expect(na > lim, 0)) {
            why = pages ? STOP_PAGE : STOP_SPAN, bad = na;
            break;
        }
        const uint64_t addr = pages ? na << shift : na;
        /* within one page: addr <= max_addr, whose page ends at or below it */
        if (__builtin_expect((addr & mask) + size <= psize, 1)) {
            out[n].addr = addr;
            out[n].pid = pid;
            out[n].size = (uint16_t)size;
            out[n].op = (uint8_t)op;
            n++;
            left--;
            done++;
            continue;
        }
        if (size - 1 > max_addr - addr) {
            why = STOP_SPAN, bad = addr;
            break;
        }
        left--;
        done++;
        tr->pend = (struct trace_pending){
            .addr = addr, .left = size, .pid = pid, .op = (uint8_t)op, .start = addr, .size = size};
        n += trace_flush_pending(tr, out + n, max - n);
    }
stop:
    if (why != STOP_NONE) {
        decode_fail(tr, why, what, code, bad, size, v->record + done,
                    tr->base + (uint64_t)(rec - tr->buf));
        return n;
    }
    v->addr[0] = a0;
    v->addr[1] = a1;
    v->size[0] = s0;
    v->size[1] = s1;
    v->pid = pid;
    v->left = left;
    v->record += done;
    tr->pos = (size_t)(p - tr->buf);
    return n;
}

size_t trace_read_vmt(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    struct trace_vmt *v = &tr->vmt;
    size_t n = trace_flush_pending(tr, refs, max);
    while (n < max && !tr->err) {
        if (v->left == 0) {
            if (v->state == VMT_IN_BLOCKS && v->block_end && tr->base + tr->pos != v->block_end) {
                fail_rec(tr, VMM_EPARSE, v->record, tr->base + tr->pos,
                         "the block holds %llu bytes more than its %llu records",
                         (unsigned long long)(v->block_end - tr->base - tr->pos),
                         (unsigned long long)(v->record - v->block_first));
                break;
            }
            v->block_end = 0;
            if (v->state == VMT_AT_END)
                break;
            if ((v->state == VMT_AT_HEADER ? trace_vmt_begin(tr) : next_block(tr)) < 0)
                break;
            continue;
        }
        n += v->flags & VMM_TRACE_PAGES ? decode(tr, refs + n, max - n, true)
                                        : decode(tr, refs + n, max - n, false);
    }
    return n;
}
