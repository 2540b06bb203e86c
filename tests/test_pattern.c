/*
 * test_pattern.c - the synthetic reference patterns of src/trace/pattern.c.
 *
 *  - loop and seq give exactly the pages their formulas say (seq also where
 *    i * pages overflows 64 bits), and stop after refs references;
 *  - uniform covers its range and passes a chi-square test of flatness;
 *  - zipf: the frequency ratios of the top ranks are (k+1)^alpha, a
 *    chi-square test against the exact probabilities (alpha 2 and 0.5, the
 *    latter through the module's own log and exp), frequencies fall with
 *    rank, and alpha = 0 is flat;
 *  - phases stay in a window of phase_pages pages per phase, phases end
 *    where they should, and the windows move;
 *  - the write fraction follows write= (exactly none and all at 0 and 1),
 *    and the pages do not depend on it;
 *  - one seed, one sequence (pinned by known answers); another seed, another;
 *  - offsets are 8-byte aligned and inside the page;
 *  - bad specs are refused with a message.
 *
 * The bounds are wide enough for the fixed seeds to pass with a large margin,
 * and narrow enough that a generator with the wrong distribution (say, only
 * even pages, or weights off by one rank) fails them.
 */
#include "harness.h"
#include "trace/pattern.h"

#include <stdlib.h>

#define PS 4096u /* page size given to pat_next */

/* ---- helpers ------------------------------------------------------------------ */

static struct pat_spec spec_of(enum pat_kind kind, uint64_t pages, uint64_t refs)
{
    return (struct pat_spec){.kind = kind,
                             .pages = pages,
                             .refs = refs,
                             .alpha = PAT_DEFAULT_ALPHA,
                             .write = 0.0,
                             .seed = 1,
                             .phases = 1,
                             .phase_pages = pages};
}

/* A generator for sp, or NULL after recording a test failure. */
static struct pat_gen *gen_of(const struct pat_spec *sp, int line)
{
    struct pat_gen *g = NULL;
    char err[256] = "";
    if (pat_init(&g, sp, err, sizeof err) < 0 || !g) {
        test_fail(__FILE__, line, "pat_init(%s): %s", pat_kind_names[sp->kind], err);
        return NULL;
    }
    return g;
}
#define GEN(sp) gen_of(sp, __LINE__)

/* Counts the references of sp per page into counts[0 .. sp->pages) (calloc'd;
 * free it) and the writes into *writes. NULL after recording a failure. */
static uint64_t *count_pages(const struct pat_spec *sp, uint64_t *writes, int line)
{
    struct pat_gen *g = gen_of(sp, line);
    uint64_t *counts = calloc(sp->pages, sizeof *counts);
    if (!g || !counts) {
        pat_free(g);
        free(counts);
        if (g)
            test_fail(__FILE__, line, "out of memory");
        return NULL;
    }
    uint64_t page, n = 0, w = 0;
    uint32_t off;
    bool wr;
    while (pat_next(g, PS, &page, &wr, &off)) {
        if (page >= sp->pages) {
            test_fail(__FILE__, line, "page %" PRIu64 " >= pages %" PRIu64, page, sp->pages);
            break;
        }
        counts[page]++;
        w += wr;
        n++;
    }
    if (n != sp->refs && !test_stopped())
        test_fail(__FILE__, line, "%" PRIu64 " references, expected %" PRIu64, n, sp->refs);
    pat_free(g);
    if (test_stopped()) {
        free(counts);
        return NULL;
    }
    if (writes)
        *writes = w;
    return counts;
}
#define COUNT(sp, writes) count_pages(sp, writes, __LINE__)

/* Pearson's chi-square of counts[0 .. n) against probabilities p[0 .. n)
 * (NULL: all 1/n) for a total of refs. */
static double chi_square(const uint64_t *counts, const double *p, size_t n, uint64_t refs)
{
    double x = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = (double)refs * (p ? p[i] : 1.0 / (double)n);
        double d = (double)counts[i] - e;
        x += d * d / e;
    }
    return x;
}

/* sqrt by Newton's method (the tests, like the library, do without libm). */
static double root(double x)
{
    double r = x > 1.0 ? x : 1.0;
    for (int i = 0; i < 100; i++)
        r = 0.5 * (r + x / r);
    return r;
}

/* FNV-1a over a whole sequence (page, write, offset): a fingerprint. */
static uint64_t fingerprint(const struct pat_spec *sp, uint32_t page_size, int line)
{
    struct pat_gen *g = gen_of(sp, line);
    if (!g)
        return 0;
    uint64_t h = 0xcbf29ce484222325ull, page;
    uint32_t off;
    bool wr;
    while (pat_next(g, page_size, &page, &wr, &off)) {
        uint64_t v[3] = {page, wr, off};
        for (int i = 0; i < 3; i++)
            h = (h ^ v[i]) * 0x100000001b3ull;
    }
    pat_free(g);
    return h;
}

/* ---- seq and loop ------------------------------------------------------------- */

TEST(pattern_loop_is_i_mod_pages)
{
    const uint64_t sizes[] = {1, 2, 7, 64};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct pat_spec sp = spec_of(PAT_LOOP, sizes[s], 1000);
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        uint64_t page, i = 0;
        uint32_t off;
        bool wr;
        while (pat_next(g, PS, &page, &wr, &off)) {
            if (page != i % sizes[s]) {
                pat_free(g);
                CHECK_EQ_U64(page, i % sizes[s]);
            }
            i++;
        }
        CHECK_EQ_U64(i, 1000);
        CHECK_EQ_U64(pat_done(g), 1000);
        CHECK(!pat_next(g, PS, &page, &wr, &off)); /* still over */
        pat_free(g);
    }
}

/* floor(i * pages / refs) without overflow, or UINT64_MAX if not computable. */
static uint64_t seq_page(uint64_t i, uint64_t pages, uint64_t refs)
{
#ifdef __SIZEOF_INT128__
    return (uint64_t)((unsigned __int128)i * pages / refs);
#else
    if (pages && i > UINT64_MAX / pages)
        return UINT64_MAX;
    return i * pages / refs;
#endif
}

TEST(pattern_seq_is_one_sweep)
{
    /* pages, refs: more refs than pages, equal, fewer, and i * pages past 2^64. */
    const uint64_t cases[][2] = {{10, 35},  {10, 10},   {1, 5},
                                 {100, 10}, {97, 1000}, {3000000000000ull, 10000001}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t pages = cases[c][0], refs = cases[c][1];
        struct pat_spec sp = spec_of(PAT_SEQ, pages, refs);
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        uint64_t page, prev = 0, i = 0, distinct = 0;
        uint32_t off;
        bool wr;
        while (pat_next(g, PS, &page, &wr, &off)) {
            uint64_t want = seq_page(i, pages, refs);
            if ((want != UINT64_MAX && page != want) || page < prev || page >= pages) {
                pat_free(g);
                test_fail(__FILE__, __LINE__,
                          "pages=%" PRIu64 " refs=%" PRIu64 ": reference %" PRIu64
                          " is page %" PRIu64 ", expected %" PRIu64 " (previous %" PRIu64 ")",
                          pages, refs, i, page, want, prev);
                return;
            }
            distinct += i == 0 || page != prev;
            prev = page;
            i++;
        }
        pat_free(g);
        CHECK_EQ_U64(i, refs);
        /* Every page when refs >= pages, else one per reference (skipped evenly). */
        CHECK_EQ_U64(distinct, refs >= pages ? pages : refs);
        CHECK_EQ_U64(prev, seq_page(refs - 1, pages, refs));
    }
    /* Each page about refs/pages times in a row: 35 over 10 pages is 3 or 4 each. */
    struct pat_spec sp = spec_of(PAT_SEQ, 10, 35);
    uint64_t *n = COUNT(&sp, NULL);
    if (!n)
        return;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int p = 0; p < 10; p++) {
        lo = n[p] < lo ? n[p] : lo;
        hi = n[p] > hi ? n[p] : hi;
    }
    free(n);
    CHECK_EQ_U64(lo, 3);
    CHECK_EQ_U64(hi, 4);
}

/* ---- uniform -------------------------------------------------------------------- */

TEST(pattern_uniform_is_flat)
{
    /* 16 pages (a power of two) and 10 (the rejection of a biased remainder).
     * Chi-square has pages-1 = 15 or 9 degrees of freedom: a mean of 15 and a
     * deviation of 5.5 at most; 60 is over 8 deviations out. Only even pages
     * would give 160000, one page 10% too hot about 100. */
    const uint64_t sizes[] = {16, 10};
    for (size_t s = 0; s < 2; s++) {
        struct pat_spec sp = spec_of(PAT_UNIFORM, sizes[s], 160000);
        sp.seed = 12345;
        uint64_t *n = COUNT(&sp, NULL);
        if (!n)
            return;
        uint64_t min = UINT64_MAX;
        for (uint64_t p = 0; p < sizes[s]; p++)
            min = n[p] < min ? n[p] : min;
        double x = chi_square(n, NULL, sizes[s], sp.refs);
        free(n);
        CHECK(min > 0); /* every page covered */
        if (!(x < 60.0))
            test_fail(__FILE__, __LINE__, "pages=%" PRIu64 ": chi-square %.1f", sizes[s], x);
        if (test_stopped())
            return;
    }
}

TEST(pattern_uniform_huge_range)
{
    /* The largest ranges still give pages in range, with both halves drawn. */
    const uint64_t sizes[] = {UINT64_MAX, (1ull << 63) + 1};
    for (size_t s = 0; s < 2; s++) {
        struct pat_spec sp = spec_of(PAT_UNIFORM, sizes[s], 1000);
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        uint64_t page, high = 0;
        uint32_t off;
        bool wr;
        while (pat_next(g, PS, &page, &wr, &off)) {
            if (page >= sizes[s]) {
                pat_free(g);
                CHECK_LE_U64(page, sizes[s] - 1);
            }
            high += page >= sizes[s] / 2;
        }
        pat_free(g);
        CHECK(high > 400 && high < 600);
    }
}

/* ---- zipf ------------------------------------------------------------------------ */

TEST(pattern_zipf_top_ratios)
{
    /* count(0) / count(k) should be (k+1)^alpha; alpha 1 is exact in the
     * module, 2 and 0.5 go through its log and exp. The deviations of these
     * ratios are under 1% here; the tolerance is 4%. */
    const struct {
        double alpha;
        unsigned k;   /* rank compared with rank 0 */
        double ratio; /* (k+1)^alpha */
    } cases[] = {
        {1.0, 1, 2.0}, {1.0, 3, 4.0}, {2.0, 1, 4.0},
        {0.5, 3, 2.0}, {1.5, 3, 8.0}, {0.5, 1, 1.41421356},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct pat_spec sp = spec_of(PAT_ZIPF, 1000, 1000000);
        sp.alpha = cases[c].alpha;
        sp.seed = 7;
        uint64_t *n = COUNT(&sp, NULL);
        if (!n)
            return;
        double r = (double)n[0] / (double)n[cases[c].k];
        free(n);
        if (!(r > cases[c].ratio * 0.96 && r < cases[c].ratio * 1.04)) {
            test_fail(__FILE__, __LINE__, "alpha=%g: count(0)/count(%u) = %.4f, expected %.4f",
                      cases[c].alpha, cases[c].k, r, cases[c].ratio);
            return;
        }
    }
}

TEST(pattern_zipf_matches_exact_probabilities)
{
    /* Chi-square against (k+1)^-alpha / H over ranks 0 .. 29 and a last
     * bucket for the rest: 30 degrees of freedom, mean 30, deviation 7.7;
     * the bound 100 is 9 deviations out. Weights shifted by one rank, or
     * alpha off by 0.05, exceed it many times over. */
    const double alphas[] = {2.0, 0.5, 1.0};
    enum { PAGES = 500, TOP = 30 };
    for (size_t a = 0; a < sizeof alphas / sizeof alphas[0]; a++) {
        double w[PAGES], h = 0.0;
        for (int k = 0; k < PAGES; k++) {
            double x = (double)(k + 1);
            w[k] = alphas[a] == 2.0 ? 1.0 / (x * x) : alphas[a] == 1.0 ? 1.0 / x : 1.0 / root(x);
            h += w[k];
        }
        double p[TOP + 1];
        uint64_t bucket[TOP + 1] = {0};
        struct pat_spec sp = spec_of(PAT_ZIPF, PAGES, 500000);
        sp.alpha = alphas[a];
        sp.seed = 99;
        uint64_t *n = COUNT(&sp, NULL);
        if (!n)
            return;
        p[TOP] = 0.0;
        for (int k = 0; k < PAGES; k++) {
            int b = k < TOP ? k : TOP;
            if (k < TOP)
                p[b] = w[k] / h;
            else
                p[TOP] += w[k] / h;
            bucket[b] += n[k];
        }
        free(n);
        double x = chi_square(bucket, p, TOP + 1, sp.refs);
        if (!(x < 100.0)) {
            test_fail(__FILE__, __LINE__, "alpha=%g: chi-square %.1f", alphas[a], x);
            return;
        }
    }
}

TEST(pattern_zipf_falls_with_rank)
{
    /* Per-page frequency averaged over ranks [2^j - 1, 2^(j+1) - 1) halves
     * from one bucket to the next with alpha 1; require it to fall. */
    struct pat_spec sp = spec_of(PAT_ZIPF, 4096, 1000000);
    sp.alpha = 1.0;
    sp.seed = 3;
    uint64_t *n = COUNT(&sp, NULL);
    if (!n)
        return;
    double prev = 2.0;
    for (uint64_t lo = 1; lo <= 2048; lo *= 2) {
        uint64_t sum = 0;
        for (uint64_t k = lo - 1; k < 2 * lo - 1; k++)
            sum += n[k];
        double avg = (double)sum / (double)lo / (double)sp.refs;
        if (!(avg < prev * 0.75)) {
            free(n);
            test_fail(__FILE__, __LINE__, "ranks %" PRIu64 "..: %.6f after %.6f", lo - 1, avg,
                      prev);
            return;
        }
        prev = avg;
    }
    /* Page 0 is the hottest. */
    uint64_t hottest = 0;
    for (uint64_t k = 1; k < sp.pages; k++)
        hottest = n[k] > n[hottest] ? k : hottest;
    free(n);
    CHECK_EQ_U64(hottest, 0);
}

TEST(pattern_zipf_alpha_0_is_uniform)
{
    struct pat_spec sp = spec_of(PAT_ZIPF, 16, 160000);
    sp.alpha = 0.0;
    sp.seed = 12345;
    uint64_t *n = COUNT(&sp, NULL);
    if (!n)
        return;
    uint64_t min = UINT64_MAX;
    for (int p = 0; p < 16; p++)
        min = n[p] < min ? n[p] : min;
    double x = chi_square(n, NULL, 16, sp.refs);
    free(n);
    CHECK(min > 0);
    if (!(x < 60.0))
        test_fail(__FILE__, __LINE__, "chi-square %.1f", x);
}

TEST(pattern_zipf_one_page)
{
    struct pat_spec sp = spec_of(PAT_ZIPF, 1, 100);
    sp.alpha = 3.0;
    uint64_t *n = COUNT(&sp, NULL);
    if (!n)
        return;
    CHECK_EQ_U64(n[0], 100);
    free(n);
}

/* ---- phases ------------------------------------------------------------------------ */

TEST(pattern_phases_stay_in_moving_windows)
{
    /* 10 phases of 1000 references (the last 1007) over windows of 50 of
     * 1000 pages. With 1000 draws on 50 pages each window is covered, so the
     * pages of each phase span exactly 50. A boundary in the wrong place
     * would mix two windows in one phase. */
    enum { PHASES = 10, LEN = 1000, WIN = 50 };
    struct pat_spec sp = spec_of(PAT_PHASES, 1000, PHASES * LEN + 7);
    sp.phases = PHASES;
    sp.phase_pages = WIN;
    sp.seed = 2024;
    struct pat_gen *g = GEN(&sp);
    if (!g)
        return;
    uint64_t lo[PHASES], hi[PHASES], page, i = 0;
    uint32_t off;
    bool wr;
    for (int p = 0; p < PHASES; p++) {
        lo[p] = UINT64_MAX;
        hi[p] = 0;
    }
    while (pat_next(g, PS, &page, &wr, &off)) {
        uint64_t p = i / LEN < PHASES ? i / LEN : PHASES - 1;
        lo[p] = page < lo[p] ? page : lo[p];
        hi[p] = page > hi[p] ? page : hi[p];
        i++;
    }
    pat_free(g);
    CHECK_EQ_U64(i, sp.refs);
    unsigned moved = 0;
    for (int p = 0; p < PHASES; p++) {
        CHECK_EQ_U64(hi[p] - lo[p], WIN - 1);
        CHECK_LE_U64(hi[p], sp.pages - 1);
        moved += p > 0 && lo[p] != lo[p - 1];
    }
    CHECK(moved >= PHASES - 2); /* 951 possible starts: repeats are rare */
}

TEST(pattern_phases_edge_cases)
{
    /* Fewer refs than phases: one window for all. */
    struct pat_spec sp = spec_of(PAT_PHASES, 100, 5);
    sp.phases = 10;
    sp.phase_pages = 3;
    struct pat_gen *g = GEN(&sp);
    if (!g)
        return;
    uint64_t page, lo = UINT64_MAX, hi = 0, i = 0;
    uint32_t off;
    bool wr;
    while (pat_next(g, PS, &page, &wr, &off)) {
        lo = page < lo ? page : lo;
        hi = page > hi ? page : hi;
        i++;
    }
    pat_free(g);
    CHECK_EQ_U64(i, 5);
    CHECK_LE_U64(hi - lo, 2);
    CHECK_LE_U64(hi, 99);

    /* A window as large as the range: uniform over all of it. */
    sp = spec_of(PAT_PHASES, 16, 160000);
    sp.phases = 4;
    sp.phase_pages = 16;
    sp.seed = 5;
    uint64_t *n = COUNT(&sp, NULL);
    if (!n)
        return;
    double x = chi_square(n, NULL, 16, sp.refs);
    free(n);
    if (!(x < 60.0))
        test_fail(__FILE__, __LINE__, "chi-square %.1f", x);

    /* Windows of 8 of 10 pages: all three starts 0, 1, 2 come up over 300
     * phases, and none past them. */
    sp = spec_of(PAT_PHASES, 10, 300 * 100);
    sp.phases = 300;
    sp.phase_pages = 8;
    g = GEN(&sp);
    if (!g)
        return;
    unsigned starts[3] = {0};
    lo = UINT64_MAX;
    hi = 0;
    for (i = 0; pat_next(g, PS, &page, &wr, &off); i++) {
        lo = page < lo ? page : lo;
        hi = page > hi ? page : hi;
        if (i % 100 == 99) { /* 100 draws over 8 pages cover the window */
            if (hi - lo != 7 || lo > 2)
                break;
            starts[lo]++;
            lo = UINT64_MAX;
            hi = 0;
        }
    }
    pat_free(g);
    CHECK_EQ_U64(i, sp.refs);
    CHECK(starts[0] > 50 && starts[1] > 50 && starts[2] > 50);

    /* One-page windows: each phase is one page over and over. */
    sp = spec_of(PAT_PHASES, 1000, 40);
    sp.phases = 4;
    sp.phase_pages = 1;
    g = GEN(&sp);
    if (!g)
        return;
    uint64_t first[4];
    for (i = 0; pat_next(g, PS, &page, &wr, &off); i++) {
        if (i % 10 == 0)
            first[i / 10] = page;
        else if (page != first[i / 10])
            break;
    }
    pat_free(g);
    CHECK_EQ_U64(i, 40);
}

/* ---- writes, seeds, offsets ---------------------------------------------------------- */

TEST(pattern_write_fraction)
{
    /* Deviation of the fraction with 100000 draws: 0.0015 at most; allowed 0.01. */
    const double ws[] = {0.0, 0.3, 0.9, 1.0};
    for (int k = 0; k < PAT__COUNT; k++) {
        for (size_t j = 0; j < sizeof ws / sizeof ws[0]; j++) {
            struct pat_spec sp = spec_of((enum pat_kind)k, 64, 100000);
            sp.write = ws[j];
            sp.phases = 5;
            sp.phase_pages = 8;
            uint64_t writes;
            uint64_t *n = COUNT(&sp, &writes);
            if (!n)
                return;
            free(n);
            double f = (double)writes / (double)sp.refs;
            if (ws[j] == 0.0)
                CHECK_EQ_U64(writes, 0);
            else if (ws[j] == 1.0)
                CHECK_EQ_U64(writes, sp.refs);
            else if (!(f > ws[j] - 0.01 && f < ws[j] + 0.01)) {
                test_fail(__FILE__, __LINE__, "%s write=%g: fraction %.4f", pat_kind_names[k],
                          ws[j], f);
                return;
            }
        }
    }
}

TEST(pattern_pages_do_not_depend_on_write_or_page_size)
{
    for (int k = 0; k < PAT__COUNT; k++) {
        struct pat_spec a = spec_of((enum pat_kind)k, 300, 5000);
        a.phases = 3;
        a.phase_pages = 20;
        struct pat_spec b = a;
        b.write = 0.6;
        struct pat_gen *ga = GEN(&a), *gb = GEN(&b);
        if (!ga || !gb) {
            pat_free(ga);
            pat_free(gb);
            return;
        }
        uint64_t pa, pb, same = 0, writes = 0;
        uint32_t oa, ob;
        bool wa, wb;
        while (pat_next(ga, 4096, &pa, &wa, &oa) && pat_next(gb, 65536, &pb, &wb, &ob)) {
            same += pa == pb;
            writes += wb;
        }
        pat_free(ga);
        pat_free(gb);
        CHECK_EQ_U64(same, a.refs);
        CHECK(writes > 2500 && writes < 3500);
    }
}

TEST(pattern_seed_determines_sequence)
{
    for (int k = 0; k < PAT__COUNT; k++) {
        struct pat_spec sp = spec_of((enum pat_kind)k, 200, 20000);
        sp.write = 0.5;
        sp.alpha = 0.8;
        sp.phases = 4;
        sp.phase_pages = 30;
        sp.seed = 77;
        uint64_t h1 = fingerprint(&sp, PS, __LINE__), h2 = fingerprint(&sp, PS, __LINE__);
        sp.seed = 78;
        uint64_t h3 = fingerprint(&sp, PS, __LINE__);
        if (test_stopped())
            return;
        CHECK_EQ_U64(h1, h2);
        CHECK(h1 != h3); /* seq and loop too: writes and offsets differ */
    }
    /* Random kinds: the pages themselves differ with the seed. */
    for (int k = PAT_UNIFORM; k <= PAT_PHASES; k++) {
        struct pat_spec sp = spec_of((enum pat_kind)k, 200, 1000);
        sp.phases = 4;
        sp.phase_pages = 30;
        sp.seed = 1;
        struct pat_spec sp2 = sp;
        sp2.seed = 2;
        struct pat_gen *a = GEN(&sp), *b = GEN(&sp2);
        uint64_t pa, pb, same = 0;
        uint32_t off;
        bool wr;
        while (a && b && pat_next(a, PS, &pa, &wr, &off) && pat_next(b, PS, &pb, &wr, &off))
            same += pa == pb;
        pat_free(a);
        pat_free(b);
        if (test_stopped())
            return;
        CHECK(same < 500);
    }
}

TEST(pattern_known_answers)
{
    /* The sequences are part of the workload language's meaning: the same
     * script must give the same run on every machine and in every version.
     * A change here changes every pattern workload's results. */
    const struct {
        enum pat_kind kind;
        double alpha;
        uint64_t first[8]; /* first pages with seed 42, 1000 pages */
        uint64_t hash;     /* fingerprint of 10000 references, write=0.25 */
    } cases[] = {
        {PAT_UNIFORM, 1.0, {742, 193, 754, 85, 110, 370, 495, 995}, 0x9ced3d1ffd4b3884ull},
        {PAT_ZIPF, 0.7, {2, 792, 380, 210, 519, 679, 363, 11}, 0xf97b25303979984eull},
        {PAT_ZIPF, 1.0, {0, 568, 121, 43, 225, 400, 111, 1}, 0xdad03fd97956e8d5ull},
        {PAT_PHASES, 1.0, {877, 851, 822, 864, 817, 836, 873, 876}, 0x05732224430c1bbbull},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct pat_spec sp = spec_of(cases[c].kind, 1000, 10000);
        sp.alpha = cases[c].alpha;
        sp.write = 0.25;
        sp.seed = 42;
        sp.phases = 7;
        sp.phase_pages = 64;
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        uint64_t page;
        uint32_t off;
        bool wr;
        for (int i = 0; i < 8; i++) {
            if (!pat_next(g, PS, &page, &wr, &off) || page != cases[c].first[i]) {
                pat_free(g);
                test_fail(__FILE__, __LINE__,
                          "%s alpha=%g: reference %d is page %" PRIu64 ", expected %" PRIu64,
                          pat_kind_names[sp.kind], sp.alpha, i, page, cases[c].first[i]);
                return;
            }
        }
        pat_free(g);
        CHECK_EQ_U64(fingerprint(&sp, PS, __LINE__), cases[c].hash);
    }
}

TEST(pattern_offsets_aligned_in_page)
{
    /* 4 KiB: 512 slots, 20000 draws cover nearly all; other sizes: in range. */
    const uint32_t sizes[] = {4096, 1u << 20, 100, 16, 8, 4, 0};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct pat_spec sp = spec_of(PAT_UNIFORM, 50, 20000);
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        static bool seen[(1u << 20) / 8];
        memset(seen, 0, sizeof seen);
        uint64_t page, distinct = 0;
        uint32_t off, max = 0;
        bool wr;
        while (pat_next(g, sizes[s], &page, &wr, &off)) {
            if (off % 8 != 0 || (off > 0 && off + 8 > sizes[s])) {
                pat_free(g);
                test_fail(__FILE__, __LINE__, "page size %u: offset %u", sizes[s], off);
                return;
            }
            distinct += !seen[off / 8];
            seen[off / 8] = true;
            max = off > max ? off : max;
        }
        pat_free(g);
        uint32_t slots = sizes[s] / 8;
        if (slots <= 1) {
            CHECK_EQ_U64(max, 0);
        } else if (slots <= 512) {
            CHECK(distinct >= slots * 9 / 10);
            CHECK_EQ_U64(max, (slots - 1) * 8); /* reaches the last slot */
        } else {
            CHECK(distinct > 18000); /* 131072 slots: 18547 expected */
        }
    }
}

/* ---- bad specs -------------------------------------------------------------------- */

TEST(pattern_bad_specs_refused)
{
    volatile double zero = 0.0;
    struct {
        struct pat_spec sp;
        const char *msg; /* part of the message */
    } cases[] = {
        {spec_of(PAT_UNIFORM, 0, 10), "pages=0"},
        {spec_of(PAT_SEQ, 0, 10), "pages=0"},
        {spec_of(PAT_ZIPF, 0, 10), "pages=0"},
        {spec_of(PAT_PHASES, 10, 10), "phases=0"},
        {spec_of(PAT_PHASES, 10, 10), "phase-pages=11"},
        {spec_of(PAT_PHASES, 10, 10), "phase-pages=0"},
        {spec_of(PAT_LOOP, 10, 10), "write=1.5"},
        {spec_of(PAT_LOOP, 10, 10), "write=-0.1"},
        {spec_of(PAT_UNIFORM, 10, 10), "expected a probability"},
        {spec_of(PAT_ZIPF, 10, 10), "alpha=-1"},
        {spec_of(PAT_ZIPF, 10, 10), "alpha=inf"},
        {spec_of(PAT_ZIPF, PAT_ZIPF_MAX_PAGES + 1, 10), "zipf table"},
        {spec_of(PAT__COUNT, 10, 10), "unknown pattern kind"},
    };
    cases[3].sp.phases = 0;
    cases[4].sp.phase_pages = 11;
    cases[5].sp.phase_pages = 0;
    cases[6].sp.write = 1.5;
    cases[7].sp.write = -0.1;
    cases[8].sp.write = zero / zero;
    cases[9].sp.alpha = -1.0;
    cases[10].sp.alpha = 1.0 / zero;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct pat_gen *g = (struct pat_gen *)&cases; /* must stay untouched */
        char err[256] = "";
        CHECK_EQ_I64(pat_init(&g, &cases[c].sp, err, sizeof err), -1);
        CHECK(g == (struct pat_gen *)&cases);
        CHECK_CONTAINS(err, cases[c].msg);
        CHECK_EQ_I64(pat_init(&g, &cases[c].sp, NULL, 0), -1); /* no room for a message */
    }
    /* The limits themselves are accepted (the largest zipf table is not built here). */
    struct pat_spec sp = spec_of(PAT_PHASES, 10, 10);
    sp.phases = 20;
    sp.phase_pages = 10;
    struct pat_gen *g = GEN(&sp);
    CHECK(g != NULL);
    pat_free(g);
    pat_free(NULL);
}

TEST(pattern_no_refs_and_names)
{
    for (int k = 0; k < PAT__COUNT; k++) {
        struct pat_spec sp = spec_of((enum pat_kind)k, 10, 0);
        sp.phases = 3;
        sp.phase_pages = 2;
        struct pat_gen *g = GEN(&sp);
        if (!g)
            return;
        uint64_t page = 12345;
        uint32_t off = 7;
        bool wr = true;
        bool more = pat_next(g, PS, &page, &wr, &off);
        pat_free(g);
        CHECK(!more);
        CHECK(page == 12345 && off == 7 && wr); /* outputs left alone */
    }
    const char *names[] = {"seq", "loop", "uniform", "zipf", "phases"};
    for (int k = 0; k < PAT__COUNT; k++)
        CHECK_STR_EQ(pat_kind_names[k], names[k]);
}
