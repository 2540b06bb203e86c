/*
 * test_sweep.c - fault curves (src/sweep.c, src/stackdist.c).
 *
 *  - The one-pass curves equal the engine, point by point: vmm_sweep_lru
 *    against a replay by the engine's lru, vmm_sweep_opt against its opt, at
 *    every frame count from 1 to the distinct pages + 2, on seeded random
 *    traces (one process and several, references that cross pages, long
 *    traces whose positions are renumbered many times, distances counted by
 *    the Fenwick tree and by popcounts alone) and with the OPT stack cut
 *    short of the distinct pages.
 *  - Known answers: Silberschatz's string (3 frames: lru 12, opt 9, fifo 15),
 *    Belady's (fifo 9 faults with 3 frames, 10 with 4: the anomaly marked at
 *    4, and nowhere else).
 *  - Properties: the lru and opt curves never rise; opt <= lru everywhere;
 *    one pass and per point agree inside vmm_sweep_run; --jobs 1 and 2 give
 *    the same results and the same output.
 *  - Frame-count specifications and their errors, and vmm_sweep_load (pages
 *    split, one process per trace, the address width).
 *  - The streamed sweep (vmm_sweep_read + vmm_sweep_run_input) gives what
 *    vmm_sweep_load + vmm_sweep_run give, with and without the references
 *    held, over traces whose page ids move from the direct table to the
 *    hash mid-stream (a far page, a second process); the streamed numbering
 *    fed in uneven batches equals the one-array numbering.
 *  - Shards: the N shards of a sweep compute disjoint sets of points that
 *    cover it, each point's count equal to the whole run's, for N from 1 to
 *    more than the tasks; the anomalies marked again over the joined curve
 *    are the whole run's; the fingerprint tells traces apart. Through the
 *    command: --merge of every shard prints exactly what the whole run
 *    prints, in every format (also with shards run at once by xargs -P); a
 *    merge refuses a missing shard, a repeated one, one of another sweep.
 */
#include "harness.h"
#include "stackdist.h"
#include "vmm.h"

#include <stdio.h>
#include <stdlib.h>

#define MAXREFS 30000

/* ---- helpers -------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Page faults of the engine's policy with nf frames over refs (data off, no
 * TLB); UINT64_MAX after recording a failure. */
static uint64_t engine_faults(const char *policy, uint64_t nf, const struct vmm_ref *refs, size_t n)
{
    struct vmm_config c;
    struct vmm_system *sys;
    struct vmm_stats st;
    char err[256];
    vmm_config_default(&c);
    c.frames = nf;
    c.policy = policy;
    c.data = false;
    c.tlb_entries = 0;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "%s frames=%" PRIu64 ": %s", policy, nf, err);
        return UINT64_MAX;
    }
    if (vmm_replay_refs(sys, refs, n) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", policy, vmm_system_error(sys));
        vmm_system_destroy(sys);
        return UINT64_MAX;
    }
    vmm_stats_get(sys, &st);
    vmm_system_destroy(sys);
    return st.page_faults;
}

/* A reference of pid to page (4 KiB pages) at offset off, size bytes. */
static struct vmm_ref ref_of(uint32_t pid, uint64_t page, unsigned off, unsigned size)
{
    return (struct vmm_ref){page * 4096 + off, pid, (uint16_t)size, VMM_READ};
}

static struct vmm_ref refs[MAXREFS];

/* A seeded trace of n references over up to `pages` pages: a hot set, a
 * loop, uniform strays; `procs` processes (1 = one), and with `cross` some
 * references that cross into the next page. Returns the distinct pages
 * (pid, page) it touches. */
static size_t trace_gen(uint64_t seed, size_t n, unsigned pages, unsigned procs, bool cross)
{
    uint64_t rng = seed * 1000003 + 7;
    unsigned hot = 1 + (unsigned)(splitmix64(&rng) % 12);
    unsigned loop = 2 + (unsigned)(splitmix64(&rng) % (pages > 3 ? pages - 2 : 1));
    static uint64_t seen[2 * MAXREFS];
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned)(splitmix64(&rng) % 100);
        uint64_t page = x < 40   ? splitmix64(&rng) % hot
                        : x < 75 ? i % loop
                                 : splitmix64(&rng) % pages;
        uint32_t pid = 1 + (uint32_t)(splitmix64(&rng) % procs);
        bool span = cross && splitmix64(&rng) % 10 == 0;
        refs[i] = span ? ref_of(pid, page, 4090, 12) : ref_of(pid, page, 8, 4);
        refs[i].op = splitmix64(&rng) % 4 == 0 ? VMM_WRITE : VMM_READ;
        for (uint64_t pg = page; pg <= page + span; pg++) {
            uint64_t key = (uint64_t)pid << 40 | pg;
            bool dup = false;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = seen[k] == key;
            if (!dup)
                seen[nseen++] = key;
        }
    }
    return nseen;
}

/* Checks the one-pass curves of lru and opt against the engine at every
 * frame count 1 .. top. */
static void check_curves(const char *what, size_t n, uint64_t top, uint64_t stride)
{
    static uint64_t frames[4096], lru[4096], opt[4096];
    size_t nf = 0;
    for (uint64_t f = 1; f <= top && nf < 4096; f += (f < 64 ? 1 : stride))
        frames[nf++] = f;
    CHECK_EQ_I64(vmm_sweep_lru(refs, n, 4096, frames, nf, lru), 0);
    CHECK_EQ_I64(vmm_sweep_opt(refs, n, 4096, frames, nf, opt), 0);
    for (size_t i = 0; i < nf; i++) {
        uint64_t el = engine_faults("lru", frames[i], refs, n);
        uint64_t eo = engine_faults("opt", frames[i], refs, n);
        if (test_stopped())
            return;
        if (lru[i] != el || opt[i] != eo)
            test_fail(__FILE__, __LINE__,
                      "%s, %" PRIu64 " frames: one pass lru %" PRIu64 " opt %" PRIu64
                      ", engine lru %" PRIu64 " opt %" PRIu64,
                      what, frames[i], lru[i], opt[i], el, eo);
        CHECK_EQ_U64(lru[i], el);
        CHECK_EQ_U64(opt[i], eo);
        if (i) { /* stack algorithms: never more faults with more frames */
            CHECK_LE_U64(lru[i], lru[i - 1]);
            CHECK_LE_U64(opt[i], opt[i - 1]);
        }
        CHECK_LE_U64(opt[i], lru[i]);
    }
}

/* ---- one pass equals the engine --------------------------------------------------- */

TEST(sweep_one_pass_equals_engine_random)
{
    char what[64];
    for (uint64_t seed = 1; seed <= 30; seed++) {
        uint64_t rng = seed;
        size_t n = 200 + splitmix64(&rng) % 700;
        unsigned pages = 3 + (unsigned)(splitmix64(&rng) % 90);
        size_t d = trace_gen(seed, n, pages, 1, false);
        snprintf(what, sizeof what, "seed %" PRIu64, seed);
        check_curves(what, n, d + 2, 1);
        if (test_stopped())
            return;
    }
}

/* Several processes: a page is (pid, page), one global reference string;
 * some references cross a page boundary and touch two pages. */
TEST(sweep_one_pass_equals_engine_processes)
{
    char what[64];
    for (uint64_t seed = 100; seed < 115; seed++) {
        size_t d = trace_gen(seed, 600, 40, 1 + (unsigned)(seed % 4), true);
        snprintf(what, sizeof what, "seed %" PRIu64 " (processes)", seed);
        check_curves(what, 600, d + 2, 1);
        if (test_stopped())
            return;
    }
}

/* Long traces: the LRU pass renumbers its positions many times (few pages:
 * every 1024 references) and counts long gaps with the Fenwick tree (many
 * pages, gaps beyond 512 positions); OPT's stack grows to thousands. */
TEST(sweep_one_pass_equals_engine_long)
{
    size_t d = trace_gen(7, MAXREFS, 20, 1, false);
    check_curves("30000 refs over 20 pages", MAXREFS, d + 2, 1);
    d = trace_gen(8, MAXREFS, 3000, 2, true);
    check_curves("30000 refs over 3000 pages", MAXREFS, d + 2, 97);
}

/* The OPT stack cut at the largest frame count asked for, far below the
 * distinct pages; and frame lists with gaps. */
TEST(sweep_one_pass_cut_stack)
{
    static const uint64_t frames[] = {1, 2, 3, 5, 8, 13, 21};
    uint64_t lru[7], opt[7];
    for (uint64_t seed = 40; seed < 50; seed++) {
        trace_gen(seed, 900, 80, 1 + (unsigned)(seed % 2), seed % 3 == 0);
        CHECK_EQ_I64(vmm_sweep_lru(refs, 900, 4096, frames, 7, lru), 0);
        CHECK_EQ_I64(vmm_sweep_opt(refs, 900, 4096, frames, 7, opt), 0);
        for (size_t i = 0; i < 7; i++) {
            CHECK_EQ_U64(lru[i], engine_faults("lru", frames[i], refs, 900));
            CHECK_EQ_U64(opt[i], engine_faults("opt", frames[i], refs, 900));
        }
    }
}

TEST(sweep_one_pass_edges)
{
    uint64_t frames[3] = {1, 2, 1000}, out[3] = {9, 9, 9};
    CHECK_EQ_I64(vmm_sweep_lru(refs, 0, 4096, frames, 3, out), 0); /* no references */
    CHECK_EQ_U64(out[0], 0);
    CHECK_EQ_U64(out[2], 0);
    refs[0] = ref_of(1, 5, 0, 1);
    CHECK_EQ_I64(vmm_sweep_opt(refs, 1, 4096, frames, 3, out), 0);
    CHECK_EQ_U64(out[0], 1);
    CHECK_EQ_U64(out[2], 1);
    uint64_t bad[2] = {3, 3};
    CHECK_EQ_I64(vmm_sweep_lru(refs, 1, 4096, bad, 2, out), VMM_EINVAL);
    bad[0] = 0;
    CHECK_EQ_I64(vmm_sweep_opt(refs, 1, 4096, bad, 2, out), VMM_EINVAL);
}

/* ---- known answers ------------------------------------------------------------------ */

/* The sweep of policies over pages (4 KiB pages, pid 1) at frames. */
static int sweep_pages(const unsigned *pages, size_t n, const char *const *pol, size_t npol,
                       const uint64_t *frames, size_t nf, unsigned jobs, enum vmm_sweep_method m,
                       struct vmm_sweep_result *res)
{
    struct vmm_config c;
    char err[256];
    vmm_config_default(&c);
    for (size_t i = 0; i < n; i++)
        refs[i] = ref_of(1, pages[i], 0, 1);
    struct vmm_sweep_spec spec = {.cfg = &c,
                                  .policies = pol,
                                  .npolicies = npol,
                                  .frames = frames,
                                  .nframes = nf,
                                  .jobs = jobs,
                                  .lru = m,
                                  .opt = m};
    int r = vmm_sweep_run(&spec, refs, n, res, err, sizeof err);
    if (r < 0)
        test_fail(__FILE__, __LINE__, "vmm_sweep_run: %s", err);
    return r;
}

static const unsigned silberschatz[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
static const unsigned belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

TEST(sweep_known_answers)
{
    static const char *const pol[] = {"lru", "opt", "fifo"};
    static const uint64_t frames[] = {1, 2, 3, 4, 5, 6, 7};
    struct vmm_sweep_result res;
    for (int m = VMM_SWEEP_AUTO; m <= VMM_SWEEP_PER_POINT; m++) {
        if (sweep_pages(silberschatz, 20, pol, 3, frames, 7, 2, (enum vmm_sweep_method)m, &res))
            return;
        CHECK_EQ_U64(res.references, 20);
        CHECK_EQ_U64(res.distinct, 6);
        CHECK_EQ_U64(res.nframes, 7);
        CHECK_EQ_U64(res.faults[0 * 7 + 2], 12); /* lru, 3 frames */
        CHECK_EQ_U64(res.faults[1 * 7 + 2], 9);  /* opt */
        CHECK_EQ_U64(res.faults[2 * 7 + 2], 15); /* fifo */
        CHECK_EQ_U64(res.faults[0 * 7 + 6], 6);  /* enough frames: one fault a page */
        CHECK_EQ_U64(res.method[0],
                     m == VMM_SWEEP_PER_POINT ? VMM_SWEEP_PER_POINT : VMM_SWEEP_ONE_PASS);
        CHECK_EQ_U64(res.method[2], VMM_SWEEP_PER_POINT);
        vmm_sweep_result_free(&res);
    }
}

TEST(sweep_belady_anomaly_marked)
{
    static const char *const pol[] = {"fifo", "lru", "opt"};
    static const uint64_t frames[] = {1, 2, 3, 4, 5};
    struct vmm_sweep_result res;
    if (sweep_pages(belady, 12, pol, 3, frames, 5, 1, VMM_SWEEP_AUTO, &res))
        return;
    CHECK_EQ_U64(res.faults[2], 9);  /* fifo, 3 frames */
    CHECK_EQ_U64(res.faults[3], 10); /* fifo, 4 frames */
    CHECK(res.anomaly[3]);           /* marked at 4 ... */
    CHECK_EQ_U64(res.anomalies, 1);  /* ... and nowhere else: lru and opt are stack algorithms */
    for (size_t i = 0; i < 15; i++)
        CHECK_EQ_I64(res.anomaly[i], i == 3);
    vmm_sweep_result_free(&res);
    /* The default frame counts: powers of two up to the 5 distinct pages, and 5. */
    if (sweep_pages(belady, 12, pol, 1, NULL, 0, 1, VMM_SWEEP_AUTO, &res))
        return;
    CHECK_EQ_U64(res.nframes, 4);
    CHECK_EQ_U64(res.frames[0], 1);
    CHECK_EQ_U64(res.frames[2], 4);
    CHECK_EQ_U64(res.frames[3], 5);
    CHECK_EQ_U64(res.faults[3], 5);
    vmm_sweep_result_free(&res);
}

/* ---- vmm_sweep_run: methods and threads agree -------------------------------------- */

TEST(sweep_run_methods_and_jobs_agree)
{
    static const char *const pol[] = {"lru",   "opt",    "fifo",
                                      "clock", "random", "aging:bits=4,interval=7"};
    static uint64_t frames[80];
    struct vmm_config c;
    char err[256];
    vmm_config_default(&c);
    c.seed = 3;
    for (uint64_t seed = 60; seed < 66; seed++) {
        size_t d = trace_gen(seed, 700, 60, 1 + (unsigned)(seed % 3), seed % 2 == 0);
        size_t nf = d + 2 < 80 ? d + 2 : 80;
        for (size_t i = 0; i < nf; i++)
            frames[i] = i + 1;
        struct vmm_sweep_result r[3];
        struct {
            unsigned jobs;
            enum vmm_sweep_method m;
        } runs[3] = {{1, VMM_SWEEP_ONE_PASS}, {2, VMM_SWEEP_PER_POINT}, {3, VMM_SWEEP_AUTO}};
        for (int k = 0; k < 3; k++) {
            struct vmm_sweep_spec spec = {.cfg = &c,
                                          .policies = pol,
                                          .npolicies = 6,
                                          .frames = frames,
                                          .nframes = nf,
                                          .jobs = runs[k].jobs,
                                          .lru = runs[k].m,
                                          .opt = runs[k].m};
            CHECK_EQ_I64(vmm_sweep_run(&spec, refs, 700, &r[k], err, sizeof err), 0);
        }
        CHECK_EQ_U64(r[0].method[1], VMM_SWEEP_ONE_PASS);
        CHECK_EQ_U64(r[1].method[1], VMM_SWEEP_PER_POINT);
        for (int k = 1; k < 3; k++) {
            CHECK_EQ_U64(r[k].references, r[0].references);
            CHECK_EQ_U64(r[k].anomalies, r[0].anomalies);
            for (size_t i = 0; i < 6 * nf; i++) {
                CHECK_EQ_U64(r[k].faults[i], r[0].faults[i]);
                CHECK_EQ_I64(r[k].anomaly[i], r[0].anomaly[i]);
            }
        }
        for (size_t i = 0; i < nf; i++) /* opt <= every policy */
            for (size_t p = 0; p < 6; p++)
                CHECK_LE_U64(r[0].faults[1 * nf + i], r[0].faults[p * nf + i]);
        for (int k = 0; k < 3; k++)
            vmm_sweep_result_free(&r[k]);
    }
}

TEST(sweep_run_errors)
{
    struct vmm_config c;
    struct vmm_sweep_result res;
    char err[256];
    static const uint64_t frames[] = {1, 2};
    static const char *const unknown[] = {"lru", "nosuch"}, *const twice[] = {"lru", "lru"},
                             *const badparam[] = {"aging:bits=99"};
    vmm_config_default(&c);
    refs[0] = ref_of(1, 1, 0, 1);
    struct vmm_sweep_spec spec = {
        .cfg = &c, .policies = unknown, .npolicies = 2, .frames = frames, .nframes = 2, .jobs = 1};
    CHECK(vmm_sweep_run(&spec, refs, 1, &res, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "unknown policy 'nosuch'");
    spec.policies = twice;
    CHECK(vmm_sweep_check(&spec, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "twice");
    spec.policies = badparam;
    spec.npolicies = 1;
    CHECK(vmm_sweep_check(&spec, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "bits");
    static const uint64_t down[] = {2, 1};
    spec.policies = unknown;
    spec.frames = down;
    CHECK_EQ_I64(vmm_sweep_check(&spec, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "ascend");
}

/* ---- shards -------------------------------------------------------------------------- */

/* Runs every shard of N over refs[0 .. n) and checks them against whole, the
 * unsharded result: each point computed by exactly one shard, with whole's
 * count; each shard's task count by the rule (task i to shard i mod N + 1);
 * the joined curve's anomalies, marked again, are whole's. */
static void check_shards(const struct vmm_sweep_spec *base, size_t n, unsigned nshards,
                         const struct vmm_sweep_result *whole)
{
    size_t np = base->npolicies, nf = whole->nframes;
    struct vmm_sweep_result join = *whole, part;
    char err[256];
    join.faults = calloc(np * nf, sizeof *join.faults);
    join.computed = calloc(np * nf, sizeof *join.computed);
    join.anomaly = calloc(np * nf, sizeof *join.anomaly);
    size_t tasks_run = 0;
    for (unsigned k = 1; k <= nshards && !test_stopped(); k++) {
        struct vmm_sweep_spec spec = *base;
        spec.shard = k;
        spec.nshards = nshards;
        if (vmm_sweep_run(&spec, refs, n, &part, err, sizeof err) < 0) {
            test_fail(__FILE__, __LINE__, "shard %u of %u: %s", k, nshards, err);
            break;
        }
        if (part.tasks != whole->tasks || part.nframes != nf ||
            part.fingerprint != whole->fingerprint || part.references != whole->references ||
            part.tasks_run != (whole->tasks + nshards - k) / nshards)
            test_fail(__FILE__, __LINE__,
                      "shard %u of %u: tasks %zu (whole %zu), run %zu, fingerprint %016" PRIx64
                      " (whole %016" PRIx64 ")",
                      k, nshards, part.tasks, whole->tasks, part.tasks_run, part.fingerprint,
                      whole->fingerprint);
        tasks_run += part.tasks_run;
        for (size_t i = 0; i < np * nf && !test_stopped(); i++) {
            if (!part.computed[i]) {
                if (part.faults[i] != 0 || part.anomaly[i])
                    test_fail(__FILE__, __LINE__, "shard %u of %u: point %zu not computed but set",
                              k, nshards, i);
                continue;
            }
            if (join.computed[i])
                test_fail(__FILE__, __LINE__, "shard %u of %u: point %zu computed twice", k,
                          nshards, i);
            if (part.faults[i] != whole->faults[i])
                test_fail(__FILE__, __LINE__,
                          "shard %u of %u: point %zu: %" PRIu64 " faults, whole %" PRIu64, k,
                          nshards, i, part.faults[i], whole->faults[i]);
            if (part.anomaly[i] && !whole->anomaly[i])
                test_fail(__FILE__, __LINE__, "shard %u of %u: point %zu marked wrongly", k,
                          nshards, i);
            join.computed[i] = true;
            join.faults[i] = part.faults[i];
        }
        vmm_sweep_result_free(&part);
    }
    for (size_t i = 0; i < np * nf && !test_stopped(); i++)
        if (!join.computed[i])
            test_fail(__FILE__, __LINE__, "%u shards: point %zu computed by none", nshards, i);
    if (!test_stopped()) {
        CHECK_EQ_U64(tasks_run, whole->tasks);
        join.anomalies = 12345;
        vmm_sweep_mark_anomalies(&join);
        CHECK_EQ_U64(join.anomalies, whole->anomalies);
        for (size_t i = 0; i < np * nf; i++)
            CHECK_EQ_I64(join.anomaly[i], whole->anomaly[i]);
    }
    free(join.faults);
    free(join.computed);
    free(join.anomaly);
}

TEST(sweep_shards_disjoint_cover_whole)
{
    static const char *const pol[] = {"lru", "fifo", "clock", "opt", "random", "aging:bits=3"};
    static uint64_t frames[40];
    struct vmm_config c;
    struct vmm_sweep_result whole;
    char err[256];
    vmm_config_default(&c);
    c.seed = 9;
    for (uint64_t seed = 70; seed < 74 && !test_stopped(); seed++) {
        size_t d = trace_gen(seed, 500, 30, 1 + (unsigned)(seed % 2), seed % 2 == 1);
        size_t nf = d + 2 < 40 ? d + 2 : 40;
        for (size_t i = 0; i < nf; i++)
            frames[i] = i + 1;
        /* seed 73: the default frame counts, which every shard derives alike */
        struct vmm_sweep_spec spec = {.cfg = &c,
                                      .policies = pol,
                                      .npolicies = 6,
                                      .frames = seed == 73 ? NULL : frames,
                                      .nframes = seed == 73 ? 0 : nf,
                                      .jobs = (unsigned)(1 + seed % 3),
                                      .opt = seed == 72 ? VMM_SWEEP_PER_POINT : VMM_SWEEP_AUTO};
        CHECK_EQ_I64(vmm_sweep_run(&spec, refs, 500, &whole, err, sizeof err), 0);
        CHECK_EQ_U64(whole.tasks, whole.tasks_run);
        CHECK_EQ_U64(whole.tasks, (seed == 72 ? 1 : 2) + (seed == 72 ? 5 : 4) * whole.nframes);
        for (size_t i = 0; i < 6 * whole.nframes; i++)
            CHECK(whole.computed[i]);
        for (unsigned nsh = 1; nsh <= 7; nsh++)
            check_shards(&spec, 500, nsh, &whole);
        check_shards(&spec, 500, (unsigned)whole.tasks + 3, &whole); /* some shards idle */
        vmm_sweep_result_free(&whole);
    }
}

/* Belady's string: fifo's anomaly at 4 frames, with 3 and 4 in different
 * shards, is marked by no shard and by the joined curve. */
TEST(sweep_shards_belady_across)
{
    static const char *const pol[] = {"fifo", "lru", "opt", "clock"};
    static const uint64_t frames[] = {1, 2, 3, 4, 5};
    struct vmm_config c;
    struct vmm_sweep_result whole, part;
    char err[256];
    vmm_config_default(&c);
    for (size_t i = 0; i < 12; i++)
        refs[i] = ref_of(1, belady[i], 0, 1);
    struct vmm_sweep_spec spec = {
        .cfg = &c, .policies = pol, .npolicies = 4, .frames = frames, .nframes = 5, .jobs = 2};
    CHECK_EQ_I64(vmm_sweep_run(&spec, refs, 12, &whole, err, sizeof err), 0);
    CHECK(whole.anomaly[3]);
    /* tasks: lru, opt (one pass), fifo 1..5, clock 1..5; fifo at 3 and 4
     * frames are tasks 4 and 5 */
    CHECK_EQ_U64(whole.tasks, 12);
    spec.nshards = 2;
    for (spec.shard = 1; spec.shard <= 2; spec.shard++) {
        CHECK_EQ_I64(vmm_sweep_run(&spec, refs, 12, &part, err, sizeof err), 0);
        CHECK_EQ_I64(part.computed[2], (spec.shard == 1)); /* fifo, 3 frames */
        CHECK_EQ_I64(part.computed[3], (spec.shard == 2)); /* fifo, 4 frames */
        CHECK(!part.anomaly[3]);
        CHECK_EQ_I64(part.computed[1 * 5], (spec.shard == 1));     /* lru's curve: task 0 */
        CHECK_EQ_I64(part.computed[2 * 5 + 4], (spec.shard == 2)); /* opt's: task 1 */
        vmm_sweep_result_free(&part);
    }
    for (unsigned nsh = 1; nsh <= 14; nsh++)
        check_shards(&spec, 12, nsh, &whole);
    vmm_sweep_result_free(&whole);
}

TEST(sweep_shard_spec_errors)
{
    static const char *const pol[] = {"lru"};
    static const uint64_t frames[] = {1, 2};
    struct vmm_config c;
    char err[256];
    vmm_config_default(&c);
    struct vmm_sweep_spec spec = {
        .cfg = &c, .policies = pol, .npolicies = 1, .frames = frames, .nframes = 2};
    static const unsigned bad[][2] = {{0, 3}, {4, 3}, {1, 0}, {0, 0} /* ok */, {3, 3} /* ok */};
    for (size_t i = 0; i < 5; i++) {
        spec.shard = bad[i][0];
        spec.nshards = bad[i][1];
        int r = vmm_sweep_check(&spec, err, sizeof err);
        CHECK_EQ_I64(r, i < 3 ? VMM_EINVAL : 0);
        if (i < 3)
            CHECK_CONTAINS(err, "a shard runs from 1 to the number of shards");
    }
}

TEST(sweep_fingerprint)
{
    struct vmm_ref a[4] = {ref_of(1, 5, 0, 1), ref_of(1, 6, 8, 4), ref_of(2, 5, 0, 1),
                           ref_of(1, 7, 4090, 12)};
    struct vmm_ref b[5];
    uint64_t h = vmm_sweep_fingerprint(a, 4, 4096);
    CHECK_EQ_U64(vmm_sweep_fingerprint(a, 4, 4096), h); /* the same every time */
    /* Offsets and sizes within a page do not count; a reference across a
     * page is one per page, as a sweep splits it. */
    memcpy(b, a, sizeof a);
    b[1] = ref_of(1, 6, 100, 1);
    b[3] = ref_of(1, 7, 0, 1);
    b[4] = ref_of(1, 8, 0, 1);
    CHECK_EQ_U64(vmm_sweep_fingerprint(b, 5, 4096), h);
    /* Anything else does: a page, a pid, an operation, the order, the page size. */
    memcpy(b, a, sizeof a);
    b[0] = ref_of(1, 9, 0, 1);
    CHECK(vmm_sweep_fingerprint(b, 4, 4096) != h);
    b[0] = ref_of(3, 5, 0, 1);
    CHECK(vmm_sweep_fingerprint(b, 4, 4096) != h);
    b[0] = a[0];
    b[0].op = VMM_WRITE;
    CHECK(vmm_sweep_fingerprint(b, 4, 4096) != h);
    b[0] = a[2];
    b[2] = a[0];
    CHECK(vmm_sweep_fingerprint(b, 4, 4096) != h);
    CHECK(vmm_sweep_fingerprint(a, 3, 4096) != h);
    CHECK(vmm_sweep_fingerprint(a, 4, 8192) != h);
    CHECK(vmm_sweep_fingerprint(a, 0, 4096) != vmm_sweep_fingerprint(a, 0, 8192));
    /* vmm_sweep_run reports it, over the references as it splits them. */
    static const char *const pol[] = {"lru"};
    struct vmm_config c;
    struct vmm_sweep_result res;
    char err[256];
    vmm_config_default(&c);
    struct vmm_sweep_spec spec = {.cfg = &c, .policies = pol, .npolicies = 1};
    CHECK_EQ_I64(vmm_sweep_run(&spec, a, 4, &res, err, sizeof err), 0);
    CHECK_EQ_U64(res.fingerprint, h);
    vmm_sweep_result_free(&res);
}

/* ---- frame-count specifications ------------------------------------------------------ */

/* Parses spec and checks it gives want (n values). */
static void spec_is(const char *spec, const uint64_t *want, size_t n)
{
    uint64_t *v;
    size_t nv;
    char err[256];
    int r = vmm_sweep_frames_parse(spec, &v, &nv, err, sizeof err);
    if (r < 0)
        test_fail(__FILE__, __LINE__, "'%s': %s", spec, err);
    CHECK_EQ_I64(r, 0);
    if (nv != n)
        test_fail(__FILE__, __LINE__, "'%s': %zu values, expected %zu", spec, nv, n);
    CHECK_EQ_U64(nv, n);
    for (size_t i = 0; i < n; i++)
        CHECK_EQ_U64(v[i], want[i]);
    free(v);
}

TEST(sweep_frames_spec)
{
    spec_is("8", (const uint64_t[]){8}, 1);
    spec_is("1..4", (const uint64_t[]){1, 2, 3, 4}, 4);
    spec_is("1,2,4,8", (const uint64_t[]){1, 2, 4, 8}, 4);
    spec_is("8,1,4,1", (const uint64_t[]){1, 4, 8}, 3); /* sorted, repeats dropped */
    spec_is("16..64/16", (const uint64_t[]){16, 32, 48, 64}, 4);
    spec_is("1..10/4", (const uint64_t[]){1, 5, 9, 10}, 4); /* a range ends at its end */
    spec_is("1..64*2", (const uint64_t[]){1, 2, 4, 8, 16, 32, 64}, 7);
    spec_is("3..100*3", (const uint64_t[]){3, 9, 27, 81, 100}, 5);
    spec_is("1K..2K*2,5", (const uint64_t[]){5, 1024, 2048}, 3);
    spec_is("7..7", (const uint64_t[]){7}, 1);
    uint64_t *v;
    size_t n;
    char err[256];
    CHECK_EQ_I64(vmm_sweep_frames_parse("1..1M*2", &v, &n, err, sizeof err), 0);
    CHECK_EQ_U64(n, 21);
    CHECK_EQ_U64(v[20], 1048576);
    free(v);
    CHECK_EQ_I64(vmm_sweep_frames_parse("1..1M", &v, &n, err, sizeof err), 0);
    CHECK_EQ_U64(n, 1048576);
    free(v);
    static const struct {
        const char *spec, *msg;
        int code;
    } bad[] = {
        {"", "column 1", VMM_EPARSE},
        {"x", "expected a frame count at column 1", VMM_EPARSE},
        {"1..", "end of the range at column 4", VMM_EPARSE},
        {"1..8/", "a step at column 6", VMM_EPARSE},
        {"1..8*1", "ratio must be at least 2", VMM_ERANGE},
        {"1..8/0", "step must be at least 1", VMM_ERANGE},
        {"0..8", "from 1 to", VMM_ERANGE},
        {"8..1", "ends before it starts", VMM_ERANGE},
        {"1,,2", "column 3", VMM_EPARSE},
        {"1..2x", "unexpected 'x' at column 5", VMM_EPARSE},
        {"1..4G", "from 1 to", VMM_ERANGE},
        {"1..2M", "at most 1048576", VMM_ELIMIT},
        {"99999999999999999999", "too large", VMM_ERANGE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = vmm_sweep_frames_parse(bad[i].spec, &v, &n, err, sizeof err);
        if (r != bad[i].code)
            test_fail(__FILE__, __LINE__, "'%s': %d (%s), expected %d", bad[i].spec, r, err,
                      bad[i].code);
        CHECK_EQ_I64(r, bad[i].code);
        CHECK_CONTAINS(err, bad[i].msg);
    }
}

/* ---- loading traces ------------------------------------------------------------------- */

TEST(sweep_load)
{
    struct vmm_trace *tr[2];
    struct vmm_ref *v;
    size_t n;
    char err[256];
    CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3", 4096, &tr[0], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_trace_open_string("b", "3,4", 4096, &tr[1], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_load(tr, 2, 4096, 48, &v, &n, err, sizeof err), 0);
    CHECK_EQ_U64(n, 5);
    CHECK_EQ_U64(v[0].pid, 1); /* one process per single-process trace */
    CHECK_EQ_U64(v[3].pid, 2);
    CHECK_EQ_U64(v[3].addr, 3 * 4096);
    uint64_t frames[] = {1, 2, 5}, out[3];
    CHECK_EQ_I64(vmm_sweep_lru(v, n, 4096, frames, 3, out), 0);
    CHECK_EQ_U64(out[2], 5); /* page 3 of P1 and page 3 of P2 are two pages */
    free(v);
    vmm_trace_close(tr[0]);
    vmm_trace_close(tr[1]);

    /* A vmm-format trace keeps its pids; a reference across a page is two. */
    const char *path = top_path("tests/golden/inputs/two.vmm");
    CHECK_EQ_I64(vmm_trace_open(path, VMM_FMT_AUTO, 4096, &tr[0], err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_load(tr, 1, 4096, 48, &v, &n, err, sizeof err), 0);
    CHECK_EQ_U64(n, 5);
    CHECK_EQ_U64(v[2].addr, 0x1ffe);
    CHECK_EQ_U64(v[2].size, 2);
    CHECK_EQ_U64(v[3].addr, 0x2000);
    CHECK_EQ_U64(v[3].size, 2);
    CHECK_EQ_U64(v[3].pid, 1);
    free(v);
    vmm_trace_close(tr[0]);

    /* Beyond the address width: the reader's own message. */
    CHECK_EQ_I64(vmm_trace_open_string("c", "1,4294967295", 4096, &tr[0], err, sizeof err), 0);
    CHECK(vmm_sweep_load(tr, 1, 4096, 32, &v, &n, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "32-bit");
    vmm_trace_close(tr[0]);
}

/* ---- the streamed sweep ----------------------------------------------------------------- */

/* The numbering in uneven batches is the order of first reference (found
 * here by a plain search), whichever way it leaves the direct table. */
TEST(sweep_ids_streamed_in_batches)
{
    static uint32_t whole[MAXREFS], parts[MAXREFS];
    for (int kind = 0; kind < 4; kind++) {
        size_t n = 5000;
        trace_gen(90 + (uint64_t)kind, n, 300, kind == 1 ? 3 : 1, false);
        if (kind == 2) /* a far page number mid-stream: direct to hash */
            refs[2500].addr = (1ull << 30) * 4096;
        if (kind == 3) /* a second process mid-stream */
            for (size_t i = 3000; i < n; i += 7)
                refs[i].pid = 2;
        static uint64_t first[MAXREFS]; /* pid << 44 | page, by id */
        uint32_t distinct = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t key = (uint64_t)refs[i].pid << 44 | refs[i].addr >> 12;
            uint32_t id = 0;
            while (id < distinct && first[id] != key)
                id++;
            if (id == distinct)
                first[distinct++] = key;
            whole[i] = id;
        }
        struct vmm__ids ids;
        vmm__ids_init(&ids, 12);
        uint64_t rng = 5;
        for (size_t i = 0; i < n;) {
            size_t k = 1 + (size_t)(splitmix64(&rng) % 700);
            k = k < n - i ? k : n - i;
            CHECK_EQ_I64(vmm__ids_add(&ids, refs + i, k, parts + i), 0);
            i += k;
        }
        CHECK_EQ_U64(ids.count, distinct);
        CHECK_EQ_I64(ids.direct_off, kind >= 1); /* (kind 1: pids 1..3 from the start) */
        for (size_t i = 0; i < n; i++)
            if (whole[i] != parts[i]) {
                test_fail(__FILE__, __LINE__, "kind %d: reference %zu: id %u, streamed %u", kind, i,
                          whole[i], parts[i]);
                break;
            }
        vmm__ids_free(&ids);
    }
}

/* Writes refs[0..n) as a vmt trace (pids, sizes kept) at path. */
static void write_vmt(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    struct vmm_trace_writer *w;
    char err[256];
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ_I64(vmm_trace_writer_open(f, VMM_FMT_VMT, VMM_TRACE_PIDS | VMM_TRACE_SIZES, 4096,
                                       VMM_COMPRESS_NONE, &w, err, sizeof err),
                 0);
    CHECK_EQ_I64(vmm_trace_write(w, refs, n), 0);
    CHECK_EQ_I64(vmm_trace_writer_finish(w), 0);
    vmm_trace_writer_free(w);
    fclose(f);
}

/* The sweep of spec over the traces at paths, streamed, against the same
 * loaded with every point simulated by the engine: the same results. */
static void check_streamed(const struct vmm_sweep_spec *spec, const char *const *paths,
                           size_t npaths)
{
    struct vmm_trace *tr[4];
    struct vmm_sweep_result a, b;
    struct vmm_sweep_input *in;
    struct vmm_ref *v;
    size_t n;
    char err[256];
    for (int pass = 0; pass < 2; pass++) {
        for (size_t t = 0; t < npaths; t++)
            CHECK_EQ_I64(vmm_trace_open(paths[t], VMM_FMT_AUTO, 4096, &tr[t], err, sizeof err), 0);
        if (pass == 0) {
            struct vmm_sweep_spec sim = *spec;
            sim.lru = sim.opt = VMM_SWEEP_PER_POINT;
            CHECK_EQ_I64(vmm_sweep_load(tr, npaths, 4096, 48, &v, &n, err, sizeof err), 0);
            CHECK_EQ_I64(vmm_sweep_run(&sim, v, n, &a, err, sizeof err), 0);
            free(v);
        } else {
            CHECK_EQ_I64(vmm_sweep_read(spec, tr, npaths, &in, err, sizeof err), 0);
            CHECK_EQ_I64(vmm_sweep_run_input(spec, in, &b, err, sizeof err), 0);
            vmm_sweep_input_free(in);
        }
        for (size_t t = 0; t < npaths; t++)
            vmm_trace_close(tr[t]);
    }
    if (test_stopped())
        return;
    CHECK_EQ_U64(b.references, a.references);
    CHECK_EQ_U64(b.distinct, a.distinct);
    CHECK_EQ_U64(b.fingerprint, a.fingerprint);
    CHECK_EQ_U64(b.nframes, a.nframes);
    CHECK_EQ_U64(b.anomalies, a.anomalies);
    for (size_t i = 0; i < spec->npolicies * a.nframes && i < spec->npolicies * b.nframes; i++) {
        CHECK_EQ_U64(b.faults[i], a.faults[i]);
        CHECK_EQ_I64(b.anomaly[i], a.anomaly[i]);
    }
    vmm_sweep_result_free(&a);
    vmm_sweep_result_free(&b);
}

TEST(sweep_streamed_equals_loaded)
{
    static const char *const lru[] = {"lru"}, *const lru_opt[] = {"lru", "opt"},
                             *const sims[] = {"lru", "fifo", "clock", "opt"};
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/s1.vmt", test_tmpdir());
    snprintf(p2, sizeof p2, "%s/s2.vmt", test_tmpdir());
    struct vmm_config c;
    vmm_config_default(&c);
    static uint64_t frames[64];
    for (size_t i = 0; i < 64; i++)
        frames[i] = i + 1;
    for (uint64_t seed = 70; seed < 74; seed++) {
        /* several processes, references across pages; then a far page and
         * a second process in the middle of a one-process trace */
        trace_gen(seed, 3000, 80, seed == 70 ? 1 : 3, true);
        write_vmt(p1, 3000);
        trace_gen(seed + 100, 2000, 50, 1, seed % 2 == 0);
        refs[1000].addr = (1ull << 28) * 4096 + 8;
        for (size_t i = 1500; i < 2000; i += 3)
            refs[i].pid = 2;
        write_vmt(p2, 2000);
        const char *const one[] = {p1}, *const two[] = {p1, p2}, *const second[] = {p2};
        struct vmm_sweep_spec spec = {.cfg = &c, .frames = frames, .nframes = 64, .jobs = 2};
        spec.policies = lru;
        spec.npolicies = 1;
        check_streamed(&spec, one, 1);
        check_streamed(&spec, second, 1);
        spec.policies = lru_opt; /* 64 frames: opt is one pass whatever the trace */
        spec.npolicies = 2;
        check_streamed(&spec, two, 2);
        spec.policies = sims;
        spec.npolicies = 4;
        check_streamed(&spec, two, 2);
        spec.nframes = 0; /* the default frame counts: opt left to the library */
        check_streamed(&spec, second, 1);
        spec.policies = lru;
        spec.npolicies = 1;
        spec.lru = VMM_SWEEP_PER_POINT;
        check_streamed(&spec, one, 1);
    }
}

/* An input read for one-pass curves only cannot simulate points; its
 * fingerprint is the trace's, or 0 when not asked for. */
TEST(sweep_input_refuses_other_spec)
{
    static const char *const lru[] = {"lru"}, *const fifo[] = {"fifo"}, *const opt[] = {"opt"};
    struct vmm_config c;
    struct vmm_trace *tr;
    struct vmm_sweep_input *in;
    struct vmm_sweep_result res;
    char err[256];
    uint64_t frames[] = {1, 2, 3};
    vmm_config_default(&c);
    struct vmm_sweep_spec spec = {
        .cfg = &c, .policies = lru, .npolicies = 1, .frames = frames, .nframes = 3, .jobs = 1};
    CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3,1,4", 4096, &tr, err, sizeof err), 0);
    CHECK_EQ_I64(vmm_sweep_read(&spec, &tr, 1, &in, err, sizeof err), 0);
    vmm_trace_close(tr);
    CHECK_EQ_I64(vmm_sweep_run_input(&spec, in, &res, err, sizeof err), 0);
    CHECK_EQ_U64(res.faults[2], 4);
    struct vmm_ref v[5];
    for (int i = 0; i < 5; i++)
        v[i] = ref_of(1, "\1\2\3\1\4"[i], 0, 1);
    CHECK_EQ_U64(res.fingerprint, vmm_sweep_fingerprint(v, 5, 4096));
    vmm_sweep_result_free(&res);
    { /* not taken when asked not to */
        struct vmm_sweep_input *bare;
        spec.no_fingerprint = true;
        CHECK_EQ_I64(vmm_trace_open_string("a", "1,2,3,1,4", 4096, &tr, err, sizeof err), 0);
        CHECK_EQ_I64(vmm_sweep_read(&spec, &tr, 1, &bare, err, sizeof err), 0);
        vmm_trace_close(tr);
        CHECK_EQ_I64(vmm_sweep_run_input(&spec, bare, &res, err, sizeof err), 0);
        CHECK_EQ_U64(res.fingerprint, 0);
        CHECK_EQ_U64(res.faults[2], 4);
        vmm_sweep_result_free(&res);
        vmm_sweep_input_free(bare);
        spec.no_fingerprint = false;
    }
    spec.policies = fifo;
    CHECK_EQ_I64(vmm_sweep_run_input(&spec, in, &res, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "one-pass curves only");
    spec.policies = opt;
    CHECK_EQ_I64(vmm_sweep_run_input(&spec, in, &res, err, sizeof err), VMM_EINVAL);
    CHECK_CONTAINS(err, "next uses");
    vmm_sweep_input_free(in);
}

/* ---- the command ------------------------------------------------------------------------ */

TEST(sweep_cli_jobs_same_output)
{
    struct cmd_result a, b;
    static const char *const fmt[] = {"", "--csv", "--json", "--chart"};
    char path[600];
    uint64_t rng = 5;
    snprintf(path, sizeof path, "%s/t.pages", test_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    for (int i = 0; i < 3000; i++) /* a loop of 30 pages with strays among 200 */
        fprintf(f, "%u\n",
                splitmix64(&rng) % 5 ? (unsigned)(i % 30) : (unsigned)(splitmix64(&rng) % 200));
    fclose(f);
    for (size_t i = 0; i < 4; i++) {
        const char *cmd = "\"$VMM\" sweep --jobs %d --frames 1..40,48..200/8 --policies "
                          "lru,fifo,opt,clock,random,aging:interval=5 %s %s";
        CHECK_EQ_I64(run_cmd(&a, cmd, 1, fmt[i], path), 0);
        CHECK_EQ_I64(run_cmd(&b, cmd, 2, fmt[i], path), 0);
        CHECK_EQ_I64(a.status, 0);
        CHECK(strlen(a.out) > 500);
        CHECK_STR_EQ(a.out, b.out);
        CHECK_STR_EQ(a.err, b.err);
        cmd_result_free(&a);
        cmd_result_free(&b);
    }
}

/* Writes the shards 1 .. n of `vmm sweep ARGS --shard K/N` into the test's
 * directory (in reverse order, K = n first), then checks that --merge of
 * them prints what the whole run prints, byte for byte, in every format. */
static void check_merge(const char *args, unsigned n)
{
    static const char *const fmt[] = {"", "--csv", "--json", "--chart"};
    const char *dir = test_tmpdir();
    struct cmd_result whole, merged;
    CHECK_EQ_I64(run_cmd(&whole, "rm -f '%s'/part-*.json", dir), 0);
    cmd_result_free(&whole);
    for (unsigned k = n; k >= 1; k--) {
        CHECK_EQ_I64(run_cmd(&whole, "\"$VMM\" sweep %s --shard %u/%u > '%s/part-%u.json'", args, k,
                             n, dir, k),
                     0);
        if (whole.status != 0)
            test_fail(__FILE__, __LINE__, "shard %u/%u of %s: exit %d: %s", k, n, args,
                      whole.status, whole.err);
        cmd_result_free(&whole);
        if (test_stopped())
            return;
    }
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ_I64(run_cmd(&whole, "\"$VMM\" sweep %s %s", args, fmt[i]), 0);
        CHECK_EQ_I64(run_cmd(&merged, "\"$VMM\" sweep --merge %s '%s'/part-*.json", fmt[i], dir),
                     0);
        if (merged.status != 0 || strcmp(whole.out, merged.out) != 0)
            test_fail(__FILE__, __LINE__, "%u shards of %s %s: merge exit %d: %s", n, args, fmt[i],
                      merged.status, merged.err);
        CHECK_EQ_I64(whole.status, 0);
        CHECK(strlen(whole.out) > 100);
        CHECK_STR_EQ(merged.out, whole.out);
        CHECK_STR_EQ(merged.err, "");
        cmd_result_free(&whole);
        cmd_result_free(&merged);
    }
}

/* The key property of shards: whatever N, merging them is the whole run. */
TEST(sweep_cli_merge_equals_whole)
{
    char args[800];
    uint64_t rng = 11;
    /* Belady's string: fifo's and clock's anomalies at 4 frames */
    for (unsigned n = 1; n <= 4; n++)
        check_merge("--frames 1..6 --policies lru,fifo,clock,opt --refs 1,2,3,4,1,2,5,1,2,3,4,5",
                    n);
    /* 2 one-pass curves + 2 x 6 points = 14 tasks: 16 shards leave two idle */
    check_merge("--frames 1..6 --policies lru,fifo,clock,opt --refs 1,2,3,4,1,2,5,1,2,3,4,5", 16);
    /* a file, the default frame counts (derived from the trace by each shard) */
    snprintf(args, sizeof args, "--policies fifo,lru,opt,clock,random --seed 3 %s",
             top_path("tests/golden/inputs/silberschatz.pages"));
    for (unsigned n = 2; n <= 3; n++)
        check_merge(args, n);
    /* a longer trace with strays, opt simulated per point */
    char trace[600];
    snprintf(trace, sizeof trace, "%s/loop.pages", test_tmpdir());
    FILE *f = fopen(trace, "w");
    CHECK(f != NULL);
    for (int i = 0; i < 2000; i++)
        fprintf(f, "%u\n",
                splitmix64(&rng) % 6 ? (unsigned)(i % 25) : (unsigned)(splitmix64(&rng) % 90));
    fclose(f);
    snprintf(args, sizeof args,
             "--frames 1..30,40..90/10 --policies lru,fifo,opt,clock,aging:interval=4 --method "
             "per-point --jobs 2 %s",
             trace);
    for (unsigned n = 1; n <= 4; n++)
        check_merge(args, n);
    check_merge(args, 7);
}

/* Shards run at once by a job runner: xargs -P here (docs/cli.md shows GNU
 * parallel and Slurm, which the tests do not need). */
TEST(sweep_cli_shards_by_xargs)
{
    struct cmd_result a, b;
    const char *dir = test_tmpdir();
    const char *args = "--frames 1..8 --policies fifo,lru,clock,opt,random "
                       "--refs 1,2,3,4,1,2,5,1,2,3,4,5,7,1,7,2";
    CHECK_EQ_I64(run_cmd(&a,
                         "seq 1 5 | xargs -P 3 -I K sh -c '\"$VMM\" sweep %s --shard K/5 > "
                         "\"%s/x-K.json\"'",
                         args, dir),
                 0);
    if (a.status != 0) {
        cmd_result_free(&a);
        SKIP("seq or xargs -P is missing");
    }
    cmd_result_free(&a);
    CHECK_EQ_I64(run_cmd(&a, "\"$VMM\" sweep %s", args), 0);
    CHECK_EQ_I64(run_cmd(&b, "\"$VMM\" sweep --merge '%s'/x-*.json", dir), 0);
    CHECK_EQ_I64(b.status, 0);
    CHECK_CONTAINS(a.out, "Belady");
    CHECK_STR_EQ(b.out, a.out);
    cmd_result_free(&a);
    cmd_result_free(&b);
}
