/*
 * binary.c - the raw binary formats: a stream of fixed-size unsigned page
 * numbers, u32be (4 bytes, big-endian), u32le (4, little-endian) or u64le (8,
 * little-endian). Every record is a read by pid 1 of one byte at the start of
 * the page.
 *
 * This is the fastest path of a replay: whole runs of records are decoded
 * from the block buffer in one loop with no per-record branch. A file whose
 * length is not a multiple of the record size ends in an error once its last
 * whole record has been returned.
 */
#include "trace/trace.h"

#include <stddef.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline void page_ref(struct vmm_ref *r, uint64_t addr)
{
    r->addr = addr;
    r->pid = 1;
    r->size = 1;
    r->op = VMM_READ;
}

static void decode_u32be(struct vmm_ref *r, const uint8_t *p, size_t k, unsigned shift)
{
    for (size_t i = 0; i < k; i++)
        page_ref(&r[i], (uint64_t)load_be32(p + 4 * i) << shift);
}

#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Four records at a time: the four page numbers widened and shifted in two
 * registers, each record stored whole (its address beside the constant
 * pid, size and op). Half the instructions of the loop below, on the
 * fastest format's every reference. */
_Static_assert(sizeof(struct vmm_ref) == 16 && offsetof(struct vmm_ref, pid) == 8 &&
                   offsetof(struct vmm_ref, size) == 12 && offsetof(struct vmm_ref, op) == 14,
               "a record is an address, then pid, size and op in the next 8 bytes");

static void decode_u32le(struct vmm_ref *r, const uint8_t *p, size_t k, unsigned shift)
{
    const uint64_t tail = 1ull | 1ull << 32 | (uint64_t)VMM_READ << 48; /* pid 1, size 1, read */
    const __m128i t = _mm_set1_epi64x((long long)tail), zero = _mm_setzero_si128(),
                  sh = _mm_cvtsi32_si128((int)shift);
    size_t i = 0;
    for (; i + 4 <= k; i += 4) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 4 * i));
        __m128i lo = _mm_sll_epi64(_mm_unpacklo_epi32(v, zero), sh);
        __m128i hi = _mm_sll_epi64(_mm_unpackhi_epi32(v, zero), sh);
        _mm_storeu_si128((__m128i *)(void *)&r[i], _mm_unpacklo_epi64(lo, t));
        _mm_storeu_si128((__m128i *)(void *)&r[i + 1], _mm_unpackhi_epi64(lo, t));
        _mm_storeu_si128((__m128i *)(void *)&r[i + 2], _mm_unpacklo_epi64(hi, t));
        _mm_storeu_si128((__m128i *)(void *)&r[i + 3], _mm_unpackhi_epi64(hi, t));
    }
    for (; i < k; i++)
        page_ref(&r[i], (uint64_t)load_le32(p + 4 * i) << shift);
}
#else
static void decode_u32le(struct vmm_ref *r, const uint8_t *p, size_t k, unsigned shift)
{
    for (size_t i = 0; i < k; i++)
        page_ref(&r[i], (uint64_t)load_le32(p + 4 * i) << shift);
}
#endif

/* Decodes up to k u64le records. A page number whose address would not fit
 * the address width stops it: returns how many were decoded before it. */
static size_t decode_u64le(struct vmm_ref *r, const uint8_t *p, size_t k, unsigned shift,
                           uint64_t limit)
{
    uint64_t all = 0;
    for (size_t i = 0; i < k; i++) {
        uint64_t v = load_le64(p + 8 * i);
        all |= v;
        page_ref(&r[i], v << shift);
    }
    if (all <= limit) /* the OR bounds every value: one test for the batch */
        return k;
    for (size_t i = 0; i < k; i++) {
        if (load_le64(p + 8 * i) > limit)
            return i;
    }
    return k;
}

size_t trace_read_binary(struct vmm_trace *tr, struct vmm_ref *refs, size_t max)
{
    const unsigned rs = trace_record_size(tr->fmt);
    size_t n = 0;
    while (n < max) {
        size_t avail = (tr->len - tr->pos) / rs;
        if (avail == 0) {
            if (tr->eof) {
                if (tr->len > tr->pos)
                    trace_fail(tr, VMM_EPARSE, true,
                               "truncated record at byte offset %llu (%s records are %u bytes)",
                               (unsigned long long)(tr->base + tr->pos),
                               vmm_trace_format_name(tr->fmt), rs);
                break;
            }
            if (trace_refill(tr) < 0)
                break;
            continue;
        }
        size_t k = avail < max - n ? avail : max - n;
        const uint8_t *p = tr->buf + tr->pos;
        const uint64_t limit = tr->max_addr >> tr->shift; /* largest page number allowed */
        if (tr->fmt == VMM_FMT_U32BE || tr->fmt == VMM_FMT_U32LE) {
            if (tr->fmt == VMM_FMT_U32BE)
                decode_u32be(refs + n, p, k, tr->shift);
            else
                decode_u32le(refs + n, p, k, tr->shift);
            if (limit < UINT32_MAX) { /* a narrow address space: every page number checked */
                for (size_t i = 0; i < k; i++) {
                    if ((refs[n + i].addr >> tr->shift) > limit) {
                        tr->pos += i * rs;
                        trace_beyond(tr, refs[n + i].addr, tr->base + tr->pos, false);
                        return n + i;
                    }
                }
            }
        } else {
            size_t ok = decode_u64le(refs + n, p, k, tr->shift, limit);
            if (ok < k && tr->va_bits < 64) {
                tr->pos += (size_t)ok * rs;
                trace_beyond(tr, load_le64(tr->buf + tr->pos) << tr->shift, tr->base + tr->pos,
                             false);
                return n + ok;
            }
            if (ok < k) {
                tr->pos += (size_t)ok * rs;
                n += ok;
                trace_fail(tr, VMM_ERANGE, true,
                           "page number %llu at byte offset %llu is too large for %llu-byte "
                           "pages (its address exceeds 64 bits)",
                           (unsigned long long)load_le64(tr->buf + tr->pos),
                           (unsigned long long)(tr->base + tr->pos),
                           (unsigned long long)tr->page_size);
                break;
            }
        }
        tr->pos += k * rs;
        n += k;
    }
    return n;
}
