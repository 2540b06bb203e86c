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
 */
#include "harness.h"
#include "vmm.h"

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
