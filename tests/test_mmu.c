/*
 * test_mmu.c - memory before paging: relocation and segmentation (mmu.c).
 *
 *  - Base and limit at both edges, through the engine: Silberschatz's base
 *    300040 and limit 120900 give physical 300040 .. 420939, and logical
 *    120900 traps.
 *  - Segmentation: (s, d) goes to the segment's base + d; d = limit traps,
 *    as does a write to a read-only segment; a stack segment grows down.
 *  - The classic fit exercise through the engine (holes of 100, 500, 200,
 *    300 and 600 KB made by processes that exit; processes of 212, 417, 112
 *    and 426 KB): each policy's placements and the process that waits.
 *  - Whole-image swapping reads every byte back; its cost is Silberschatz's
 *    example (10 MB at 40 MB/s plus 8 ms latency: 258 ms).
 *  - Load-time binding swaps a process back in at the same place; compile-time
 *    binding keeps two programs built for one address from being resident
 *    together; compaction makes room when only the sum of the holes fits.
 *  - Seeded random runs of spawns, references, brk, forks and exits under
 *    every MMU, fit and binding, with the invariant checker (the allocator's
 *    tiling among it) after every event, and a shadow of every byte written.
 */
#include "harness.h"
#include "internal.h"

#include <stdlib.h>

#define RW  (VMM_PROT_READ | VMM_PROT_WRITE)
#define KiB 1024ull

static struct vmm_system *make(unsigned mmu, unsigned fit, unsigned binding, uint64_t bytes,
                               uint32_t page, bool swapping, bool data)
{
    struct vmm_config cfg;
    vmm_config_default(&cfg);
    cfg.mmu = mmu;
    cfg.fit = fit;
    cfg.binding = binding;
    cfg.page_size = page;
    cfg.frames = bytes / page;
    cfg.swapping = swapping;
    cfg.data = data;
    cfg.check = true;
    struct vmm_system *sys = NULL;
    char err[256];
    if (vmm_system_create(&cfg, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "system: %s", err);
        return NULL;
    }
    return sys;
}

/* A process with one region [0, size) (relocation: its whole partition). */
static int proc_of(struct vmm_system *sys, uint32_t pid, uint64_t size)
{
    int e = vmm_process_spawn(sys, pid, "p");
    if (e == 0)
        e = vmm_region_add(sys, pid, "all", 0, size, RW);
    if (e == 0)
        e = vmm_process_load(sys, pid);
    return e;
}

static struct vmm_proc_stats pstat(struct vmm_system *sys, uint32_t pid)
{
    struct vmm_proc_stats ps[64];
    size_t n = vmm_proc_stats_get(sys, ps, 64);
    for (size_t i = 0; i < n; i++)
        if (ps[i].pid == pid)
            return ps[i];
    return (struct vmm_proc_stats){0};
}

/* The physical address of the last reference (its REF_END event). */
static uint64_t last_pa;
static void on_ref(void *ctx, const struct vmm_event *ev)
{
    (void)ctx;
    last_pa = ev->frame;
}

TEST(mmu_base_limit_edges)
{
    /* Silberschatz, "Main Memory": base 300040, limit 120900. */
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_COMPILE, 104 * 4096, 4096, true, true);
    CHECK(sys);
    struct vmm_observer o = {VMM_EV_MASK(VMM_EV_REF_END), on_ref, NULL};
    CHECK_EQ_I64(vmm_observer_add(sys, &o), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "p"), 0);
    CHECK_EQ_I64(vmm_process_set_address(sys, 1, 300040), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "all", 0, 120900, RW), 0);
    CHECK_EQ_I64(vmm_process_load(sys, 1), 0);
    struct vmm_proc_stats ps = pstat(sys, 1);
    CHECK_EQ_U64(ps.base, 300040);
    CHECK_EQ_U64(ps.limit, 120900);
    uint8_t b = 0x5a;
    CHECK_EQ_I64(vmm_access(sys, 1, 0, VMM_WRITE, &b, 1), VMM_HIT);
    CHECK_EQ_U64(last_pa, 300040);
    CHECK_EQ_I64(vmm_access(sys, 1, 120899, VMM_WRITE, &b, 1), VMM_HIT);
    CHECK_EQ_U64(last_pa, 420939);
    CHECK_EQ_U64(sys->mem[420939], 0x5a);
    /* Two bytes from the last legal one reach past the limit. */
    CHECK_EQ_I64(vmm_access(sys, 1, 120899, VMM_READ, NULL, 2), VMM_KILLED);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.limit_traps, 1);
    ps = pstat(sys, 1);
    CHECK(ps.killed);
    CHECK_CONTAINS(ps.kill_reason, "limit trap");
    CHECK_EQ_U64(ps.kill_addr, 120900);

    /* The same program again: the first address past the limit traps. */
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "q"), 0);
    CHECK_EQ_I64(vmm_process_set_address(sys, 2, 300040), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "all", 0, 120900, RW), 0);
    CHECK_EQ_I64(vmm_access(sys, 2, 120900, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK_EQ_U64(pstat(sys, 2).kill_addr, 120900);
    vmm_system_destroy(sys);
}

TEST(mmu_segment_translation_and_traps)
{
    struct vmm_system *sys =
        make(VMM_MMU_SEGMENTATION, VMM_FIT_FIRST, VMM_BIND_EXECUTION, 64 * KiB, 1024, true, true);
    CHECK(sys);
    struct vmm_observer o = {VMM_EV_MASK(VMM_EV_REF_END), on_ref, NULL};
    CHECK_EQ_I64(vmm_observer_add(sys, &o), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "p"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "code", 0x10000, 1000, VMM_PROT_READ | VMM_PROT_EXEC), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "data", 0x20000, 400, RW), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "stack", 0x30000, 1024, RW), 0);
    CHECK_EQ_I64(vmm_region_grows_down(sys, 1, 0x30000, 8192), 0);
    CHECK_EQ_I64(vmm_process_load(sys, 1), 0);
    struct vmm_segment_info seg[4];
    CHECK_EQ_U64(vmm_segments_get(sys, 1, seg, 4), 3);
    CHECK_EQ_U64(seg[0].limit, 1000);
    CHECK_EQ_U64(seg[1].limit, 400);
    CHECK(seg[0].resident && seg[1].resident);
    /* First fit from 0: code at 0, data right after it. */
    CHECK_EQ_U64(seg[0].base, 0);
    CHECK_EQ_U64(seg[1].base, 1000);
    /* (1, 53) -> base + 53; (1, 399) the last byte; (1, 400) traps. */
    CHECK_EQ_I64(vmm_access(sys, 1, 0x20000 + 53, VMM_READ, NULL, 1), VMM_HIT);
    CHECK_EQ_U64(last_pa, seg[1].base + 53);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x20000 + 399, VMM_WRITE, NULL, 1), VMM_HIT);
    CHECK_EQ_U64(last_pa, seg[1].base + 399);
    /* The stack grows down by a page: its segment follows. */
    uint8_t b = 7;
    CHECK_EQ_I64(vmm_access(sys, 1, 0x30000 - 1, VMM_WRITE, &b, 1), VMM_HIT);
    CHECK_EQ_U64(vmm_segments_get(sys, 1, seg, 4), 3);
    CHECK_EQ_U64(seg[2].limit, 2048);
    CHECK_EQ_U64(seg[2].vstart, 0x30000 - 1024);
    b = 0;
    CHECK_EQ_I64(vmm_access(sys, 1, 0x30000 - 1, VMM_READ, &b, 1), VMM_HIT);
    CHECK_EQ_U64(b, 7);
    /* A write to the read-only code segment traps. */
    CHECK_EQ_I64(vmm_access(sys, 1, 0x10000, VMM_WRITE, &b, 1), VMM_KILLED);
    CHECK_CONTAINS(pstat(sys, 1).kill_reason, "protection trap");

    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "q"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "data", 0x20000, 400, RW), 0);
    CHECK_EQ_I64(vmm_access(sys, 2, 0x20000 + 400, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK_CONTAINS(pstat(sys, 2).kill_reason, "offset 400, past its limit 400");
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.limit_traps, 2);
    vmm_system_destroy(sys);
}

/* The classic exercise (Silberschatz, "Main Memory" exercises): holes of
 * 100, 500, 200, 300 and 600 KB, in that order; processes of 212, 417, 112
 * and 426 KB. want[i] is the hole (0-4) process i lands in, or -1: it
 * waits; off[i] its offset in that hole, KB. */
static void fit_exercise(unsigned fit, const int want[4], const unsigned off[4])
{
    static const uint64_t holes[5] = {100, 500, 200, 300, 600};
    uint64_t start[5], at = 0;
    /* 1 KB spacers around holes made by processes that exit. */
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, fit, VMM_BIND_EXECUTION, 1706 * KiB, 1024, false, false);
    CHECK(sys);
    uint32_t pid = 1;
    for (int h = 0; h < 5; h++) {
        CHECK_EQ_I64(proc_of(sys, pid++, KiB), 0);
        at += KiB;
        start[h] = at;
        CHECK_EQ_I64(proc_of(sys, pid++, holes[h] * KiB), 0);
        CHECK_EQ_U64(pstat(sys, pid - 1).base, at);
        at += holes[h] * KiB;
    }
    CHECK_EQ_I64(proc_of(sys, pid++, KiB), 0);
    for (uint32_t h = 0; h < 5; h++)
        CHECK_EQ_I64(vmm_process_exit(sys, 2 + 2 * h), 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.holes, 5);
    CHECK_EQ_U64(st.largest_hole, 600 * KiB);
    static const uint64_t size[4] = {212, 417, 112, 426};
    for (int i = 0; i < 4; i++) {
        uint32_t p = 20 + (uint32_t)i;
        CHECK_EQ_I64(proc_of(sys, p, size[i] * KiB), 0);
        struct vmm_proc_stats ps = pstat(sys, p);
        if (want[i] < 0) {
            CHECK(ps.waiting);
            CHECK_EQ_U64(ps.image_resident, 0);
            CHECK_EQ_I64(vmm_access(sys, p, 0, VMM_READ, NULL, 1), VMM_WAIT);
        } else {
            CHECK(!ps.waiting);
            CHECK_EQ_U64(ps.base, start[want[i]] + off[i] * KiB);
        }
    }
    vmm_system_destroy(sys);
}

TEST(mmu_fit_exercise_first)
{
    /* 212 -> 500, 417 -> 600, 112 -> the 288 KB left of 500, 426 waits. */
    fit_exercise(VMM_FIT_FIRST, (const int[]){1, 4, 1, -1}, (const unsigned[]){0, 0, 212, 0});
}

TEST(mmu_fit_exercise_best)
{
    /* 212 -> 300, 417 -> 500, 112 -> 200, 426 -> 600. */
    fit_exercise(VMM_FIT_BEST, (const int[]){3, 1, 2, 4}, (const unsigned[]){0, 0, 0, 0});
}

TEST(mmu_fit_exercise_worst)
{
    /* 212 -> 600, 417 -> 500, 112 -> the 388 KB left of 600, 426 waits. */
    fit_exercise(VMM_FIT_WORST, (const int[]){4, 1, 4, -1}, (const unsigned[]){0, 0, 212, 0});
}

TEST(mmu_fit_exercise_next)
{
    /* Next fit searches on from where the last placement ended: 212 -> 500,
     * 417 -> 600, 112 -> the 183 KB left of 600, 426 waits. */
    fit_exercise(VMM_FIT_NEXT, (const int[]){1, 4, 4, -1}, (const unsigned[]){0, 0, 417, 0});
}

TEST(mmu_swap_cost_silberschatz)
{
    /* Silberschatz (8th ed., "Swapping"): a 10 MB process, a 40 MB/s disk and
     * 8 ms latency: 250 ms + 8 ms = 258 ms to swap it out. */
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_EXECUTION, 2500 * 4096, 4096, true, false);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 10000000), 0);
    CHECK_EQ_I64(proc_of(sys, 2, 10000000), 0); /* P1 must go */
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.image_swap_outs, 1);
    CHECK_EQ_U64(st.image_disk_ns, 258000000);
    CHECK_EQ_I64(vmm_access(sys, 1, 0, VMM_READ, NULL, 1), VMM_HIT); /* and back: P2 out */
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.image_swap_outs, 2);
    CHECK_EQ_U64(st.image_swap_ins, 1);
    CHECK_EQ_U64(st.image_disk_ns, 3 * 258000000ull);
    vmm_system_destroy(sys);
}

TEST(mmu_load_binding_returns_to_its_place)
{
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_LOAD, 100 * KiB, 1024, true, true);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 30 * KiB), 0);
    CHECK_EQ_I64(proc_of(sys, 2, 40 * KiB), 0);
    CHECK_EQ_U64(pstat(sys, 2).base, 30 * KiB);
    uint8_t b = 0x42;
    CHECK_EQ_I64(vmm_access(sys, 2, 100, VMM_WRITE, &b, 1), VMM_HIT);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    /* 80 KB needs P2's place: P2 goes out. */
    CHECK_EQ_I64(proc_of(sys, 3, 80 * KiB), 0);
    CHECK_EQ_U64(pstat(sys, 2).image_resident, 0);
    CHECK_EQ_U64(pstat(sys, 3).base, 0);
    /* 60 KB would fit at 0 now that P3 is gone, but P2 was bound at 30 KB. */
    CHECK_EQ_I64(vmm_process_exit(sys, 3), 0);
    CHECK_EQ_I64(proc_of(sys, 4, 20 * KiB), 0);
    CHECK_EQ_U64(pstat(sys, 4).base, 0);
    b = 0;
    CHECK_EQ_I64(vmm_access(sys, 2, 100, VMM_READ, &b, 1), VMM_HIT);
    CHECK_EQ_U64(b, 0x42);
    CHECK_EQ_U64(pstat(sys, 2).base, 30 * KiB);
    vmm_system_destroy(sys);

    /* With execution-time binding it comes back wherever first fit says. */
    sys = make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_EXECUTION, 100 * KiB, 1024, true, true);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 30 * KiB), 0);
    CHECK_EQ_I64(proc_of(sys, 2, 40 * KiB), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(proc_of(sys, 3, 80 * KiB), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 3), 0);
    CHECK_EQ_I64(vmm_access(sys, 2, 100, VMM_READ, NULL, 1), VMM_HIT);
    CHECK_EQ_U64(pstat(sys, 2).base, 0);
    vmm_system_destroy(sys);
}

TEST(mmu_compile_binding_overlap)
{
    /* Two programs built for address 0 cannot both be resident. */
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_COMPILE, 100 * KiB, 1024, false, true);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 10 * KiB), 0);
    CHECK_EQ_I64(proc_of(sys, 2, 10 * KiB), 0);
    CHECK(pstat(sys, 2).waiting); /* 90 KB free, but not at 0 */
    CHECK_EQ_I64(vmm_access(sys, 2, 0, VMM_READ, NULL, 1), VMM_WAIT);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(vmm_access(sys, 2, 0, VMM_READ, NULL, 1), VMM_HIT);
    CHECK_EQ_U64(pstat(sys, 2).base, 0);
    vmm_system_destroy(sys);

    /* With swapping, loading one swaps the other out. */
    sys = make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_COMPILE, 100 * KiB, 1024, true, true);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 10 * KiB), 0);
    CHECK_EQ_I64(proc_of(sys, 2, 10 * KiB), 0);
    CHECK_EQ_U64(pstat(sys, 1).image_resident, 0);
    CHECK_EQ_U64(pstat(sys, 2).base, 0);
    vmm_system_destroy(sys);
}

TEST(mmu_compaction_makes_room)
{
    struct vmm_config cfg;
    vmm_config_default(&cfg);
    cfg.mmu = VMM_MMU_RELOCATION;
    cfg.page_size = 1024;
    cfg.frames = 100;
    cfg.compaction = true;
    cfg.swapping = false;
    cfg.check = true;
    struct vmm_system *sys;
    char err[256];
    CHECK_EQ_I64(vmm_system_create(&cfg, &sys, err, sizeof err), 0);
    for (uint32_t p = 1; p <= 5; p++)
        CHECK_EQ_I64(proc_of(sys, p, 20 * KiB), 0);
    uint8_t b = 0x77;
    CHECK_EQ_I64(vmm_access(sys, 4, 5, VMM_WRITE, &b, 1), VMM_HIT);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 3), 0);
    /* 40 KB free in two holes of 20: only compaction makes a 30 KB hole. */
    CHECK_EQ_I64(proc_of(sys, 6, 30 * KiB), 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.compactions, 1);
    CHECK_EQ_U64(st.compact_bytes, 60 * KiB); /* P2, P4, P5 slid down */
    CHECK(!pstat(sys, 6).waiting);
    CHECK_EQ_U64(pstat(sys, 6).base, 60 * KiB);
    b = 0;
    CHECK_EQ_I64(vmm_access(sys, 4, 5, VMM_READ, &b, 1), VMM_HIT);
    CHECK_EQ_U64(b, 0x77);
    vmm_system_destroy(sys);

    /* Compaction moves processes: load-time binding refuses it. */
    cfg.binding = VMM_BIND_LOAD;
    CHECK(vmm_system_create(&cfg, &sys, err, sizeof err) < 0);
    CHECK_CONTAINS(err, "execution");
}

/* ---- random runs with a shadow of every byte ---------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#define RP    12        /* pids */
#define RSIZE (6 * KiB) /* largest region */
#define RBASE 0x100000ull

struct shadow {
    bool live;
    uint64_t len[2];         /* its two regions' sizes */
    uint8_t b[2][2 * RSIZE]; /* their bytes (room to grow) */
};

static uint64_t swaps[3], waits[3]; /* per MMU, over the random runs */

static void random_run(unsigned mmu, unsigned fit, unsigned binding, bool swapping, uint64_t seed)
{
    struct vmm_config cfg;
    vmm_config_default(&cfg);
    cfg.mmu = mmu;
    cfg.fit = fit;
    cfg.binding = binding;
    cfg.page_size = 1024;
    cfg.frames = 40;
    cfg.swapping = swapping;
    cfg.compaction = binding == VMM_BIND_EXECUTION && (seed & 1);
    cfg.contig_unit = seed & 2 ? 256 : 1;
    cfg.check = true;
    cfg.seed = seed;
    struct vmm_system *sys;
    char err[256];
    CHECK_EQ_I64(vmm_system_create(&cfg, &sys, err, sizeof err), 0);
    static struct shadow sh[RP + 1];
    memset(sh, 0, sizeof sh);
    uint64_t rng = seed;
    uint32_t next = 1;
    /* Region r of a process: relocation packs them from 0, segmentation
     * keeps them apart. */
    uint64_t at[2] = {mmu == VMM_MMU_RELOCATION ? 0 : RBASE,
                      mmu == VMM_MMU_RELOCATION ? 2 * RSIZE : 2 * RBASE};
    for (int step = 0; step < 600 && !test_stopped(); step++) {
        uint32_t pid = 1 + (uint32_t)(rnd(&rng) % (next - 1 + (next == 1)));
        unsigned what = (unsigned)(rnd(&rng) % 100);
        if (next == 1 || (what < 8 && next <= RP)) { /* spawn */
            uint32_t p = next++;
            CHECK_EQ_I64(vmm_process_spawn(sys, p, "r"), 0);
            if (binding == VMM_BIND_COMPILE)
                CHECK_EQ_I64(vmm_process_set_address(sys, p, (p % 3) * 8 * KiB), 0);
            sh[p].live = true;
            for (int r = 0; r < 2; r++) {
                sh[p].len[r] = KiB + rnd(&rng) % (RSIZE - KiB);
                memset(sh[p].b[r], 0, sizeof sh[p].b[r]);
                CHECK_EQ_I64(vmm_region_add(sys, p, r ? "b" : "a", at[r], sh[p].len[r], RW), 0);
                sh[p].len[r] = (sh[p].len[r] + cfg.contig_unit - 1) & ~(cfg.contig_unit - 1);
            }
            CHECK_EQ_I64(vmm_process_load(sys, p), 0);
            continue;
        }
        const struct proc *pp = vmm__proc(sys, pid);
        if (!sh[pid].live || !pp->live) {
            sh[pid].live = false;
            continue;
        }
        int r = (int)(rnd(&rng) & 1);
        if (what < 12 && next <= RP) { /* fork */
            uint32_t c = next++;
            int e = vmm_process_fork(sys, pid, c);
            CHECK_EQ_I64(e, 0);
            CHECK_EQ_I64(vmm_system_check(sys), 0);
            sh[c] = sh[pid];
            continue;
        }
        if (what < 16) { /* exit */
            CHECK_EQ_I64(vmm_process_exit(sys, pid), 0);
            CHECK_EQ_I64(vmm_system_check(sys), 0);
            sh[pid].live = false;
            continue;
        }
        if (what < 20 && mmu == VMM_MMU_SEGMENTATION) { /* brk-like growth of region b */
            uint64_t len = sh[pid].len[1] + 512;
            if (len > 2 * RSIZE)
                continue;
            if (vmm_region_resize(sys, pid, at[1], len) == 0) {
                sh[pid].len[1] = (len + cfg.contig_unit - 1) & ~(cfg.contig_unit - 1);
            }
            CHECK_EQ_I64(vmm_system_check(sys), 0);
            continue;
        }
        uint64_t off = rnd(&rng) % sh[pid].len[r], n = 1 + rnd(&rng) % 64;
        if (n > sh[pid].len[r] - off)
            n = sh[pid].len[r] - off;
        uint8_t buf[64];
        if (what < 60) {
            for (uint64_t i = 0; i < n; i++)
                buf[i] = (uint8_t)rnd(&rng);
            int e = vmm_access(sys, pid, at[r] + off, VMM_WRITE, buf, n);
            if (e == VMM_HIT)
                memcpy(sh[pid].b[r] + off, buf, n);
            else if (e == VMM_KILLED)
                sh[pid].live = false;
            else if (e != VMM_WAIT) {
                test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d mmu %u fit %u bind %u: %s",
                          seed, step, mmu, fit, binding, vmm_system_error(sys));
                break;
            }
        } else {
            int e = vmm_access(sys, pid, at[r] + off, VMM_READ, buf, n);
            if (e == VMM_HIT) {
                if (memcmp(buf, sh[pid].b[r] + off, n) != 0) {
                    test_fail(__FILE__, __LINE__,
                              "seed %" PRIu64 " step %d: P%u read other bytes at %s+%" PRIu64, seed,
                              step, pid, r ? "b" : "a", off);
                    break;
                }
            } else if (e == VMM_KILLED) {
                sh[pid].live = false;
            } else if (e != VMM_WAIT) {
                test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d mmu %u fit %u bind %u: %s",
                          seed, step, mmu, fit, binding, vmm_system_error(sys));
                break;
            }
        }
    }
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK(st.references > 0);
    swaps[mmu] += st.image_swap_outs;
    waits[mmu] += st.mem_waits;
    vmm_system_destroy(sys);
}

TEST(mmu_random_runs_keep_every_byte)
{
    for (uint64_t seed = 1; seed <= 6 && !test_stopped(); seed++)
        for (unsigned mmu = VMM_MMU_RELOCATION; mmu <= VMM_MMU_SEGMENTATION; mmu++)
            for (unsigned fit = VMM_FIT_FIRST; fit <= VMM_FIT_NEXT; fit++)
                for (unsigned bind = VMM_BIND_EXECUTION; bind <= VMM_BIND_COMPILE; bind++)
                    random_run(mmu, fit, bind, bind != VMM_BIND_COMPILE || (seed & 1), seed);
    /* The runs reached what they are for: images swapped, processes waiting. */
    for (unsigned mmu = VMM_MMU_RELOCATION; mmu <= VMM_MMU_SEGMENTATION; mmu++) {
        CHECK(swaps[mmu] > 100);
        CHECK(waits[mmu] > 10);
    }
}

TEST(mmu_checker_catches_a_broken_tiling)
{
    struct vmm_system *sys =
        make(VMM_MMU_RELOCATION, VMM_FIT_FIRST, VMM_BIND_EXECUTION, 64 * KiB, 1024, true, true);
    CHECK(sys);
    CHECK_EQ_I64(proc_of(sys, 1, 10 * KiB), 0);
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    /* A process whose partition the allocator does not know. */
    struct proc *p = vmm__proc(sys, 1);
    p->regions[0].end += 1; /* the limit now says 10K + 1 */
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK_CONTAINS(vmm_system_error(sys), "limit");
    p->regions[0].end -= 1;
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

/* Round robin without swapping: a process whose image fits in no hole
 * blocks until another's exit frees the memory, then runs its statements. */
TEST(mmu_rr_process_waits_for_memory)
{
    static const char script[] = "frames 512\n"
                                 "page-size 1K\n"
                                 "sched rr\n"
                                 "quantum 4refs\n"
                                 "mmu relocation\n"
                                 "program p300 data=300K\n"
                                 "program p200 data=200K\n"
                                 "program p100 data=100K\n"
                                 "spawn P1 p300\n"
                                 "spawn P2 p200\n"
                                 "spawn P3 p100\n"
                                 "P1 write data+0 len=20K value=1\n"
                                 "exit P1\n"
                                 "P2 write data+0 len=40K value=2\n"
                                 "P3 write data+0 len=8K value=3\n"
                                 "P3 check data+0 len=8K value=3\n"
                                 "P2 check data+0 len=40K value=2\n";
    struct vmm_workload *w;
    char err[256];
    CHECK_EQ_I64(vmm_workload_parse("rr.vmw", script, &w, err, sizeof err), 0);
    struct vmm_config cfg;
    vmm_config_default(&cfg);
    vmm_workload_settings(w, &cfg);
    cfg.swapping = false;
    cfg.check = true;
    struct vmm_system *sys;
    CHECK_EQ_I64(vmm_system_create(&cfg, &sys, err, sizeof err), 0);
    char *log = NULL;
    size_t loglen = 0;
    FILE *f = open_memstream(&log, &loglen);
    uint64_t failures = 0;
    int e = vmm_workload_run(sys, w, f, &failures);
    fclose(f);
    if (e < 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(sys));
    CHECK_CONTAINS(log, "P3 spawned (p100): data 0x0 100K rw-; waits for memory");
    CHECK_EQ_U64(failures, 0);
    struct vmm_proc_stats p3 = pstat(sys, 3);
    CHECK(!p3.waiting);
    CHECK_EQ_U64(p3.references, 16); /* its write and its check, 8 pages each */
    CHECK(p3.blocked_ns > 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.mem_waits, 1);
    CHECK_EQ_U64(st.image_swap_outs, 0);
    free(log);
    vmm_system_destroy(sys);
    vmm_workload_free(w);
}
