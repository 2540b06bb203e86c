/*
 * test_lean.c - the replay loop's short paths give the results of the full
 * path.
 *
 * With nothing watching (no observer, TLB, checker or working sets) a replay
 * takes the lean path: hits in the software-pipelined loop, the commonest
 * faults (a PTE of 0 in anonymous memory) and victims (a clean private zero
 * page) by short paths (src/vm.c, src/fault.c). An observer that ignores
 * what it is told turns all of that off and changes nothing else, so the
 * same trace replayed both ways must give the same counters, globally and
 * per process.
 *
 * The traces mix what makes the short paths step aside: several processes,
 * writes (dirty victims go to swap slots, even with data off), references
 * crossing a page, addresses beyond the address width's pages, a backing
 * store so small that the out-of-memory killer ends processes (whose later
 * references are skipped), and local replacement with load control off and
 * on. Every policy, at several frame counts.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A trace of n references over 1..3 processes: a hot set and a cold tail,
 * reads, writes and fetches, now and then two pages at once. */
static void make_trace(struct vmm_ref *v, size_t n, uint64_t seed, unsigned writes_pct)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = next_rand(&s);
        uint64_t page = (r & 3) ? (r >> 8) % 24 : (r >> 8) % 400;
        uint32_t pid = 1 + (uint32_t)((r >> 40) % 3);
        unsigned op = (unsigned)((r >> 48) % 100) < writes_pct ? VMM_WRITE
                      : ((r >> 56) & 7) == 0                   ? VMM_EXEC
                                                               : VMM_READ;
        uint16_t size = ((r >> 20) & 31) == 0 ? 4096 : 8; /* a page-sized one crosses */
        uint64_t off = ((r >> 24) & 31) == 0 ? 4095 : 64 * ((r >> 30) & 63);
        v[i] = (struct vmm_ref){page * 4096 + off, pid, size, (uint8_t)op};
    }
}

static void ignore(void *ctx, const struct vmm_event *ev)
{
    (void)ctx;
    (void)ev;
}

/* Replays v on a fresh system in calls of batch references (as vmm_replay
 * reads a file); watched: with an observer (of references, which it
 * ignores). */
static struct vmm_system *replay(const struct vmm_config *cfg, const struct vmm_ref *v, size_t n,
                                 size_t batch, bool watched)
{
    struct vmm_system *sys = NULL;
    char err[256];
    if (vmm_system_create(cfg, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    struct vmm_observer obs = {VMM_EV_MASK(VMM_EV_REF), ignore, NULL};
    if (watched && vmm_observer_add(sys, &obs) < 0) {
        test_fail(__FILE__, __LINE__, "observer: %s", vmm_system_error(sys));
        vmm_system_destroy(sys);
        return NULL;
    }
    for (size_t i = 0; i < n; i += batch) {
        int r = vmm_replay_refs(sys, v + i, n - i < batch ? n - i : batch);
        if (r < 0) {
            test_fail(__FILE__, __LINE__, "replay: %s", vmm_system_error(sys));
            vmm_system_destroy(sys);
            return NULL;
        }
    }
    return sys;
}

/* The two runs agree on every counter. */
static void same_results(struct vmm_system *a, struct vmm_system *b, const char *what)
{
    struct vmm_stats sa, sb;
    struct vmm_proc_stats pa[8], pb[8];
    vmm_stats_get(a, &sa);
    vmm_stats_get(b, &sb);
    if (memcmp(&sa, &sb, sizeof sa) != 0)
        test_fail(__FILE__, __LINE__,
                  "%s: lean and full paths differ: faults %" PRIu64 " / %" PRIu64
                  ", evictions %" PRIu64 " / %" PRIu64 ", writebacks %" PRIu64 " / %" PRIu64
                  ", references %" PRIu64 " / %" PRIu64,
                  what, sa.page_faults, sb.page_faults, sa.evictions, sb.evictions, sa.writebacks,
                  sb.writebacks, sa.references, sb.references);
    size_t na = vmm_proc_stats_get(a, pa, 8), nb = vmm_proc_stats_get(b, pb, 8);
    if (na != nb || memcmp(pa, pb, na * sizeof *pa) != 0)
        test_fail(__FILE__, __LINE__, "%s: per-process counters differ", what);
}

/* The configuration of a policy study: data off, no TLB. */
static struct vmm_config study_config(const char *policy, uint64_t frames)
{
    struct vmm_config cfg;
    vmm_config_default(&cfg);
    cfg.frames = frames;
    cfg.tlb_entries = 0;
    cfg.data = false;
    cfg.policy = policy;
    return cfg;
}

/* Replays v both ways under cfg and compares the results. */
static void compare_paths(const struct vmm_config *cfg, const struct vmm_ref *v, size_t n,
                          const char *what)
{
    struct vmm_system *a = replay(cfg, v, n, 1000, false), *b = replay(cfg, v, n, 1000, true);
    if (a && b)
        same_results(a, b, what);
    vmm_system_destroy(a);
    vmm_system_destroy(b);
}

TEST(lean_equals_full_every_policy)
{
    enum { N = 6000 };
    struct vmm_ref *v = malloc(N * sizeof *v);
    CHECK(v != NULL);
    static const uint64_t frames[] = {1, 7, 32, 150};
    for (size_t k = 0; vmm_policy_at(k) && !test_stopped(); k++) {
        const char *pol = vmm_policy_at(k)->name;
        for (unsigned t = 0; t < 3 && !test_stopped(); t++) {
            make_trace(v, N, 1000 * k + t, t == 0 ? 0 : t == 1 ? 20 : 60);
            for (size_t fi = 0; fi < sizeof frames / sizeof *frames && !test_stopped(); fi++) {
                struct vmm_config cfg = study_config(pol, frames[fi]);
                cfg.seed = 7 + t;
                if (t == 2) /* a small backing store: the out-of-memory killer runs */
                    cfg.swap_bytes = 40 * 4096;
                char what[96];
                snprintf(what, sizeof what, "%s, trace %u, %" PRIu64 " frames", pol, t, frames[fi]);
                compare_paths(&cfg, v, N, what);
            }
        }
    }
    free(v);
}

TEST(lean_equals_full_local_replacement)
{
    enum { N = 6000 };
    struct vmm_ref *v = malloc(N * sizeof *v);
    CHECK(v != NULL);
    static const char *const pols[] = {"lru", "fifo", "clock", "opt"};
    for (unsigned i = 0; i < 4 && !test_stopped(); i++) {
        make_trace(v, N, 77 + i, 30);
        struct vmm_config cfg = study_config(pols[i], 40);
        cfg.replacement = VMM_REPLACE_LOCAL;
        compare_paths(&cfg, v, N, pols[i]);
    }
    free(v);
}

/* The trace above kills: the comparison covered dead processes' skipped
 * references (else the small store proves nothing). */
TEST(lean_trace_reaches_the_killer)
{
    enum { N = 6000 };
    struct vmm_ref *v = malloc(N * sizeof *v);
    CHECK(v != NULL);
    make_trace(v, N, 2, 60);
    struct vmm_config cfg = study_config("lru", 7);
    cfg.swap_bytes = 40 * 4096;
    struct vmm_system *a = replay(&cfg, v, N, 1000, false);
    free(v);
    CHECK(a != NULL);
    struct vmm_stats st;
    vmm_stats_get(a, &st);
    vmm_system_destroy(a);
    CHECK(st.oom_kills > 0);
    CHECK(st.writebacks > 0);
}

/* ---- a trace file of one process's one-byte references --------------------------------- */

/* Writes v (pid 1, one byte each, reads and writes) as an "addr R|W" trace. */
static bool write_addr_trace(const char *path, const struct vmm_ref *v, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%" PRIx64 " %c\n", v[i].addr, v[i].op == VMM_WRITE ? 'W' : 'R');
    return fclose(f) == 0;
}

/* make_trace, as such a file holds it: one process, one byte, no fetches. */
static void make_plain_trace(struct vmm_ref *v, size_t n, uint64_t seed, unsigned writes_pct,
                             uint32_t pid)
{
    make_trace(v, n, seed, writes_pct);
    for (size_t i = 0; i < n; i++) {
        v[i].pid = pid;
        v[i].size = 1;
        if (v[i].op == VMM_EXEC)
            v[i].op = VMM_READ;
    }
}

/* Replays the files on a fresh system, as `vmm replay` does. */
static struct vmm_system *replay_files(const struct vmm_config *cfg, const char *const *paths,
                                       size_t npaths)
{
    struct vmm_system *sys = NULL;
    struct vmm_trace *tr[2] = {NULL, NULL};
    char err[256];
    if (vmm_system_create(cfg, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    int r = 0;
    for (size_t t = 0; r == 0 && t < npaths; t++)
        if ((r = vmm_trace_open(paths[t], VMM_FMT_ADDR, cfg->page_size, &tr[t], err, sizeof err)) <
            0)
            test_fail(__FILE__, __LINE__, "open %s: %s", paths[t], err);
    if (r == 0 && (r = vmm_replay(sys, tr, npaths)) < 0)
        test_fail(__FILE__, __LINE__, "replay: %s", vmm_system_error(sys));
    for (size_t t = 0; t < npaths; t++)
        vmm_trace_close(tr[t]);
    if (r < 0) {
        vmm_system_destroy(sys);
        return NULL;
    }
    return sys;
}

/* A trace without pids or sizes takes the shortest path of all (one
 * process, checked once a batch, hits counted in a register): it gives the
 * full path's results, through ticks (nru, aging, the flusher's countdown),
 * dirty victims and the killer ending the process midway, and with two
 * files replayed as two processes. */
TEST(lean_plain_trace_equals_full)
{
    enum { N = 9000 };
    struct vmm_ref *v = malloc(2 * N * sizeof *v);
    CHECK(v != NULL);
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/one.trace", test_tmpdir());
    snprintf(p2, sizeof p2, "%s/two.trace", test_tmpdir());
    const char *const paths[] = {p1, p2};
    static const uint64_t frames[] = {1, 7, 32, 150};
    for (size_t k = 0; vmm_policy_at(k) && !test_stopped(); k++) {
        const char *pol = vmm_policy_at(k)->name;
        for (unsigned t = 0; t < 4 && !test_stopped(); t++) {
            size_t nfiles = t == 3 ? 2 : 1;
            make_plain_trace(v, N, 500 * k + t, t == 0 ? 0 : t == 1 ? 20 : 60, 1);
            make_plain_trace(v + N, N, 500 * k + t + 99, 30, 2);
            CHECK(write_addr_trace(p1, v, N));
            CHECK(write_addr_trace(p2, v + N, N));
            for (size_t fi = 0; fi < sizeof frames / sizeof *frames && !test_stopped(); fi++) {
                struct vmm_config cfg = study_config(pol, frames[fi]);
                cfg.seed = 3 + t;
                if (t == 1)
                    cfg.flush_interval = 97;
                if (t == 2) /* a small backing store: the out-of-memory killer runs */
                    cfg.swap_bytes = 40 * 4096;
                struct vmm_system *a = replay_files(&cfg, paths, nfiles);
                /* (in one call: opt looks ahead over the whole file) */
                struct vmm_system *b = replay(&cfg, v, nfiles * N, nfiles * N, true);
                char what[96];
                snprintf(what, sizeof what, "%s, trace file %u, %" PRIu64 " frames", pol, t,
                         frames[fi]);
                if (a && b)
                    same_results(a, b, what);
                vmm_system_destroy(a);
                vmm_system_destroy(b);
            }
        }
    }
    free(v);
}
