/*
 * test_report.c - the reports of sharing: the explain log's narration of
 * page-cache and swap-cache hits, file reads, copy-on-write, fork, exec and
 * stack growth; the summary's lines for them; the per-process memory figures
 * (RSS = anon + file = shared + USS, PSS) in the table and in JSON.
 *
 * Also the page cache and mapped files: shared memory, a host file mapped
 * shared and written, msync, munmap, write-back on eviction, pages only the
 * page cache holds; the out-of-memory killer, I/O errors and bus errors; and
 * that a plain run shows none of their lines.
 *
 * The scenarios are built with the library API, so they do not depend on the
 * workload language; each expected number is derived in a comment.
 */
#include "harness.h"
#include "vmm.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

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

/* The tests' configuration: frames frames, no TLB, the checker on. */
static void cfg_of(struct vmm_config *c, uint64_t frames)
{
    vmm_config_default(c);
    c->frames = frames;
    c->tlb_entries = 0;
    c->check = true;
}

static struct vmm_system *mk_cfg(const struct vmm_config *c)
{
    struct vmm_system *sys = NULL;
    char err[512];
    if (vmm_system_create(c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "create: %s", err);
        return NULL;
    }
    return sys;
}

static struct vmm_system *mk(uint64_t frames)
{
    struct vmm_config c;
    cfg_of(&c, frames);
    return mk_cfg(&c);
}

/* A host file for a test: dir is a fresh directory under /tmp, path the file
 * in it. */
struct host_file {
    char dir[64];
    char path[96];
};

/* Creates the file with pages pages of 4 KiB, byte i holding 'a' + its page
 * number, and returns a descriptor open read-write, or -1. */
static int host_file_make(struct host_file *h, unsigned pages)
{
    snprintf(h->dir, sizeof h->dir, "/tmp/vmm-report-XXXXXX");
    h->path[0] = '\0';
    if (!mkdtemp(h->dir)) {
        h->dir[0] = '\0';
        return -1;
    }
    snprintf(h->path, sizeof h->path, "%s/data", h->dir);
    int fd = open(h->path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    char page[4096];
    for (unsigned i = 0; i < pages; i++) {
        memset(page, 'a' + (int)i, sizeof page);
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static void host_file_remove(struct host_file *h)
{
    if (h->path[0])
        unlink(h->path);
    if (h->dir[0])
        rmdir(h->dir);
}

/* What the mapped-file tests share: three sinks (explain log, text, JSON), a
 * 3-page host file, and a system of `frames` frames holding it as an object. */
struct file_fx {
    struct sink log, txt, js;
    struct host_file h;
    struct vmm_system *sys;
    uint32_t file; /* the file's object */
};

static void file_fx_close(struct file_fx *x)
{
    vmm_system_destroy(x->sys);
    host_file_remove(&x->h);
    sink_close(&x->log);
    sink_close(&x->txt);
    sink_close(&x->js);
}

/* Sets x up; false (the test skipped or failed, x closed) if it could not. */
static bool file_fx_open(struct file_fx *x, uint64_t frames)
{
    memset(x, 0, sizeof *x);
    if (!sink_open(&x->log) || !sink_open(&x->txt) || !sink_open(&x->js)) {
        file_fx_close(x);
        test_skip("open_memstream failed");
        return false;
    }
    int fd = host_file_make(&x->h, 3);
    if (fd < 0) {
        test_fail(__FILE__, __LINE__, "cannot make a file under /tmp");
    } else if ((x->sys = mk(frames)) == NULL) {
        close(fd);
    } else if (vmm_object_file(x->sys, "data", fd, true, &x->file) < 0) {
        test_fail(__FILE__, __LINE__, "%s", vmm_system_error(x->sys));
    } else {
        return true;
    }
    file_fx_close(x);
    return false;
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
 * and the sum of PSS = (frames in use - pages only the page cache holds) x
 * page size, less what rounding each process's PSS down to bytes loses
 * (under a byte each).
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
    uint64_t used = (st.frames_used - (st.page_cache_pages - st.page_cache_mapped)) * ps_bytes;
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
    CHECK_LACKS(t, "page cache ");
    CHECK_LACKS(t, "file write-backs");
    CHECK_LACKS(t, "bus errors");
    CHECK_LACKS(t, "OOM kills");
    CHECK_LACKS(t, "I/O errors");
    CHECK_LACKS(t, "shmem");
    CHECK_HAS(t, "  1  a              4      4      0          4    0    8     8     0       0"
                 "  8.0    8     8  running\n");
out:
    vmm_system_destroy(sys);
    sink_close(&txt);
}

#define SHM1  0x10000000ull /* P1's mapping of the shared memory */
#define SHM2  0x20000000ull /* P2's */
#define FILEA 0x30000000ull /* P1's shared mapping of the file */

/*
 * Shared memory and a shared file mapping, 8 frames (nothing is evicted).
 * P1 and P2 map 2 pages of shared memory; P1 maps the 3-page file shared,
 * writes pages 0 and 1, reads page 2, msyncs (2 pages written), writes page 0
 * again (dirty once more) and unmaps the file (1 page written). The file's 3
 * pages stay in the page cache, which no process maps any more.
 */
TEST(report_shared_memory_and_mapped_file)
{
    struct file_fx x;
    if (!file_fx_open(&x, 8))
        return;
    struct vmm_system *sys = x.sys;
    uint32_t shm = 0, file = x.file;
    CHECK_EQ_I64(vmm_object_shmem(sys, "shm", 8192, &shm), 0);
    CHECK_EQ_I64(vmm_explain_attach(sys, x.log.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "shm", SHM1, 8192, RW, VMM_MAP_SHARED, shm, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "shm", SHM2, 8192, RW, VMM_MAP_SHARED, shm, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "map", FILEA, 3 * 4096, RW, VMM_MAP_SHARED, file, 0), 0);

    ACCESS(sys, 1, SHM1, VMM_WRITE, VMM_FAULT_MINOR);        /* zero-fill, frame 0 */
    ACCESS(sys, 2, SHM2, VMM_READ, VMM_FAULT_MINOR);         /* the same page: page cache */
    ACCESS(sys, 2, SHM2 + 4096, VMM_WRITE, VMM_FAULT_MINOR); /* zero-fill, frame 1 */
    CHECK_EQ_I64(vmm_access(sys, 1, FILEA, VMM_WRITE, "hello", 5), VMM_FAULT_MAJOR); /* frame 2 */
    ACCESS(sys, 1, FILEA + 4096, VMM_WRITE, VMM_FAULT_MAJOR);    /* read, frame 3 */
    ACCESS(sys, 1, FILEA + 2 * 4096, VMM_READ, VMM_FAULT_MAJOR); /* read, frame 4 */

    uint64_t written = 0;
    CHECK_EQ_I64(vmm_region_sync(sys, 1, FILEA, false, &written), 0);
    CHECK_EQ_U64(written, 2); /* pages 0 and 1; page 2 was only read */
    char got[6] = "";
    int rfd = open(x.h.path, O_RDONLY);
    CHECK(rfd >= 0);
    ssize_t n = pread(rfd, got, 5, 0);
    close(rfd);
    CHECK_EQ_I64(n, 5);
    CHECK_STR_EQ(got, "hello");                /* msync reached the file */
    ACCESS(sys, 1, FILEA, VMM_WRITE, VMM_HIT); /* still mapped writable: dirty again */

    /* 5 frames hold object pages (2 shared memory, 3 file), all mapped; file
     * page 0 is dirty again. */
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.page_cache_pages, 5);
    CHECK_EQ_U64(st.page_cache_mapped, 5);
    CHECK_EQ_U64(st.dirty_pages, 1);
    CHECK_EQ_U64(st.file_writes[VMM_WB_MSYNC], 2);

    CHECK_EQ_I64(vmm_region_remove(sys, 1, FILEA), 0); /* writes page 0 back */
    CHECK(identities_hold(sys, __LINE__));

    /* The page cache: still 5 pages, 2 mapped (shared memory), 3 cached only,
     * none dirty. Write-backs: msync 2 + munmap 1. The backing store was read
     * 3 times (the file's pages; shared memory is zero-filled) and written 3
     * times. P1 maps shared-memory page 0 (shared with P2: PSS half a page);
     * P2 maps pages 0 and 1 (PSS 2048 + 4096). */
    vmm_report_text(sys, NULL, x.txt.f);
    const char *t = sink_text(&x.txt);
    CHECK_HAS(t, "page cache                  5   pages now: mapped 2, cached only 3; dirty 0 "
                 "(not yet written back)\n");
    CHECK_HAS(t,
              "file write-backs            3   evict 0, msync 2, munmap 1, exit 0, periodic 0\n");
    CHECK_HAS(t, "page-cache hits             1   minor faults on pages already in the page "
                 "cache; file reads 3 (major)\n");
    CHECK_LACKS(t, "bus errors");
    CHECK_LACKS(t, "OOM kills");
    CHECK_LACKS(t, "I/O errors");
    CHECK_HAS(t, "processes; memory in KiB (pages of 4 KiB): RSS = anon + file + shmem = shared "
                 "+ USS\n"
                 "pid  name  references  minor  major  zero-fill  CoW  RSS  anon  file  shmem  "
                 "shared  PSS  USS  swap  state\n"
                 "  1  a              5      1      3          1    0    4     0     0      4  "
                 "     4  2.0    0     0  running\n"
                 "  2  b              2      2      0          1    0    8     0     0      8  "
                 "     4  6.0    4     0  running\n");

    vmm_report_json(sys, NULL, x.js.f);
    const char *j = sink_text(&x.js);
    CHECK_HAS(j, "  \"file_writes\": {\"evict\": 0, \"msync\": 2, \"munmap\": 1, \"exit\": 0, "
                 "\"periodic\": 0},\n  \"page_cache_pages\": 5,\n  \"page_cache_mapped\": 2,\n"
                 "  \"dirty_pages\": 0,\n  \"bus_errors\": 0,\n  \"oom_kills\": 0,\n"
                 "  \"io_errors\": 0,\n  \"io_reads\": 3,\n  \"io_writes\": 3,\n");
    CHECK_HAS(j, "\"rss_anon_pages\": 0, \"rss_file_pages\": 0, \"rss_shmem_pages\": 1, "
                 "\"shared_pages\": 1, \"private_pages\": 0, \"pss_bytes\": 2048");
    CHECK_HAS(j, "\"rss_anon_pages\": 0, \"rss_file_pages\": 0, \"rss_shmem_pages\": 2, "
                 "\"shared_pages\": 1, \"private_pages\": 1, \"pss_bytes\": 6144");

    const char *l = sink_text(&x.log);
    CHECK_HAS(l, "#2 P2 R 0x20000000: walk: PTE invalid; page fault; legal (shm); found in the "
                 "page cache (frame 0); PTE valid; restart: hit\n");
    CHECK_HAS(l, "page 0 of file data written back from frame 2 (msync)\n"
                 "page 1 of file data written back from frame 3 (msync)\n");
    CHECK_HAS(l, "page 0 of file data written back from frame 2 (munmap)\n");
out:
    file_fx_close(&x);
}

#define FILEB 0x40000000ull /* a second mapping of the file, reaching past its end */

/*
 * Eviction of a file's pages, 2 frames (LRU). P1 maps the 3-page file shared
 * and writes pages 0 and 1 (frames 0 and 1); reading page 2 evicts page 0,
 * dirty, which goes back to the file. Unmapping writes page 1 back; both
 * frames are then held only by the page cache, and a heap write evicts the
 * older, page 1 (clean: dropped). Last, P1 maps the file over 4 pages and
 * touches the 4th, wholly beyond the end: a bus error.
 */
TEST(report_file_eviction_and_bus_error)
{
    struct file_fx x;
    if (!file_fx_open(&x, 2))
        return;
    struct vmm_system *sys = x.sys;
    uint32_t file = x.file;
    CHECK_EQ_I64(vmm_explain_attach(sys, x.log.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "map", FILEA, 3 * 4096, RW, VMM_MAP_SHARED, file, 0), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 4096, RW), 0);

    ACCESS(sys, 1, FILEA, VMM_WRITE, VMM_FAULT_MAJOR);
    ACCESS(sys, 1, FILEA + 4096, VMM_WRITE, VMM_FAULT_MAJOR);
    ACCESS(sys, 1, FILEA + 2 * 4096, VMM_READ, VMM_FAULT_MAJOR);
    CHECK_EQ_I64(vmm_region_remove(sys, 1, FILEA), 0);
    ACCESS(sys, 1, HEAP, VMM_WRITE, VMM_FAULT_MINOR);
    CHECK(identities_hold(sys, __LINE__));
    CHECK_EQ_I64(vmm_region_map(sys, 1, "map2", FILEB, 4 * 4096, RW, VMM_MAP_SHARED, file, 0), 0);
    ACCESS(sys, 1, FILEB + 3 * 4096, VMM_READ, VMM_KILLED);

    const char *l = sink_text(&x.log);
    CHECK_HAS(l, "#3 P1 R 0x30002000: walk: PTE invalid; page fault; legal (map); no free frame; "
                 "victim frame 0 = page 0 of file data, mapped by P1 page 0x30000 (dirty): write "
                 "back to file data; read page of data into frame 0; PTE valid; restart: hit\n");
    CHECK_HAS(l, "page 1 of file data written back from frame 1 (munmap)\n");
    CHECK_HAS(l, "#4 P1 W 0x600000: walk: PTE invalid; page fault; legal (heap); no free frame; "
                 "victim frame 1 = page 1 of file data, held only by the page cache (clean): "
                 "dropped without a write; zero-fill frame 1; PTE valid; restart: hit\n");
    CHECK_HAS(l, "bus error: 0x40003000 in map2 is beyond the end of file data (12288 bytes); "
                 "P1 terminated\n");
    CHECK_LACKS(l, "P0");

    /* Frame 0 still caches file page 2, which no one maps; the heap page
     * went with P1. Evictions: page 0 written back, page 1 dropped. The file
     * was read 3 times and written twice (evict, munmap). */
    vmm_report_text(sys, NULL, x.txt.f);
    const char *t = sink_text(&x.txt);
    CHECK_HAS(t, "evictions                   2   dirty, written back 1; clean, write-backs the "
                 "dirty bit saved 1\n");
    CHECK_HAS(t, "page cache                  1   pages now: mapped 0, cached only 1; dirty 0 "
                 "(not yet written back)\n");
    CHECK_HAS(t,
              "file write-backs            2   evict 1, msync 0, munmap 1, exit 0, periodic 0\n");
    CHECK_HAS(t, "bus errors                  1   processes killed touching a page beyond the end "
                 "of a file\n");
    CHECK_LACKS(t, "segfaults");
    CHECK_LACKS(t, "shmem");
    CHECK_HAS(t, "killed: bus error: 0x40003000 in map2 is beyond the end of file data");

    vmm_report_json(sys, NULL, x.js.f);
    const char *j = sink_text(&x.js);
    CHECK_HAS(j, "  \"file_writes\": {\"evict\": 1, \"msync\": 0, \"munmap\": 1, \"exit\": 0, "
                 "\"periodic\": 0},\n  \"page_cache_pages\": 1,\n  \"page_cache_mapped\": 0,\n"
                 "  \"dirty_pages\": 0,\n  \"bus_errors\": 1,\n  \"oom_kills\": 0,\n"
                 "  \"io_errors\": 0,\n  \"io_reads\": 3,\n  \"io_writes\": 2,\n");
out:
    file_fx_close(&x);
}

/*
 * The out-of-memory killer: 3 frames, a backing store of one slot (LRU).
 * P1 writes 2 heap pages, P2 writes 2: P2's second takes P1's first page
 * (frame 0) to the only slot. P1's third write picks its other page (frame
 * 1), dirty, but there is no slot left: the killer ends the process with the
 * most resident pages, P2 (2 against 1), and P1 gets one of P2's frames.
 */
TEST(report_oom_kill)
{
    struct sink log, txt, js;
    struct vmm_system *sys = NULL;
    if (!sink_open(&log) || !sink_open(&txt) || !sink_open(&js)) {
        SKIP("open_memstream failed");
        return;
    }
    struct vmm_config c;
    cfg_of(&c, 3);
    c.swap_bytes = 4096;
    sys = mk_cfg(&c);
    if (!sys)
        goto out;
    CHECK_EQ_I64(vmm_explain_attach(sys, log.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "big"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "bigger"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 3 * 4096, RW), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "heap", HEAP, 2 * 4096, RW), 0);
    ACCESS(sys, 1, HEAP, VMM_WRITE, VMM_FAULT_MINOR);
    ACCESS(sys, 1, HEAP + 4096, VMM_WRITE, VMM_FAULT_MINOR);
    ACCESS(sys, 2, HEAP, VMM_WRITE, VMM_FAULT_MINOR);
    ACCESS(sys, 2, HEAP + 4096, VMM_WRITE, VMM_FAULT_MINOR);
    ACCESS(sys, 1, HEAP + 2 * 4096, VMM_WRITE, VMM_FAULT_MINOR);

    const char *l = sink_text(&log);
    CHECK_HAS(l, "#5 P1 W 0x602000: walk: PTE invalid; page fault; legal (heap); no free frame; "
                 "victim frame 1 = P1 page 0x601 (dirty): the OOM killer chooses P2: out of "
                 "memory: the backing store is full (1 slots); killed as the largest process (2 "
                 "resident pages); P2 terminated; free frame ");
    CHECK_LACKS(l, "P2 killed");

    vmm_report_text(sys, NULL, txt.f);
    const char *t = sink_text(&txt);
    CHECK_HAS(t, "OOM kills                   1   processes killed by the out-of-memory killer: "
                 "the backing store was full\n");
    CHECK_HAS(t, "  killed: out of memory: the backing store is full");
    CHECK_LACKS(t, "page cache ");
    CHECK_LACKS(t, "file write-backs");

    vmm_report_json(sys, NULL, js.f);
    const char *j = sink_text(&js);
    CHECK_HAS(j, "  \"oom_kills\": 1,\n");
    CHECK_HAS(j, "\"state\": \"killed\"");
out:
    vmm_system_destroy(sys);
    sink_close(&log);
    sink_close(&txt);
    sink_close(&js);
}

/*
 * I/O errors from the test hook that fails the first write of the backing
 * store. In a reference: with 1 frame, P1's second heap page evicts its
 * first, dirty; writing it to swap fails, the page is lost and P1 with it.
 * Outside one: P1 writes a page of the mapped file and msyncs it; the write
 * fails and P1 is killed, and its exit writes the page back (the second
 * write, which succeeds).
 */
TEST(report_io_errors)
{
    struct sink log, txt, log2, txt2;
    struct host_file h = {"", ""};
    struct vmm_system *sys = NULL, *sys2 = NULL;
    if (!sink_open(&log) || !sink_open(&txt) || !sink_open(&log2) || !sink_open(&txt2)) {
        SKIP("open_memstream failed");
        return;
    }
    struct vmm_config c;
    cfg_of(&c, 1);
    c.fail_write = 1;
    sys = mk_cfg(&c);
    if (!sys)
        goto out;
    CHECK_EQ_I64(vmm_explain_attach(sys, log.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", HEAP, 2 * 4096, RW), 0);
    ACCESS(sys, 1, HEAP, VMM_WRITE, VMM_FAULT_MINOR);
    ACCESS(sys, 1, HEAP + 4096, VMM_WRITE, VMM_KILLED);
    CHECK_HAS(sink_text(&log),
              "#2 P1 W 0x601000: walk: PTE invalid; page fault; legal (heap); no free frame; "
              "victim frame 0 = P1 page 0x600 (dirty): I/O error writing swap slot 0; I/O error, a "
              "page it holds is lost: writing swap slot 0: I/O error (injected: write number 1); "
              "P1 terminated\n");
    vmm_report_text(sys, NULL, txt.f);
    CHECK_HAS(sink_text(&txt), "I/O errors                  1   failed reads and writes of the "
                               "backing store (swap and files); reads 0, writes 1 in all\n");

    int fd = host_file_make(&h, 1);
    if (fd < 0) {
        test_fail(__FILE__, __LINE__, "cannot make a file under /tmp");
        goto out;
    }
    cfg_of(&c, 4);
    c.fail_write = 1;
    sys2 = mk_cfg(&c);
    if (!sys2) {
        close(fd);
        goto out;
    }
    uint32_t file = 0;
    CHECK_EQ_I64(vmm_object_file(sys2, "data", fd, true, &file), 0);
    CHECK_EQ_I64(vmm_explain_attach(sys2, log2.f), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys2, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys2, 1, "map", FILEA, 4096, RW, VMM_MAP_SHARED, file, 0), 0);
    ACCESS(sys2, 1, FILEA, VMM_WRITE, VMM_FAULT_MAJOR);
    CHECK_EQ_I64(vmm_region_sync(sys2, 1, FILEA, false, NULL), VMM_KILLED);
    CHECK_HAS(sink_text(&log2), "I/O error writing page 0 of file data\n"
                                "P1 killed: I/O error: msync of map: writing page 0 of file data: "
                                "I/O error (injected: write number 1)\n"
                                "page 0 of file data written back from frame 0 (exit)\n");
    vmm_report_text(sys2, NULL, txt2.f);
    const char *t = sink_text(&txt2);
    CHECK_HAS(t, "page cache                  1   pages now: mapped 0, cached only 1; dirty 0 "
                 "(not yet written back)\n");
    CHECK_HAS(t,
              "file write-backs            1   evict 0, msync 0, munmap 0, exit 1, periodic 0\n");
    CHECK_HAS(t, "I/O errors                  1   failed reads and writes of the backing store "
                 "(swap and files); reads 1, writes 2 in all\n");
out:
    vmm_system_destroy(sys);
    vmm_system_destroy(sys2);
    host_file_remove(&h);
    sink_close(&log);
    sink_close(&txt);
    sink_close(&log2);
    sink_close(&txt2);
}

/*
 * A program's text stays in the page cache after its last process exits, and
 * the next process to run it finds it there (a minor fault). Only while the
 * page is cached but unmapped does the summary show the page-cache line:
 * there are no files or shared memory here.
 */
TEST(report_program_text_stays_cached)
{
    struct sink a, b;
    struct vmm_system *sys = NULL;
    if (!sink_open(&a) || !sink_open(&b)) {
        SKIP("open_memstream failed");
        return;
    }
    sys = mk(4);
    if (!sys)
        goto out;
    uint32_t obj = 0;
    CHECK_EQ_I64(vmm_object_create(sys, "editor", 8192, &obj), 0);
    CHECK_EQ_I64(editor(sys, 1, obj), 0);
    ACCESS(sys, 1, TEXT, VMM_EXEC, VMM_FAULT_MAJOR);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK(identities_hold(sys, __LINE__));
    vmm_report_text(sys, NULL, a.f);
    CHECK_HAS(sink_text(&a), "page cache                  1   pages now: mapped 0, cached only "
                             "1; dirty 0 (not yet written back)\n");
    CHECK_LACKS(sink_text(&a), "file write-backs");

    CHECK_EQ_I64(editor(sys, 2, obj), 0);
    ACCESS(sys, 2, TEXT, VMM_EXEC, VMM_FAULT_MINOR);
    vmm_report_text(sys, NULL, b.f);
    CHECK_LACKS(sink_text(&b), "page cache ");
out:
    vmm_system_destroy(sys);
    sink_close(&a);
    sink_close(&b);
}
