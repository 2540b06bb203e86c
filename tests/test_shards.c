/*
 * test_shards.c - approximate lru curves by SHARDS (src/shards.c) and the
 * streaming LRU stack distances under them (src/stackdist.c).
 *
 *  - The streaming pass equals a naive LRU stack, references and drops
 *    interleaved, ids reused, arrays grown and positions renumbered.
 *  - Rate 1 (and a fixed size above the distinct pages) is exact: equal to
 *    vmm_sweep_lru at every frame count, with and without the adjustment,
 *    over one process and several, references across pages, and traces with
 *    more distinct pages than the histogram's first buckets; through
 *    vmm_sweep_shards over trace files too.
 *  - On a seeded Zipf trace of 1 M references the curve at rate 0.1 (and a
 *    fixed size of 4K pages) stays within a bound measured below, far under
 *    the error of a curve whose distances were not scaled by 1 / R; the
 *    curve's tail estimates the distinct pages.
 *  - The sample is deterministic and a function of the page alone: runs
 *    agree; a permuted trace samples the same pages; consecutive pages and
 *    the same page of other processes are sampled independently, at the rate.
 *  - Parameters, configurations and frame counts refused with messages.
 */
#include "harness.h"
#include "stackdist.h"
#include "vmm.h"

#include <stdlib.h>

/* |x| (tests link without libm) */
static double dabs(double x)
{
    return x < 0 ? -x : x;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#define BIG (1u << 20) /* the Zipf trace's references */

static struct vmm_ref refs[BIG];

/* ---- the streaming LRU pass against a naive stack ---------------------------------- */

TEST(sweep_shards_lru_stream_equals_naive)
{
    enum { IDS = 3000, STEPS = 200000 };
    static uint32_t stack[IDS]; /* stack[0] the most recent; ids held */
    uint32_t depth = 0;
    uint64_t rng = 11;
    struct vmm__lru_stream *s = vmm__lru_stream_create();
    CHECK(s != NULL);
    for (uint32_t step = 0; step < STEPS; step++) {
        /* phases of few and of many ids: gaps short and long, growth */
        uint32_t span = step < STEPS / 3 ? 40 : step < 2 * STEPS / 3 ? IDS : 300;
        uint32_t x = (uint32_t)(splitmix64(&rng) % span);
        uint32_t k = 0;
        while (k < depth && stack[k] != x)
            k++;
        if (splitmix64(&rng) % 16 == 0) { /* drop x */
            vmm__lru_stream_forget(s, x);
            if (k < depth) {
                memmove(stack + k, stack + k + 1, (depth - k - 1) * sizeof *stack);
                depth--;
            }
        } else {
            uint32_t got;
            CHECK_EQ_I64(vmm__lru_stream_ref(s, x, &got), 0);
            if (k == depth) {
                CHECK_EQ_U64(got, SD_NONE);
                depth++;
            } else {
                CHECK_EQ_U64(got, k); /* the pages above it: referenced since */
            }
            memmove(stack + 1, stack, (k < depth ? k : depth - 1) * sizeof *stack);
            stack[0] = x;
        }
        CHECK_EQ_U64(vmm__lru_stream_pages(s), depth);
    }
    vmm__lru_stream_destroy(s);
}

/* ---- traces ------------------------------------------------------------------------ */

/* A reference of pid to page (4 KiB pages) at offset off, size bytes. */
static struct vmm_ref ref_of(uint32_t pid, uint64_t page, unsigned off, unsigned size)
{
    return (struct vmm_ref){page * 4096 + off, pid, (uint16_t)size, VMM_READ};
}

/* n references: a hot set, a loop, uniform strays over `pages`; `procs`
 * processes, some references crossing into the next page with cross. */
static void mixed_gen(uint64_t seed, size_t n, unsigned pages, unsigned procs, bool cross)
{
    uint64_t rng = seed * 7919 + 1;
    unsigned loop = 2 + (unsigned)(splitmix64(&rng) % pages);
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned)(splitmix64(&rng) % 100);
        uint64_t page = x < 40   ? splitmix64(&rng) % 10
                        : x < 70 ? i % loop
                                 : splitmix64(&rng) % pages;
        uint32_t pid = 1 + (uint32_t)(splitmix64(&rng) % procs);
        bool span = cross && splitmix64(&rng) % 10 == 0;
        refs[i] = span ? ref_of(pid, page, 4090, 12) : ref_of(pid, page, 8, 4);
    }
}

/* n references drawn from Zipf(1) over `pages` pages (rank r with weight
 * 1 / r), ranks scattered over page numbers. */
static void zipf_gen(uint64_t seed, size_t n, unsigned pages)
{
    double *cdf = malloc(pages * sizeof *cdf), sum = 0;
    if (!cdf)
        return;
    for (unsigned r = 0; r < pages; r++)
        cdf[r] = (sum += 1.0 / (r + 1.0));
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++) {
        double u = (double)(splitmix64(&rng) >> 11) / 9007199254740992.0 * sum;
        unsigned lo = 0, hi = pages - 1;
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            if (cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* an odd multiplier permutes 0 .. 2^22-1: distinct ranks, distinct pages */
        refs[i] =
            ref_of(1, ((lo + (unsigned)seed * 1000003u) * 2654435761u) & ((1u << 22) - 1), 0, 8);
    }
    free(cdf);
}

/* The sampler's curve over refs[0..n) at frames; 0 or the error. */
static int shards_curve(const struct vmm_shards_config *c, size_t n, const uint64_t *frames,
                        size_t nf, uint64_t *faults, struct vmm_shards_info *info)
{
    struct vmm_shards *s;
    char err[256];
    int r = vmm_shards_create(c, &s, err, sizeof err);
    if (r < 0) {
        test_fail(__FILE__, __LINE__, "vmm_shards_create: %s", err);
        return r;
    }
    /* in uneven batches, as a stream would come */
    for (size_t i = 0; r == 0 && i < n; i += 777)
        r = vmm_shards_add(s, refs + i, n - i < 777 ? n - i : 777);
    if (r == 0)
        r = vmm_shards_curve(s, frames, nf, faults);
    if (info)
        vmm_shards_info(s, info);
    vmm_shards_destroy(s);
    return r;
}

/* ---- rate 1 is exact ------------------------------------------------------------------ */

/* Checks the sampler at rate 1 (and fixed size smax) against vmm_sweep_lru at
 * frames 1 .. top (every count to 300, then a stride). */
static void check_exact(const char *what, size_t n, uint64_t top, uint64_t smax)
{
    static uint64_t frames[2048], want[2048], got[2048];
    size_t nf = 0;
    for (uint64_t f = 1; f <= top && nf < 2048; f += f < 300 ? 1 : top / 1000 + 1)
        frames[nf++] = f;
    CHECK_EQ_I64(vmm_sweep_lru(refs, n, 4096, frames, nf, want), 0);
    for (int adjust = 0; adjust < 2; adjust++) {
        struct vmm_shards_config c;
        struct vmm_shards_info info;
        vmm_shards_config_default(&c);
        c.smax = smax;
        c.adjust = adjust;
        CHECK_EQ_I64(shards_curve(&c, n, frames, nf, got, &info), 0);
        CHECK_EQ_U64(info.sampled, info.references);
        CHECK_EQ_U64(info.bucket, 1); /* never merged */
        CHECK_EQ_U64(info.dropped, 0);
        for (size_t i = 0; i < nf; i++)
            if (got[i] != want[i]) {
                test_fail(__FILE__, __LINE__,
                          "%s (adjust %d), %" PRIu64 " frames: shards %" PRIu64 ", exact %" PRIu64,
                          what, adjust, frames[i], got[i], want[i]);
                return;
            }
    }
}

TEST(sweep_shards_rate_one_is_exact)
{
    char what[64];
    for (uint64_t seed = 1; seed <= 12; seed++) {
        unsigned procs = 1 + (unsigned)(seed % 3), pages = 20 + (unsigned)seed * 37;
        mixed_gen(seed, 20000, pages, procs, seed % 2 == 0);
        snprintf(what, sizeof what, "seed %" PRIu64, seed);
        check_exact(what, 20000, (uint64_t)pages * procs + 20, 0);
        if (test_stopped())
            return;
        /* a fixed size that never fills is exact too */
        check_exact(what, 20000, (uint64_t)pages * procs + 20, 2ull * pages * procs + 2);
        if (test_stopped())
            return;
    }
    /* more distinct pages than the first 2^16 buckets: the histogram grows,
     * and stays exact */
    mixed_gen(99, 400000, 150000, 1, false);
    check_exact("150,000 pages", 400000, 160000, 0);
}

/* Through trace files: the same pages and processes as vmm_sweep_load sees. */
TEST(sweep_shards_sweep_over_traces_is_exact_at_rate_one)
{
    struct vmm_trace *tr[2];
    struct vmm_sweep_result res;
    struct vmm_shards_info info;
    struct vmm_shards_config c;
    char err[256];
    uint64_t frames[] = {1, 2, 3, 4, 5, 8}, want[6];
    vmm_shards_config_default(&c);
    CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3,1,2,4,1,5,3", 4096, &tr[0], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_trace_open_string("b", "3,4,1,3", 4096, &tr[1], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_shards(tr, 2, &c, 48, frames, 6, &res, &info, err, sizeof err), 0);
    vmm_trace_close(tr[0]);
    vmm_trace_close(tr[1]);
    struct vmm_ref *v;
    size_t n;
    CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3,1,2,4,1,5,3", 4096, &tr[0], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_trace_open_string("b", "3,4,1,3", 4096, &tr[1], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_load(tr, 2, 4096, 48, &v, &n, err, sizeof err), 0);
    vmm_trace_close(tr[0]);
    vmm_trace_close(tr[1]);
    CHECK_EQ_I64(vmm_sweep_lru(v, n, 4096, frames, 6, want), 0);
    free(v);
    CHECK_EQ_U64(res.references, 13);
    CHECK_EQ_U64(res.distinct, 8); /* pages 3 and 4 of process 2 are not those of process 1 */
    CHECK_EQ_U64(res.nframes, 6);
    CHECK_EQ_U64(res.method[0], VMM_SWEEP_SHARDS);
    for (size_t i = 0; i < 6; i++)
        CHECK_EQ_U64(res.faults[i], want[i]);
    CHECK_EQ_U64(info.sampled_pages, 8);
    vmm_sweep_result_free(&res);

    /* Without frame counts: powers of two up to the (estimated) distinct
     * pages, and that number. An address beyond the width: the reader's own
     * error. */
    CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3,1,2,4,1,5,3", 4096, &tr[0], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_shards(tr, 1, &c, 48, NULL, 0, &res, NULL, err, sizeof err), 0);
    vmm_trace_close(tr[0]);
    CHECK_EQ_U64(res.nframes, 4);
    CHECK_EQ_U64(res.frames[3], 5);
    CHECK_EQ_U64(res.faults[3], 5);
    vmm_sweep_result_free(&res);
    CHECK_EQ_I64(vmm_trace_open_string("c", "1,4294967295", 4096, &tr[0], err, sizeof err), 0);
    CHECK(vmm_sweep_shards(tr, 1, &c, 32, NULL, 0, &res, NULL, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "32-bit");
    vmm_trace_close(tr[0]);
}

/* ---- the error at rate 0.1 ------------------------------------------------------------- */

/* Mean and largest |approx - exact| of faults / n over the points. */
static void errors(const uint64_t *a, const uint64_t *b, size_t nf, size_t n, double *mean,
                   double *max)
{
    *mean = *max = 0;
    for (size_t i = 0; i < nf; i++) {
        double e = dabs((double)a[i] - (double)b[i]) / (double)n;
        *mean += e / (double)nf;
        *max = e > *max ? e : *max;
    }
}

/*
 * Zipf(1) over 200,000 pages, 1 M references (about 123,600 distinct pages),
 * the ranks placed on pages by the seed, so each seed samples other pages;
 * frame counts 1% .. 100% of the distinct pages D. Measured (this code,
 * 2026-11-22, seeds 1 .. 10): at rate 0.1 mean errors 0.0004 .. 0.0052 and
 * largest 0.003 .. 0.022 (the largest at 1% of D, 124 frames in the
 * sample's scale); without the adjustment, means 0.011 .. 0.088: whether
 * the few hottest pages fall in the sample decides; fixed size 4K pages
 * (final rates about 0.033; seeds 1 .. 8) means 0.0009 .. 0.0059, largest
 * 0.008 .. 0.050. The bounds (rate 0.1: mean 0.012, largest 0.05; fixed
 * size: 0.015 and 0.1) leave 2x room or more. A curve whose distances were
 * not scaled by 1 / R is the exact curve at 10x the frames: its mean error
 * here is 0.060, and the test checks that it would fail; one whose faults
 * were not scaled by 1 / R would be 10x too low at D.
 */
TEST(sweep_shards_error_bound_zipf)
{
    static uint64_t frames[100], exact[100], approx[100], wrong[100];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        zipf_gen(seed, BIG, 200000);
        uint64_t top = UINT32_MAX - 1, d;
        CHECK_EQ_I64(vmm_sweep_lru(refs, BIG, 4096, &top, 1, &d), 0); /* = distinct pages */
        for (size_t i = 0; i < 100; i++)
            frames[i] = (i + 1) * (d / 100);
        CHECK_EQ_I64(vmm_sweep_lru(refs, BIG, 4096, frames, 100, exact), 0);
        struct vmm_shards_config c;
        struct vmm_shards_info info;
        double mean, max;
        vmm_shards_config_default(&c);
        c.rate = 0.1;
        CHECK_EQ_I64(shards_curve(&c, BIG, frames, 100, approx, &info), 0);
        errors(approx, exact, 100, BIG, &mean, &max);
        if (mean > 0.012 || max > 0.05)
            test_fail(__FILE__, __LINE__, "seed %" PRIu64 ", rate 0.1: mean error %.5f, max %.5f",
                      seed, mean, max);
        /* the tail: only first references fault, about D of them */
        CHECK(dabs((double)info.distinct_estimate - (double)d) < 0.05 * (double)d);
        CHECK(dabs((double)approx[99] - (double)exact[99]) < 0.05 * (double)exact[99]);

        /* distances not scaled by 1 / R: the curve F -> exact(10 F) */
        for (size_t i = 0; i < 100; i++)
            wrong[i] = i < 10 ? exact[10 * i + 9] : exact[99];
        errors(wrong, exact, 100, BIG, &mean, &max);
        CHECK(mean > 0.04); /* more than three times the bound */

        c.rate = 1.0;
        c.smax = 4096;
        CHECK_EQ_I64(shards_curve(&c, BIG, frames, 100, approx, &info), 0);
        CHECK_LE_U64(info.sampled_pages, 4096);
        CHECK(info.dropped > 0 && info.rate < 0.05);
        CHECK(dabs((double)info.distinct_estimate - (double)d) < 0.05 * (double)d);
        errors(approx, exact, 100, BIG, &mean, &max);
        if (mean > 0.015 || max > 0.1)
            test_fail(__FILE__, __LINE__, "seed %" PRIu64 ", smax 4K: mean error %.5f, max %.5f",
                      seed, mean, max);
        if (test_stopped())
            return;
    }
}

/* ---- determinism and the hash ----------------------------------------------------------- */

TEST(sweep_shards_deterministic)
{
    static uint64_t frames[64], a[64], b[64];
    struct vmm_shards_config c;
    struct vmm_shards_info ia, ib;
    for (size_t i = 0; i < 64; i++)
        frames[i] = 1 + i * 97;
    mixed_gen(5, 100000, 6000, 3, true);
    vmm_shards_config_default(&c);
    CHECK_EQ_I64(vmm_shards_parse("rate=0.2", &c, NULL, 0), 0);
    for (int smax = 0; smax < 2; smax++) {
        c.smax = smax ? 700 : 0;
        CHECK_EQ_I64(shards_curve(&c, 100000, frames, 64, a, &ia), 0);
        CHECK_EQ_I64(shards_curve(&c, 100000, frames, 64, b, &ib), 0);
        CHECK_EQ_U64(ia.sampled, ib.sampled);
        CHECK_EQ_U64(ia.threshold, ib.threshold);
        for (size_t i = 0; i < 64; i++)
            CHECK_EQ_U64(a[i], b[i]);
    }
    /* the fixed seed: the same sample in every build and on every machine */
    CHECK_EQ_U64(vmm_shards_hash(1, 0), vmm_shards_hash(1, 0));
    CHECK(vmm_shards_hash(1, 0) != vmm_shards_hash(2, 0));
    CHECK(vmm_shards_hash(1, 2) != vmm_shards_hash(2, 1));
}

/* Which pages are sampled depends on the pages alone: a trace in another
 * order samples the same pages. */
TEST(sweep_shards_sample_independent_of_order)
{
    struct vmm_shards_config c;
    struct vmm_shards_info a, b;
    uint64_t f = 1, x;
    vmm_shards_config_default(&c);
    c.rate = 0.05;
    mixed_gen(8, 50000, 20000, 4, false);
    CHECK_EQ_I64(shards_curve(&c, 50000, &f, 1, &x, &a), 0);
    uint64_t rng = 3;
    for (size_t i = 49999; i > 0; i--) { /* shuffle */
        size_t j = (size_t)(splitmix64(&rng) % (i + 1));
        struct vmm_ref t = refs[i];
        refs[i] = refs[j];
        refs[j] = t;
    }
    CHECK_EQ_I64(shards_curve(&c, 50000, &f, 1, &x, &b), 0);
    CHECK_EQ_U64(a.sampled, b.sampled);
    CHECK_EQ_U64(a.sampled_pages, b.sampled_pages);
    CHECK(a.sampled_pages > 0);
}

/* Consecutive page numbers, and one page number in consecutive processes,
 * are sampled at the rate and independently: the pages sampled for process
 * 1 and for process 2 overlap as two independent samples would (R^2), not
 * as one (R). Bounds: 5 standard deviations of the binomial counts. */
TEST(sweep_shards_hash_spreads_pages_and_processes)
{
    const uint32_t T = VMM_SHARDS_MODULUS / 10; /* rate 0.1 */
    const double n = 1 << 20;
    uint64_t in1 = 0, in2 = 0, both = 0, pids = 0;
    for (uint64_t v = 0; v < (1u << 20); v++) {
        bool a = vmm_shards_hash(1, v) >> 40 < T, b = vmm_shards_hash(2, v) >> 40 < T;
        in1 += a;
        in2 += b;
        both += a && b;
        pids += vmm_shards_hash((uint32_t)v + 1, 12345) >> 40 < T;
    }
    double sd1 = 1536, sd2 = 510; /* 5 x sqrt(n p (1 - p)), p = 0.1 and 0.01 */
    CHECK(dabs((double)in1 - n * 0.1) < sd1);
    CHECK(dabs((double)in2 - n * 0.1) < sd1);
    CHECK(dabs((double)pids - n * 0.1) < sd1);
    CHECK(dabs((double)both - n * 0.01) < sd2);
    /* and the low bits too (they place pages in the sampler's table) */
    uint64_t odd = 0;
    for (uint64_t v = 0; v < (1u << 20); v++)
        odd += vmm_shards_hash(7, v) & 1;
    CHECK(dabs((double)odd - n / 2) < 2560); /* 5 x sqrt(n / 4) */
}

/* ---- errors -------------------------------------------------------------------------- */

TEST(sweep_shards_parameters)
{
    struct vmm_shards_config c;
    char err[256];
    c.page_size = 8192;
    CHECK_EQ_I64(vmm_shards_parse("rate=0.01", &c, err, sizeof err), 0);
    CHECK(c.rate == 0.01 && c.smax == 0 && c.adjust && c.page_size == 8192);
    CHECK_EQ_I64(vmm_shards_parse("smax=8K,adjust=no", &c, err, sizeof err), 0);
    CHECK(c.rate == 1.0 && c.smax == 8192 && !c.adjust);
    CHECK_EQ_I64(vmm_shards_parse("rate=1e-3,smax=1M,adjust=yes", &c, err, sizeof err), 0);
    CHECK(c.rate == 0.001 && c.smax == 1048576 && c.adjust);
    CHECK_EQ_I64(vmm_shards_parse("rate=1", &c, err, sizeof err), 0);
    static const struct {
        const char *spec, *msg;
        int code;
    } bad[] = {
        {"", "give rate=R", VMM_EPARSE},
        {"adjust=no", "give rate=R", VMM_EPARSE},
        {"rate", "expected NAME=VALUE", VMM_EPARSE},
        {"rate=", "rate=: expected a sampling rate", VMM_EPARSE},
        {"rate=x", "rate=x: expected a sampling rate above 0 and at most 1", VMM_EPARSE},
        {"rate=0", "rate=0: expected", VMM_ERANGE},
        {"rate=-0.5", "above 0", VMM_ERANGE},
        {"rate=1.5", "at most 1", VMM_ERANGE},
        {"rate=nan", "expected", VMM_ERANGE},
        {"rate=1e-9", "below 1/16777216", VMM_ERANGE},
        {"rate=0.1,rate=0.2", "rate is given twice", VMM_EPARSE},
        {"rate=0.1,", "missing after the last comma", VMM_EPARSE},
        {"smax=0", "out of range (1 .. 1073741824 pages)", VMM_ERANGE},
        {"smax=2G", "out of range", VMM_ERANGE},
        {"smax=99999999999999999999", "out of range", VMM_ERANGE},
        {"smax=K", "expected a number of pages", VMM_EPARSE},
        {"smax=8X", "expected a number of pages", VMM_EPARSE},
        {"rate=0.1,adjust=maybe", "adjust=maybe: expected yes or no", VMM_EPARSE},
        {"rate=0.1,seed=3", "unknown parameter 'seed'", VMM_EPARSE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = vmm_shards_parse(bad[i].spec, &c, err, sizeof err);
        if (r != bad[i].code)
            test_fail(__FILE__, __LINE__, "'%s': %d (%s), expected %d", bad[i].spec, r, err,
                      bad[i].code);
        CHECK_EQ_I64(r, bad[i].code);
        CHECK_CONTAINS(err, bad[i].msg);
    }
}

TEST(sweep_shards_config_and_frames_refused)
{
    struct vmm_shards_config c;
    struct vmm_shards *s;
    char err[256];
    vmm_shards_config_default(&c);
    c.rate = 0;
    CHECK_EQ_I64(vmm_shards_create(&c, &s, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "above 0");
    c.rate = 1e-9;
    CHECK_EQ_I64(vmm_shards_create(&c, &s, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "smallest");
    c.rate = 0.5;
    c.smax = (1ull << 30) + 1;
    CHECK_EQ_I64(vmm_shards_create(&c, &s, err, sizeof err), VMM_EINVAL);
    c.smax = 0;
    c.page_size = 1000;
    CHECK_EQ_I64(vmm_shards_create(&c, &s, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "page size");
    c.page_size = 4096;
    CHECK_EQ_I64(vmm_shards_create(&c, &s, err, sizeof err), 0);
    uint64_t down[] = {4, 2}, zero[] = {0}, out[2];
    CHECK_EQ_I64(vmm_shards_curve(s, down, 2, out), VMM_EINVAL);
    CHECK_EQ_I64(vmm_shards_curve(s, zero, 1, out), VMM_EINVAL);
    CHECK_EQ_I64(vmm_shards_curve(s, down + 1, 1, out), 0); /* nothing fed: no faults */
    CHECK_EQ_U64(out[0], 0);
    vmm_shards_destroy(s);
}
