/*
 * test_report.c - the reports of sharing: the explain log's narration of
 * page-cache and swap-cache hits, file reads, copy-on-write, fork, exec and
 * stack growth; the summary's lines for them; the per-process memory figures
 * (RSS = anon + file = shared + USS, PSS) in the table and in JSON.
 *
 * The scenarios are built with the library API, so they do not depend on the
 * workload language; each expected number is derived in a comment.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

#define CHECK_HAS(hay, needle)                                                                     \
    do {                                                                                           \
        if (!strstr((hay), (needle))) {                                                            \
            test_fail(__FILE__, __LINE__, "missing \"%s\" in:\n%s", (needle), (hay));              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_LACKS(hay, needle)                                                                   \
    do {                                                                                           \
        if (strstr((hay), (needle))) {                                                             \
            test_fail(__FILE__, __LINE__, "unexpected \"%s\" in:\n%s", (needle), (hay));           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define TEXT  0x400000ull
#define HEAP  0x600000ull
#define STACK 0x7fff0000ull
#define RW    (VMM_PROT_READ | VMM_PROT_WRITE)

/* An in-memory stream and what was written to it. */
struct sink {
    FILE *f;
    char *buf;
    size_t len;
};

static bool sink_open(struct sink *s)
{
    memset(s, 0, sizeof *s);
    s->f = open_memstream(&s->buf, &s->len);
    return s->f != NULL;
}

static const char *sink_text(struct sink *s)
{
    fflush(s->f);
    return s->buf ? s->buf : "";
}

static void sink_close(struct sink *s)
{
    if (s->f)
        fclose(s->f);
    free(s->buf);
}

static struct vmm_system *mk(uint64_t frames)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.tlb_entries = 0;
    c.check = true;
    struct vmm_system *sys = NULL;
    char err[512];
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    return sys;
}

/* pid runs "editor": its text mapped from object obj, a heap, a stack. */
static int editor(struct vmm_system *sys, uint32_t pid, uint32_t obj)
{
    int r = vmm_process_spawn(sys, pid, "editor");
    if (r == 0)
        r = vmm_region_map(sys, pid, "text", TEXT, 8192, VMM_PROT_READ | VMM_PROT_EXEC,
                           VMM_MAP_PRIVATE, obj, 0);
    if (r == 0)
        r = vmm_region_add(sys, pid, "heap", HEAP, 16384, RW);
    if (r == 0)
        r = vmm_region_add(sys, pid, "stack", STACK, 4096, RW);
    if (r == 0)
        r = vmm_region_grows_down(sys, pid, STACK, 65536);
    return r;
}

/* A reference that must not fail or kill; returns its outcome. */
#define ACCESS(sys, pid, addr, op, want)                                                           \
    do {                                                                                           \
        int r_ = vmm_access((sys), (pid), (addr), (op), NULL, 8);                                  \
        if (r_ != (want)) {                                                                        \
            test_fail(__FILE__, __LINE__, "P%u 0x%llx: outcome %d, expected %d (%s)", (pid),       \
                      (unsigned long long)(addr), r_, (want), vmm_system_error(sys));              \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

static const struct vmm_proc_stats *find(const struct vmm_proc_stats *ps, size_t n, uint32_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (ps[i].pid == pid)
            return &ps[i];
    return NULL;
}

/*
 * The identities docs/metrics.md states, for every process:
 *   RSS = anon + file + shmem = shared + USS,  USS <= PSS <= RSS,
 * and the sum of PSS = frames in use x page size, less what rounding each
 * process's PSS down to bytes loses (under a byte each).
 */
static bool identities_hold(struct vmm_system *sys, int line)
{
    struct vmm_proc_stats ps[16];
    struct vmm_stats st;
    size_t n = vmm_proc_stats_get(sys, ps, 16);
    uint64_t ps_bytes = vmm_system_config(sys)->page_size, pss = 0;
    vmm_stats_get(sys, &st);
    for (size_t i = 0; i < n && i < 16; i++) {
        const struct vmm_proc_stats *p = &ps[i];
        uint64_t rss = p->resident_pages;
        if (p->rss_anon + p->rss_file + p->rss_shmem != rss ||
            p->shared + p->private_pages != rss || p->private_pages * ps_bytes > p->pss_bytes ||
            p->pss_bytes > rss * ps_bytes) {
            test_fail(__FILE__, line,
                      "P%u: rss %" PRIu64 " anon %" PRIu64 " file %" PRIu64 " shared %" PRIu64
                      " private %" PRIu64 " pss %" PRIu64,
                      p->pid, rss, p->rss_anon, p->rss_file, p->shared, p->private_pages,
                      p->pss_bytes);
            return false;
        }
        pss += p->pss_bytes;
    }
    uint64_t used = st.frames_used * ps_bytes;
    if (pss > used || used - pss >= n + 1) {
        test_fail(__FILE__, line, "sum of PSS %" PRIu64 " != frames in use x page size %" PRIu64,
                  pss, used);
        return false;
    }
    return true;
}

/*
 * Two editors share text, P1 forks P3, P3 writes the shared heap page (a
 * copy), P1 writes it (no longer shared: made writable), P1 grows its stack,
 * then P3 execs another program. 8 frames: nothing is evicted.
 */
TEST(report_shared_text_fork_cow_exec)
{
    struct sink log, txt, js;
    if (!sink_open(&log) || !sink_open(&txt) || !sink_open(&js)) {
        SKIP("open_memstream failed");
        return;
    }
    struct vmm_system *sys = mk(8);
    if (!sys)
        goto out;
    uint32_t obj = 0;
    CHECK_EQ_I64(vmm_object_create(sys, "editor", 8192, &obj), 0);
    CHECK_EQ_I64(vmm_explain_attach(sys, log.f), 0);
    CHECK_EQ_I64(editor(sys, 1, obj), 0);
    CHECK_EQ_I64(editor(sys, 2, obj), 0);

    ACCESS(sys, 1, TEXT, VMM_EXEC, VMM_FAULT_MAJOR);              /* file read, frame 0 */
    ACCESS(sys, 2, TEXT, VMM_EXEC, VMM_FAULT_MINOR);              /* page-cache hit */
    ACCESS(sys, 1, HEAP, VMM_WRITE, VMM_FAULT_MINOR);             /* zero-fill, frame 1 */
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 3), 0);                 /* P3 maps frames 0 and 1 */
    ACCESS(sys, 3, HEAP, VMM_WRITE, VMM_FAULT_MINOR);             /* copy frame 1 to frame 2 */
    ACCESS(sys, 1, HEAP, VMM_WRITE, VMM_FAULT_MINOR);             /* frame 1 is P1's alone */
    ACCESS(sys, 1, STACK - 4096 + 8, VMM_WRITE, VMM_FAULT_MINOR); /* grow; zero-fill frame 3 */

    /* Memory now. Frame 0 (text) is mapped by P1, P2, P3: a third of 4096
     * bytes each, 1365 after rounding down. P1: text + heap + stack
     * = 1365 + 8192 = 9557; P2: 1365; P3: text + its copy = 5461. */
    struct vmm_proc_stats ps[3];
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 3), 3);
    const struct vmm_proc_stats *p1 = find(ps, 3, 1), *p2 = find(ps, 3, 2), *p3 = find(ps, 3, 3);
    CHECK(p1 && p2 && p3);
    CHECK_EQ_U64(p1->rss_anon, 2);
    CHECK_EQ_U64(p1->rss_file, 1);
    CHECK_EQ_U64(p1->shared, 1);
    CHECK_EQ_U64(p1->private_pages, 2);
    CHECK_EQ_U64(p1->pss_bytes, 9557);
    CHECK_EQ_U64(p2->pss_bytes, 1365);
    CHECK_EQ_U64(p3->pss_bytes, 5461);
    CHECK_EQ_U64(p3->ppid, 1);
    CHECK_EQ_U64(p3->cow_copies, 1);
    CHECK_EQ_U64(p1->zero_fills, 2);
    CHECK(identities_hold(sys, __LINE__));

    vmm_report_text(sys, NULL, txt.f);
    const char *t = sink_text(&txt);
    CHECK_HAS(t, "zero-fills                  2   minor faults handing out a new zeroed page\n");
    CHECK_HAS(t, "page-cache hits             1   minor faults on pages already in the page "
                 "cache; file reads 1 (major)\n");
    CHECK_HAS(t, "copy-on-write               1   pages copied; 1 made writable in place");
    CHECK_HAS(t, "forks                       1   execs 0; processes created 3\n");
    CHECK_HAS(t, "stack growths               1");
    CHECK_LACKS(t, "swap-cache hits");
    CHECK_HAS(t, "processes; memory in KiB (pages of 4 KiB): RSS = anon + file = shared + USS\n"
                 "pid  ppid  name    references  minor  major  zero-fill  CoW  RSS  anon  file  "
                 "shared  PSS  USS  swap  state\n"
                 "  1     -  editor           4      3      1          2    0   12     8     4  "
                 "     4  9.3    8     0  running\n"
                 "  2     -  editor           1      1      0          0    0    4     0     4  "
                 "     4  1.3    0     0  running\n"
                 "  3     1  editor           1      1      0          0    1    8     4     4  "
                 "     4  5.3    4     0  running\n");

    vmm_report_json(sys, NULL, js.f);
    const char *j = sink_text(&js);
    CHECK_HAS(j, "\"cow_copies\": 1,\n  \"cow_reuses\": 1,\n  \"page_cache_hits\": 1,\n"
                 "  \"swap_cache_hits\": 0,\n  \"file_reads\": 1,\n  \"forks\": 1,\n"
                 "  \"execs\": 0,\n  \"stack_growths\": 1,\n  \"processes_created\": 3,\n");
    CHECK_HAS(j, "\"ppid\": 1, \"zero_fills\": 0, \"cow_copies\": 1, \"rss_anon_pages\": 1, "
                 "\"rss_file_pages\": 1, \"rss_shmem_pages\": 0, \"shared_pages\": 1, "
                 "\"private_pages\": 1, \"pss_bytes\": 5461, \"swap_pages\": 0");

    /* exec drops P3's image: the text is shared by two now, half a page each. */
    CHECK_EQ_I64(vmm_process_exec(sys, 3, "shell"), 0);
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 3), 3);
    CHECK_EQ_U64(find(ps, 3, 1)->pss_bytes, 2048 + 8192);
    CHECK_EQ_U64(find(ps, 3, 2)->pss_bytes, 2048);
    CHECK(identities_hold(sys, __LINE__));

    const char *l = sink_text(&log);
    CHECK_HAS(l, "#1 P1 X 0x400000: walk: PTE invalid; page fault; legal (text); free frame 0; "
                 "read page of editor into frame 0; PTE valid; restart: hit\n");
    CHECK_HAS(l, "#2 P2 X 0x400000: walk: PTE invalid; page fault; legal (text); found in the "
                 "page cache (frame 0); PTE valid; restart: hit\n");
    CHECK_HAS(l, "P1 forks P3: P3 maps the same 2 resident pages (writable ones now "
                 "copy-on-write in both) and 0 swapped ones\n");
    CHECK_HAS(l, "#4 P3 W 0x600000: walk: PTE valid (frame 1); page fault; legal (heap); free "
                 "frame 2; copy-on-write: copied frame 1 to frame 2; PTE valid; restart: hit\n");
    CHECK_HAS(l, "#5 P1 W 0x600000: walk: PTE valid (frame 1); page fault; legal (heap); "
                 "copy-on-write: page no longer shared, made writable; restart: hit\n");
    CHECK_HAS(l, "#6 P1 W 0x7ffef008: walk: PTE invalid; page fault; stack grows down to "
                 "0x7ffef000; legal (stack);");
    CHECK_HAS(l, "P3 execs shell: its old image is dropped");
out:
    vmm_system_destroy(sys);
    sink_close(&log);
    sink_close(&txt);
    sink_close(&js);
}

/*
 * Copy-on-write of swapped pages, with 2 frames (LRU): P1 writes heap pages
 * 0-3, so pages 0 and 1 go to slots 0 and 1. P1 forks P2: both PTEs of each
 * swapped page name its slot. P2 reads page 0 (read into a frame, which keeps
 * slot 0: the swap cache); P1 then finds it there. P2 writes page 1, whose
 * slot P1 still holds: the read is a private copy.
 */
TEST(report_swap_cache_and_cow_from_swap)
{
    struct sink log, txt;
    if (!sink_open(&log) || !sink_open(&txt)) {
        SKIP("open_memstream failed");
        return;
    }
    struct vmm_system *sys = mk(2);
    if (!sys)
        goto out;
    CHECK_EQ_I64(vmm_explain_attach(sys, log.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 16384, RW), 0);
    for (uint64_t i = 0; i < 4; i++)
        ACCESS(sys, 1, HEAP + i * 4096, VMM_WRITE, VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    ACCESS(sys, 2, HEAP, VMM_READ, VMM_FAULT_MAJOR);
    ACCESS(sys, 1, HEAP, VMM_READ, VMM_FAULT_MINOR);
    CHECK(identities_hold(sys, __LINE__));
    ACCESS(sys, 2, HEAP + 4096, VMM_WRITE, VMM_FAULT_MAJOR);
    CHECK(identities_hold(sys, __LINE__));

    const char *l = sink_text(&log);
    CHECK_HAS(l, "P1 forks P2: P2 maps the same 2 resident pages (writable ones now "
                 "copy-on-write in both) and 2 swapped ones\n");
    CHECK_HAS(l, "#6 P1 R 0x600000: walk: PTE invalid; page fault; legal (heap); found in the "
                 "swap cache (slot 0, frame 0); PTE valid; restart: hit\n");
    CHECK_HAS(l, "read page from swap slot 1 into frame 1; copy-on-write: copied from swap "
                 "slot 1 into frame 1 (the slot stays with its other holders); PTE valid;");

    vmm_report_text(sys, NULL, txt.f);
    const char *t = sink_text(&txt);
    CHECK_HAS(t, "swap-cache hits             1");
    CHECK_HAS(t, "copy-on-write               1   pages copied; 0 made writable in place");
out:
    vmm_system_destroy(sys);
    sink_close(&log);
    sink_close(&txt);
}

/* A plain replay's summary has none of the sharing lines (they would be noise). */
TEST(report_plain_run_has_no_sharing_lines)
{
    struct sink txt;
    if (!sink_open(&txt)) {
        SKIP("open_memstream failed");
        return;
    }
    struct vmm_system *sys = mk(2);
    if (!sys)
        goto out;
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 16384, RW), 0);
    for (uint64_t i = 0; i < 4; i++)
        ACCESS(sys, 1, HEAP + i * 4096, VMM_WRITE, VMM_FAULT_MINOR);
    vmm_report_text(sys, NULL, txt.f);
    const char *t = sink_text(&txt);
    CHECK_LACKS(t, "zero-fills");
    CHECK_LACKS(t, "copy-on-write");
    CHECK_LACKS(t, "page-cache");
    CHECK_LACKS(t, "forks");
    CHECK_LACKS(t, "ppid");
    CHECK_HAS(t, "  1  a              4      4      0          4    0    8     8     0       0"
                 "  8.0    8     8  running\n");
out:
    vmm_system_destroy(sys);
    sink_close(&txt);
}
