/*
 * test_mmap.c - memory-mapped files and shared memory through the API
 * (CONCEPTS item 19): what reaches the file and when, sharing and privacy,
 * the end of the file, and the backing store under stress (out of swap, I/O
 * errors). Every test runs the invariant checker after each reference, and
 * each expectation is computed here, byte by byte, independently of the
 * engine: the file's bytes are read back with pread through a descriptor of
 * the test's own.
 */
#include "harness.h"
#include "vmm.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PS   4096u
#define BASE 0x10000000ull /* where the tests map */
#define ANON 0x20000000ull /* an anonymous region */

static const unsigned RW = VMM_PROT_READ | VMM_PROT_WRITE;

/* A file in a fresh temporary directory, with size bytes of a pattern. */
struct tfile {
    char dir[256];
    char path[300];
    size_t size;
};

static uint8_t orig(size_t i)
{
    return (uint8_t)(i * 7 + 3);
}

static bool tfile_make(struct tfile *t, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/vmm-mmap-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->dir))
        return false;
    snprintf(t->path, sizeof t->path, "%s/data.bin", t->dir);
    t->size = size;
    int fd = open(t->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return false;
    uint8_t *b = malloc(size ? size : 1);
    for (size_t i = 0; i < size; i++)
        b[i] = orig(i);
    bool ok = write(fd, b, size) == (ssize_t)size;
    free(b);
    close(fd);
    return ok;
}

static void tfile_remove(const struct tfile *t)
{
    unlink(t->path);
    rmdir(t->dir);
}

/* The file's bytes now, read by the test (size in *len). */
static uint8_t *tfile_read(const struct tfile *t, size_t *len)
{
    struct stat st;
    int fd = open(t->path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    uint8_t *b = malloc((size_t)st.st_size + 1);
    *len = (size_t)pread(fd, b, (size_t)st.st_size, 0);
    close(fd);
    return b;
}

/* Checks that the file holds exactly want[0 .. len). */
#define CHECK_FILE(t, want, len)                                                                   \
    do {                                                                                           \
        size_t got_len_ = 0;                                                                       \
        uint8_t *got_ = tfile_read((t), &got_len_);                                                \
        CHECK(got_ != NULL);                                                                       \
        CHECK_EQ_U64(got_len_, (len));                                                             \
        if (got_ && got_len_ == (len))                                                             \
            for (size_t i_ = 0; i_ < (len); i_++)                                                  \
                if (got_[i_] != (want)[i_]) {                                                      \
                    CHECK_EQ_U64(i_, UINT64_MAX); /* reports the first differing byte */           \
                    break;                                                                         \
                }                                                                                  \
        free(got_);                                                                                \
    } while (0)

/* A configuration with frames of PS bytes and the checker on. */
static struct vmm_config cfg(uint64_t frames)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.page_size = PS;
    c.check = true;
    return c;
}

static struct vmm_system *sys_cfg(const struct vmm_config *c)
{
    struct vmm_system *sys = NULL;
    char err[256];
    if (vmm_system_create(c, &sys, err, sizeof err) < 0)
        test_fail(__FILE__, __LINE__, "%s", err);
    return sys;
}

static struct vmm_system *sys_new(uint64_t frames, uint64_t swap_slots)
{
    struct vmm_config c = cfg(frames);
    c.swap_bytes = swap_slots * PS;
    return sys_cfg(&c);
}

/* The file of t as an object (opened read-write unless ro). */
static uint32_t file_obj(struct vmm_system *sys, const struct tfile *t, bool ro)
{
    uint32_t id = 0;
    int fd = open(t->path, ro ? O_RDONLY : O_RDWR);
    if (vmm_object_file(sys, "data.bin", fd, !ro, &id) < 0)
        test_fail(__FILE__, __LINE__, "%s", vmm_system_error(sys));
    return id;
}

static struct vmm_stats gstats(const struct vmm_system *sys)
{
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    return st;
}

static struct vmm_proc_stats pstats(const struct vmm_system *sys, uint32_t pid)
{
    struct vmm_proc_stats all[16];
    size_t n = vmm_proc_stats_get(sys, all, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        if (all[i].pid == pid)
            return all[i];
    struct vmm_proc_stats none;
    memset(&none, 0, sizeof none);
    return none;
}

static int put(struct vmm_system *sys, uint32_t pid, uint64_t addr, const void *b, size_t n)
{
    return vmm_access(sys, pid, addr, VMM_WRITE, (void *)(uintptr_t)b, n);
}

/* Checks that pid reads want[0 .. n) at addr. */
#define CHECK_READS(sys, pid, addr, want, n)                                                       \
    do {                                                                                           \
        static uint8_t got_[8 * PS];                                                               \
        CHECK((n) <= sizeof got_);                                                                 \
        CHECK(vmm_access((sys), (pid), (addr), VMM_READ, got_, (n)) >= 0);                         \
        for (size_t i_ = 0; i_ < (n); i_++)                                                        \
            if (got_[i_] != (want)[i_]) {                                                          \
                CHECK_EQ_U64(i_, UINT64_MAX);                                                      \
                break;                                                                             \
            }                                                                                      \
    } while (0)

/* ---- shared mappings ----------------------------------------------------------- */

/*
 * Two processes map the same 3-page file shared, with 2 frames for 3 pages
 * plus an anonymous page of P2's, so pages go out and come back through the
 * file many times. Each sees the other's writes at once (one frame per
 * page); after both unmap, the file is the original with every write
 * applied - computed here in `want`.
 */
TEST(mmap_shared_writes_reach_the_file)
{
    struct tfile t;
    CHECK(tfile_make(&t, 3 * PS));
    struct vmm_system *sys = sys_new(2, 16);
    if (!sys)
        return;
    uint8_t want[3 * PS];
    for (size_t i = 0; i < sizeof want; i++)
        want[i] = orig(i);
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, 3 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE + 16 * PS, 3 * PS, RW, VMM_MAP_SHARED, obj, 0),
                 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "heap", ANON, PS, RW), 0);
    CHECK_READS(sys, 1, BASE, want, 3 * PS); /* the file's bytes */
    for (unsigned k = 0; k < 40; k++) {
        uint32_t pid = 1 + k % 2;
        uint64_t off = (k * 1237u) % (3 * PS - 16);
        uint8_t b[16];
        for (unsigned i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)(k * 31 + i);
        CHECK(put(sys, pid, (pid == 1 ? BASE : BASE + 16 * PS) + off, b, sizeof b) >= 0);
        memcpy(want + off, b, sizeof b);
        CHECK(put(sys, 2, ANON + k, b, 1) >= 0); /* anonymous pressure */
        /* the other process sees it at once */
        CHECK_READS(sys, pid == 1 ? 2 : 1, (pid == 1 ? BASE + 16 * PS : BASE) + off, b, sizeof b);
    }
    struct vmm_stats st = gstats(sys);
    CHECK(st.file_writes[VMM_WB_EVICT] > 0); /* 2 frames: dirty pages went out to the file */
    CHECK_EQ_I64(vmm_region_remove(sys, 1, BASE), 0);
    CHECK_EQ_I64(vmm_region_remove(sys, 2, BASE + 16 * PS), 0);
    CHECK_FILE(&t, want, 3 * PS);
    st = gstats(sys);
    CHECK_EQ_U64(st.dirty_pages, 0);
    CHECK_EQ_U64(st.file_writes[VMM_WB_MSYNC] + st.file_writes[VMM_WB_EXIT], 0);
    CHECK_LE_U64(st.swap_slots_used, 1); /* only P2's anonymous page can be in swap */
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* The unmapped pages stay in the page cache: mapping again is a minor fault
 * with no file read, and sees what was written. */
TEST(mmap_page_cache_outlives_the_mapping)
{
    struct tfile t;
    CHECK(tfile_make(&t, 2 * PS));
    struct vmm_system *sys = sys_new(8, 16);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, 2 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(put(sys, 1, BASE + 10, "hello", 5), VMM_FAULT_MAJOR);
    CHECK_EQ_I64(vmm_region_remove(sys, 1, BASE), 0);
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.file_writes[VMM_WB_MUNMAP], 1);
    CHECK_EQ_U64(st.page_cache_pages, 1);
    CHECK_EQ_U64(st.page_cache_mapped, 0);
    CHECK_EQ_U64(st.file_reads, 1);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE, 2 * PS, VMM_PROT_READ, VMM_MAP_SHARED, obj, 0),
                 0);
    char b[5];
    CHECK_EQ_I64(vmm_access(sys, 2, BASE + 10, VMM_READ, b, 5), VMM_FAULT_MINOR);
    CHECK(memcmp(b, "hello", 5) == 0);
    CHECK_EQ_U64(gstats(sys).file_reads, 1);
    CHECK_EQ_U64(gstats(sys).page_cache_hits, 1);
    /* a read-only mapping refuses writes: a protection fault */
    CHECK_EQ_I64(put(sys, 2, BASE, "x", 1), VMM_KILLED);
    CHECK_CONTAINS(pstats(sys, 2).kill_reason, "protection fault");
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/*
 * msync: once it returns, the data is in the file even if the whole run is
 * then killed. A child process runs the engine, writes through a shared
 * mapping, msyncs page 0 only (two mappings: m0 and m1), writes more, and
 * kills itself with SIGKILL: nothing after the msync may reach the file, and
 * everything before it must.
 */
TEST(mmap_msync_survives_a_kill)
{
    struct tfile t;
    CHECK(tfile_make(&t, 2 * PS));
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        struct vmm_system *sys = sys_new(8, 16);
        if (!sys)
            _exit(2);
        uint32_t obj = file_obj(sys, &t, false);
        uint64_t n = 0;
        if (vmm_process_spawn(sys, 1, "w") < 0 ||
            vmm_region_map(sys, 1, "m0", BASE, PS, RW, VMM_MAP_SHARED, obj, 0) < 0 ||
            vmm_region_map(sys, 1, "m1", BASE + PS, PS, RW, VMM_MAP_SHARED, obj, PS) < 0 ||
            put(sys, 1, BASE + 100, "synced", 6) < 0 || put(sys, 1, BASE + PS, "lost", 4) < 0 ||
            vmm_region_sync(sys, 1, BASE, false, &n) != 0 || n != 1 ||
            put(sys, 1, BASE + 200, "after", 5) < 0)
            _exit(3);
        kill(getpid(), SIGKILL);
        _exit(4);
    }
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    uint8_t want[2 * PS];
    for (size_t i = 0; i < sizeof want; i++)
        want[i] = orig(i);
    memcpy(want + 100, "synced", 6);
    CHECK_FILE(&t, want, 2 * PS);
    tfile_remove(&t);
}

/* The periodic flusher writes dirty pages back without any msync. */
TEST(mmap_periodic_flusher)
{
    struct tfile t;
    CHECK(tfile_make(&t, PS));
    struct vmm_config c = cfg(8);
    c.flush_interval = 10;
    struct vmm_system *sys = sys_cfg(&c);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK(put(sys, 1, BASE + 5, "tick", 4) >= 0); /* reference 1 */
    uint8_t want[PS];
    for (size_t i = 0; i < PS; i++)
        want[i] = orig(i);
    CHECK_FILE(&t, want, PS);   /* not yet */
    for (int i = 0; i < 9; i++) /* references 2 .. 10: the flusher runs after the 10th */
        CHECK(vmm_access(sys, 1, BASE, VMM_READ, NULL, 1) >= 0);
    memcpy(want + 5, "tick", 4);
    CHECK_FILE(&t, want, PS);
    CHECK_EQ_U64(gstats(sys).file_writes[VMM_WB_PERIODIC], 1);
    CHECK_EQ_U64(gstats(sys).dirty_pages, 0);
    for (int i = 0; i < 10; i++) /* a clean page is not written again */
        CHECK(vmm_access(sys, 1, BASE, VMM_READ, NULL, 1) >= 0);
    CHECK_EQ_U64(gstats(sys).file_writes[VMM_WB_PERIODIC], 1);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* ---- private mappings -------------------------------------------------------------- */

/*
 * P1 maps the file private, P2 shared. P1's writes are copies: P2 never sees
 * them, and the file never changes, even when P1's copies are evicted (they
 * go to swap) and read back. P2's write to a page P1 has not copied is seen
 * by P1 (as on Linux: until it writes a page, a private mapping reads the
 * page cache).
 */
TEST(mmap_private_writes_stay_private)
{
    struct tfile t;
    CHECK(tfile_make(&t, 2 * PS));
    struct vmm_system *sys = sys_new(3, 16);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    uint8_t file[2 * PS], p1[2 * PS];
    for (size_t i = 0; i < sizeof file; i++)
        file[i] = p1[i] = orig(i);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "priv"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "shared"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, 2 * PS, RW, VMM_MAP_PRIVATE, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE, 2 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_READS(sys, 1, BASE, p1, 2 * PS);
    CHECK_EQ_I64(put(sys, 1, BASE + 7, "mine", 4), VMM_FAULT_MINOR); /* copies the cached page */
    memcpy(p1 + 7, "mine", 4);
    CHECK_EQ_U64(gstats(sys).cow_copies, 1);
    CHECK_READS(sys, 2, BASE, file, 2 * PS);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "heap", ANON, 4 * PS, RW), 0);
    CHECK(vmm_access(sys, 2, ANON, VMM_WRITE, NULL, 4 * PS) >= 0); /* evicts everything */
    CHECK(gstats(sys).swap_slots_used >= 1);                       /* P1's copy */
    CHECK_EQ_U64(pstats(sys, 1).swapped_pages, 1);
    CHECK_READS(sys, 1, BASE, p1, 2 * PS);
    CHECK(put(sys, 2, BASE + PS + 1, "seen", 4) >= 0); /* page 1: P1 has not copied it */
    memcpy(file + PS + 1, "seen", 4);
    memcpy(p1 + PS + 1, "seen", 4);
    CHECK_READS(sys, 1, BASE, p1, 2 * PS);
    CHECK_EQ_I64(put(sys, 1, BASE + PS + 2, "XY", 2), VMM_FAULT_MINOR);
    memcpy(p1 + PS + 2, "XY", 2);
    CHECK_READS(sys, 2, BASE, file, 2 * PS);
    CHECK_READS(sys, 1, BASE, p1, 2 * PS);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    CHECK_FILE(&t, file, 2 * PS);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* A private mapping of a read-only file can be written (copies); a shared
 * writable one is refused. With one frame, a private write to a page not
 * cached reads the file straight into the copy. */
TEST(mmap_private_read_only_file_one_frame)
{
    struct tfile t;
    CHECK(tfile_make(&t, PS));
    struct vmm_system *sys = sys_new(1, 4);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, true);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), VMM_EINVAL);
    CHECK_CONTAINS(vmm_system_error(sys), "cannot be written");
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, PS, RW, VMM_MAP_PRIVATE, obj, 0), 0);
    CHECK_EQ_I64(put(sys, 1, BASE + 1, "z", 1), VMM_FAULT_MAJOR);
    uint8_t want[PS];
    for (size_t i = 0; i < PS; i++)
        want[i] = orig(i);
    CHECK_EQ_U64(gstats(sys).page_cache_pages, 0); /* straight into the private copy */
    CHECK_FILE(&t, want, PS);
    want[1] = 'z';
    CHECK_READS(sys, 1, BASE, want, PS);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* ---- the end of the file ------------------------------------------------------------- */

/*
 * A 5000-byte file mapped over 3 pages: page 1 holds bytes 4096..4999 and
 * zeros after; a write past the end stays in memory and never reaches the
 * file (its size stays 5000); page 2 is wholly beyond the end: a bus error.
 */
TEST(mmap_end_of_file)
{
    struct tfile t;
    CHECK(tfile_make(&t, 5000));
    struct vmm_system *sys = sys_new(4, 8);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, 3 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE, 2 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    uint8_t page1[PS];
    for (size_t i = 0; i < PS; i++)
        page1[i] = i < 5000 - PS ? orig(PS + i) : 0;
    CHECK_READS(sys, 1, BASE + PS, page1, PS);
    CHECK(put(sys, 1, BASE + 4500, "in", 2) >= 0);
    CHECK(put(sys, 1, BASE + 6000, "past", 4) >= 0);
    memcpy(page1 + 4500 - PS, "in", 2);
    memcpy(page1 + 6000 - PS, "past", 4);
    CHECK_READS(sys, 2, BASE + PS, page1, PS); /* the page is shared, past the end too */
    CHECK_EQ_I64(vmm_region_remove(sys, 2, BASE), 0);
    uint8_t want[5000];
    for (size_t i = 0; i < sizeof want; i++)
        want[i] = orig(i);
    memcpy(want + 4500, "in", 2);
    CHECK_FILE(&t, want, 5000);
    memset(page1 + 6000 - PS, 0, 4); /* the write-back zeroed the page past the end */
    CHECK_READS(sys, 1, BASE + PS, page1, PS);
    CHECK_EQ_I64(vmm_access(sys, 1, BASE + 2 * PS + 8, VMM_READ, NULL, 1), VMM_KILLED);
    struct vmm_proc_stats s = pstats(sys, 1);
    CHECK_CONTAINS(s.kill_reason, "bus error");
    CHECK_CONTAINS(s.kill_reason, "5000 bytes");
    CHECK_EQ_U64(s.kill_addr, BASE + 2 * PS + 8);
    CHECK_EQ_U64(gstats(sys).bus_errors, 1);
    CHECK_FILE(&t, want, 5000);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* ---- shared anonymous memory -------------------------------------------------------- */

/*
 * P1 maps 4 pages of shared memory and forks P2 before touching them; each
 * writes pages the other reads, through 2 frames, so pages go to swap and
 * come back. When both are gone, so is the memory: no frame, no slot.
 */
TEST(mmap_shared_memory_after_fork)
{
    struct vmm_system *sys = sys_new(2, 8);
    if (!sys)
        return;
    uint32_t obj = 0;
    CHECK_EQ_I64(vmm_object_shmem(sys, "shm", 4 * PS, &obj), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "shm", BASE, 4 * PS, RW, VMM_MAP_PRIVATE, obj, 0),
                 VMM_EINVAL);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "shm", BASE, 4 * PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_process_fork(sys, 1, 2), 0);
    uint8_t want[4 * PS];
    memset(want, 0, sizeof want);
    for (unsigned k = 0; k < 24; k++) {
        uint32_t w = 1 + k % 2, r = 3 - w;
        uint64_t off = (k * 2741u) % (4 * PS - 8);
        uint8_t b[8];
        for (unsigned i = 0; i < sizeof b; i++)
            b[i] = (uint8_t)(k + i + 1);
        CHECK(put(sys, w, BASE + off, b, sizeof b) >= 0);
        memcpy(want + off, b, sizeof b);
        CHECK_READS(sys, r, BASE, want, 4 * PS);
    }
    struct vmm_stats st = gstats(sys);
    CHECK(st.swap_reads > 0 && st.writebacks > 0);
    CHECK_EQ_U64(st.file_writes[VMM_WB_EVICT], 0);
    CHECK(pstats(sys, 1).rss_shmem + pstats(sys, 2).rss_shmem > 0);
    CHECK_EQ_U64(pstats(sys, 1).rss_anon + pstats(sys, 1).rss_file, 0);
    CHECK_EQ_I64(vmm_process_exit(sys, 1), 0);
    CHECK_READS(sys, 2, BASE, want, 4 * PS); /* still there for P2 */
    CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
    st = gstats(sys);
    CHECK_EQ_U64(st.frames_used, 0);
    CHECK_EQ_U64(st.swap_slots_used, 0);
    vmm_system_destroy(sys);
}

/* ---- the backing store under stress --------------------------------------------------- */

/*
 * Swap full: one slot, 3 frames. P1 (small) and P2 (large) hold anonymous
 * data; P3 then needs frames whose victims must go to swap: the OOM killer
 * ends the process with the largest resident set, P2, and no one else. P1's
 * bytes are intact.
 */
TEST(mmap_out_of_swap_kills_the_largest)
{
    struct vmm_system *sys = sys_new(3, 1);
    if (!sys)
        return;
    for (uint32_t pid = 1; pid <= 3; pid++) {
        CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
        CHECK_EQ_I64(vmm_region_add(sys, pid, "heap", ANON, 4 * PS, RW), 0);
    }
    uint8_t a[PS], b[2 * PS];
    memset(a, 0x11, sizeof a);
    memset(b, 0x22, sizeof b);
    CHECK(put(sys, 1, ANON, a, PS) >= 0);
    CHECK(put(sys, 2, ANON, b, 2 * PS) >= 0);
    CHECK_EQ_I64(put(sys, 3, ANON, "x", 1), VMM_FAULT_MINOR); /* P1's page to the one slot */
    CHECK_EQ_U64(gstats(sys).swap_slots_used, 1);
    CHECK_EQ_I64(put(sys, 3, ANON + PS, "y", 1), VMM_FAULT_MINOR); /* a P2 page: no slot left */
    struct vmm_proc_stats s2 = pstats(sys, 2);
    CHECK(s2.killed);
    CHECK_CONTAINS(s2.kill_reason, "out of memory");
    CHECK_CONTAINS(s2.kill_reason, "largest");
    CHECK(!pstats(sys, 1).killed && !pstats(sys, 3).killed);
    CHECK_EQ_U64(gstats(sys).oom_kills, 1);
    CHECK_READS(sys, 1, ANON, a, PS);
    CHECK_READS(sys, 3, ANON, (const uint8_t *)"x", 1);
    vmm_system_destroy(sys);
}

/*
 * An injected write error on the swap while evicting P2's page: P2, whose
 * page it was, is killed; P1 and P3 keep their data, and the checker passes
 * all along.
 */
TEST(mmap_swap_write_error_fails_the_owner)
{
    struct vmm_config c = cfg(2);
    c.fail_write = 2; /* the second write of the backing store */
    struct vmm_system *sys = sys_cfg(&c);
    if (!sys)
        return;
    for (uint32_t pid = 1; pid <= 3; pid++) {
        CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
        CHECK_EQ_I64(vmm_region_add(sys, pid, "heap", ANON, 4 * PS, RW), 0);
    }
    uint8_t a[PS], b[PS];
    memset(a, 0x11, sizeof a);
    memset(b, 0x22, sizeof b);
    CHECK(put(sys, 1, ANON, a, PS) >= 0);
    CHECK(put(sys, 2, ANON, b, PS) >= 0);
    CHECK(put(sys, 3, ANON, "x", 1) >= 0);                         /* evicts P1's page: write 1 */
    CHECK_EQ_I64(put(sys, 3, ANON + PS, "y", 1), VMM_FAULT_MINOR); /* P2's: write 2 fails */
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.io_errors, 1);
    CHECK_EQ_U64(st.io_writes, 2);
    struct vmm_proc_stats s2 = pstats(sys, 2);
    CHECK(s2.killed);
    CHECK_CONTAINS(s2.kill_reason, "I/O error");
    CHECK(!pstats(sys, 1).killed && !pstats(sys, 3).killed);
    CHECK_READS(sys, 1, ANON, a, PS);
    CHECK_READS(sys, 3, ANON, (const uint8_t *)"xy", 1);
    CHECK_READS(sys, 3, ANON + PS, (const uint8_t *)"y", 1);
    vmm_system_destroy(sys);
}

/*
 * Injected read errors: reading P2's page back from swap fails (P2 is
 * killed, P1 is not), then reading a file page fails (the reader is killed,
 * the file and the other mapper are untouched).
 */
TEST(mmap_read_errors_fail_the_reader)
{
    struct tfile t;
    CHECK(tfile_make(&t, PS));
    struct vmm_config c = cfg(1);
    c.fail_read = 1;
    struct vmm_system *sys = sys_cfg(&c);
    if (!sys)
        return;
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", ANON, PS, RW), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 2, "heap", ANON, PS, RW), 0);
    CHECK(put(sys, 2, ANON, "two", 3) >= 0);
    CHECK(put(sys, 1, ANON, "one", 3) >= 0);                               /* P2's page to swap */
    CHECK_EQ_I64(vmm_access(sys, 2, ANON, VMM_READ, NULL, 1), VMM_KILLED); /* read 1 fails */
    CHECK_CONTAINS(pstats(sys, 2).kill_reason, "I/O error");
    CHECK_CONTAINS(pstats(sys, 2).kill_reason, "swap slot");
    CHECK_READS(sys, 1, ANON, (const uint8_t *)"one", 3);
    vmm_system_destroy(sys);

    c.fail_read = 2; /* read 1: the file page; read 2: P1's page from swap */
    c.frames = 1;
    sys = sys_cfg(&c);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 3, "c"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "heap", ANON, PS, RW), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 3, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK(put(sys, 1, ANON, "one", 3) >= 0);
    CHECK_EQ_I64(put(sys, 3, BASE, "q", 1), VMM_FAULT_MAJOR); /* P1's page out; read 1: file */
    /* P3's dirty page goes back to the file; read 2, P1's page from swap, fails */
    CHECK_EQ_I64(vmm_access(sys, 1, ANON, VMM_READ, NULL, 1), VMM_KILLED);
    CHECK(pstats(sys, 1).killed);
    CHECK(!pstats(sys, 3).killed);
    CHECK_EQ_U64(gstats(sys).io_errors, 1);
    CHECK_EQ_U64(gstats(sys).file_writes[VMM_WB_EVICT], 1);
    vmm_system_destroy(sys);
    uint8_t want[PS];
    for (size_t i = 0; i < PS; i++)
        want[i] = orig(i);
    want[0] = 'q';
    CHECK_FILE(&t, want, PS);
    tfile_remove(&t);
}

/*
 * A write error on a file page while evicting it: every process mapping
 * the file is killed (the page's changes are lost, no one may see the file
 * disagree with what it wrote), the page leaves the cache, the file keeps
 * its old bytes, and an unrelated process is untouched.
 */
TEST(mmap_file_write_error_fails_its_mappers)
{
    struct tfile t;
    CHECK(tfile_make(&t, PS));
    struct vmm_config c = cfg(1);
    c.fail_write = 1;
    struct vmm_system *sys = sys_cfg(&c);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "writer"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "reader"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 3, "other"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE, PS, VMM_PROT_READ, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 3, "heap", ANON, PS, RW), 0);
    CHECK(put(sys, 1, BASE, "lost", 4) >= 0);
    CHECK_EQ_I64(put(sys, 3, ANON, "ok", 2), VMM_FAULT_MINOR); /* evicting the page fails */
    CHECK(pstats(sys, 1).killed && pstats(sys, 2).killed);
    CHECK(!pstats(sys, 3).killed);
    CHECK_EQ_U64(gstats(sys).page_cache_pages, 0);
    CHECK_READS(sys, 3, ANON, (const uint8_t *)"ok", 2);
    uint8_t want[PS];
    for (size_t i = 0; i < PS; i++)
        want[i] = orig(i);
    CHECK_FILE(&t, want, PS);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* An msync whose write fails kills the caller; the page stays dirty, and a
 * later write-back delivers it: here the caller's own exit, on the way out. */
TEST(mmap_msync_error_kills_the_caller)
{
    struct tfile t;
    CHECK(tfile_make(&t, PS));
    struct vmm_config c = cfg(4);
    c.fail_write = 1;
    struct vmm_system *sys = sys_cfg(&c);
    if (!sys)
        return;
    uint32_t obj = file_obj(sys, &t, false);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "a"), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 2, "b"), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 1, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK_EQ_I64(vmm_region_map(sys, 2, "m", BASE, PS, RW, VMM_MAP_SHARED, obj, 0), 0);
    CHECK(put(sys, 1, BASE, "kept", 4) >= 0);
    uint64_t n = 9;
    CHECK_EQ_I64(vmm_region_sync(sys, 1, BASE, false, &n), VMM_KILLED);
    CHECK_EQ_U64(n, 0);
    CHECK_CONTAINS(pstats(sys, 1).kill_reason, "msync");
    struct vmm_stats st = gstats(sys);
    CHECK_EQ_U64(st.io_errors, 1);
    CHECK_EQ_U64(st.file_writes[VMM_WB_MSYNC], 0);
    CHECK_EQ_U64(st.file_writes[VMM_WB_EXIT], 1);
    CHECK_EQ_U64(st.dirty_pages, 0);
    CHECK_READS(sys, 2, BASE, (const uint8_t *)"kept", 4);
    CHECK_EQ_I64(vmm_region_sync(sys, 2, BASE, true, &n), 0);
    CHECK_EQ_U64(n, 0);
    uint8_t want[PS];
    for (size_t i = 0; i < PS; i++)
        want[i] = orig(i);
    memcpy(want, "kept", 4);
    CHECK_FILE(&t, want, PS);
    vmm_system_destroy(sys);
    tfile_remove(&t);
}

/* ---- randomized, against a shadow --------------------------------------------------------- */

/*
 * Up to 4 processes map one file (1..5 pages, its last page partial or not),
 * each shared or private, plus an anonymous heap for pressure, with 1..5
 * frames: pages are evicted and read back all the time. Random writes,
 * reads, msync, munmap and map again (switching kind), fork, exit and spawn,
 * with the checker after every reference. The shadow:
 *   view[]     what a shared mapping reads: the file with every write through
 *              a shared mapping applied (no write goes past the end of the file;
 *              past it, reads give zeros);
 *   copy[p][]  a private mapping's pages it has written (copied): those read
 *              its own bytes; the others read view[] (the page cache or the
 *              file, which agree on clean pages);
 *   heap[p][]  the anonymous bytes.
 * At the end the file on disk must equal view[] exactly, size unchanged.
 */
enum { RP = 512, RMAXP = 5, RPROCS = 4, RHEAP = 3 };

struct rproc {
    uint32_t pid;
    bool mapped, shared;
    bool copied[RMAXP];
    uint8_t copy[RMAXP * RP];
    uint8_t heap[RHEAP * RP];
};

struct rworld {
    struct vmm_system *sys;
    struct tfile t;
    uint32_t obj;
    size_t size, pages;
    uint8_t view[RMAXP * RP];
    struct rproc p[RPROCS];
    size_t n;
    uint32_t next_pid;
    uint64_t rng;
};

static uint64_t rnd(struct rworld *w, uint64_t n)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return n ? w->rng % n : 0;
}

static bool rmap(struct rworld *w, struct rproc *q, bool shared)
{
    q->mapped = true;
    q->shared = shared;
    memset(q->copied, 0, sizeof q->copied);
    return vmm_region_map(w->sys, q->pid, "m", BASE, w->pages * RP, RW,
                          shared ? VMM_MAP_SHARED : VMM_MAP_PRIVATE, w->obj, 0) == 0;
}

static bool rspawn(struct rworld *w)
{
    struct rproc *q = &w->p[w->n++];
    memset(q, 0, sizeof *q);
    q->pid = w->next_pid++;
    return vmm_process_spawn(w->sys, q->pid, "r") == 0 &&
           vmm_region_add(w->sys, q->pid, "heap", ANON, RHEAP * RP, RW) == 0 &&
           rmap(w, q, rnd(w, 2));
}

/* What q reads at byte off of the mapping. */
static uint8_t rexpect(const struct rworld *w, const struct rproc *q, size_t off)
{
    if (off >= w->size)
        return 0;
    return !q->shared && q->copied[off / RP] ? q->copy[off] : w->view[off];
}

static bool rstep(struct rworld *w, uint64_t seed, int step)
{
    struct rproc *q = &w->p[rnd(w, w->n)];
    uint8_t b[64];
    int op = (int)rnd(w, 10);
    if (getenv("VMM_EXPLAIN_FROM") && step == atoi(getenv("VMM_EXPLAIN_FROM")))
        vmm_explain_attach(w->sys, stderr);
    if (getenv("VMM_VERBOSE"))
        fprintf(stderr, "step %d: P%u (%s%s) op %d\n", step, q->pid, q->mapped ? "" : "unmapped ",
                q->shared ? "shared" : "private", op);
    if (op <= 2 && q->mapped) { /* write through the mapping, not past the end */
        size_t off = rnd(w, w->size), len = 1 + rnd(w, sizeof b);
        if (len > w->size - off)
            len = w->size - off;
        if ((off % RP) + len > RP)
            len = RP - off % RP; /* one page: its copy is taken as a whole */
        for (size_t i = 0; i < len; i++)
            b[i] = (uint8_t)rnd(w, 256);
        if (put(w->sys, q->pid, BASE + off, b, len) < 0)
            return false;
        if (getenv("VMM_VERBOSE"))
            fprintf(stderr, "  write [%zu, %zu) first 0x%02x\n", off, off + len, b[0]);
        if (q->shared) {
            memcpy(w->view + off, b, len);
        } else {
            size_t pg = off / RP;
            if (!q->copied[pg]) {
                for (size_t i = pg * RP; i < (pg + 1) * RP; i++)
                    q->copy[i] = rexpect(w, q, i);
                q->copied[pg] = true;
            }
            memcpy(q->copy + off, b, len);
        }
    } else if (op <= 4 && q->mapped) { /* read the whole mapping and compare */
        static uint8_t got[RMAXP * RP];
        if (vmm_access(w->sys, q->pid, BASE, VMM_READ, got, w->pages * RP) < 0)
            return false;
        for (size_t i = 0; i < w->pages * RP; i++)
            if (got[i] != rexpect(w, q, i)) {
                test_fail(__FILE__, __LINE__,
                          "seed %" PRIu64 " step %d: P%u (%s) reads 0x%02x at %zu, expected "
                          "0x%02x",
                          seed, step, q->pid, q->shared ? "shared" : "private", got[i], i,
                          rexpect(w, q, i));
                return false;
            }
    } else if (op == 5) { /* the heap: pressure, and its own bytes */
        size_t off = rnd(w, RHEAP * RP - 8);
        for (size_t i = 0; i < 8; i++)
            b[i] = (uint8_t)rnd(w, 256);
        if (put(w->sys, q->pid, ANON + off, b, 8) < 0)
            return false;
        memcpy(q->heap + off, b, 8);
        static uint8_t got[RHEAP * RP];
        if (vmm_access(w->sys, q->pid, ANON, VMM_READ, got, sizeof got) < 0 ||
            memcmp(got, q->heap, sizeof got) != 0) {
            test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d: P%u heap differs", seed, step,
                      q->pid);
            return false;
        }
    } else if (op == 6 && q->mapped) { /* msync, or munmap and map again */
        if (rnd(w, 2)) {
            if (vmm_region_sync(w->sys, q->pid, BASE, rnd(w, 2), NULL) != 0)
                return false;
        } else if (vmm_region_remove(w->sys, q->pid, BASE) != 0 || !rmap(w, q, rnd(w, 2))) {
            return false;
        }
    } else if (op == 7 && w->n < RPROCS) { /* fork: the child has the same view */
        struct rproc *c = &w->p[w->n++];
        *c = *q;
        c->pid = w->next_pid++;
        if (vmm_process_fork(w->sys, q->pid, c->pid) != 0)
            return false;
    } else if (op == 8 && w->n > 1) { /* exit */
        if (vmm_process_exit(w->sys, q->pid) != 0)
            return false;
        *q = w->p[--w->n];
    } else if (op == 9 && w->n < RPROCS) {
        if (!rspawn(w))
            return false;
    }
    int e = vmm_system_check(w->sys);
    if (e < 0)
        test_fail(__FILE__, __LINE__, "seed %" PRIu64 " step %d: %s", seed, step,
                  vmm_system_error(w->sys));
    return e == 0;
}

static void rrun(uint64_t seed)
{
    static struct rworld w;
    memset(&w, 0, sizeof w);
    w.rng = seed * 0x9E3779B97F4A7C15ull + 1;
    w.pages = 1 + rnd(&w, RMAXP);
    w.size = w.pages * RP - (rnd(&w, 2) ? rnd(&w, RP - 1) : 0);
    if (!tfile_make(&w.t, w.size)) {
        test_fail(__FILE__, __LINE__, "cannot make a file");
        return;
    }
    for (size_t i = 0; i < w.size; i++)
        w.view[i] = orig(i);
    struct vmm_config c = cfg(1 + rnd(&w, 5));
    c.page_size = RP;
    c.flush_interval = rnd(&w, 2) ? 1 + rnd(&w, 50) : 0;
    c.policy = rnd(&w, 2) ? "clock" : "lru";
    w.sys = sys_cfg(&c);
    w.next_pid = 1;
    bool ok = w.sys && (w.obj = file_obj(w.sys, &w.t, false)) != 0 && rspawn(&w);
    for (int step = 0; ok && step < 120; step++)
        ok = rstep(&w, seed, step);
    if (!ok && w.sys && vmm_system_error(w.sys)[0])
        test_fail(__FILE__, __LINE__, "seed %" PRIu64 ": %s", seed, vmm_system_error(w.sys));
    while (ok && w.n)
        ok = vmm_process_exit(w.sys, w.p[--w.n].pid) == 0;
    vmm_system_destroy(w.sys);
    if (ok)
        CHECK_FILE(&w.t, w.view, w.size);
    tfile_remove(&w.t);
}

TEST(mmap_random_against_a_shadow)
{
    const char *env = getenv("VMM_RANDOM_SEEDS");
    const char *one = getenv("VMM_SEED");
    uint64_t seeds = env ? strtoull(env, NULL, 10) : 150;
    for (uint64_t s = one ? strtoull(one, NULL, 10) : 1;
         s <= (one ? strtoull(one, NULL, 10) : seeds); s++)
        rrun(s);
}
