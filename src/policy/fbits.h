/*
 * fbits.h - a two-level bitmap over frame numbers with "first set bit at or
 * after f, going round" in a few word operations, for the policies that
 * search the frames in hand order (eclock, nru).
 *
 *   sum:  bit i set  <=>  w[i] != 0        (one summary bit per 64 frames)
 *   w:    bit f set  <=>  frame f is in the set
 *
 * A search reads at most one word of w, then the summary, then one more word:
 * about F/4096 + 2 words, so 100K frames cost some 30 word reads.
 */
#ifndef VMM_POLICY_FBITS_H
#define VMM_POLICY_FBITS_H

#include "internal.h"

#include <stdlib.h>

#define FBITS_NONE UINT64_MAX

struct fbits {
    uint64_t *w;   /* the bits, one per frame */
    uint64_t *sum; /* one bit per word of w: that word is not zero */
    uint64_t n;    /* frames covered */
    uint64_t nw;   /* words in w */
    uint64_t ns;   /* words in sum */
};

static inline int fbits_init(struct fbits *b, uint64_t n)
{
    b->n = n;
    b->nw = (n + 63) / 64;
    b->ns = (b->nw + 63) / 64;
    b->w = calloc(b->nw ? b->nw : 1, sizeof *b->w);
    b->sum = calloc(b->ns ? b->ns : 1, sizeof *b->sum);
    return b->w && b->sum ? 0 : VMM_ENOMEM;
}

static inline void fbits_destroy(struct fbits *b)
{
    free(b->w);
    free(b->sum);
}

static inline bool fbits_test(const struct fbits *b, uint64_t f)
{
    return (b->w[f >> 6] >> (f & 63)) & 1;
}

static inline void fbits_set(struct fbits *b, uint64_t f)
{
    uint64_t i = f >> 6;
    b->w[i] |= 1ull << (f & 63);
    b->sum[i >> 6] |= 1ull << (i & 63);
}

static inline void fbits_clear(struct fbits *b, uint64_t f)
{
    uint64_t i = f >> 6;
    b->w[i] &= ~(1ull << (f & 63));
    if (!b->w[i])
        b->sum[i >> 6] &= ~(1ull << (i & 63));
}

static inline void fbits_clear_all(struct fbits *b)
{
    memset(b->w, 0, b->nw * sizeof *b->w);
    memset(b->sum, 0, b->ns * sizeof *b->sum);
}

/* The first set bit at index >= f, or FBITS_NONE. */
static inline uint64_t fbits_next(const struct fbits *b, uint64_t f)
{
    uint64_t i = f >> 6;
    if (f >= b->n)
        return FBITS_NONE;
    uint64_t word = b->w[i] & (~0ull << (f & 63));
    if (word)
        return (i << 6) + (uint64_t)__builtin_ctzll(word);
    uint64_t j = i + 1, s = j >> 6;
    if (s >= b->ns)
        return FBITS_NONE;
    uint64_t sw = b->sum[s] & (~0ull << (j & 63));
    while (!sw) {
        if (++s >= b->ns)
            return FBITS_NONE;
        sw = b->sum[s];
    }
    i = (s << 6) + (uint64_t)__builtin_ctzll(sw);
    return (i << 6) + (uint64_t)__builtin_ctzll(b->w[i]);
}

/* The first set bit going round from f (f, f+1, ..., n-1, 0, ..., f-1), or
 * FBITS_NONE if the set is empty. */
static inline uint64_t fbits_next_round(const struct fbits *b, uint64_t f)
{
    uint64_t x = fbits_next(b, f);
    if (x == FBITS_NONE && f > 0) {
        x = fbits_next(b, 0);
        if (x >= f)
            x = FBITS_NONE;
    }
    return x;
}

#endif
