/*
 * test_wset.c - exact working sets (src/wset.c) against a recount.
 *
 * W(t, delta) of a process is the set of distinct pages among its own last
 * delta references. The test keeps its own record of every process's
 * reference string and, after EVERY reference, recounts that set the naive
 * way (walk the last delta entries, collect the distinct pages, sort) and
 * compares it with vmm_working_set(), ws_size and ws_peak, for every process:
 *
 *  - random multi-process strings with delta 1, 2, 7, 10, 100 and one longer
 *    than the string, few frames (so pages are evicted while they stay in the
 *    working set: W is about references, not residency), a fork and an exit
 *    in some runs, the invariant checker in some;
 *  - Silberschatz's working-set figure (delta = 10): W(t1) = {1,2,5,6,7},
 *    W(t2) = {3,4};
 *  - the page table's deletion: pages chosen to share home slots of the
 *    hash table (around its end, so probe runs wrap), cycling so that
 *    entries leave and come back thousands of times, and a window of a
 *    thousand distinct pages (the table grows several times).
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

#define PS 4096u /* page size of every system here */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- the recount ------------------------------------------------------------ */

#define MAXPROC 8

/* What the test knows: every process's references, as page ids. */
struct model {
    const uint64_t *page;      /* page[id]: the page number of id */
    uint32_t npages;           /* ids 0 .. npages-1 */
    uint64_t delta;            /* the window */
    uint32_t *ref[MAXPROC];    /* ref[pid][k]: id of pid's k-th reference */
    size_t nref[MAXPROC];      /* references of pid so far */
    size_t cap;                /* entries allocated in each ref[pid] */
    uint64_t peak[MAXPROC];    /* the largest recount of pid so far */
    bool ended[MAXPROC];       /* pid exited: no working set any more */
    uint32_t *seen;            /* seen[id] == epoch: counted in this recount */
    uint32_t epoch;            /* stamp of the current recount */
    uint64_t *want, *got;      /* npages entries each: the two sets compared */
    struct vmm_proc_stats *st; /* vmm_proc_stats_get's answer */
};

static bool model_init(struct model *m, const uint64_t *page, uint32_t npages, uint64_t delta,
                       size_t maxrefs)
{
    memset(m, 0, sizeof *m);
    m->page = page;
    m->npages = npages;
    m->delta = delta;
    m->cap = maxrefs;
    for (int p = 0; p < MAXPROC; p++)
        if (!(m->ref[p] = malloc(maxrefs * sizeof *m->ref[p])))
            return false;
    m->seen = calloc(npages, sizeof *m->seen);
    m->want = malloc((npages + 1) * sizeof *m->want);
    m->got = malloc((npages + 1) * sizeof *m->got);
    m->st = malloc(MAXPROC * sizeof *m->st);
    return m->seen && m->want && m->got && m->st;
}

static void model_free(struct model *m)
{
    for (int p = 0; p < MAXPROC; p++)
        free(m->ref[p]);
    free(m->seen);
    free(m->want);
    free(m->got);
    free(m->st);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The naive W(t, delta) of pid into m->want, ascending; returns its size. */
static size_t recount(struct model *m, uint32_t pid)
{
    size_t n = 0, k = m->nref[pid];
    if (m->ended[pid])
        return 0;
    m->epoch++;
    for (size_t i = k > m->delta ? k - m->delta : 0; i < k; i++) {
        uint32_t id = m->ref[pid][i];
        if (m->seen[id] != m->epoch) {
            m->seen[id] = m->epoch;
            m->want[n++] = m->page[id];
        }
    }
    qsort(m->want, n, sizeof *m->want, cmp_u64);
    return n;
}

/* Compares libvmm's working sets of pids 1 .. nproc with the recount; fails
 * the running test (saying where) and returns false on a difference. */
static bool compare_all(struct vmm_system *sys, struct model *m, uint32_t nproc, const char *what,
                        size_t step)
{
    size_t nst = vmm_proc_stats_get(sys, m->st, MAXPROC);
    for (uint32_t pid = 1; pid <= nproc; pid++) {
        size_t n = recount(m, pid);
        if (n > m->peak[pid])
            m->peak[pid] = n;
        size_t got = vmm_working_set(sys, pid, m->got, m->npages + 1);
        bool same = got == n;
        for (size_t i = 0; same && i < n; i++)
            same = m->got[i] == m->want[i];
        const struct vmm_proc_stats *st = NULL;
        for (size_t i = 0; i < nst && i < MAXPROC; i++)
            if (m->st[i].pid == pid)
                st = &m->st[i];
        if (same && st && st->ws_size == n && st->ws_peak == m->peak[pid])
            continue;
        char a[200] = "", b[200] = "";
        for (size_t i = 0, l = 0; i < n && l + 24 < sizeof a; i++)
            l += (size_t)snprintf(a + l, sizeof a - l, " %" PRIu64, m->want[i]);
        for (size_t i = 0, l = 0; i < got && i <= m->npages && l + 24 < sizeof b; i++)
            l += (size_t)snprintf(b + l, sizeof b - l, " %" PRIu64, m->got[i]);
        test_fail(__FILE__, __LINE__,
                  "%s, after reference %zu, P%u (delta %" PRIu64 "): W has %zu pages {%s }, "
                  "libvmm %zu {%s }; ws_size %" PRIu64 " ws_peak %" PRIu64 " (want %" PRIu64 ")",
                  what, step, (unsigned)pid, m->delta, n, a, got, b, st ? st->ws_size : 0,
                  st ? st->ws_peak : 0, m->peak[pid]);
        return false;
    }
    return true;
}

/* A system with nproc processes, each with one region covering the pages
 * 0 .. top-1 (pages, not bytes). NULL after recording a failure. */
static struct vmm_system *mk(struct vmm_config *c, uint32_t nproc, uint64_t top)
{
    struct vmm_system *sys = NULL;
    char err[512];
    if (vmm_system_create(c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    for (uint32_t pid = 1; pid <= nproc; pid++) {
        if (vmm_process_spawn(sys, pid, "w") < 0 ||
            vmm_region_add(sys, pid, "all", 0, top * PS, VMM_PROT_READ | VMM_PROT_WRITE) < 0) {
            test_fail(__FILE__, __LINE__, "spawn: %s", vmm_system_error(sys));
            vmm_system_destroy(sys);
            return NULL;
        }
    }
    return sys;
}

/* pid references page id (a read or a write); records it in m. */
static bool touch(struct vmm_system *sys, struct model *m, uint32_t pid, uint32_t id, bool write)
{
    int rc = vmm_access(sys, pid, m->page[id] * PS, write ? VMM_WRITE : VMM_READ, NULL, 1);
    if (rc < 0 || rc > VMM_FAULT_MAJOR) {
        test_fail(__FILE__, __LINE__, "P%u page %" PRIu64 ": %d %s", (unsigned)pid, m->page[id], rc,
                  vmm_system_error(sys));
        return false;
    }
    m->ref[pid][m->nref[pid]++] = id;
    return true;
}

/* ---- a: random strings ---------------------------------------------------------- */

struct run {
    uint64_t seed;      /* the string */
    uint64_t delta;     /* the window */
    unsigned frames;    /* physical memory */
    uint32_t nproc;     /* processes 1 .. nproc (one more if forking) */
    size_t nrefs;       /* references in all */
    const char *policy; /* replacement */
    bool check;         /* the invariant checker after every reference */
    bool fork_exit;     /* P1 forks at a third, P2 exits at two thirds */
};

static void random_run(const struct run *r)
{
    enum { NPAGES = 60 };
    static uint64_t page[NPAGES];
    struct model m;
    struct vmm_config c;
    char what[160];
    uint64_t s = r->seed, base[MAXPROC] = {0};
    uint32_t nproc = r->nproc, live = nproc;
    for (uint32_t i = 0; i < NPAGES; i++)
        page[i] = i;
    snprintf(what, sizeof what, "seed %" PRIu64 " %s frames=%u procs=%u%s%s", r->seed, r->policy,
             r->frames, (unsigned)nproc, r->check ? " check" : "",
             r->fork_exit ? " fork/exit" : "");
    vmm_config_default(&c);
    c.frames = r->frames;
    c.data = false;
    c.policy = r->policy;
    c.ws_delta = r->delta;
    c.check = r->check;
    c.seed = r->seed;
    if (!model_init(&m, page, NPAGES, r->delta, r->nrefs + 1)) {
        model_free(&m);
        test_fail(__FILE__, __LINE__, "out of memory");
        return;
    }
    struct vmm_system *sys = mk(&c, nproc, NPAGES);
    if (!sys) {
        model_free(&m);
        return;
    }
    for (size_t k = 0; k < r->nrefs && !test_stopped(); k++) {
        if (r->fork_exit && k == r->nrefs / 3) { /* the child starts with an empty window */
            CHECK(vmm_process_fork(sys, 1, nproc + 1) == 0);
            nproc++;
            live = nproc;
        }
        if (r->fork_exit && k == 2 * r->nrefs / 3 && nproc >= 2) {
            CHECK(vmm_process_exit(sys, 2) == 0);
            m.ended[2] = true;
        }
        uint32_t pid = 1 + (uint32_t)(rnd(&s) % live);
        if (m.ended[pid])
            pid = 1;
        /* Each process works in a window of 12 pages that moves now and then,
         * with some references anywhere. */
        if (rnd(&s) % 40 == 0)
            base[pid] = rnd(&s) % (NPAGES - 12);
        uint32_t id = (uint32_t)(rnd(&s) % 8 == 0 ? rnd(&s) % NPAGES : base[pid] + rnd(&s) % 12);
        if (!touch(sys, &m, pid, id, rnd(&s) % 4 == 0))
            break;
        if (!compare_all(sys, &m, nproc, what, k + 1))
            break;
    }
    vmm_system_destroy(sys);
    model_free(&m);
}

TEST(wset_recount_random)
{
    static const char *const pols[] = {"lru", "fifo", "clock", "random"};
    const size_t npol = sizeof pols / sizeof pols[0];
    static const uint64_t deltas[] = {1, 2, 7, 10, 100, 0 /* = longer than the string */};
    unsigned k = 0;
    for (uint64_t seed = 1; seed <= 6 && !test_stopped(); seed++) {
        for (size_t d = 0; d < sizeof deltas / sizeof deltas[0] && !test_stopped(); d++, k++) {
            struct run r = {
                .seed = seed * 100 + d,
                .frames = 2 + (unsigned)(seed % 4),
                .nproc = 1 + (uint32_t)(seed % 3),
                .nrefs = 600 + 100 * seed,
                .policy = pols[k % npol],
                .check = k % 2 == 0,
                .fork_exit = k % 3 == 1,
            };
            r.delta = deltas[d] ? deltas[d] : r.nrefs + 50;
            random_run(&r);
        }
    }
}

/* The window's size and contents do not depend on the replacement policy or
 * on memory: with one frame every reference of a large window faults. */
TEST(wset_recount_one_frame)
{
    static const uint64_t deltas[] = {3, 50, 5000};
    for (size_t d = 0; d < 3 && !test_stopped(); d++) {
        struct run r = {.seed = 77 + d,
                        .delta = deltas[d],
                        .frames = 1,
                        .nproc = 3,
                        .nrefs = 1500,
                        .policy = "lru",
                        .check = true,
                        .fork_exit = true};
        random_run(&r);
    }
}

/* A window longer than any string ("every page ever referenced") costs no
 * more than the references made: 2^40, 2^61 (whose ring of 8-byte entries
 * would overflow a size_t) and the largest delta. */
TEST(wset_huge_delta)
{
    static const uint64_t deltas[] = {1ull << 40, 1ull << 61, UINT64_MAX};
    for (size_t d = 0; d < 3 && !test_stopped(); d++) {
        struct run r = {.seed = 300 + d,
                        .delta = deltas[d],
                        .frames = 3,
                        .nproc = 2,
                        .nrefs = 700,
                        .policy = "clock",
                        .check = d == 0,
                        .fork_exit = true};
        random_run(&r);
    }
}

/* ---- b: the textbook figure ------------------------------------------------------ */

/* Silberschatz, Operating System Concepts, the working-set model figure:
 * delta = 10; W(t1) after the 10th reference, W(t2) after the 26th. */
TEST(wset_silberschatz_figure)
{
    static const unsigned str[] = {2, 6, 1, 5, 7, 7, 7, 7, 5, 1, 6, 2, 3, 4, 1, 2, 3, 4, 4,
                                   4, 3, 4, 3, 4, 4, 4, 1, 3, 2, 3, 4, 4, 4, 3, 4, 4, 4};
    static const uint64_t t1[] = {1, 2, 5, 6, 7}, t2[] = {3, 4};
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 4; /* fewer than |W(t1)|: the set is about references, not frames */
    c.data = false;
    c.policy = "lru";
    c.ws_delta = 10;
    c.check = true;
    struct vmm_system *sys = mk(&c, 1, 8);
    if (!sys)
        return;
    uint64_t w[16];
    for (size_t i = 0; i < sizeof str / sizeof str[0]; i++) {
        CHECK(vmm_access(sys, 1, (uint64_t)str[i] * PS, VMM_READ, NULL, 1) >= 0);
        size_t n = vmm_working_set(sys, 1, w, 16);
        if (i + 1 == 10) {
            CHECK_EQ_U64(n, 5);
            for (size_t j = 0; j < 5; j++)
                CHECK_EQ_U64(w[j], t1[j]);
        }
        if (i + 1 == 26) {
            CHECK_EQ_U64(n, 2);
            CHECK_EQ_U64(w[0], t2[0]);
            CHECK_EQ_U64(w[1], t2[1]);
        }
    }
    /* The last 10 references: 4 1 3 2 3 4 4 4 3 4 ... from the 28th: 3 2 3 4 4 4 3 4 4 4. */
    CHECK_EQ_U64(vmm_working_set(sys, 1, w, 16), 3);
    CHECK_EQ_U64(w[0], 2);
    CHECK_EQ_U64(w[2], 4);
    /* Counting only, and a buffer too small: the smallest pages, the full size. */
    CHECK_EQ_U64(vmm_working_set(sys, 1, NULL, 0), 3);
    w[1] = 99;
    CHECK_EQ_U64(vmm_working_set(sys, 1, w, 1), 3);
    CHECK_EQ_U64(w[0], 2);
    CHECK_EQ_U64(w[1], 99);
    struct vmm_proc_stats st;
    CHECK_EQ_U64(vmm_proc_stats_get(sys, &st, 1), 1);
    CHECK_EQ_U64(st.ws_size, 3);
    CHECK_EQ_U64(st.ws_peak, 7); /* after the 14th: 7 7 7 7 5 1 6 2 3 4 */
    /* No such process, or working sets off: 0. */
    CHECK_EQ_U64(vmm_working_set(sys, 9, w, 16), 0);
    vmm_system_destroy(sys);
    c.ws_delta = 0;
    sys = mk(&c, 1, 8);
    if (!sys)
        return;
    CHECK(vmm_access(sys, 1, 3 * PS, VMM_READ, NULL, 1) >= 0);
    CHECK_EQ_U64(vmm_working_set(sys, 1, w, 16), 0);
    vmm_system_destroy(sys);
}

/* ---- c: the table's deletion ------------------------------------------------------ */

/* wset.c's home slot of a page in a table of cap slots (the same formula;
 * if it changes, these pages merely collide less and the test still holds). */
static size_t home_of(uint64_t vpn, size_t cap)
{
    uint64_t h = vpn * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

/* Runs a string of ids over pages through one process, recounting after
 * every reference. */
static void table_run(const char *what, const uint64_t *page, uint32_t npages, uint64_t delta,
                      const uint32_t *ids, size_t n, unsigned frames, bool check)
{
    struct model m;
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.data = false;
    c.policy = "fifo";
    c.ws_delta = delta;
    c.va_bits = 48;
    c.check = check; /* its walk of the table finds a page cut off from its home slot */
    if (!model_init(&m, page, npages, delta, n + 1)) {
        model_free(&m);
        test_fail(__FILE__, __LINE__, "out of memory");
        return;
    }
    struct vmm_system *sys = mk(&c, 1, 1ull << 35);
    for (size_t k = 0; sys && k < n && !test_stopped(); k++)
        if (!touch(sys, &m, 1, ids[k], k % 5 == 0) || !compare_all(sys, &m, 1, what, k + 1))
            break;
    vmm_system_destroy(sys);
    model_free(&m);
}

/* Pages whose home slots in a 64-slot table (the size the table keeps while
 * the window holds at most 31 distinct pages) are 61, 62, 63, 0 and 1: one
 * long probe run that wraps around the end, so deleting from it moves
 * entries across the wrap. The string visits them in random order with a
 * window of 30, and in a cycle longer than the window, so every reference
 * removes a page and adds one. */
TEST(wset_table_collisions)
{
    enum { PER_HOME = 8, NHOME = 5, N = 6000 };
    static const size_t homes[NHOME] = {61, 62, 63, 0, 1};
    static uint64_t page[PER_HOME * NHOME];
    static uint32_t ids[N];
    uint32_t np = 0;
    size_t per[NHOME] = {0};
    for (uint64_t v = 1; np < PER_HOME * NHOME && v < (1u << 24); v++) {
        size_t h = home_of(v, 64);
        for (size_t k = 0; k < NHOME; k++)
            if (h == homes[k] && per[k] < PER_HOME) {
                per[k]++;
                page[np++] = v;
            }
    }
    CHECK_EQ_U64(np, PER_HOME * NHOME);
    uint64_t s = 5;
    for (size_t k = 0; k < N; k++)
        ids[k] = (uint32_t)(rnd(&s) % np);
    table_run("random order", page, np, 30, ids, N, 4, true);
    for (size_t k = 0; k < N; k++) /* a cycle of 37: each reference replaces the oldest */
        ids[k] = (uint32_t)(k % 37);
    if (!test_stopped())
        table_run("cycle of 37", page, np, 30, ids, N, 4, true);
    for (size_t k = 0; k < N; k++) /* backwards, and runs of one page */
        ids[k] = (uint32_t)((np - 1 - (k / 3) % np));
    if (!test_stopped())
        table_run("backwards in threes", page, np, 17, ids, N, 4, true);
}

/* A window of about a thousand distinct pages: the table grows from 64
 * slots to 2048 and keeps deleting. (Pages a few apart: the recount's
 * vmm_proc_stats_get walks the page table after every reference.) */
TEST(wset_table_large_window)
{
    enum { NP = 1400, N = 5000 };
    static uint64_t page[NP];
    static uint32_t ids[N];
    uint64_t s = 9;
    for (uint32_t i = 0; i < NP; i++)
        page[i] = 5 * (uint64_t)i + 1;
    for (size_t k = 0; k < N; k++)
        ids[k] = (uint32_t)(k < 2500 ? rnd(&s) % NP : (k * 7) % 1100);
    table_run("large window", page, NP, 1000, ids, N, 16, false);
}
