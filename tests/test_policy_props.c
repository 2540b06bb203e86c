/*
 * test_policy_props.c - properties every replacement policy must have, and
 * the textbooks' known answers.
 *
 *  - LRU and OPT are stack algorithms: on any trace, more frames never mean
 *    more faults (checked for frames 1 .. 64 on seeded random traces).
 *  - No policy faults less than OPT on the same trace and frames.
 *  - With at least as many frames as distinct pages every policy faults once
 *    per distinct page and never evicts.
 *  - FIFO shows Belady's anomaly on 1 2 3 4 1 2 5 1 2 3 4 5 (9 faults with 3
 *    frames, 10 with 4).
 *  - Known answers: Silberschatz's string with 3 frames (FIFO 15, OPT 9,
 *    LRU 12), OSTEP's 0 1 2 0 1 3 0 3 1 2 1 (LRU 5 misses and 6 hits, OPT 5,
 *    FIFO 7), and the other policies' answers worked out in docs/policies.md.
 *  - Frames freed by process exits (once, and over and over) and refilled out
 *    of order, several processes, aging's stale heap entries, parameter
 *    errors, the registry's descriptions, and the bitmap search of fbits.h.
 */
#include "harness.h"
#include "policy/fbits.h" /* unit-tested at the end */
#include "vmm.h"

#include <stdlib.h>

#define MAXF    64  /* largest frame count tried */
#define MAXREFS 800 /* longest trace */

static const char *const policies[] = {"fifo", "lru",   "opt", "random", "clock", "eclock",
                                       "nru",  "aging", "lfu", "mfu",    "ws",    "wsclock"};
#define NPOL (sizeof policies / sizeof policies[0])

/* ---- running libvmm ------------------------------------------------------------ */

struct trace {
    struct vmm_ref r[MAXREFS]; /* the references */
    size_t n;                  /* how many */
    uint64_t distinct;         /* distinct pages among them */
};

/* Page faults (and *st if not NULL) of trace t under policy with nf frames;
 * UINT64_MAX after recording a test failure. */
static uint64_t faults_of(const char *policy, const char *params, unsigned nf, bool check,
                          const struct trace *t, struct vmm_stats *st)
{
    struct vmm_config c;
    struct vmm_system *sys;
    struct vmm_stats s;
    char err[256];
    vmm_config_default(&c);
    c.frames = nf;
    c.policy = policy;
    c.policy_params = params;
    c.data = false;
    c.tlb_entries = 0;
    c.check = check;
    c.seed = 42;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "%s frames=%u: %s", policy, nf, err);
        return UINT64_MAX;
    }
    struct vmm_ref *refs = malloc(t->n * sizeof *refs);
    if (!refs) {
        vmm_system_destroy(sys);
        test_fail(__FILE__, __LINE__, "out of memory");
        return UINT64_MAX;
    }
    for (size_t i = 0; i < t->n; i++) {
        refs[i] = t->r[i];
        refs[i].addr *= c.page_size; /* the trace holds page numbers */
    }
    int rc = vmm_replay_refs(sys, refs, t->n);
    free(refs);
    if (rc < 0) {
        test_fail(__FILE__, __LINE__, "%s frames=%u: %s: %s", policy, nf, vmm_strerror(rc),
                  vmm_system_error(sys));
        vmm_system_destroy(sys);
        return UINT64_MAX;
    }
    vmm_stats_get(sys, &s);
    vmm_system_destroy(sys);
    if (st)
        *st = s;
    return s.page_faults;
}

/* A trace from a list of page numbers, all reads of pid 1. */
static void trace_of(struct trace *t, const unsigned *pages, size_t n)
{
    t->n = n;
    t->distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= pages[j] == pages[i];
        t->distinct += !seen;
        t->r[i] = (struct vmm_ref){.addr = pages[i], .pid = 1, .size = 1, .op = VMM_READ};
    }
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A seeded trace: a mix of a hot set, a loop and uniform references over up
 * to 90 pages, 25% writes. */
static void trace_random(struct trace *t, uint64_t seed)
{
    unsigned pages[MAXREFS];
    uint64_t rng = seed * 7919 + 1;
    unsigned npages = 4 + (unsigned)(splitmix64(&rng) % 87);
    unsigned hot = 1 + (unsigned)(splitmix64(&rng) % 12);
    unsigned loop = 2 + (unsigned)(splitmix64(&rng) % 60);
    size_t n = 200 + splitmix64(&rng) % 600;
    for (size_t i = 0; i < n; i++) {
        unsigned x = (unsigned)(splitmix64(&rng) % 100);
        if (x < 45)
            pages[i] = (unsigned)(splitmix64(&rng) % hot);
        else if (x < 80)
            pages[i] = (unsigned)(i % loop);
        else
            pages[i] = (unsigned)(splitmix64(&rng) % npages);
    }
    trace_of(t, pages, n);
    for (size_t i = 0; i < n; i++)
        if (splitmix64(&rng) % 4 == 0)
            t->r[i].op = VMM_WRITE;
}

/* ---- stack algorithms and the OPT bound ----------------------------------------- */

TEST(policy_props_lru_opt_stack)
{
    static struct trace t;
    static const char *const stack[] = {"lru", "opt"};
    for (uint64_t seed = 1; seed <= 25; seed++) {
        trace_random(&t, seed);
        for (size_t p = 0; p < 2; p++) {
            uint64_t prev = UINT64_MAX;
            for (unsigned nf = 1; nf <= MAXF; nf++) {
                uint64_t f = faults_of(stack[p], NULL, nf, false, &t, NULL);
                if (test_stopped())
                    return;
                if (f > prev)
                    test_fail(__FILE__, __LINE__,
                              "%s seed %" PRIu64 ": %" PRIu64 " faults with %u frames, %" PRIu64
                              " with %u",
                              stack[p], seed, f, nf, prev, nf - 1);
                CHECK(f <= prev);
                prev = f;
            }
        }
    }
}

TEST(policy_props_none_beats_opt)
{
    static struct trace t;
    for (uint64_t seed = 100; seed < 125; seed++) {
        trace_random(&t, seed);
        for (unsigned nf = 1 + seed % 4; nf <= MAXF; nf += 4) {
            uint64_t opt = faults_of("opt", NULL, nf, false, &t, NULL);
            for (size_t p = 0; p < NPOL && !test_stopped(); p++) {
                uint64_t f = faults_of(policies[p], NULL, nf, false, &t, NULL);
                if (test_stopped())
                    return;
                if (f < opt)
                    test_fail(__FILE__, __LINE__,
                              "%s seed %" PRIu64 " frames %u: %" PRIu64 " faults, opt %" PRIu64,
                              policies[p], seed, nf, f, opt);
                CHECK(f >= opt);
            }
            /* Never more faults than references, never fewer than pages. */
            CHECK_LE_U64(t.distinct, opt);
            CHECK_LE_U64(opt, t.n);
        }
    }
}

TEST(policy_props_enough_frames)
{
    static struct trace t;
    for (uint64_t seed = 200; seed < 210; seed++) {
        trace_random(&t, seed);
        for (size_t p = 0; p < NPOL; p++) {
            struct vmm_stats st;
            for (unsigned nf = (unsigned)t.distinct; nf <= t.distinct + 2; nf++) {
                faults_of(policies[p], NULL, nf, seed == 200, &t, &st);
                if (test_stopped())
                    return;
                CHECK_EQ_U64(st.page_faults, t.distinct);
                CHECK_EQ_U64(st.evictions, 0);
                CHECK_EQ_U64(st.writebacks, 0);
                CHECK_EQ_U64(st.frames_used, t.distinct);
            }
        }
    }
}

/* ---- known answers --------------------------------------------------------------- */

static const unsigned belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
static const unsigned silberschatz[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
static const unsigned ostep[] = {0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1};

#define TRACE_OF(t, a) trace_of((t), (a), sizeof(a) / sizeof(a)[0])

TEST(policy_props_fifo_belady_anomaly)
{
    static struct trace t;
    TRACE_OF(&t, belady);
    CHECK_EQ_U64(faults_of("fifo", NULL, 3, true, &t, NULL), 9);
    CHECK_EQ_U64(faults_of("fifo", NULL, 4, true, &t, NULL), 10);
    /* The stack algorithms do not show it. */
    CHECK_EQ_U64(faults_of("lru", NULL, 3, true, &t, NULL), 10);
    CHECK_EQ_U64(faults_of("lru", NULL, 4, true, &t, NULL), 8);
    CHECK_EQ_U64(faults_of("opt", NULL, 3, true, &t, NULL), 7);
    CHECK_EQ_U64(faults_of("opt", NULL, 4, true, &t, NULL), 6);
}

TEST(policy_props_silberschatz)
{
    static struct trace t;
    TRACE_OF(&t, silberschatz);
    CHECK_EQ_U64(t.distinct, 6);
    CHECK_EQ_U64(faults_of("fifo", NULL, 3, true, &t, NULL), 15);
    CHECK_EQ_U64(faults_of("opt", NULL, 3, true, &t, NULL), 9);
    CHECK_EQ_U64(faults_of("lru", NULL, 3, true, &t, NULL), 12);
}

TEST(policy_props_ostep)
{
    static struct trace t;
    struct vmm_stats st;
    TRACE_OF(&t, ostep);
    CHECK_EQ_U64(faults_of("lru", NULL, 3, true, &t, &st), 5);
    CHECK_EQ_U64(st.hits, 6);
    CHECK_EQ_U64(faults_of("opt", NULL, 3, true, &t, &st), 5);
    CHECK_EQ_U64(st.hits, 6);
    CHECK_EQ_U64(faults_of("fifo", NULL, 3, true, &t, &st), 7);
    CHECK_EQ_U64(st.hits, 4);
}

/* The answers worked by hand in docs/policies.md (all reads, 3 frames). */
TEST(policy_props_docs_examples)
{
    static struct trace t;
    static const struct {
        const char *policy, *params;
        uint64_t faults;
    } want[] = {
        {"fifo", NULL, 15},         {"lru", NULL, 12},          {"opt", NULL, 9},
        {"clock", NULL, 14},        {"eclock", NULL, 14},       {"nru", NULL, 15},
        {"nru", "interval=4", 11},  {"aging", NULL, 15},        {"aging", "interval=4", 10},
        {"lfu", NULL, 11},          {"mfu", NULL, 12},          {"ws", NULL, 12},
        {"ws", "delta=3", 12},      {"wsclock", NULL, 13},      {"wsclock", "delta=1", 13},
        {"wsclock", "delta=2", 13}, {"wsclock", "delta=4", 13},
    };
    TRACE_OF(&t, silberschatz);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t f = faults_of(want[i].policy, want[i].params, 3, true, &t, NULL);
        if (test_stopped())
            return;
        if (f != want[i].faults)
            test_fail(__FILE__, __LINE__, "%s %s: %" PRIu64 " faults, docs say %" PRIu64,
                      want[i].policy, want[i].params ? want[i].params : "", f, want[i].faults);
        CHECK_EQ_U64(f, want[i].faults);
    }
}

/* Dirty pages: eclock prefers the clean victim, so it writes back less. */
TEST(policy_props_eclock_prefers_clean)
{
    static struct trace t;
    struct vmm_stats st;
    /* Pages 0 and 1 written, 2 and 3 only read; then new pages stream in. */
    static const unsigned pages[] = {0, 1, 2, 3, 4, 5, 6, 7};
    TRACE_OF(&t, pages);
    t.r[0].op = VMM_WRITE;
    t.r[1].op = VMM_WRITE;
    faults_of("eclock", NULL, 4, true, &t, &st);
    CHECK_EQ_U64(st.evictions, 4);
    CHECK_EQ_U64(st.writebacks, 2); /* clean 2, 3 first, then 4, 5 ... */
    faults_of("clock", NULL, 4, true, &t, &st);
    CHECK_EQ_U64(st.writebacks, 2);
    /* With only two victims needed, eclock takes the two clean pages. */
    t.n = 6;
    faults_of("eclock", NULL, 4, true, &t, &st);
    CHECK_EQ_U64(st.writebacks, 0);
    faults_of("clock", NULL, 4, true, &t, &st);
    CHECK_EQ_U64(st.writebacks, 2);
}

/* ---- several processes and frames freed by exit ------------------------------------ */

/* Three processes share the frames; one exits mid-way so its frames return to
 * the free list and are refilled in whatever order the core hands them out.
 * The invariant checker (which includes each policy's check) runs after every
 * reference. */
TEST(policy_props_exit_refill)
{
    for (size_t p = 0; p < NPOL; p++) {
        struct vmm_config c;
        struct vmm_system *sys;
        char err[256];
        uint64_t rng = 99 + p;
        vmm_config_default(&c);
        c.frames = 7;
        c.policy = policies[p];
        c.policy_params = strcmp(policies[p], "nru") == 0     ? "interval=5"
                          : strcmp(policies[p], "aging") == 0 ? "interval=3,bits=4"
                                                              : NULL;
        c.data = false;
        c.tlb_entries = 4;
        c.check = true;
        c.seed = 5;
        if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
            test_fail(__FILE__, __LINE__, "%s: %s", policies[p], err);
            return;
        }
        for (uint32_t pid = 1; pid <= 3; pid++) {
            CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
            CHECK_EQ_I64(vmm_region_add(sys, pid, "heap", 0, 64ull * c.page_size,
                                        VMM_PROT_READ | VMM_PROT_WRITE),
                         0);
        }
        for (int i = 0; i < 600; i++) {
            uint32_t pid = 1 + (uint32_t)(splitmix64(&rng) % 3);
            if (i == 300) {
                CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
                CHECK_EQ_I64(vmm_system_check(sys), 0);
            }
            if (i >= 300 && pid == 2)
                pid = 3;
            uint64_t page = splitmix64(&rng) % 12;
            enum vmm_op op = splitmix64(&rng) % 3 == 0 ? VMM_WRITE : VMM_READ;
            int rc = vmm_access(sys, pid, page * c.page_size, op, NULL, 1);
            if (rc < 0 || rc > VMM_FAULT_MAJOR)
                test_fail(__FILE__, __LINE__, "%s ref %d: %d %s", policies[p], i, rc,
                          vmm_system_error(sys));
            CHECK(rc >= 0 && rc <= VMM_FAULT_MAJOR);
        }
        CHECK_EQ_I64(vmm_system_check(sys), 0);
        vmm_system_destroy(sys);
    }
}

/* Processes come and go many times, so frames are freed in the middle of the
 * policies' structures over and over (stale entries, holes in lists and
 * heaps). Checker after every reference. */
TEST(policy_props_exit_churn)
{
    static const struct {
        const char *policy, *params;
    } runs[] = {
        {"fifo", NULL},    {"lru", NULL},
        {"opt", NULL},     {"random", NULL},
        {"clock", NULL},   {"eclock", NULL},
        {"nru", NULL},     {"nru", "interval=3"},
        {"aging", NULL},   {"aging", "interval=7,bits=3"},
        {"lfu", NULL},     {"mfu", NULL},
        {"ws", NULL},      {"ws", "delta=4"},
        {"wsclock", NULL}, {"wsclock", "delta=2"},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        struct vmm_config c;
        struct vmm_system *sys;
        char err[256];
        bool live[200] = {false};
        uint64_t rng = 1234 + k;
        vmm_config_default(&c);
        c.frames = 5;
        c.policy = runs[k].policy;
        c.policy_params = runs[k].params;
        c.data = false;
        c.check = true;
        if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
            test_fail(__FILE__, __LINE__, "%s: %s", runs[k].policy, err);
            return;
        }
        for (uint32_t pid = 1; pid < 200; pid++) {
            CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
            CHECK_EQ_I64(vmm_region_add(sys, pid, "heap", 0, 16ull * c.page_size,
                                        VMM_PROT_READ | VMM_PROT_WRITE),
                         0);
            live[pid] = true;
            for (int i = 0; i < 12; i++) {
                /* Mostly the new process, sometimes a live older one. */
                uint32_t who = pid;
                uint32_t old = pid > 5 ? pid - 1 - (uint32_t)(splitmix64(&rng) % 5) : pid;
                if (splitmix64(&rng) % 3 == 0 && live[old])
                    who = old;
                uint64_t page = splitmix64(&rng) % 7;
                enum vmm_op op = splitmix64(&rng) % 4 == 0 ? VMM_WRITE : VMM_READ;
                int rc = vmm_access(sys, who, page * c.page_size, op, NULL, 1);
                if (rc < 0 || rc > VMM_FAULT_MAJOR)
                    test_fail(__FILE__, __LINE__, "%s %s pid %u: %d %s", runs[k].policy,
                              runs[k].params ? runs[k].params : "", (unsigned)who, rc,
                              vmm_system_error(sys));
                CHECK(rc >= 0 && rc <= VMM_FAULT_MAJOR);
            }
            /* End a random live process half of the time. */
            uint32_t victim = 1 + (uint32_t)(splitmix64(&rng) % pid);
            if (splitmix64(&rng) % 2 == 0 && live[victim]) {
                CHECK_EQ_I64(vmm_process_exit(sys, victim), 0);
                live[victim] = false;
            }
        }
        CHECK_EQ_I64(vmm_system_check(sys), 0);
        vmm_system_destroy(sys);
    }
}

/* aging keeps lazy heaps; frames freed by exits leave stale entries. This
 * sequence fills the heap of referenced frames with stale entries just when
 * a selection needs to move a frame into it (the rebuild inside the victim
 * search). No tick happens, so every counter is 0 and every R is 1: the
 * victim must be the page loaded first. */
TEST(policy_props_aging_stale_entries)
{
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    vmm_config_default(&c);
    c.frames = 4;
    c.policy = "aging";
    c.policy_params = "interval=1000000";
    c.data = false;
    c.check = true;
    CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
    for (uint32_t pid = 1; pid <= 3; pid++) {
        CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
        CHECK_EQ_I64(vmm_region_add(sys, pid, "heap", 0, 8ull * c.page_size, VMM_PROT_READ), 0);
    }
#define TOUCH(pid, page) vmm_access(sys, (pid), (page) * (uint64_t)c.page_size, VMM_READ, NULL, 1)
    CHECK_EQ_I64(TOUCH(1, 0), VMM_FAULT_MINOR); /* a */
    CHECK_EQ_I64(TOUCH(1, 1), VMM_FAULT_MINOR); /* b */
    CHECK_EQ_I64(TOUCH(2, 0), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(2, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    CHECK_EQ_I64(TOUCH(3, 0), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(3, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_process_exit(sys, 3), 0);
    CHECK_EQ_I64(TOUCH(1, 2), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(1, 3), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(1, 4), VMM_FAULT_MINOR); /* evicts a, the oldest */
    CHECK_EQ_I64(TOUCH(1, 1), VMM_HIT);
    CHECK_EQ_I64(TOUCH(1, 2), VMM_HIT);
    CHECK_EQ_I64(TOUCH(1, 0), VMM_FAULT_MINOR);
#undef TOUCH
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

/* Several processes through the replay (OPT's next uses are per pid and
 * page), with the checker on. */
TEST(policy_props_replay_processes)
{
    static struct trace t;
    for (uint64_t seed = 300; seed < 305; seed++) {
        trace_random(&t, seed);
        for (size_t i = 0; i < t.n; i++)
            t.r[i].pid = 1 + (uint32_t)(i * 7 % 3);
        uint64_t opt = faults_of("opt", NULL, 9, true, &t, NULL);
        for (size_t p = 0; p < NPOL; p++) {
            uint64_t f = faults_of(policies[p], NULL, 9, true, &t, NULL);
            if (test_stopped())
                return;
            CHECK_LE_U64(opt, f);
        }
    }
}

/* Without a future (plain vmm_access calls) OPT ranks every page as never used
 * again, oldest last use first: it is exactly LRU. */
TEST(policy_props_opt_without_future_is_lru)
{
    uint64_t faults[2];
    static const char *const pol[2] = {"opt", "lru"};
    for (int k = 0; k < 2; k++) {
        struct vmm_config c;
        struct vmm_system *sys;
        struct vmm_stats st;
        char err[256];
        uint64_t rng = 7;
        vmm_config_default(&c);
        c.frames = 5;
        c.policy = pol[k];
        c.data = false;
        c.check = true;
        if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
            test_fail(__FILE__, __LINE__, "%s: %s", pol[k], err);
            return;
        }
        CHECK_EQ_I64(vmm_process_spawn(sys, 1, "p"), 0);
        CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", 0, 32ull * c.page_size, VMM_PROT_READ), 0);
        for (int i = 0; i < 400; i++)
            CHECK(vmm_access(sys, 1, (splitmix64(&rng) % 11) * c.page_size, VMM_READ, NULL, 1) >=
                  0);
        vmm_stats_get(sys, &st);
        faults[k] = st.page_faults;
        vmm_system_destroy(sys);
    }
    CHECK_EQ_U64(faults[0], faults[1]);
}

/* ---- parameters and the registry ----------------------------------------------------- */

static int create_with(const char *policy, const char *params, char *err, size_t len)
{
    struct vmm_config c;
    struct vmm_system *sys;
    vmm_config_default(&c);
    c.frames = 4;
    c.policy = policy;
    c.policy_params = params;
    c.data = false;
    int rc = vmm_system_create(&c, &sys, err, len);
    if (rc >= 0)
        vmm_system_destroy(sys);
    return rc;
}

TEST(policy_params_errors)
{
    char err[256];
    CHECK_EQ_I64(create_with("aging", "bits=64,interval=1", err, sizeof err), 0);
    CHECK_EQ_I64(create_with("aging", "bits=1", err, sizeof err), 0);
    CHECK_EQ_I64(create_with("nru", "interval=1", err, sizeof err), 0);
    CHECK(create_with("aging", "bits=0", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "bits");
    CHECK(create_with("aging", "bits=65", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "bits");
    CHECK(create_with("aging", "interval=0", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "interval");
    CHECK(create_with("nru", "interval=0", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "interval");
    CHECK(create_with("nru", "interval=ten", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "interval");
    CHECK(create_with("nru", "bits=3", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "bits");
    CHECK(create_with("clock", "interval=3", err, sizeof err) < 0);
    CHECK_CONTAINS(err, "interval");
}

TEST(policy_registry_lists_all)
{
    size_t n = 0;
    for (const struct vmm_policy_info *pi; (pi = vmm_policy_at(n)) != NULL; n++) {
        CHECK(pi->name && pi->summary && pi->params);
        CHECK(strlen(pi->summary) > 10);
        if (strcmp(pi->name, "nru") == 0)
            CHECK_STR_EQ(pi->params, "interval=1000");
        else if (strcmp(pi->name, "aging") == 0)
            CHECK_STR_EQ(pi->params, "bits=8,interval=1000");
        else if (strcmp(pi->name, "ws") == 0 || strcmp(pi->name, "wsclock") == 0)
            CHECK_STR_EQ(pi->params, "delta=10000");
        else
            CHECK_STR_EQ(pi->params, "");
    }
    CHECK_EQ_U64(n, NPOL);
    for (size_t p = 0; p < NPOL; p++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(vmm_policy_at(i)->name, policies[p]) == 0;
        CHECK(found);
    }
}

/* ---- the policies' bitmap (src/policy/fbits.h) --------------------------------------- */

/* Random sets, clears and searches against a plain array, on sizes around the
 * word (64) and summary (4096) boundaries. */
TEST(policy_fbits_next_round)
{
    static const uint64_t sizes[] = {1, 2, 63, 64, 65, 4095, 4096, 4097, 9000, 70000};
    static bool plain[70000];
    uint64_t rng = 11;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t n = sizes[k];
        struct fbits b;
        CHECK_EQ_I64(fbits_init(&b, n), 0);
        memset(plain, 0, sizeof plain);
        for (int step = 0; step < 3000; step++) {
            uint64_t f = splitmix64(&rng) % n, from = splitmix64(&rng) % n;
            /* Sparse sets make the searches cross many empty words. */
            if (splitmix64(&rng) % 4 == 0) {
                fbits_set(&b, f);
                plain[f] = true;
            } else {
                fbits_clear(&b, f);
                plain[f] = false;
            }
            if (step % 500 == 499) {
                fbits_clear_all(&b);
                memset(plain, 0, sizeof plain);
            }
            uint64_t want = FBITS_NONE;
            for (uint64_t i = 0; i < n; i++) {
                uint64_t x = (from + i) % n;
                if (plain[x]) {
                    want = x;
                    break;
                }
            }
            uint64_t got = fbits_next_round(&b, from);
            if (got != want)
                test_fail(__FILE__, __LINE__,
                          "n=%" PRIu64 " from %" PRIu64 ": %" PRIu64 " != %" PRIu64, n, from, got,
                          want);
            CHECK_EQ_U64(got, want);
            CHECK_EQ_I64(fbits_test(&b, f), plain[f]);
        }
        fbits_destroy(&b);
    }
}
