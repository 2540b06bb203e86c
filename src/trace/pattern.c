/*
 * pattern.c - synthetic reference patterns: seq, loop, uniform, zipf, phases
 * (pattern.h says what each one yields).
 *
 * Randomness is xoshiro256** (Blackman and Vigna), its state filled by four
 * splitmix64 outputs of the seed (never all zero: splitmix64 is a bijection
 * of its counter). Integers below n are drawn without bias by rejecting the
 * 2^64 mod n lowest outputs, the threshold computed once at init.
 *
 * zipf keeps cdf[k] = w(0) + ... + w(k), w(k) = (k+1)^-alpha, and draws page
 * k as the first index with cdf[k] > u * cdf[pages-1], u uniform in [0, 1)
 * with 53 bits: an exact inversion of the discrete distribution, up to the
 * rounding of the sums; a guide table (zipf_draw) makes the search short.
 * The weights come from exp_neg() and log_u64() below, written with + - * /
 * only, so they are the same everywhere and the library needs no -lm; each
 * is within about 1 ulp, a weight within 1e-13 of pow()'s.
 *
 * Invariants of a generator:
 *  - done <= spec.refs, and done references have been returned;
 *  - seq: done * pages == q * refs + r with r < refs (q is the next page);
 *  - loop: next == done mod pages;
 *  - phases: the window [win, win + phase_pages) lies in 0 .. pages-1, and
 *    phase_left references remain in the current phase.
 */
#include "trace/pattern.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

const char *const pat_kind_names[PAT__COUNT] = {
    [PAT_SEQ] = "seq",   [PAT_LOOP] = "loop",     [PAT_UNIFORM] = "uniform",
    [PAT_ZIPF] = "zipf", [PAT_PHASES] = "phases",
};

struct pat_gen {
    struct pat_spec spec; /* a copy of what pat_init was given */
    uint64_t s[4];        /* xoshiro256** state */
    uint64_t done;        /* references returned so far */
    uint64_t q, r;        /* seq: next page, and the remainder (invariants above) */
    uint64_t step_q;      /* seq: pages / refs, added to q each reference */
    uint64_t step_r;      /* seq: pages % refs, added to r each reference */
    uint64_t next;        /* loop: next page */
    uint64_t n;           /* uniform: pages; phases: phase_pages (the range of a draw) */
    uint64_t n_min;       /* 2^64 mod n: outputs below it are rejected */
    uint64_t span;        /* phases: pages - phase_pages + 1 window starts */
    uint64_t span_min;    /* 2^64 mod span */
    uint64_t phase;       /* phases: index of the next phase to start */
    uint64_t phase_len;   /* phases: references in each phase but the last */
    uint64_t phase_left;  /* phases: references left in the current phase */
    uint64_t win;         /* phases: first page of the current window */
    double *cdf;          /* zipf: cumulative weights, pages entries (owned) */
    double total;         /* zipf: cdf[pages - 1] */
    uint32_t *guide;      /* zipf: 2^guide_bits + 1 entries (owned), see zipf_draw */
    unsigned guide_bits;  /* zipf: log2 of the guide's buckets, <= 53 */
};

/* ---- random numbers ------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: the next 64 random bits. */
static inline uint64_t next64(uint64_t s[4])
{
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1), 53 bits. */
static inline double unit(uint64_t s[4])
{
    return (double)(next64(s) >> 11) * 0x1.0p-53;
}

/* Uniform in 0 .. n-1 (n >= 1) without bias; min is 2^64 mod n. */
static inline uint64_t below(uint64_t s[4], uint64_t n, uint64_t min)
{
    for (;;) {
        uint64_t x = next64(s);
        if (x >= min) /* the values left, 2^64 - min of them, are a multiple of n */
            return x % n;
    }
}

/* ---- log and exp for the zipf weights ----------------------------------------- */

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants). */
#define LN2_HI  6.93147180369123816490e-01
#define LN2_LO  1.90821492927058770002e-10
#define INV_LN2 1.44269504088896338700e+00
#define SQRT2   1.41421356237309514547e+00

/* Natural log of x >= 1 (x < 2^53). x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
 * and log m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1):
 * |s| <= 0.172, so terms up to s^25 leave an error below 1e-17. */
static double log_u64(uint64_t x)
{
    int e = 0;
    while ((x >> e) > 1)
        e++;
    double m = (double)x / (double)(1ull << e); /* exact: a power of two */
    if (m > SQRT2) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1.0) / (m + 1.0), z = s * s, p = 0.0;
    for (int k = 25; k >= 3; k -= 2)
        p = (p + 1.0 / k) * z;
    return (double)e * LN2_HI + ((double)e * LN2_LO + 2.0 * s * (1.0 + p));
}

/* e^y for y <= 0 (0 below the smallest subnormal). y = n ln2 + r with
 * |r| <= ln2/2; e^r by its Taylor series to r^16/16! (error below 1e-19),
 * then times 2^-n by squaring 1/2, exact down to 2^-1074. */
static double exp_neg(double y)
{
    if (!(y > -746.0))
        return 0.0;
    double t = y * INV_LN2;
    long n = (long)(t - 0.5); /* round to nearest: t <= 0 */
    double r = (y - (double)n * LN2_HI) - (double)n * LN2_LO;
    double p = 1.0;
    for (int k = 16; k >= 1; k--)
        p = 1.0 + p * r / k;
    double b = 0.5;
    for (unsigned long m = (unsigned long)-n; m; m >>= 1) {
        if (m & 1)
            p *= b;
        b *= b;
    }
    return p;
}

/* (k+1)^-alpha; exact for alpha 0 and 1, the usual cases. */
static double zipf_weight(uint64_t k, double alpha)
{
    if (alpha == 0.0)
        return 1.0;
    if (alpha == 1.0)
        return 1.0 / (double)(k + 1);
    return exp_neg(-alpha * log_u64(k + 1));
}

/* Pages per guide bucket in zipf, at most: the guide costs 4 / GUIDE_PAGES to
 * 8 / GUIDE_PAGES bytes a page, and a draw searches about GUIDE_PAGES pages
 * where the distribution is flat (more in its tail, where draws are rare). */
#define GUIDE_PAGES 2

/* ---- the generator ---------------------------------------------------------- */

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (errlen)                                                                                \
            snprintf(err, errlen, __VA_ARGS__);                                                    \
        return -1;                                                                                 \
    } while (0)

/* Rejects a spec pat_init cannot run; 0 if it can. */
static int check_spec(const struct pat_spec *sp, char *err, size_t errlen)
{
    if ((unsigned)sp->kind >= PAT__COUNT)
        FAIL("unknown pattern kind %u; expected seq, loop, uniform, zipf or phases",
             (unsigned)sp->kind);
    const char *kind = pat_kind_names[sp->kind];
    if (sp->pages == 0)
        FAIL("pattern %s: pages=0; expected at least 1", kind);
    if (!(sp->write >= 0.0 && sp->write <= 1.0))
        FAIL("pattern %s: write=%g; expected a probability, 0 .. 1", kind, sp->write);
    if (sp->kind == PAT_ZIPF) {
        if (!(sp->alpha >= 0.0 && sp->alpha <= 1e300)) /* also refuses NaN and inf */
            FAIL("pattern zipf: alpha=%g; expected a finite number >= 0", sp->alpha);
        if (sp->pages > PAT_ZIPF_MAX_PAGES)
            FAIL("pattern zipf: pages=%" PRIu64 " is more than the %" PRIu64
                 " a zipf table may hold",
                 sp->pages, (uint64_t)PAT_ZIPF_MAX_PAGES);
    }
    if (sp->kind == PAT_PHASES) {
        if (sp->phases == 0)
            FAIL("pattern phases: phases=0; expected at least 1");
        if (sp->phase_pages == 0 || sp->phase_pages > sp->pages)
            FAIL("pattern phases: phase-pages=%" PRIu64 "; expected 1 .. pages (%" PRIu64 ")",
                 sp->phase_pages, sp->pages);
    }
    return 0;
}

/* Builds g's guide to its cdf (zipf_draw says what it holds), with
 * 2^guide_bits >= pages / GUIDE_PAGES buckets. Returns 0 or -1 (no memory). */
static int zipf_guide(struct pat_gen *g)
{
    const uint64_t pages = g->spec.pages;
    unsigned bits = 0;
    while ((1ull << bits) * GUIDE_PAGES < pages)
        bits++;
    uint64_t m = 1ull << bits;
    g->guide_bits = bits;
    g->guide = malloc((size_t)(m + 1) * sizeof *g->guide);
    if (!g->guide)
        return -1;
    uint64_t k = 0;
    for (uint64_t j = 0; j <= m; j++) {
        double x = (double)(j << (53 - bits)) * 0x1.0p-53 * g->total; /* as zipf_draw */
        while (k < pages - 1 && !(g->cdf[k] > x))
            k++;
        g->guide[j] = (uint32_t)k;
    }
    return 0;
}

int pat_init(struct pat_gen **out, const struct pat_spec *spec, char *err, size_t errlen)
{
    if (check_spec(spec, err, errlen) < 0)
        return -1;
    struct pat_gen *g = calloc(1, sizeof *g);
    if (!g)
        FAIL("pattern %s: out of memory", pat_kind_names[spec->kind]);
    g->spec = *spec;
    uint64_t x = spec->seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);

    const uint64_t pages = spec->pages, refs = spec->refs;
    switch (spec->kind) {
    case PAT_SEQ:
        if (refs) {
            g->step_q = pages / refs;
            g->step_r = pages % refs;
        }
        break;
    case PAT_LOOP:
        break;
    case PAT_UNIFORM:
        g->n = pages;
        g->n_min = (0 - pages) % pages;
        break;
    case PAT_ZIPF:
        g->cdf = malloc((size_t)pages * sizeof *g->cdf);
        if (!g->cdf) {
            free(g);
            FAIL("pattern zipf: out of memory for a table of %" PRIu64 " pages", pages);
        }
        double sum = 0.0;
        for (uint64_t k = 0; k < pages; k++)
            g->cdf[k] = sum += zipf_weight(k, spec->alpha);
        g->total = sum;
        if (zipf_guide(g) < 0) {
            pat_free(g);
            FAIL("pattern zipf: out of memory for a table of %" PRIu64 " pages", pages);
        }
        break;
    case PAT_PHASES:
        g->n = spec->phase_pages;
        g->n_min = (0 - g->n) % g->n;
        g->span = pages - spec->phase_pages + 1;
        g->span_min = (0 - g->span) % g->span;
        g->phase_len = refs / spec->phases;
        /* With fewer refs than phases every phase but the last is empty. */
        g->phase = g->phase_len ? 0 : spec->phases - 1;
        break;
    case PAT__COUNT:
        break;
    }
    *out = g;
    return 0;
}

/* zipf: the first k with cdf[k] > u * total, u = bits * 2^-53.
 *
 * A bisection of the whole table costs a cache miss and a mispredicted
 * branch per level, so a guide table (Chen and Asau's cutpoints) narrows it
 * first: bucket j of m = 2^guide_bits holds the u whose top bits are j, that
 * is j/m <= u < (j+1)/m, and guide[j] is the answer for u = j/m. Since
 * u -> fl(u * total) is monotone, so is the answer, and the answer for any u
 * of bucket j lies in guide[j] .. guide[j+1]: the same result as a search of
 * the whole table, in a range of a few pages. */
static uint64_t zipf_draw(struct pat_gen *g)
{
    uint64_t bits = next64(g->s) >> 11;
    double x = (double)bits * 0x1.0p-53 * g->total;
    uint64_t j = bits >> (53 - g->guide_bits);
    uint64_t lo = g->guide[j], hi = g->guide[j + 1];
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (g->cdf[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* phases: a page of the current window, starting the next phase if the
 * current one is over. */
static uint64_t phases_draw(struct pat_gen *g)
{
    if (g->phase_left == 0) {
        const struct pat_spec *sp = &g->spec;
        bool last = g->phase >= sp->phases - 1;
        g->phase_left = last ? sp->refs - (sp->phases - 1) * g->phase_len : g->phase_len;
        g->phase++;
        g->win = below(g->s, g->span, g->span_min);
    }
    g->phase_left--;
    return g->win + below(g->s, g->n, g->n_min);
}

bool pat_next(struct pat_gen *g, uint32_t page_size, uint64_t *page, bool *write, uint32_t *offset)
{
    const struct pat_spec *sp = &g->spec;
    if (g->done >= sp->refs)
        return false;
    uint64_t p = 0;
    switch (sp->kind) {
    case PAT_SEQ:
        p = g->q;
        g->q += g->step_q;
        if (g->r >= sp->refs - g->step_r) { /* r + step_r >= refs, without overflow */
            g->r -= sp->refs - g->step_r;
            g->q++;
        } else {
            g->r += g->step_r;
        }
        break;
    case PAT_LOOP:
        p = g->next;
        g->next = g->next + 1 == sp->pages ? 0 : g->next + 1;
        break;
    case PAT_UNIFORM:
        p = below(g->s, g->n, g->n_min);
        break;
    case PAT_ZIPF:
        p = zipf_draw(g);
        break;
    case PAT_PHASES:
        p = phases_draw(g);
        break;
    case PAT__COUNT:
        break;
    }
    g->done++;
    *page = p;
    *write = unit(g->s) < sp->write;
    /* Multiply-shift: slots/2^32 at most of bias, and no division. */
    uint64_t slots = page_size / PAT_OFFSET_ALIGN;
    *offset = (uint32_t)((((next64(g->s) >> 32) * slots) >> 32) * PAT_OFFSET_ALIGN);
    return true;
}

uint64_t pat_done(const struct pat_gen *g)
{
    return g->done;
}

void pat_free(struct pat_gen *g)
{
    if (!g)
        return;
    free(g->cdf);
    free(g->guide);
    free(g);
}
