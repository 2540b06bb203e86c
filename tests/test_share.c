/*
 * test_share.c - memory shared between processes, through the library API:
 * fork's copy-on-write (pages resident, swapped out, read back through the
 * swap cache, shared three ways down a chain of forks), program text shared
 * through the page cache (RSS, Shared and PSS figures), exec, brk (region
 * resize) and stack growth; then a randomized differential test of all of
 * them against a shadow copy of every process's memory.
 *
 * Every system runs the invariant checker after each reference (config.check)
 * and the tests call it again after fork, exec, exit and resize, which are
 * not references. Pages hold patterns that depend on the byte's address and
 * on who wrote it, so a page read from the wrong frame, slot or process, or a
 * copy that carried only part of a page, shows as a mismatch.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

enum {
    PS = 4096,       /* page size of the directed tests */
    HEAP = 0x100000, /* their anonymous read-write region */
    SPAN = 8 * PS,   /* the most of it any of them uses */
    TEXT = 0x400000, /* where program text is mapped */
    RX = VMM_PROT_READ | VMM_PROT_EXEC,
    RW = VMM_PROT_READ | VMM_PROT_WRITE,
};

/* A system with data on, the checker on, LRU, the default TLB. */
static struct vmm_system *sys_new(uint64_t frames, uint32_t page_size)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.page_size = page_size;
    c.check = true;
    struct vmm_system *sys = NULL;
    char err[512];
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    return sys;
}

/* Spawns pid with one read-write anonymous region [HEAP, HEAP + len). */
static bool spawn_rw(struct vmm_system *sys, uint32_t pid, uint64_t len)
{
    if (vmm_process_spawn(sys, pid, "t") < 0 ||
        vmm_region_add(sys, pid, "heap", HEAP, len, RW) < 0) {
        test_fail(__FILE__, __LINE__, "spawn P%u: %s", pid, vmm_system_error(sys));
        return false;
    }
    return true;
}

static struct vmm_stats gstats(const struct vmm_system *sys)
{
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    return st;
}

/* The figures of pid (all zero if there is no such process). */
static struct vmm_proc_stats pstats(const struct vmm_system *sys, uint32_t pid)
{
    struct vmm_proc_stats none;
    memset(&none, 0, sizeof none);
    size_t n = vmm_proc_stats_get(sys, NULL, 0);
    struct vmm_proc_stats *all = calloc(n ? n : 1, sizeof *all);
    if (!all)
        return none;
    n = vmm_proc_stats_get(sys, all, n);
    for (size_t i = 0; i < n; i++)
        if (all[i].pid == pid)
            none = all[i];
    free(all);
    return none;
}

/* The byte writer `tag` puts at address a (tag 0: nothing written, zero). */
static uint8_t pat(unsigned tag, uint64_t a)
{
    return tag ? (uint8_t)(tag * 37u + a * 13u + (a >> 9) + 1u) : 0;
}

/* pid writes tag's pattern to [addr, addr+len); view (what pid should read in
 * [HEAP, HEAP + SPAN), or NULL) records it. Returns vmm_access's result. */
static int wr(struct vmm_system *sys, uint32_t pid, uint64_t addr, unsigned tag, size_t len,
              uint8_t *view)
{
    static uint8_t buf[SPAN];
    for (size_t i = 0; i < len; i++)
        buf[i] = pat(tag, addr + i);
    if (view)
        memcpy(view + (addr - HEAP), buf, len);
    return vmm_access(sys, pid, addr, VMM_WRITE, buf, len);
}

/* True if pid reads in [addr, addr+len) what view holds there; otherwise
 * records a failure at line and returns false. */
static bool view_ok(struct vmm_system *sys, uint32_t pid, const uint8_t *view, uint64_t addr,
                    size_t len, int line)
{
    static uint8_t buf[SPAN];
    memset(buf, 0x5A, len);
    int r = vmm_access(sys, pid, addr, VMM_READ, buf, len);
    if (r < 0 || r >= VMM_KILLED) {
        test_fail(__FILE__, line, "P%u read of 0x%" PRIx64 "+%zu: outcome %d (%s)", pid, addr, len,
                  r, r < 0 ? vmm_system_error(sys) : "killed or dead");
        return false;
    }
    const uint8_t *want = view + (addr - HEAP);
    for (size_t i = 0; i < len; i++)
        if (buf[i] != want[i]) {
            test_fail(__FILE__, line, "P%u read 0x%02x at 0x%" PRIx64 ", expected 0x%02x", pid,
                      buf[i], addr + i, want[i]);
            return false;
        }
    return true;
}

/* True if pid reads zeros in [addr, addr+len) (any region); else fails. */
static bool zeros_ok(struct vmm_system *sys, uint32_t pid, uint64_t addr, size_t len,
                     enum vmm_op op, int line)
{
    static uint8_t buf[SPAN];
    memset(buf, 0x5A, len);
    int r = vmm_access(sys, pid, addr, op, buf, len);
    if (r < 0 || r >= VMM_KILLED) {
        test_fail(__FILE__, line, "P%u reference of 0x%" PRIx64 "+%zu: outcome %d (%s)", pid, addr,
                  len, r, r < 0 ? vmm_system_error(sys) : "killed or dead");
        return false;
    }
    for (size_t i = 0; i < len; i++)
        if (buf[i] != 0) {
            test_fail(__FILE__, line, "P%u read 0x%02x at 0x%" PRIx64 ", expected zero", pid,
                      buf[i], addr + i);
            return false;
        }
    return true;
}

/* True if got is within one byte of num/den; else fails. */
static bool near(uint64_t got, uint64_t num, uint64_t den, int line)
{
    uint64_t scaled = got * den;
    uint64_t diff = scaled > num ? scaled - num : num - scaled;
    if (diff > den) {
        test_fail(__FILE__, line, "pss %" PRIu64 " is not within a byte of %" PRIu64 "/%" PRIu64,
                  got, num, den);
        return false;
    }
    return true;
}

#define CHECK_VIEW(sys, pid, view, addr, len) CHECK(view_ok(sys, pid, view, addr, len, __LINE__))
#define CHECK_ZEROS(sys, pid, addr, len, op)  CHECK(zeros_ok(sys, pid, addr, len, op, __LINE__))
#define CHECK_PSS(got, num, den)              CHECK(near(got, num, den, __LINE__))

/* The invariant checker passes now. */
#define CHECK_SANE(sys)                                                                            \
    do {                                                                                           \
        if (vmm_system_check(sys) != 0) {                                                          \
            test_fail(__FILE__, __LINE__, "invariant: %s", vmm_system_error(sys));                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- copy-on-write, resident ----------------------------------------------------- */

/*
 * P1 fills pages 0 and 1, forks P2. Page 0: `first` changes 100 bytes and
 * gets a copy carrying the rest of the page; `second` then finds the page no
 * longer shared and writes it in place. Page 1: the other way round. Each
 * reads back its own bytes only.
 */
static void cow_resident(bool child_first)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    struct vmm_system *sys = sys_new(8, PS);
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, 4 * PS));
    CHECK_EQ_I64(wr(sys, 1, HEAP, 1, PS, v1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(wr(sys, 1, HEAP + PS, 1, PS, v1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    memcpy(v2, v1, SPAN);
    CHECK_SANE(sys);

    struct vmm_proc_stats a = pstats(sys, 1), b = pstats(sys, 2);
    CHECK_EQ_U64(b.ppid, 1);
    CHECK_EQ_U64(a.ppid, 0);
    CHECK_EQ_U64(b.resident_pages, 2);
    CHECK_EQ_U64(b.rss_anon, 2);
    CHECK_EQ_U64(a.shared, 2);
    CHECK_EQ_U64(b.shared, 2);
    CHECK_EQ_U64(a.private_pages, 0);
    CHECK_EQ_U64(a.pss_bytes, PS); /* two pages, half of each */
    CHECK_EQ_U64(b.pss_bytes, PS);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.forks, 1);
    CHECK_EQ_U64(st.frames_used, 2);
    CHECK_EQ_U64(st.cow_copies, 0);

    /* Both read the shared page without a fault. */
    CHECK_VIEW(sys, 1, v1, HEAP, 2 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 2 * PS);
    CHECK_EQ_U64(gstats(sys).page_faults, 2);

    uint32_t first = child_first ? 2 : 1, second = child_first ? 1 : 2;
    uint8_t *vf = child_first ? v2 : v1, *vs = child_first ? v1 : v2;
    CHECK_EQ_I64(wr(sys, first, HEAP + 1000, 2, 100, vf), VMM_FAULT_MINOR);
    st = gstats(sys);
    CHECK_EQ_U64(st.cow_copies, 1);
    CHECK_EQ_U64(st.cow_reuses, 0);
    CHECK_EQ_U64(st.frames_used, 3);
    CHECK_EQ_U64(pstats(sys, first).cow_copies, 1);
    CHECK_EQ_U64(pstats(sys, second).cow_copies, 0);
    CHECK_VIEW(sys, second, vs, HEAP, 2 * PS);
    CHECK_VIEW(sys, first, vf, HEAP, 2 * PS);

    CHECK_EQ_I64(wr(sys, second, HEAP + 2000, 3, 50, vs), VMM_FAULT_MINOR);
    st = gstats(sys);
    CHECK_EQ_U64(st.cow_copies, 1);
    CHECK_EQ_U64(st.cow_reuses, 1);
    CHECK_EQ_U64(st.frames_used, 3);
    CHECK_EQ_U64(pstats(sys, second).cow_copies, 0);
    CHECK_VIEW(sys, first, vf, HEAP, 2 * PS);
    CHECK_VIEW(sys, second, vs, HEAP, 2 * PS);
    a = pstats(sys, 1);
    CHECK_EQ_U64(a.shared, 1);
    CHECK_EQ_U64(a.private_pages, 1);
    CHECK_EQ_U64(a.pss_bytes, PS + PS / 2);

    /* Page 1, the other order. */
    CHECK_EQ_I64(wr(sys, second, HEAP + PS + 7, 4, 9, vs), VMM_FAULT_MINOR);
    CHECK_EQ_I64(wr(sys, first, HEAP + PS + 4000, 5, 96, vf), VMM_FAULT_MINOR);
    st = gstats(sys);
    CHECK_EQ_U64(st.cow_copies, 2);
    CHECK_EQ_U64(st.cow_reuses, 2);
    CHECK_EQ_U64(st.frames_used, 4);
    CHECK_EQ_U64(pstats(sys, first).cow_copies, 1);
    CHECK_EQ_U64(pstats(sys, second).cow_copies, 1);
    /* Private again: writes are plain hits. */
    CHECK_EQ_I64(wr(sys, first, HEAP + 3, 6, 1, vf), VMM_HIT);
    CHECK_EQ_I64(wr(sys, second, HEAP + PS + 3, 6, 1, vs), VMM_HIT);
    CHECK_VIEW(sys, 1, v1, HEAP, 4 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 4 * PS);
    CHECK_EQ_U64(pstats(sys, 1).shared, 0);

    CHECK_EQ_I64(vmm_process_exit(sys, second), 0);
    CHECK_SANE(sys);
    CHECK_VIEW(sys, first, vf, HEAP, 4 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, first), 0);
    CHECK_EQ_U64(gstats(sys).frames_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

TEST(share_cow_resident_parent_writes_first)
{
    cow_resident(false);
}

TEST(share_cow_resident_child_writes_first)
{
    cow_resident(true);
}

/* ---- copy-on-write, swapped out -------------------------------------------------- */

/*
 * Two frames. P1 fills pages 0 and 1 and forks P2; P1 then touches pages 2
 * and 3, which pushes both shared pages out to slots both processes hold.
 * `first` writes into each (a major fault that copies); `second` reads page
 * 0 back and writes it, and writes page 1 without reading it first. More
 * traffic evicts everything again, and each still reads its own bytes.
 */
static void cow_swapped(bool child_first)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    struct vmm_system *sys = sys_new(2, PS);
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, 8 * PS));
    CHECK(wr(sys, 1, HEAP, 1, 2 * PS, v1) >= 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    memcpy(v2, v1, SPAN);
    CHECK_SANE(sys);
    CHECK(wr(sys, 1, HEAP + 2 * PS, 2, 2 * PS, v1) >= 0);
    CHECK_SANE(sys);
    struct vmm_proc_stats a = pstats(sys, 1), b = pstats(sys, 2);
    CHECK_EQ_U64(a.swapped_pages, 2);
    CHECK_EQ_U64(b.swapped_pages, 2);
    CHECK_EQ_U64(b.resident_pages, 0);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.swap_slots_used, 2); /* one slot per shared page, held twice */
    CHECK_EQ_U64(st.writebacks, 2);      /* the fork moved the dirty bits to the frames */

    uint32_t first = child_first ? 2 : 1, second = child_first ? 1 : 2;
    uint8_t *vf = child_first ? v2 : v1, *vs = child_first ? v1 : v2;
    CHECK_EQ_I64(wr(sys, first, HEAP + 10, 3, 20, vf), VMM_FAULT_MAJOR);
    CHECK_EQ_U64(gstats(sys).cow_copies, 1);
    CHECK_EQ_U64(pstats(sys, first).cow_copies, 1);
    CHECK_EQ_I64(wr(sys, first, HEAP + PS + 4090, 3, 6, vf), VMM_FAULT_MAJOR);
    CHECK_EQ_U64(gstats(sys).cow_copies, 2);
    CHECK_EQ_U64(pstats(sys, first).cow_copies, 2);
    /* second still has both pages out; P1 also its own pages 2-3 */
    CHECK_EQ_U64(pstats(sys, second).swapped_pages, child_first ? 4 : 2);
    CHECK_SANE(sys);

    /* Page 0: second reads the old bytes back, then writes. */
    CHECK_VIEW(sys, second, vs, HEAP, PS);
    CHECK_VIEW(sys, first, vf, HEAP, PS);
    CHECK(wr(sys, second, HEAP + 3000, 4, 8, vs) >= 0);
    /* Page 1: second writes without reading; no one shares its slot now. */
    CHECK_EQ_I64(wr(sys, second, HEAP + PS + 1, 4, 2, vs), VMM_FAULT_MAJOR);
    CHECK_EQ_U64(gstats(sys).cow_copies, 2); /* nothing left to copy */
    CHECK_EQ_U64(pstats(sys, second).cow_copies, 0);
    CHECK_VIEW(sys, first, vf, HEAP, 2 * PS);
    CHECK_VIEW(sys, second, vs, HEAP, 2 * PS);

    /* Everything out again and back. */
    CHECK(wr(sys, 1, HEAP + 4 * PS, 5, 4 * PS, v1) >= 0);
    CHECK_SANE(sys);
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);
    CHECK_VIEW(sys, 1, v1, HEAP, 8 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_SANE(sys);
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

TEST(share_cow_swapped_parent_writes_first)
{
    cow_swapped(false);
}

TEST(share_cow_swapped_child_writes_first)
{
    cow_swapped(true);
}

/*
 * The swap cache. P1 fills page 0, forks P2 and pushes the shared page out
 * with pages 1..frames. P1 reads it back (major); P2's reference then finds
 * the frame in the swap cache (minor, no read). With `p2_writes` P2's
 * reference is a write: the cache hit is followed by a copy. With one frame,
 * getting the frame for that copy evicts the cached page itself.
 */
static void swap_cache(uint64_t frames, bool p2_writes)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    struct vmm_system *sys = sys_new(frames, PS);
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, 8 * PS));
    CHECK(wr(sys, 1, HEAP, 1, PS, v1) >= 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    memcpy(v2, v1, SPAN);
    CHECK(wr(sys, 1, HEAP + PS, 2, frames * PS, v1) >= 0);
    CHECK_SANE(sys);
    CHECK_EQ_U64(pstats(sys, 1).swapped_pages, 1);
    CHECK_EQ_U64(pstats(sys, 2).swapped_pages, 1);

    struct vmm_stats st0 = gstats(sys), st;
    uint64_t slots = 0; /* slots in use before the last writer's write */
    CHECK_EQ_U64(st0.swap_cache_hits, 0);
    CHECK_VIEW(sys, 1, v1, HEAP, PS); /* major: read from the slot */
    st = gstats(sys);
    CHECK_EQ_U64(st.swap_reads, st0.swap_reads + 1);
    CHECK_EQ_U64(st.major_faults, st0.major_faults + 1);
    if (!p2_writes) {
        CHECK_VIEW(sys, 2, v2, HEAP, PS); /* minor: the frame P1 read it into */
        st = gstats(sys);
        CHECK_EQ_U64(st.swap_cache_hits, 1);
        CHECK_EQ_U64(st.swap_reads, st0.swap_reads + 1);
        CHECK_EQ_U64(st.minor_faults, st0.minor_faults + 1);
        CHECK_EQ_U64(pstats(sys, 2).swapped_pages, 0);
        CHECK_EQ_U64(pstats(sys, 2).shared, 1);
        /* One frame: the copy's frame is the cached one, evicted: read again. */
        int want = frames > 1 ? VMM_FAULT_MINOR : VMM_FAULT_MAJOR;
        CHECK_EQ_I64(wr(sys, 1, HEAP + 100, 3, 10, v1), want);
        slots = gstats(sys).swap_slots_used;
        CHECK_EQ_I64(wr(sys, 2, HEAP + 200, 4, 10, v2), want);
    } else {
        CHECK_EQ_I64(wr(sys, 2, HEAP + 200, 4, 10, v2),
                     frames > 1 ? VMM_FAULT_MINOR : VMM_FAULT_MAJOR);
        st = gstats(sys);
        CHECK_EQ_U64(st.swap_cache_hits, 1);
        CHECK_EQ_U64(st.cow_copies, 1);
        CHECK_EQ_U64(pstats(sys, 2).cow_copies, 1);
        CHECK_VIEW(sys, 1, v1, HEAP, PS);
        slots = gstats(sys).swap_slots_used;
        CHECK(wr(sys, 1, HEAP + 100, 3, 10, v1) >= 0);
    }
    CHECK_SANE(sys);
    if (frames > 1) { /* one copy, then the last holder writes in place */
        st = gstats(sys);
        CHECK_EQ_U64(st.swap_slots_used, slots - 1); /* and its stale slot is freed */
        CHECK_EQ_U64(st.cow_copies, 1);
        CHECK_EQ_U64(st.cow_reuses, 1);
        CHECK_EQ_U64(pstats(sys, p2_writes ? 2 : 1).cow_copies, 1);
        CHECK_EQ_U64(pstats(sys, p2_writes ? 1 : 2).cow_copies, 0);
    }
    CHECK_VIEW(sys, 1, v1, HEAP, PS);
    CHECK_VIEW(sys, 2, v2, HEAP, PS);
    CHECK_VIEW(sys, 1, v1, HEAP, 8 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

TEST(share_swap_cache_read_then_read)
{
    swap_cache(4, false);
}

TEST(share_swap_cache_read_then_write)
{
    swap_cache(4, true);
}

TEST(share_swap_cache_one_frame)
{
    swap_cache(1, false);
    if (!test_stopped())
        swap_cache(1, true);
}

/* ---- fork chains ------------------------------------------------------------------- */

/*
 * P1 fills pages 0..2 and forks P2, which forks P3: three PTEs on each page
 * (or on its slot, when `swapped`). Page 0 is written whole by P1, P2, P3 in
 * turn, page 1 in part by P3, P2, P1; page 2 stays shared. After every step
 * every live process reads back exactly its own view. With `middle_exits`,
 * P2 exits before the writes.
 */
static void chain(bool swapped, bool middle_exits)
{
    static uint8_t v[4][SPAN];
    memset(v[1], 0, SPAN);
    struct vmm_system *sys = sys_new(swapped ? 3 : 16, PS);
    /* what the views cover: resident, the untouched pages stay untouched */
    const size_t span = (swapped ? 8 : 3) * PS;
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, 8 * PS));
    CHECK(wr(sys, 1, HEAP, 1, 3 * PS, v[1]) >= 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    CHECK_SANE(sys);
    CHECK_EQ_I64(vmm_process_fork(sys, 2, 3), 0);
    CHECK_SANE(sys);
    memcpy(v[2], v[1], SPAN);
    memcpy(v[3], v[1], SPAN);
    CHECK_EQ_U64(pstats(sys, 3).ppid, 2);
    if (!swapped) {
        for (uint32_t pid = 1; pid <= 3; pid++) {
            struct vmm_proc_stats s = pstats(sys, pid);
            CHECK_EQ_U64(s.shared, 3);
            CHECK_EQ_U64(s.private_pages, 0);
            CHECK_PSS(s.pss_bytes, 3 * PS, 3);
        }
        CHECK_EQ_U64(gstats(sys).frames_used, 3);
    } else {
        CHECK(wr(sys, 1, HEAP + 3 * PS, 2, 5 * PS, v[1]) >= 0); /* P1's own pages */
        CHECK_SANE(sys);
        CHECK_EQ_U64(pstats(sys, 1).swapped_pages, 5);
        CHECK_EQ_U64(pstats(sys, 2).swapped_pages, 3);
        CHECK_EQ_U64(pstats(sys, 3).swapped_pages, 3);
        CHECK_EQ_U64(pstats(sys, 3).resident_pages, 0);
    }
    bool live[4] = {false, true, true, true};
    if (middle_exits) {
        CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
        live[2] = false;
        CHECK_SANE(sys);
        CHECK_VIEW(sys, 1, v[1], HEAP, span);
        CHECK_VIEW(sys, 3, v[3], HEAP, span);
    }
    static const uint32_t order[2][3] = {{1, 2, 3}, {3, 2, 1}};
    for (int pg = 0; pg < 2; pg++) {
        for (int k = 0; k < 3; k++) {
            uint32_t w = order[pg][k];
            if (!live[w])
                continue;
            uint64_t at = HEAP + (uint64_t)pg * PS + (pg ? 100u * w : 0);
            CHECK(wr(sys, w, at, 10 + w, pg ? 333 : PS, v[w]) >= 0);
            CHECK_SANE(sys);
            for (uint32_t r = 1; r <= 3; r++)
                if (live[r])
                    CHECK_VIEW(sys, r, v[r], HEAP, span);
        }
    }
    if (!swapped) {
        struct vmm_stats st = gstats(sys);
        CHECK_EQ_U64(st.cow_copies, middle_exits ? 2 : 4);
        CHECK_EQ_U64(st.cow_reuses, 2);
        CHECK_EQ_U64(pstats(sys, 1).cow_copies, 1);
        CHECK_EQ_U64(pstats(sys, 2).cow_copies, middle_exits ? 0 : 2);
        CHECK_EQ_U64(pstats(sys, 3).cow_copies, 1);
        /* page 2 is still one frame for every live process */
        CHECK_EQ_U64(pstats(sys, 1).shared, 1);
        CHECK_EQ_U64(st.frames_used, middle_exits ? 5 : 7);
    }
    if (!middle_exits) {
        CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
        CHECK_SANE(sys);
        CHECK_VIEW(sys, 1, v[1], HEAP, span);
        CHECK_VIEW(sys, 3, v[3], HEAP, span);
    }
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_SANE(sys);
    CHECK_VIEW(sys, 3, v[3], HEAP, span);
    CHECK_EQ_I64(vmm_process_exit(sys, 3), 0);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

TEST(share_fork_chain_resident)
{
    chain(false, false);
}

TEST(share_fork_chain_swapped)
{
    chain(true, false);
}

TEST(share_fork_chain_middle_exits)
{
    chain(false, true);
    if (!test_stopped())
        chain(true, true);
}

/* ---- shared text ------------------------------------------------------------------ */

/*
 * An object of N pages mapped read-only by K processes (each at an address
 * of its own): one file read per page, every other touch a page-cache hit;
 * RSS, Shared and PSS as Linux counts them. A fork maps the same frames. A
 * write to the text kills only the writer.
 */
static void text(uint32_t k)
{
    enum { N = 5 };
    struct vmm_system *sys = sys_new(16, PS);
    if (!sys)
        return;
    uint32_t obj = 0;
    CHECK_EQ_I64(vmm_object_create(sys, "prog", N * PS - 100, &obj), 0); /* rounds up to N */
    CHECK(obj >= 1);
    for (uint32_t pid = 1; pid <= k; pid++) {
        uint64_t at = TEXT + pid * 0x100000;
        CHECK(spawn_rw(sys, pid, PS));
        CHECK_EQ_I64(vmm_region_map(sys, pid, "text", at, N * PS, RW, VMM_MAP_SHARED, obj, 0),
                     VMM_EINVAL);
        CHECK_EQ_I64(
            vmm_region_map(sys, pid, "text", at, (N + 1) * PS, RX, VMM_MAP_PRIVATE, obj, 0),
            VMM_ERANGE);
        CHECK_EQ_I64(vmm_region_map(sys, pid, "text", at, N * PS, RX, VMM_MAP_PRIVATE, obj, 0), 0);
        struct vmm_region_info ri[2];
        CHECK_EQ_U64(vmm_regions_get(sys, pid, ri, 2), 2);
        CHECK_EQ_U64(ri[1].obj, obj);
        CHECK_EQ_U64(ri[1].end - ri[1].start, N * PS);
        for (uint64_t pg = 0; pg < N; pg++) {
            int want = pid == 1 ? VMM_FAULT_MAJOR : VMM_FAULT_MINOR;
            enum vmm_op op = pg & 1 ? VMM_EXEC : VMM_READ;
            uint8_t b[PS];
            memset(b, 0x5A, PS);
            CHECK_EQ_I64(vmm_access(sys, pid, at + pg * PS, op, b, PS), want);
            for (size_t i = 0; i < PS; i++)
                CHECK_EQ_U64(b[i], 0);
        }
        CHECK_SANE(sys);
    }
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.file_reads, N);
    CHECK_EQ_U64(st.page_cache_hits, N * (k - 1));
    CHECK_EQ_U64(st.frames_used, N);
    for (uint32_t pid = 1; pid <= k; pid++) {
        struct vmm_proc_stats s = pstats(sys, pid);
        CHECK_EQ_U64(s.rss_file, N);
        CHECK_EQ_U64(s.rss_anon, 0);
        CHECK_EQ_U64(s.rss_shmem, 0);
        CHECK_EQ_U64(s.shared, N);
        CHECK_EQ_U64(s.private_pages, 0);
        CHECK_EQ_U64(s.resident_pages, N);
        CHECK_PSS(s.pss_bytes, N * PS, k);
    }

    /* A fork shares the text frames directly (no fault, no copy). */
    uint32_t child = 100;
    CHECK(wr(sys, 1, HEAP, 1, 8, NULL) >= 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, child), 0);
    CHECK_SANE(sys);
    struct vmm_proc_stats c = pstats(sys, child);
    CHECK_EQ_U64(c.rss_file, N);
    CHECK_EQ_U64(c.rss_anon, 1);
    CHECK_EQ_U64(c.shared, N + 1);
    CHECK_PSS(c.pss_bytes, 2 * N * PS + (k + 1) * PS, 2 * (k + 1)); /* N/(k+1) + 1/2 pages */
    CHECK_ZEROS(sys, child, TEXT + 0x100000 + 2 * PS, 100, VMM_EXEC);
    CHECK_EQ_U64(gstats(sys).page_faults, st.page_faults + 1); /* only P1's heap page */
    CHECK_EQ_I64(vmm_process_exit(sys, child), 0);

    /* A process mapping only part of the object, from a page offset. */
    uint32_t part = 101;
    CHECK(spawn_rw(sys, part, PS));
    CHECK_EQ_I64(vmm_region_map(sys, part, "tail", TEXT, 2 * PS, RX, VMM_MAP_PRIVATE, obj, 3 * PS),
                 0);
    CHECK_ZEROS(sys, part, TEXT, 2 * PS, VMM_READ);
    st = gstats(sys);
    CHECK_EQ_U64(st.file_reads, N);
    CHECK_EQ_U64(st.page_cache_hits, N * (k - 1) + 2);
    CHECK_EQ_U64(pstats(sys, part).rss_file, 2);
    CHECK_PSS(pstats(sys, part).pss_bytes, 2 * PS, k + 1);
    CHECK_EQ_I64(vmm_process_exit(sys, part), 0);

    /* P1 writes its text: killed; the others run on with the same frames. */
    uint8_t b = 1;
    CHECK_EQ_I64(vmm_access(sys, 1, TEXT + 0x100000 + PS, VMM_WRITE, &b, 1), VMM_KILLED);
    struct vmm_proc_stats p1 = pstats(sys, 1);
    CHECK(p1.killed && !p1.live);
    CHECK_CONTAINS(p1.kill_reason, "protection fault: write of");
    CHECK_EQ_U64(p1.resident_pages, 0);
    CHECK_SANE(sys);
    CHECK_EQ_U64(gstats(sys).frames_used, N);
    for (uint32_t pid = 2; pid <= k; pid++) {
        CHECK_EQ_I64(vmm_access(sys, pid, TEXT + pid * 0x100000, VMM_READ, NULL, N * PS), VMM_HIT);
        struct vmm_proc_stats s = pstats(sys, pid);
        CHECK(s.live);
        CHECK_EQ_U64(s.rss_file, N);
        CHECK_EQ_U64(s.shared, k > 2 ? N : 0);
        CHECK_EQ_U64(s.private_pages, k > 2 ? 0 : N);
        CHECK_PSS(s.pss_bytes, N * PS, k - 1);
    }
    for (uint32_t pid = 2; pid <= k; pid++) {
        CHECK_EQ_I64(vmm_process_exit(sys, pid), 0);
        CHECK_SANE(sys);
    }
    /* The text stays in the page cache, mapped by no one, until evicted. */
    struct vmm_stats end = gstats(sys);
    CHECK_EQ_U64(end.frames_used, N);
    CHECK_EQ_U64(end.page_cache_pages, N);
    CHECK_EQ_U64(end.page_cache_mapped, 0);
    vmm_system_destroy(sys);
}

TEST(share_text_two_processes)
{
    text(2);
}

TEST(share_text_three_processes)
{
    text(3);
}

TEST(share_text_four_processes)
{
    text(4);
}

TEST(share_text_evicted_and_read_again)
{
    /* Two frames for a three-page program in two processes: text pages are
     * dropped without a write and read again; they always read as zero. */
    struct vmm_system *sys = sys_new(2, PS);
    if (!sys)
        return;
    uint32_t obj;
    CHECK_EQ_I64(vmm_object_create(sys, "prog", 3 * PS, &obj), 0);
    for (uint32_t pid = 1; pid <= 2; pid++) {
        CHECK(spawn_rw(sys, pid, 2 * PS));
        CHECK_EQ_I64(vmm_region_map(sys, pid, "text", TEXT, 3 * PS, RX, VMM_MAP_PRIVATE, obj, 0),
                     0);
    }
    for (int round = 0; round < 4; round++)
        for (uint32_t pid = 1; pid <= 2; pid++) {
            CHECK_ZEROS(sys, pid, TEXT, 3 * PS, VMM_EXEC);
            CHECK(wr(sys, pid, HEAP, pid, 2 * PS, NULL) >= 0);
        }
    struct vmm_stats st = gstats(sys);
    CHECK(st.file_reads > 3);
    CHECK_EQ_U64(st.writebacks_saved + st.writebacks, st.evictions);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    CHECK_EQ_U64(gstats(sys).frames_used, 0);
    CHECK_EQ_U64(gstats(sys).swap_slots_used, 0);
    vmm_system_destroy(sys);
}

/* ---- exec ---------------------------------------------------------------------------- */

TEST(share_exec_drops_the_image_and_keeps_the_parent)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    memset(v2, 0, SPAN);
    struct vmm_system *sys = sys_new(4, PS);
    if (!sys)
        return;
    uint32_t obj;
    CHECK_EQ_I64(vmm_object_create(sys, "prog", 2 * PS, &obj), 0);
    CHECK(spawn_rw(sys, 1, 6 * PS));
    CHECK_EQ_I64(vmm_region_map(sys, 1, "text", TEXT, 2 * PS, RX, VMM_MAP_PRIVATE, obj, 0), 0);
    CHECK_ZEROS(sys, 1, TEXT, PS, VMM_EXEC);
    CHECK(wr(sys, 1, HEAP, 1, 6 * PS, v1) >= 0); /* 4 frames: some pages go out */
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    CHECK_SANE(sys);
    uint64_t slots = gstats(sys).swap_slots_used;
    CHECK(slots > 0);
    CHECK_EQ_U64(pstats(sys, 2).swapped_pages, slots);

    CHECK_EQ_I64(vmm_process_exec(sys, 2, "sh"), 0);
    CHECK_SANE(sys);
    struct vmm_proc_stats c = pstats(sys, 2);
    CHECK_STR_EQ(c.name, "sh");
    CHECK(c.live);
    CHECK_EQ_U64(c.resident_pages, 0);
    CHECK_EQ_U64(c.swapped_pages, 0);
    CHECK_EQ_U64(c.rss_file + c.rss_anon + c.pss_bytes, 0);
    CHECK_EQ_U64(vmm_regions_get(sys, 2, NULL, 0), 0);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.execs, 1);
    CHECK_EQ_U64(st.swap_slots_used, slots); /* P1 alone holds them now */
    CHECK_EQ_U64(pstats(sys, 1).shared, 0);
    CHECK_EQ_U64(pstats(sys, 1).resident_pages + pstats(sys, 1).swapped_pages, 6);

    /* The parent's pages are intact, and no longer need copying. */
    CHECK_VIEW(sys, 1, v1, HEAP, 6 * PS);
    for (uint64_t pg = 0; pg < 6; pg++)
        CHECK(wr(sys, 1, HEAP + pg * PS + 77, 3, 5, v1) >= 0);
    CHECK_EQ_U64(gstats(sys).cow_copies, 0);
    CHECK_VIEW(sys, 1, v1, HEAP, 6 * PS);

    /* The new image: a region at the old address reads zero. */
    CHECK_EQ_I64(vmm_region_add(sys, 2, "heap", HEAP, 6 * PS, RW), 0);
    CHECK_VIEW(sys, 2, v2, HEAP, 6 * PS);
    CHECK(wr(sys, 2, HEAP + PS, 4, 2 * PS, v2) >= 0);
    CHECK_VIEW(sys, 1, v1, HEAP, 6 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 6 * PS);

    /* P1 execs: its frames and slots go; P2 keeps its own. */
    CHECK_EQ_I64(vmm_process_exec(sys, 1, "init"), 0);
    CHECK_SANE(sys);
    c = pstats(sys, 2);
    st = gstats(sys);
    CHECK_EQ_U64(pstats(sys, 1).resident_pages, 0);
    CHECK_EQ_U64(st.frames_used, c.resident_pages);
    /* P2's slots: its swapped pages, and the swap cache of resident ones */
    CHECK_LE_U64(c.swapped_pages, st.swap_slots_used);
    CHECK_LE_U64(st.swap_slots_used, c.swapped_pages + c.resident_pages);
    CHECK_EQ_U64(st.execs, 2);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 6 * PS, RW), 0);
    memset(v1, 0, SPAN);
    CHECK_VIEW(sys, 1, v1, HEAP, 6 * PS);
    CHECK_VIEW(sys, 2, v2, HEAP, 6 * PS);

    /* The old text is gone from P1: a reference there is a segfault. */
    CHECK_EQ_I64(vmm_access(sys, 1, TEXT, VMM_EXEC, NULL, 1), VMM_KILLED);
    CHECK_CONTAINS(pstats(sys, 1).kill_reason, "segmentation fault");
    CHECK_EQ_I64(vmm_process_exec(sys, 1, "again"), VMM_ENOENT);
    CHECK_EQ_I64(vmm_process_exec(sys, 9, "none"), VMM_ENOENT);
    CHECK_VIEW(sys, 2, v2, HEAP, 6 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

/* ---- brk -------------------------------------------------------------------------------- */

TEST(share_brk_grow_shrink_grow)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    struct vmm_system *sys = sys_new(3, PS);
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, 1));
    CHECK_EQ_I64(vmm_region_add(sys, 1, "mmap", HEAP + 8 * PS, PS, VMM_PROT_READ), 0);
    CHECK_EQ_I64(vmm_region_resize(sys, 1, HEAP, 4 * PS), 0);
    struct vmm_region_info ri[2];
    CHECK_EQ_U64(vmm_regions_get(sys, 1, ri, 2), 2);
    CHECK_EQ_U64(ri[0].end, HEAP + 4 * PS);
    CHECK(wr(sys, 1, HEAP, 1, 4 * PS, v1) >= 0);
    CHECK_EQ_U64(pstats(sys, 1).resident_pages, 3);
    CHECK_EQ_U64(pstats(sys, 1).swapped_pages, 1);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    memcpy(v2, v1, SPAN);
    CHECK_SANE(sys);

    /* P2 shrinks to 2 pages (rounded up): its share of pages 2-3 goes. */
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 2 * PS - 1), 0);
    CHECK_SANE(sys);
    memset(v2 + 2 * PS, 0, 2 * PS);
    struct vmm_proc_stats c = pstats(sys, 2);
    CHECK_LE_U64(c.resident_pages + c.swapped_pages, 2);
    CHECK_EQ_U64(vmm_regions_get(sys, 2, ri, 2), 2);
    CHECK_EQ_U64(ri[0].end, HEAP + 2 * PS);
    CHECK_VIEW(sys, 1, v1, HEAP, 4 * PS);
    /* Grown again, the pages beyond the old end read zero, not old bytes. */
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 4 * PS), 0);
    CHECK_VIEW(sys, 2, v2, HEAP, 4 * PS);
    CHECK(wr(sys, 2, HEAP + 2 * PS + 5, 2, 100, v2) >= 0);

    /* P1 shrinks to one page: resident and swapped pages drop, the slot of a
     * swapped page is released, and page 1 is now beyond the end. */
    CHECK_EQ_I64(vmm_region_resize(sys, 1, HEAP, PS), 0);
    CHECK_SANE(sys);
    struct vmm_proc_stats a = pstats(sys, 1);
    CHECK_LE_U64(a.resident_pages + a.swapped_pages, 1);
    CHECK_VIEW(sys, 2, v2, HEAP, 4 * PS);
    CHECK_VIEW(sys, 1, v1, HEAP, PS);
    CHECK_EQ_I64(vmm_access(sys, 1, HEAP + PS + 5, VMM_READ, NULL, 1), VMM_KILLED);
    a = pstats(sys, 1);
    CHECK(a.killed);
    CHECK_CONTAINS(a.kill_reason, "segmentation fault");
    CHECK_EQ_U64(a.kill_addr, HEAP + PS + 5);
    CHECK_SANE(sys);
    CHECK_VIEW(sys, 2, v2, HEAP, 4 * PS);

    /* Growth stops at the neighbour; exactly up to it is fine. */
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 9 * PS), VMM_EEXIST);
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 8 * PS + 1), VMM_EEXIST);
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 8 * PS), 0);
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP, 0), VMM_ERANGE);
    CHECK_EQ_I64(vmm_region_resize(sys, 2, HEAP + PS, PS), VMM_ENOENT);
    CHECK_EQ_I64(vmm_region_resize(sys, 1, HEAP, PS), VMM_ENOENT); /* P1 is dead */
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);
    CHECK(wr(sys, 2, HEAP + 7 * PS, 3, PS, v2) >= 0);
    CHECK_VIEW(sys, 2, v2, HEAP, 8 * PS);

    /* Remove the region: all its pages and slots go. */
    CHECK_EQ_I64(vmm_region_remove(sys, 2, HEAP), 0);
    CHECK_SANE(sys);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    CHECK_EQ_I64(vmm_access(sys, 2, HEAP, VMM_READ, NULL, 1), VMM_KILLED);
    vmm_system_destroy(sys);
}

/* ---- stack growth --------------------------------------------------------------------- */

TEST(share_stack_grows_down)
{
    const uint64_t top = 0x7fff0000;
    struct vmm_system *sys = sys_new(4, PS);
    if (!sys)
        return;
    CHECK(spawn_rw(sys, 1, PS));
    CHECK_EQ_I64(vmm_region_add(sys, 1, "stack", top - 2 * PS, 2 * PS, RW), 0);
    CHECK_EQ_I64(vmm_region_grows_down(sys, 1, top - 2 * PS, PS), VMM_ERANGE);
    CHECK_EQ_I64(vmm_region_grows_down(sys, 1, top - 2 * PS, 8 * PS), 0);
    struct vmm_region_info ri[2];
    CHECK_EQ_U64(vmm_regions_get(sys, 1, ri, 2), 2);
    CHECK(ri[1].grows_down);
    CHECK(!ri[0].grows_down);

    /* One byte below: the stack takes that page. */
    uint8_t b = 0x77;
    CHECK_EQ_I64(vmm_access(sys, 1, top - 2 * PS - 1, VMM_WRITE, &b, 1), VMM_FAULT_MINOR);
    CHECK_EQ_U64(gstats(sys).stack_growths, 1);
    CHECK_EQ_U64(vmm_regions_get(sys, 1, ri, 2), 2);
    CHECK_EQ_U64(ri[1].start, top - 3 * PS);
    CHECK_EQ_U64(ri[1].end, top);
    /* Further down, skipping pages: it grows to that page at once. */
    uint8_t buf[64], got[64];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i + 1);
    CHECK_EQ_I64(vmm_access(sys, 1, top - 6 * PS + 8, VMM_WRITE, buf, sizeof buf), VMM_FAULT_MINOR);
    CHECK_EQ_U64(gstats(sys).stack_growths, 2);
    CHECK_EQ_U64(vmm_regions_get(sys, 1, ri, 2), 2);
    CHECK_EQ_U64(ri[1].start, top - 6 * PS);
    CHECK_SANE(sys);
    /* A write that starts below the stack and ends inside it. */
    CHECK_EQ_I64(vmm_access(sys, 1, top - 6 * PS - 8, VMM_WRITE, buf, 16), VMM_FAULT_MINOR);
    CHECK_EQ_U64(gstats(sys).stack_growths, 3);
    CHECK_EQ_U64(vmm_regions_get(sys, 1, ri, 2), 2);
    CHECK_EQ_U64(ri[1].start, top - 7 * PS);
    CHECK(vmm_access(sys, 1, top - 6 * PS - 8, VMM_READ, got, 16) >= 0);
    CHECK(memcmp(got, buf, 16) == 0);
    CHECK(vmm_access(sys, 1, top - 6 * PS + 8, VMM_READ, got, sizeof got) >= 0);
    CHECK(memcmp(got, buf, sizeof got) == 0);
    /* The floor itself is allowed, the byte below it is not (further down). */
    CHECK_EQ_I64(vmm_access(sys, 1, top - 8 * PS, VMM_READ, NULL, 1), VMM_FAULT_MINOR);
    CHECK_EQ_U64(gstats(sys).stack_growths, 4);
    CHECK(vmm_access(sys, 1, top - 2 * PS - 1, VMM_READ, &b, 1) >= 0);
    CHECK_EQ_U64(b, 0x77);

    /* A fork inherits the grown stack and its limit. */
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    CHECK_SANE(sys);
    CHECK_EQ_U64(vmm_regions_get(sys, 2, ri, 2), 2);
    CHECK_EQ_U64(ri[1].start, top - 8 * PS);
    CHECK(ri[1].grows_down);
    CHECK(vmm_access(sys, 2, top - 6 * PS - 8, VMM_READ, got, 16) >= 0);
    CHECK(memcmp(got, buf, 16) == 0);

    CHECK_EQ_I64(vmm_access(sys, 1, top - 8 * PS - 1, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK_CONTAINS(pstats(sys, 1).kill_reason, "segmentation fault");
    CHECK_EQ_I64(vmm_access(sys, 2, top - 9 * PS, VMM_WRITE, &b, 1), VMM_KILLED);
    CHECK_EQ_U64(gstats(sys).stack_growths, 4);
    CHECK_SANE(sys);

    /* The guard gap: a stack does not grow to touch the region under it. */
    CHECK_EQ_I64(vmm_process_spawn(sys, 3, "g"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 3, "low", top - 6 * PS, PS, RW), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 3, "stack", top - PS, PS, RW), 0);
    CHECK_EQ_I64(vmm_region_grows_down(sys, 3, top - PS, 64 * PS), 0);
    CHECK_EQ_I64(vmm_access(sys, 3, top - 4 * PS, VMM_READ, NULL, 1), VMM_FAULT_MINOR);
    CHECK_EQ_U64(vmm_regions_get(sys, 3, ri, 2), 2);
    CHECK_EQ_U64(ri[1].start, top - 4 * PS);
    CHECK_EQ_I64(vmm_access(sys, 3, top - 4 * PS - 1, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK_EQ_U64(gstats(sys).stack_growths, 5);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

/*
 * A region that maps an object cannot grow down: its pages are the object's
 * from its offset on, and growing would shift them (the engine refuses
 * rather than move the offset). The region keeps working as it was.
 */
TEST(share_grows_down_object_region)
{
    struct vmm_system *sys = sys_new(8, PS);
    if (!sys)
        return;
    uint32_t obj;
    CHECK_EQ_I64(vmm_object_create(sys, "prog", 3 * PS, &obj), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "text", TEXT, 2 * PS, RX, VMM_MAP_PRIVATE, obj, PS), 0);
    CHECK_EQ_I64(vmm_region_grows_down(sys, 1, TEXT, 8 * PS), VMM_EUNSUPPORTED);
    CHECK_EQ_I64(vmm_access(sys, 1, TEXT, VMM_READ, NULL, 1), VMM_FAULT_MAJOR);
    CHECK_EQ_I64(vmm_access(sys, 1, TEXT - PS, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

/*
 * The backing store runs out during a copy-on-write fault. One slot, two
 * frames. P1 fills pages 0 and 1 and forks P2. P1's write to page 0 evicts
 * the shared page 0 itself (LRU) into the only slot and copies it back. P2's
 * write to page 1 then needs to evict the shared page 1, dirty, with no slot
 * left: the out-of-memory killer ends P1, which has the larger resident set
 * (2 pages to P2's 1). Its frames go, page 1 is P2's alone and is made
 * writable in place; P2's data (page 0 in swap, page 1) is intact.
 */
TEST(share_out_of_swap_during_copy)
{
    static uint8_t v1[SPAN], v2[SPAN];
    memset(v1, 0, SPAN);
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = 2;
    c.swap_bytes = PS;
    c.check = true;
    struct vmm_system *sys;
    char err[256];
    CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
    CHECK(spawn_rw(sys, 1, 4 * PS));
    CHECK(wr(sys, 1, HEAP, 1, 2 * PS, v1) >= 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 1), VMM_EEXIST);
    CHECK_EQ_I64(vmm_process_fork(sys, 9, 3), VMM_ENOENT);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 0), VMM_ERANGE);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    memcpy(v2, v1, SPAN);
    CHECK_SANE(sys);
    CHECK_EQ_I64(wr(sys, 1, HEAP + 5, 2, 10, v1), VMM_FAULT_MAJOR);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.cow_copies, 1);
    CHECK_EQ_U64(st.swap_slots_used, 1); /* P2's page 0 */
    CHECK_EQ_U64(pstats(sys, 2).swapped_pages, 1);
    CHECK_EQ_I64(wr(sys, 2, HEAP + PS + 5, 3, 10, v2), VMM_FAULT_MINOR);
    struct vmm_proc_stats a = pstats(sys, 1), b = pstats(sys, 2);
    CHECK(a.killed && !b.killed);
    CHECK_CONTAINS(a.kill_reason, "backing store is full");
    CHECK_CONTAINS(a.kill_reason, "largest process (2 resident pages)");
    CHECK_EQ_U64(a.resident_pages + a.swapped_pages, 0);
    CHECK_SANE(sys);
    st = gstats(sys);
    CHECK_EQ_U64(st.oom_kills, 1);
    CHECK_EQ_U64(st.cow_reuses, 1);
    CHECK_EQ_U64(st.swap_slots_used, 1);
    CHECK_EQ_U64(st.frames_used, 1);
    CHECK_VIEW(sys, 2, v2, HEAP, 2 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    CHECK_EQ_U64(gstats(sys).frames_used, 0);
    CHECK_EQ_U64(gstats(sys).swap_slots_used, 0);
    CHECK_SANE(sys);
    vmm_system_destroy(sys);
}

/* ---- the randomized differential test ------------------------------------------------ */

/*
 * Up to 6 live processes, each with text (an object of TPAGES pages shared by
 * all), a heap of 1..16 pages, a one-page read-only guard just past the
 * heap's largest extent, and a stack that grows down from one page to
 * S_PAGES. Each process has a shadow of its heap and stack: what every byte
 * should read. Random writes, reads (some across page boundaries, some below
 * the stack, growing it), text reads, forks (the child's shadow is a copy),
 * exits, execs (a fresh image, shadow zero), resizes (shrinking zeroes the
 * shadow beyond the end), heap unmapped and mapped again, illegal writes that
 * kill, across frames 1..12, both page sizes, eight policies, with and
 * without a TLB. Every read is compared with the shadow; the checker runs
 * after every reference (but on one seed in four, which takes the short path
 * of hits instead) and after every operation; the counters and the regions
 * are cross-checked with what the test did.
 */
enum { R_SEEDS = 240, R_OPS = 320, R_PROCS = 6, R_PAGES = 16, S_PAGES = 8, TPAGES = 4 };
#define R_TEXT  0x400000ull
#define R_HEAP  0x1000000ull
#define R_STOP  0x7fff0000ull /* top of the stack */
#define R_MAXPS 4096u

enum area { HEAP_AREA, STACK_AREA };

struct rproc {
    uint32_t pid;    /* process id */
    uint64_t len;    /* heap length in pages */
    uint64_t lo;     /* stack's lowest page, counted from its floor (0 .. S_PAGES-1) */
    uint8_t *shadow; /* R_PAGES heap pages, then S_PAGES stack pages from the floor */
};

struct rworld {
    struct vmm_system *sys; /* the system under test */
    uint32_t ps;            /* its page size */
    uint32_t obj;           /* the program's object */
    struct rproc p[R_PROCS];
    size_t n;                       /* live processes in p */
    uint32_t next_pid;              /* pids are never reused */
    uint64_t rng;                   /* the test's own generator */
    uint64_t seed;                  /* reported on failure */
    int step;                       /* the operation under way, reported on failure */
    uint64_t forks, execs;          /* done so far */
    uint64_t growths;               /* stack growths the references must have made */
    uint8_t buf[R_PAGES * R_MAXPS]; /* one reference's bytes */
};

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t below(struct rworld *w, uint64_t n)
{
    return rnd(&w->rng) % n;
}

static size_t shadow_bytes(const struct rworld *w)
{
    return (size_t)(R_PAGES + S_PAGES) * w->ps;
}

static uint64_t stack_floor(const struct rworld *w)
{
    return R_STOP - (uint64_t)S_PAGES * w->ps;
}

#define RFAIL(w, ...)                                                                              \
    do {                                                                                           \
        char what_[256];                                                                           \
        snprintf(what_, sizeof what_, __VA_ARGS__);                                                \
        test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d: %s", (w)->seed, (w)->step,        \
                  what_);                                                                          \
        return false;                                                                              \
    } while (0)

/* Gives q a fresh image: the program, a heap of random length, the guard and
 * a one-page stack; its shadow reads zero. */
static bool r_image(struct rworld *w, struct rproc *q)
{
    uint64_t ps = w->ps;
    q->len = 1 + below(w, R_PAGES);
    q->lo = S_PAGES - 1;
    memset(q->shadow, 0, shadow_bytes(w));
    if (vmm_region_map(w->sys, q->pid, "text", R_TEXT, TPAGES * ps, RX, VMM_MAP_PRIVATE, w->obj,
                       0) < 0 ||
        vmm_region_add(w->sys, q->pid, "heap", R_HEAP, q->len * ps, RW) < 0 ||
        vmm_region_add(w->sys, q->pid, "guard", R_HEAP + R_PAGES * ps, ps, VMM_PROT_READ) < 0 ||
        vmm_region_add(w->sys, q->pid, "stack", R_STOP - ps, ps, RW) < 0 ||
        vmm_region_grows_down(w->sys, q->pid, R_STOP - ps, S_PAGES * ps) < 0)
        RFAIL(w, "image of P%u: %s", q->pid, vmm_system_error(w->sys));
    return true;
}

static bool r_spawn(struct rworld *w)
{
    struct rproc *q = &w->p[w->n];
    q->pid = w->next_pid++;
    q->shadow = malloc(shadow_bytes(w));
    if (!q->shadow)
        RFAIL(w, "out of memory");
    w->n++;
    if (vmm_process_spawn(w->sys, q->pid, "r") < 0)
        RFAIL(w, "spawn P%u: %s", q->pid, vmm_system_error(w->sys));
    return r_image(w, q);
}

/* Drops p[i] from the live set (the process already ended). */
static void r_forget(struct rworld *w, size_t i)
{
    free(w->p[i].shadow);
    w->p[i] = w->p[--w->n];
}

/* A reference that must neither fail nor kill. */
static bool r_ref(struct rworld *w, uint32_t pid, uint64_t addr, enum vmm_op op, size_t len)
{
    int r = vmm_access(w->sys, pid, addr, op, w->buf, len);
    if (r < 0 || r >= VMM_KILLED)
        RFAIL(w, "P%u %s 0x%" PRIx64 "+%zu: outcome %d %s", pid, op == VMM_WRITE ? "write" : "read",
              addr, len, r, r < 0 ? vmm_system_error(w->sys) : "");
    return true;
}

/* A random range [off, off+len) inside the first `pages` pages: mostly
 * small, often up to two pages (across a page boundary). */
static void r_range(struct rworld *w, uint64_t pages, uint64_t *off, size_t *len)
{
    uint64_t bytes = pages * w->ps;
    *off = below(w, bytes);
    uint64_t room = bytes - *off, max = below(w, 2) ? 64 : 2 * (uint64_t)w->ps;
    *len = (size_t)(1 + below(w, room < max ? room : max));
}

/* q reads or writes [off, off+len) of its heap or stack (offsets from the
 * heap's start, or the stack's floor); a write stores random bytes, a read
 * must match the shadow. A reference below the stack grows it. */
static bool r_access(struct rworld *w, struct rproc *q, enum area area, uint64_t off, size_t len,
                     enum vmm_op op)
{
    uint64_t addr = area == HEAP_AREA ? R_HEAP + off : stack_floor(w) + off;
    uint8_t *sh = q->shadow + (area == HEAP_AREA ? 0 : (size_t)R_PAGES * w->ps) + off;
    if (area == STACK_AREA && off / w->ps < q->lo) {
        q->lo = off / w->ps;
        w->growths++;
    }
    if (op == VMM_WRITE) {
        for (size_t j = 0; j < len; j++)
            w->buf[j] = (uint8_t)rnd(&w->rng);
        memcpy(sh, w->buf, len);
        return r_ref(w, q->pid, addr, VMM_WRITE, len);
    }
    memset(w->buf, 0x5A, len);
    if (!r_ref(w, q->pid, addr, VMM_READ, len))
        return false;
    for (size_t j = 0; j < len; j++)
        if (w->buf[j] != sh[j])
            RFAIL(w, "P%u read 0x%02x at 0x%" PRIx64 ", its shadow holds 0x%02x", q->pid, w->buf[j],
                  addr + j, sh[j]);
    return true;
}

/* The regions of every live process are where the test put them. */
static bool r_regions(struct rworld *w)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct rproc *q = &w->p[i];
        struct vmm_region_info ri[4];
        size_t n = vmm_regions_get(w->sys, q->pid, ri, 4);
        if (n != 4 || ri[0].obj != w->obj || ri[1].end != R_HEAP + q->len * w->ps ||
            ri[1].start != R_HEAP || ri[3].start != stack_floor(w) + q->lo * w->ps ||
            ri[3].end != R_STOP || !ri[3].grows_down || ri[1].grows_down)
            RFAIL(w,
                  "P%u: %zu regions; heap [0x%" PRIx64 ", 0x%" PRIx64 ") stack [0x%" PRIx64
                  ", 0x%" PRIx64 "); expected heap %" PRIu64 " pages, stack from page %" PRIu64,
                  q->pid, n, ri[1].start, ri[1].end, ri[3].start, ri[3].end, q->len, q->lo);
    }
    return true;
}

/* The counters agree with each other and with what the test did. */
static bool r_stats(struct rworld *w)
{
    struct vmm_stats st = gstats(w->sys);
    size_t n = vmm_proc_stats_get(w->sys, NULL, 0);
    struct vmm_proc_stats *all = calloc(n, sizeof *all);
    if (!all)
        RFAIL(w, "out of memory");
    vmm_proc_stats_get(w->sys, all, n);
    uint64_t cow = 0, zf = 0, pss = 0, resident = 0, live = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const struct vmm_proc_stats *s = &all[i];
        cow += s->cow_copies;
        zf += s->zero_fills;
        pss += s->pss_bytes;
        resident += s->resident_pages;
        live += s->live;
        ok = s->rss_anon + s->rss_file == s->resident_pages &&
             s->shared + s->private_pages == s->resident_pages && s->rss_shmem == 0 &&
             s->rss_file <= TPAGES && s->rss_anon + s->swapped_pages <= R_PAGES + S_PAGES &&
             (s->live || s->resident_pages + s->swapped_pages + s->pss_bytes == 0);
        if (!ok)
            test_fail(__FILE__, __LINE__,
                      "seed %" PRIu64 " step %d: P%u: resident %" PRIu64 " anon %" PRIu64
                      " file %" PRIu64 " shared %" PRIu64 " private %" PRIu64 " swapped %" PRIu64,
                      w->seed, w->step, s->pid, s->resident_pages, s->rss_anon, s->rss_file,
                      s->shared, s->private_pages, s->swapped_pages);
    }
    free(all);
    if (!ok)
        return false;
    /* Frames mapped by processes: all in use but the page cache's own. */
    uint64_t cached_only = st.page_cache_pages - st.page_cache_mapped;
    uint64_t bytes = (st.frames_used - cached_only) * w->ps;
    if (cow != st.cow_copies || zf != st.zero_fills)
        RFAIL(w, "per-process cow %" PRIu64 " zero-fill %" PRIu64 " != system %" PRIu64 " %" PRIu64,
              cow, zf, st.cow_copies, st.zero_fills);
    if (st.forks != w->forks || st.execs != w->execs || live != w->n ||
        st.stack_growths != w->growths)
        RFAIL(w,
              "forks %" PRIu64 "/%" PRIu64 " execs %" PRIu64 "/%" PRIu64 " live %" PRIu64
              "/%zu stack growths %" PRIu64 "/%" PRIu64,
              st.forks, w->forks, st.execs, w->execs, live, w->n, st.stack_growths, w->growths);
    if (st.frames_used > vmm_system_config(w->sys)->frames ||
        resident + cached_only < st.frames_used)
        RFAIL(w, "frames used %" PRIu64 ", resident pages %" PRIu64, st.frames_used, resident);
    if (pss > bytes || pss + live + 1 < bytes)
        RFAIL(w, "pss adds up to %" PRIu64 " bytes for %" PRIu64 " frames in use", pss,
              st.frames_used);
    if (st.page_faults != st.minor_faults + st.major_faults ||
        st.evictions != st.writebacks + st.writebacks_saved)
        RFAIL(w, "fault or eviction counters disagree");
    return r_regions(w);
}

/* An illegal write by q, which must kill it: past the heap or in the guard,
 * in the text, or below the stack's floor. */
static bool r_illegal(struct rworld *w, size_t i)
{
    struct rproc *q = &w->p[i];
    uint64_t ps = w->ps, at;
    switch (below(w, 3)) {
    case 0:
        at = R_HEAP + q->len * ps + below(w, (R_PAGES + 1 - q->len) * ps);
        break;
    case 1:
        at = R_TEXT + below(w, TPAGES * ps);
        break;
    default:
        at = stack_floor(w) - 1 - below(w, 4 * ps);
        break;
    }
    uint8_t b = 1;
    int r = vmm_access(w->sys, q->pid, at, VMM_WRITE, &b, 1);
    if (r != VMM_KILLED)
        RFAIL(w, "P%u write at 0x%" PRIx64 " (heap %" PRIu64 " pages): outcome %d", q->pid, at,
              q->len, r);
    struct vmm_proc_stats s = pstats(w->sys, q->pid);
    if (s.live || !s.killed || s.resident_pages || s.swapped_pages || s.kill_addr != at)
        RFAIL(w, "P%u killed but still holds memory, or the wrong address", q->pid);
    r_forget(w, i);
    return true;
}

/* One random operation. */
static bool r_op(struct rworld *w)
{
    if (w->n == 0)
        return r_spawn(w);
    size_t i = (size_t)below(w, w->n);
    struct rproc *q = &w->p[i];
    uint64_t k = below(w, 100), off;
    size_t len;
    if (k < 57) { /* write or read, heap or stack */
        enum area area = below(w, 4) ? HEAP_AREA : STACK_AREA;
        r_range(w, area == HEAP_AREA ? q->len : S_PAGES, &off, &len);
        return r_access(w, q, area, off, len, k < 31 ? VMM_WRITE : VMM_READ);
    }
    if (k < 65) { /* text reads zero */
        r_range(w, TPAGES, &off, &len);
        memset(w->buf, 0x5A, len);
        if (!r_ref(w, q->pid, R_TEXT + off, below(w, 2) ? VMM_EXEC : VMM_READ, len))
            return false;
        for (size_t j = 0; j < len; j++)
            if (w->buf[j])
                RFAIL(w, "P%u text+0x%" PRIx64 " reads 0x%02x", q->pid, off + j, w->buf[j]);
        return true;
    }
    if (k < 73) { /* fork */
        if (w->n == R_PROCS)
            return true;
        struct rproc *c = &w->p[w->n];
        *c = *q;
        c->pid = w->next_pid++;
        c->shadow = malloc(shadow_bytes(w));
        if (!c->shadow)
            RFAIL(w, "out of memory");
        memcpy(c->shadow, q->shadow, shadow_bytes(w));
        w->n++;
        w->forks++;
        if (vmm_process_fork(w->sys, q->pid, c->pid) < 0)
            RFAIL(w, "fork P%u -> P%u: %s", q->pid, c->pid, vmm_system_error(w->sys));
        return true;
    }
    if (k < 78) { /* exit */
        if (vmm_process_exit(w->sys, q->pid) < 0)
            RFAIL(w, "exit P%u: %s", q->pid, vmm_system_error(w->sys));
        r_forget(w, i);
        return true;
    }
    if (k < 82) { /* exec */
        w->execs++;
        if (vmm_process_exec(w->sys, q->pid, "x") < 0)
            RFAIL(w, "exec P%u: %s", q->pid, vmm_system_error(w->sys));
        if (vmm_regions_get(w->sys, q->pid, NULL, 0) != 0)
            RFAIL(w, "P%u keeps regions after exec", q->pid);
        return r_image(w, q);
    }
    if (k < 90) { /* brk */
        uint64_t len2 = 1 + below(w, R_PAGES + 1);
        int r = vmm_region_resize(w->sys, q->pid, R_HEAP, len2 * w->ps - below(w, w->ps));
        if (len2 > R_PAGES) {
            if (r != VMM_EEXIST)
                RFAIL(w, "P%u heap grew into the guard: %d", q->pid, r);
            return true;
        }
        if (r < 0)
            RFAIL(w, "resize P%u to %" PRIu64 " pages: %s", q->pid, len2, vmm_system_error(w->sys));
        if (len2 < q->len)
            memset(q->shadow + len2 * w->ps, 0, (size_t)((q->len - len2) * w->ps));
        q->len = len2;
        return true;
    }
    if (k < 93) { /* the heap unmapped and mapped again */
        uint64_t len2 = 1 + below(w, R_PAGES);
        if (vmm_region_remove(w->sys, q->pid, R_HEAP) < 0 ||
            vmm_region_add(w->sys, q->pid, "heap", R_HEAP, len2 * w->ps, RW) < 0)
            RFAIL(w, "P%u heap again: %s", q->pid, vmm_system_error(w->sys));
        memset(q->shadow, 0, (size_t)R_PAGES * w->ps);
        q->len = len2;
        return true;
    }
    if (k < 96)
        return r_illegal(w, i);
    /* the whole heap and stack read back */
    return r_access(w, q, HEAP_AREA, 0, (size_t)(q->len * w->ps), VMM_READ) &&
           r_access(w, q, STACK_AREA, 0, (size_t)S_PAGES * w->ps, VMM_READ);
}

static const char *const r_policies[] = {"lru",   "fifo", "clock",  "eclock",
                                         "aging", "nru",  "random", "lfu"};

static bool r_seed(uint64_t seed)
{
    struct rworld *w = calloc(1, sizeof *w);
    if (!w) {
        test_fail(__FILE__, __LINE__, "out of memory");
        return false;
    }
    w->seed = seed;
    w->rng = seed * 0x5851F42D4C957F2Dull + 17;
    w->next_pid = 1;
    w->step = -1;
    struct vmm_config c;
    vmm_config_default(&c);
    /* One seed in four runs the short path of hits (no checker, no TLB);
     * the checker still runs after every operation. */
    c.check = seed % 4 != 1;
    c.seed = seed;
    c.frames = 1 + below(w, 12);
    c.page_size = below(w, 2) ? 512 : 4096;
    c.policy = r_policies[seed % 8];
    c.tlb_entries = seed % 3 == 0 && c.check ? (below(w, 2) ? 4 : 8) : 0;
    c.tlb_ways = 2;
    w->ps = c.page_size;
    char err[512];
    bool ok = false;
    if (vmm_system_create(&c, &w->sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "seed %" PRIu64 ": create: %s", seed, err);
        free(w);
        return false;
    }
    if (vmm_object_create(w->sys, "prog", TPAGES * (uint64_t)w->ps, &w->obj) < 0) {
        test_fail(__FILE__, __LINE__, "object: %s", vmm_system_error(w->sys));
        goto out;
    }
    for (w->step = 0; w->step < R_OPS; w->step++) {
        if (!r_op(w))
            goto out;
        if (vmm_system_check(w->sys) != 0) {
            test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d: invariant: %s", seed, w->step,
                      vmm_system_error(w->sys));
            goto out;
        }
        if (w->step % 8 == 0 && !r_stats(w))
            goto out;
    }
    /* Everything of every live process read back, then every process ends:
     * nothing is left. */
    for (size_t i = 0; i < w->n; i++)
        if (!r_access(w, &w->p[i], HEAP_AREA, 0, (size_t)(w->p[i].len * w->ps), VMM_READ) ||
            !r_access(w, &w->p[i], STACK_AREA, 0, (size_t)S_PAGES * w->ps, VMM_READ))
            goto out;
    if (!r_stats(w))
        goto out;
    while (w->n) {
        if (vmm_process_exit(w->sys, w->p[0].pid) < 0) {
            test_fail(__FILE__, __LINE__, "seed %" PRIu64 ": exit: %s", seed,
                      vmm_system_error(w->sys));
            goto out;
        }
        r_forget(w, 0);
    }
    struct vmm_stats st = gstats(w->sys);
    /* Only the page cache's own pages (text mapped by no one) are left. */
    if (st.frames_used != st.page_cache_pages || st.page_cache_mapped || st.swap_slots_used ||
        vmm_system_check(w->sys) != 0) {
        test_fail(__FILE__, __LINE__,
                  "seed %" PRIu64 ": after every exit: %" PRIu64 " frames, %" PRIu64
                  " slots in use; check: %s",
                  seed, st.frames_used, st.swap_slots_used, vmm_system_error(w->sys));
        goto out;
    }
    ok = true;
out:
    while (w->n)
        r_forget(w, 0);
    vmm_system_destroy(w->sys);
    free(w);
    return ok;
}

TEST(share_random_differential)
{
    for (uint64_t seed = 1; seed <= R_SEEDS; seed++)
        if (!r_seed(seed))
            return;
}
