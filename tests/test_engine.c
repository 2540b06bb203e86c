/*
 * test_engine.c - the paging core through the library API: the trap sequence,
 * data integrity under heavy eviction (every read returns the last value
 * written, checked against a shadow copy, with the invariant checker after
 * every reference), the TLB, swap slots, exit, limits and the cost model.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

/* A system with pid 1 owning the whole address space. */
static struct vmm_system *mk(struct vmm_config *c)
{
    struct vmm_system *sys = NULL;
    char err[512];
    if (vmm_system_create(c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    if (vmm_process_spawn(sys, 1, "t") < 0 ||
        vmm_region_add(sys, 1, "all", 0, 1ull << c->va_bits, VMM_PROT_READ | VMM_PROT_WRITE) < 0) {
        test_fail(__FILE__, __LINE__, "spawn: %s", vmm_system_error(sys));
        vmm_system_destroy(sys);
        return NULL;
    }
    return sys;
}

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* 8 frames for 1,000 pages; random 8-byte writes and reads anywhere in the
 * pages (some crossing a page boundary); every read is compared with the
 * shadow; the checker runs after every reference. Run for each policy. */
static void integrity(const char *policy, unsigned tlb, uint64_t seed)
{
    enum { PAGES = 1000, PS = 512, OPS = 20000 };
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 8;
    c.page_size = PS;
    c.policy = policy;
    c.tlb_entries = tlb;
    c.check = true;
    c.seed = seed;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    uint8_t *shadow = calloc(PAGES, PS);
    uint64_t s = seed;
    for (int i = 0; i < OPS && !test_stopped(); i++) {
        uint64_t addr = rnd(&s) % (PAGES * PS - 8);
        uint8_t buf[8];
        if (rnd(&s) & 1) {
            uint64_t v = rnd(&s);
            memcpy(buf, &v, 8);
            memcpy(shadow + addr, buf, 8);
            int r = vmm_access(sys, 1, addr, VMM_WRITE, buf, 8);
            if (r < 0 || r >= VMM_KILLED) {
                test_fail(__FILE__, __LINE__, "%s write #%d: %d %s", policy, i, r,
                          vmm_system_error(sys));
                break;
            }
        } else {
            int r = vmm_access(sys, 1, addr, VMM_READ, buf, 8);
            if (r < 0 || r >= VMM_KILLED) {
                test_fail(__FILE__, __LINE__, "%s read #%d: %d %s", policy, i, r,
                          vmm_system_error(sys));
                break;
            }
            if (memcmp(buf, shadow + addr, 8) != 0) {
                test_fail(__FILE__, __LINE__,
                          "%s: read #%d at 0x%" PRIx64 " differs from the shadow", policy, i, addr);
                break;
            }
        }
    }
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    if (!test_stopped() && (st.writebacks == 0 || st.major_faults == 0 || st.writebacks_saved == 0))
        test_fail(__FILE__, __LINE__,
                  "%s: no real eviction traffic (wb %" PRIu64 " major %" PRIu64 " saved %" PRIu64
                  ")",
                  policy, st.writebacks, st.major_faults, st.writebacks_saved);
    free(shadow);
    vmm_system_destroy(sys);
}

TEST(engine_integrity_every_policy)
{
    const struct vmm_policy_info *p;
    for (size_t i = 0; (p = vmm_policy_at(i)) != NULL && !test_stopped(); i++) {
        if (strcmp(p->name, "opt") == 0)
            continue; /* needs the future: covered through vmm_replay_refs below */
        integrity(p->name, i % 2 ? 16 : 0, 100 + i);
    }
}

TEST(engine_integrity_opt_replay)
{
    /* opt through the replay path: writes store the sequence number, so a
     * read-back of each page's stamp must match the last write to it. */
    enum { N = 4000, PAGES = 300 };
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 8;
    c.policy = "opt";
    c.check = true;
    struct vmm_system *sys;
    char err[256];
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    struct vmm_ref *refs = calloc(N, sizeof *refs);
    uint64_t last[PAGES] = {0}, s = 7;
    for (size_t i = 0; i < N; i++) {
        uint64_t pg = rnd(&s) % PAGES;
        refs[i] = (struct vmm_ref){pg * c.page_size, 1, 8, (uint8_t)(rnd(&s) % 3 == 0)};
        if (refs[i].op == VMM_WRITE)
            last[pg] = i + 1;
    }
    CHECK_EQ_I64(vmm_replay_refs(sys, refs, N), 0);
    for (uint64_t pg = 0; pg < PAGES; pg++) {
        uint64_t v = 0;
        CHECK(vmm_access(sys, 1, pg * c.page_size, VMM_READ, &v, 8) >= 0);
        CHECK_EQ_U64(v, last[pg]);
    }
    free(refs);
    vmm_system_destroy(sys);
}

/* The textbook string through the library, counting faults. */
static uint64_t faults_of(const char *policy, uint64_t frames, const int *pages, size_t n)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.policy = policy;
    c.check = true;
    struct vmm_system *sys;
    char err[256];
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0)
        return UINT64_MAX;
    struct vmm_ref refs[64];
    for (size_t i = 0; i < n; i++)
        refs[i] = (struct vmm_ref){(uint64_t)pages[i] * c.page_size, 1, 1, VMM_READ};
    uint64_t f = UINT64_MAX;
    if (vmm_replay_refs(sys, refs, n) == 0) {
        struct vmm_stats st;
        vmm_stats_get(sys, &st);
        f = st.page_faults;
    }
    vmm_system_destroy(sys);
    return f;
}

TEST(engine_known_answers_library)
{
    static const int sil[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
    static const int bel[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    CHECK_EQ_U64(faults_of("fifo", 3, sil, 20), 15);
    CHECK_EQ_U64(faults_of("lru", 3, sil, 20), 12);
    CHECK_EQ_U64(faults_of("fifo", 3, bel, 12), 9);
    CHECK_EQ_U64(faults_of("fifo", 4, bel, 12), 10);
}

TEST(engine_trap_sequence_events)
{
    /* One fault with a dirty victim, narrated by the explain observer. */
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 1;
    c.tlb_entries = 4;
    c.tlb_ways = 0;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    char *log = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    CHECK(vmm_explain_attach(sys, f) == 0);
    uint8_t b = 0x41;
    CHECK_EQ_I64(vmm_access(sys, 1, 0x3004, VMM_WRITE, &b, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x3005, VMM_READ, &b, 1), VMM_HIT);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x7000, VMM_READ, &b, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x3004, VMM_READ, &b, 1), VMM_FAULT_MAJOR);
    CHECK_EQ_U64(b, 0x41);
    fclose(f);
    CHECK_CONTAINS(log, "#1 P1 W 0x3004: TLB miss; walk: PTE invalid; page fault; legal (all); "
                        "free frame 0; zero-fill frame 0; PTE valid; restart: hit\n");
    CHECK_CONTAINS(log, "#2 P1 R 0x3005: TLB hit (frame 0); hit\n");
    CHECK_CONTAINS(log, "#3 P1 R 0x7000: TLB miss; walk: PTE invalid; page fault; legal (all); "
                        "no free frame; victim frame 0 = P1 page 0x3 (dirty): write to swap slot "
                        "0; zero-fill frame 0; PTE valid; restart: hit\n");
    CHECK_CONTAINS(log,
                   "#4 P1 R 0x3004: TLB miss; walk: PTE invalid; page fault; legal (all); no "
                   "free frame; victim frame 0 = P1 page 0x7 (clean): dropped without a "
                   "write; read page from swap slot 0 into frame 0; PTE valid; restart: hit\n");
    free(log);
    vmm_system_destroy(sys);
}

TEST(engine_segfault_kills_only_that_process)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 4;
    c.check = true;
    struct vmm_system *sys;
    char err[256];
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    CHECK(vmm_process_spawn(sys, 1, "a") == 0);
    CHECK(vmm_process_spawn(sys, 2, "b") == 0);
    CHECK(vmm_region_add(sys, 1, "heap", 0x10000, 0x4000, VMM_PROT_READ | VMM_PROT_WRITE) == 0);
    CHECK(vmm_region_add(sys, 1, "text", 0x1000, 0x1000, VMM_PROT_READ | VMM_PROT_EXEC) == 0);
    CHECK(vmm_region_add(sys, 2, "heap", 0x10000, 0x4000, VMM_PROT_READ | VMM_PROT_WRITE) == 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "x", 0x12000, 0x4000, VMM_PROT_READ), VMM_EEXIST);
    uint8_t v = 9;
    CHECK_EQ_I64(vmm_access(sys, 1, 0x10000, VMM_WRITE, &v, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 2, 0x10000, VMM_WRITE, &v, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x1000, VMM_READ, NULL, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x1000, VMM_WRITE, &v, 1), VMM_KILLED); /* read-only text */
    CHECK_EQ_I64(vmm_access(sys, 1, 0x10000, VMM_READ, NULL, 1), VMM_DEAD);
    CHECK_EQ_I64(vmm_access(sys, 2, 0x20000, VMM_READ, NULL, 1), VMM_KILLED); /* no region */
    struct vmm_proc_stats ps[2];
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
    CHECK(ps[0].killed && ps[1].killed);
    CHECK_CONTAINS(ps[0].kill_reason, "protection fault: write of 0x1000 in read-only region text");
    CHECK_CONTAINS(ps[1].kill_reason, "segmentation fault: 0x20000 is in no region");
    CHECK_EQ_U64(ps[0].resident_pages, 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.segfaults, 2);
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

TEST(engine_exit_frees_frames_and_slots)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 2;
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    uint8_t v = 1;
    for (uint64_t pg = 0; pg < 10; pg++)
        CHECK(vmm_access(sys, 1, pg << 12, VMM_WRITE, &v, 1) >= 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.swap_slots_used, 8);
    CHECK_EQ_U64(st.frames_used, 2);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), VMM_ENOENT);
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

TEST(engine_swap_full_kills_the_faulting_process)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 2;
    c.swap_bytes = 3 * 4096; /* three slots */
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    uint8_t v = 1;
    int r = 0;
    uint64_t pg;
    for (pg = 0; pg < 10 && r != VMM_KILLED; pg++)
        r = vmm_access(sys, 1, pg << 12, VMM_WRITE, &v, 1);
    CHECK_EQ_I64(r, VMM_KILLED);
    CHECK_EQ_U64(pg, 6); /* 2 frames + 3 slots hold 5 dirty pages; the 6th cannot fit */
    struct vmm_proc_stats ps;
    vmm_proc_stats_get(sys, &ps, 1);
    CHECK_CONTAINS(ps.kill_reason, "backing store is full");
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

TEST(engine_tlb_counts_and_shootdown)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 2;
    c.tlb_entries = 2;
    c.tlb_ways = 0;
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    /* pages 0 1 0 1 (TLB: miss miss hit hit) then 2 evicts 0 (LRU): its
     * entry is shot down, so the next touch of 0 misses and faults. */
    static const int seq[] = {0, 1, 0, 1, 2, 0};
    for (size_t i = 0; i < 6; i++)
        CHECK(vmm_access(sys, 1, (uint64_t)seq[i] << 12, VMM_READ, NULL, 1) >= 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.tlb_hits, 2);
    CHECK_EQ_U64(st.tlb_misses, 4);
    CHECK_EQ_U64(st.page_faults, 4);
    vmm_system_destroy(sys);
}

TEST(engine_sparse_57bit_addresses)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.va_bits = 57;
    c.frames = 4;
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    uint64_t addrs[] = {0, 0x01fffffffffff000ull, 0x0123456789abc000ull, 0xfff000ull};
    uint64_t v;
    for (int i = 0; i < 4; i++) {
        v = addrs[i] ^ 0x55;
        CHECK(vmm_access(sys, 1, addrs[i], VMM_WRITE, &v, 8) >= 0);
    }
    for (int i = 0; i < 4; i++) {
        CHECK(vmm_access(sys, 1, addrs[i], VMM_READ, &v, 8) >= 0);
        CHECK_EQ_U64(v, addrs[i] ^ 0x55);
    }
    CHECK_EQ_I64(vmm_access(sys, 1, 1ull << 57, VMM_READ, NULL, 1), VMM_ERANGE);
    CHECK_CONTAINS(vmm_system_error(sys), "beyond the 57-bit virtual address space");
    vmm_system_destroy(sys);
}

TEST(engine_config_refusals_name_the_limit)
{
    struct vmm_config c;
    char msg[512];
    vmm_config_default(&c);
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), 0);
    CHECK_EQ_U64(vmm_config_levels(&c), 4);
    c.va_bits = 57;
    CHECK_EQ_U64(vmm_config_levels(&c), 5);
    c.va_bits = 32;
    CHECK_EQ_U64(vmm_config_levels(&c), 3);
    c.page_size = 3000;
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), VMM_EINVAL);
    CHECK_CONTAINS(msg, "not a power of two");
    vmm_config_default(&c);
    c.frames = 0;
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), VMM_EINVAL);
    vmm_config_default(&c);
    c.frames = 1u << 20;
    c.max_memory = 1u << 30;
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), VMM_ELIMIT);
    CHECK_CONTAINS(msg, "--max-memory");
    c.data = false; /* metadata only fits */
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), 0);
    vmm_config_default(&c);
    c.policy = "nope";
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), VMM_EINVAL);
    CHECK_CONTAINS(msg, "unknown policy 'nope'");
    vmm_config_default(&c);
    c.tlb_entries = 12;
    c.tlb_ways = 8;
    CHECK_EQ_I64(vmm_config_validate(&c, msg, sizeof msg), VMM_EINVAL);
}

TEST(engine_size_parser)
{
    uint64_t v;
    CHECK_EQ_I64(vmm_parse_size("4096", &v), 0);
    CHECK_EQ_U64(v, 4096);
    CHECK_EQ_I64(vmm_parse_size("4K", &v), 0);
    CHECK_EQ_U64(v, 4096);
    CHECK_EQ_I64(vmm_parse_size("16k", &v), 0);
    CHECK_EQ_U64(v, 16384);
    CHECK_EQ_I64(vmm_parse_size("1MiB", &v), 0);
    CHECK_EQ_U64(v, 1u << 20);
    CHECK_EQ_I64(vmm_parse_size("4X", &v), VMM_EPARSE);
    CHECK_EQ_I64(vmm_parse_size("", &v), VMM_EPARSE);
    CHECK_EQ_I64(vmm_parse_size("99999999999T", &v), VMM_ERANGE);
}

TEST(engine_eat_known_answer)
{
    /* Silberschatz: ma 200 ns, fault service 8 ms, p = 1/1000: about 8.2 us. */
    double eat = vmm_eat_formula(0.001, 200, 8e6);
    CHECK(eat > 8199.7 && eat < 8199.9);
    /* The model: 1000 references, one fault; no TLB, free walks and trap, so
     * the model's EAT is (1000 x 200 + 8 ms) / 1000 = 8200 ns. */
    struct vmm_config c;
    vmm_config_default(&c);
    c.tlb_entries = 0;
    c.cost.mem_ns = 200;
    c.cost.pt_level_ns = 0;
    c.cost.fault_ns = 0;
    c.cost.swap_read_ns = 8000000;
    c.frames = 1;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    struct vmm_ref refs[1000];
    for (int i = 0; i < 1000; i++)
        refs[i] = (struct vmm_ref){0x5000, 1, 1, VMM_READ};
    CHECK_EQ_I64(vmm_replay_refs(sys, refs, 1000), 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.page_faults, 1);
    /* the one fault was a zero-fill (no swap read): 1000 x 200 ns */
    CHECK_EQ_U64(st.time_ns, 200000);
    vmm_system_destroy(sys);
}

TEST(engine_errors_have_text)
{
    CHECK_STR_EQ(vmm_strerror(VMM_ENOSPC), "backing store full");
    CHECK_STR_EQ(vmm_strerror(0), "success");
    CHECK_STR_EQ(vmm_strerror(-999), "unknown error");
}

TEST(engine_page_table_is_sparse_and_multilevel)
{
    /* One page costs one node per level; a page far away adds a path of its
     * own below the levels they share; pages within one leaf add nothing. */
    static const unsigned bits[] = {32, 48, 57};
    static const uint64_t levels[] = {3, 4, 5};
    for (int i = 0; i < 3; i++) {
        struct vmm_config c;
        vmm_config_default(&c);
        c.va_bits = bits[i];
        struct vmm_system *sys = mk(&c);
        if (!sys)
            return;
        struct vmm_proc_stats ps;
        CHECK(vmm_access(sys, 1, 0x1000, VMM_READ, NULL, 1) >= 0);
        CHECK(vmm_access(sys, 1, 0x2000, VMM_READ, NULL, 1) >= 0);
        vmm_proc_stats_get(sys, &ps, 1);
        CHECK_EQ_U64(ps.page_table_nodes, levels[i]);
        /* the top of the space: only the root is shared */
        CHECK(vmm_access(sys, 1, (1ull << bits[i]) - 4096, VMM_READ, NULL, 1) >= 0);
        vmm_proc_stats_get(sys, &ps, 1);
        CHECK_EQ_U64(ps.page_table_nodes, 2 * levels[i] - 1);
        vmm_system_destroy(sys);
    }
}

/* Every lookup goes through the leaf directory first (src/pagetable.c). One
 * page in each of 600 leaves, all at the same offset, so that a lookup in
 * the wrong leaf lands on another page's entry; visited out of order, so
 * the directory grows (and moves) while in use; leaf 9000, made before the
 * directory may reach it and noted by a later walk once it does (leaf 9001
 * makes it grow); and pages far up that it leaves to the walk. Through
 * eviction and swap, each read returns its own page's value. */
TEST(engine_leaf_directory_finds_the_right_leaf)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 12;
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    enum { LEAVES = 600, FAR = 8, N = LEAVES + FAR + 2 };
    uint64_t page[N];
    page[0] = 9000 * 512 + 5;
    for (int i = 0; i < LEAVES; i++)
        page[1 + i] = (uint64_t)(i * 263 % LEAVES) * 512 + 5;
    page[1 + LEAVES] = 9001 * 512 + 5;
    for (int i = 0; i < FAR; i++) /* near the top of the 48-bit space, and at 2 TiB */
        page[2 + LEAVES + i] = ((i & 1 ? 1ull << 36 : 1ull << 29) - 512 * (uint64_t)(i + 1)) + 5;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < N; i++) {
            uint64_t v = page[i] * 3 + 1, got = 0;
            int r = pass ? vmm_access(sys, 1, page[i] << 12, VMM_READ, &got, 8)
                         : vmm_access(sys, 1, page[i] << 12, VMM_WRITE, &v, 8);
            if (r < 0 || r >= VMM_KILLED) {
                test_fail(__FILE__, __LINE__, "page 0x%" PRIx64 ": %d %s", page[i], r,
                          vmm_system_error(sys));
                break;
            }
            if (pass && got != v) {
                test_fail(__FILE__, __LINE__,
                          "page 0x%" PRIx64 " reads %" PRIu64 ", wrote %" PRIu64, page[i], got, v);
                break;
            }
        }
    }
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK(st.major_faults > 0); /* the reads came back from swap */
    vmm_system_destroy(sys);
}

TEST(engine_zero_fill_never_shows_old_bytes)
{
    /* One frame, reused by every page: after a dirty page, after a clean
     * swapped-in page and after a clean zero page, a new page reads zeros. */
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 1;
    c.check = true;
    struct vmm_system *sys = mk(&c);
    if (!sys)
        return;
    uint8_t page[4096], zero[4096] = {0};
    memset(page, 0xAB, sizeof page);
    CHECK(vmm_access(sys, 1, 0x0000, VMM_WRITE, page, sizeof page) >= 0); /* dirty */
    CHECK_EQ_I64(vmm_access(sys, 1, 0x1000, VMM_READ, page, sizeof page), VMM_FAULT_MINOR);
    CHECK(memcmp(page, zero, sizeof page) == 0);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x0000, VMM_READ, page, sizeof page), VMM_FAULT_MAJOR);
    CHECK_EQ_U64(page[4095], 0xAB); /* clean now, its bytes still in the frame */
    CHECK_EQ_I64(vmm_access(sys, 1, 0x2000, VMM_READ, page, sizeof page), VMM_FAULT_MINOR);
    CHECK(memcmp(page, zero, sizeof page) == 0);
    CHECK_EQ_I64(vmm_access(sys, 1, 0x3000, VMM_READ, page, sizeof page), VMM_FAULT_MINOR);
    CHECK(memcmp(page, zero, sizeof page) == 0); /* after a clean zero page: skipped, still 0 */
    vmm_system_destroy(sys);
}
