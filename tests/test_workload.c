/*
 * test_workload.c - the workload language (docs/workload.md): every kind of
 * parse error with its exact file:line:col message, settings, the address
 * layout, region-relative and absolute addresses, data written and checked
 * through heavy eviction (the invariant checker after every reference),
 * failed checks, kills that leave the other processes running, exit, repeat
 * blocks, run-time errors, and the built-in demo; byte strings; mapped files
 * and shared memory (mmap, munmap, msync, flush-interval) run on real files
 * in a directory made under /tmp, whose contents are compared byte by byte
 * with what the script's writes must have made of them.
 */
#include "harness.h"
#include "internal.h"
#include "vmm.h"

#include <errno.h>
#include <stdlib.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* A program every small script below can use: text 4K at 0x400000, data 4K
 * at 0x401000, heap 8K at 0x402000, stack 4K just below 0x7ffffffff000. */
#define PROG "program ed text=4K data=4K heap=8K stack=4K\n"

/* One parsed and run script. */
struct wl {
    struct vmm_workload *w; /* parsed script */
    struct vmm_system *sys; /* the system it ran on */
    FILE *log;              /* narration, into logbuf */
    char *logbuf;           /* what was narrated */
    size_t loglen;          /* its length */
    uint64_t fails;         /* failed checks */
    int rc;                 /* vmm_workload_run's result */
};

/* Runs the parsed script x->w on a system from the defaults, the script's
 * settings, the invariant checker on, then tweak (may be NULL), with the
 * observer obs (may be NULL). Returns false after recording a test failure if
 * it could not get that far. */
static bool wl_go_seen(struct wl *x, void (*tweak)(struct vmm_config *),
                       const struct vmm_observer *obs)
{
    char err[512];
    struct vmm_config cfg;
    int r;
    vmm_config_default(&cfg);
    vmm_workload_settings(x->w, &cfg);
    cfg.check = true;
    if (tweak)
        tweak(&cfg);
    if ((r = vmm_system_create(&cfg, &x->sys, err, sizeof err)) < 0) {
        test_fail(__FILE__, __LINE__, "create: %d %s", r, err);
        return false;
    }
    if (obs && (r = vmm_observer_add(x->sys, obs)) < 0) {
        test_fail(__FILE__, __LINE__, "observer: %d", r);
        return false;
    }
    x->log = open_memstream(&x->logbuf, &x->loglen);
    if (!x->log) {
        test_fail(__FILE__, __LINE__, "open_memstream failed");
        return false;
    }
    x->fails = 77; /* the run resets it */
    x->rc = vmm_workload_run(x->sys, x->w, x->log, &x->fails);
    fflush(x->log);
    return true;
}

/* wl_go_seen without an observer. */
static bool wl_go(struct wl *x, void (*tweak)(struct vmm_config *))
{
    return wl_go_seen(x, tweak, NULL);
}

/* Parses text as "t.vmw" and runs it (wl_go). */
static bool wl_run(struct wl *x, const char *text, void (*tweak)(struct vmm_config *))
{
    char err[512];
    memset(x, 0, sizeof *x);
    int r = vmm_workload_parse("t.vmw", text, &x->w, err, sizeof err);
    if (r < 0) {
        test_fail(__FILE__, __LINE__, "parse: %d %s", r, err);
        return false;
    }
    return wl_go(x, tweak);
}

static void wl_done(struct wl *x)
{
    if (x->log)
        fclose(x->log);
    free(x->logbuf);
    vmm_system_destroy(x->sys);
    vmm_workload_free(x->w);
    memset(x, 0, sizeof *x);
}

/* How many times needle occurs in hay. */
static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static struct vmm_proc_stats proc_stats(struct vmm_system *sys, uint32_t pid)
{
    struct vmm_proc_stats all[16], none = {0};
    size_t n = vmm_proc_stats_get(sys, all, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        if (all[i].pid == pid)
            return all[i];
    return none;
}

/* ---- parse errors ------------------------------------------------------------ */

static const struct {
    const char *text; /* the script */
    const char *msg;  /* the whole message */
} parse_errors[] = {
    /* unknown statement */
    {"frames 8\nfram 8\n",
     "t.vmw:2:1: unknown statement 'fram'; expected frames, policy, page-size, tlb, seed, "
     "va-bits, flush-interval, sched, quantum, mmu, binding, fit, program, spawn, exit, repeat, "
     "fork, exec, mmap, "
     "munmap, msync, "
     "or a process name P<n>"},
    /* unknown program */
    {PROG "spawn P1 edd\n", "t.vmw:2:10: unknown program 'edd'; expected a program defined "
                            "earlier with 'program NAME text=SIZE ...'"},
    /* unknown region */
    {PROG "spawn P1 ed\nP1 read hep+0x10\n",
     "t.vmw:3:9: unknown region 'hep' in 'hep+0x10'; expected text, data, bss, heap or stack "
     "(REGION or REGION+OFFSET), or an absolute address"},
    /* bad numbers, sizes, bytes, offsets */
    {"frames 8x\n", "t.vmw:1:8: '8x' is not a number; expected a decimal or 0x hex number"},
    {"frames 0\n", "t.vmw:1:8: frames '0' is out of range; expected 1 .. 4294967294"},
    {"seed 99999999999999999999\n",
     "t.vmw:1:6: seed '99999999999999999999' is out of range; expected 0 .. "
     "18446744073709551615"},
    {PROG "spawn P1 ed\nP1 write data+0 len=4Q\n",
     "t.vmw:3:17: 'len=4Q' is not a size; expected len=SIZE (4096, 0x1000, 4K, 2M)"},
    {PROG "spawn P1 ed\nP1 read data len=0\n",
     "t.vmw:3:14: 'len=0' is out of range; expected len=1 .. 1073741824"},
    {PROG "spawn P1 ed\nP1 write data+0 value=256\n",
     "t.vmw:3:17: 'value=256' is not a byte; expected value=0 .. 255 or 0x00 .. 0xff"},
    {PROG "spawn P1 ed\nP1 read data+zz\n",
     "t.vmw:3:9: bad offset in 'data+zz'; expected REGION+OFFSET or REGION-OFFSET with OFFSET "
     "in decimal, 0x hex or with a suffix (heap+16, data+0x10, stack-4K, heap+4K+16)"},
    {PROG "spawn P1 ed\nP1 read 0x12g\n",
     "t.vmw:3:9: '0x12g' is not a number; expected a decimal or 0x hex number"},
    {"program ed text=4K data=-1\n",
     "t.vmw:1:20: 'data=-1' is not a size; expected data=SIZE (4096, 0x1000, 4K, 2M)"},
    /* process names that are not P<number> */
    {PROG "spawn X1 ed\n", "t.vmw:2:7: 'X1' is not a process name; expected P followed by a "
                           "number 1 .. 1048575 (P1, P2, ...)"},
    {PROG "spawn P0 ed\n", "t.vmw:2:7: 'P0' is not a process name; expected P followed by a "
                           "number 1 .. 1048575 (P1, P2, ...)"},
    {PROG "spawn P01 ed\n", "t.vmw:2:7: 'P01' is not a process name; expected P followed by a "
                            "number 1 .. 1048575 (P1, P2, ...)"},
    {PROG "spawn P1048576 ed\n", "t.vmw:2:7: 'P1048576' is not a process name; expected P "
                                 "followed by a number 1 .. 1048575 (P1, P2, ...)"},
    {PROG "spawn P1 ed\nexit p1\n", "t.vmw:3:6: 'p1' is not a process name; expected P followed "
                                    "by a number 1 .. 1048575 (P1, P2, ...)"},
    {PROG "P2 read data\n",
     "t.vmw:2:1: P2 is not created before this line; expected 'spawn P2 PROGRAM' or "
     "'fork P<n> P2' earlier"},
    /* missing or extra arguments */
    {PROG "spawn P1\n", "t.vmw:2:9: found end of line; expected 'spawn P<n> PROGRAM [priority=N]'"},
    {PROG "spawn P1 ed extra\n", "t.vmw:2:13: unexpected 'extra'; expected priority= (spawn P<n> "
                                 "PROGRAM [priority=N])"},
    {PROG "spawn P1 ed\nP1 check data+0\n",
     "t.vmw:3:16: found end of line without value=; expected 'P<n> check ADDR value=BYTE "
     "[len=SIZE] or P<n> check ADDR \"TEXT\"'"},
    {PROG "spawn P1 ed\nP1 read\n",
     "t.vmw:3:8: found end of line; expected 'P<n> read ADDR [len=SIZE]'"},
    {PROG "spawn P1 ed\nP1\n", "t.vmw:3:3: found end of line after P1; expected an action: read, "
                               "write, check, brk, trace, pattern"},
    {PROG "spawn P1 ed\nP1 reed data\n", "t.vmw:3:4: found 'reed' after P1; expected an action: "
                                         "read, write, check, brk, trace, pattern"},
    {PROG "spawn P1 ed\nP1 write data size=4\n",
     "t.vmw:3:15: unexpected 'size=4'; expected len=, value= (P<n> write ADDR [len=SIZE] "
     "[value=BYTE] or P<n> write ADDR \"TEXT\")"},
    {PROG "spawn P1 ed\nP1 write data len=1 len=2\n",
     "t.vmw:3:21: len= given twice; expected each key once"},
    {"frames\n", "t.vmw:1:7: found end of line; expected 'frames N'"},
    {PROG "spawn P1 ed\nP1 read heap 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
     "t.vmw:3:47: '15' is word 17 after P1; expected at most 16"},
    /* duplicates */
    {PROG "spawn P1 ed\nspawn P1 ed\n",
     "t.vmw:3:7: P1 is already created at line 2; expected a new process name"},
    {PROG "program ed text=4K\n",
     "t.vmw:2:9: program 'ed' is already defined at line 1; expected a new name"},
    {"frames 8\nframes 9\n", "t.vmw:2:1: 'frames' is already set at line 1; expected each "
                             "setting once"},
    /* programs */
    {"program ed txt=4K\n",
     "t.vmw:1:12: unexpected 'txt=4K'; expected text=, data=, bss=, heap=, stack=, "
     "stack-limit=, at= (program NAME text=SIZE data=SIZE bss=SIZE heap=SIZE stack=SIZE "
     "[stack-limit=SIZE] [at=ADDR], or program NAME flat)"},
    {"program 9ed text=4K\n",
     "t.vmw:1:9: '9ed' is not a program name; expected a letter or '_' then letters, digits, "
     "'_', '-' or '.', at most 31 bytes"},
    /* settings */
    {PROG "spawn P1 ed\nframes 4\n",
     "t.vmw:3:1: setting 'frames' after the first statement (line 2); expected settings before "
     "any spawn, exit, repeat or process statement"},
    {"policy lur\n", "t.vmw:1:8: unknown policy 'lur'; expected one of fifo, lru, opt, random, "
                     "clock, eclock, nru, aging, lfu, mfu, ws, wsclock"},
    {"page-size 3000\n", "t.vmw:1:11: page-size '3000' is not a page size; expected a power of "
                         "two from 512 to 1M (4096, 4K, 16K)"},
    {"va-bits 40\n", "t.vmw:1:9: va-bits '40' is not supported; expected 32, 48 or 57"},
    {"tlb 100000\n", "t.vmw:1:5: tlb entries '100000' is out of range; expected 0 .. 65536"},
    /* blocks */
    {PROG "spawn P1 ed\nrepeat 3\n",
     "t.vmw:3:9: found end of line; expected '{' after 'repeat N' on the same line"},
    {PROG "spawn P1 ed\nrepeat x {\n}\n",
     "t.vmw:3:8: 'x' is not a number; expected a decimal or 0x hex number"},
    {PROG "spawn P1 ed\nrepeat 2 {\n  P1 read data\n",
     "t.vmw:3:10: '{' of the repeat at line 3 is never closed; expected '}' before the end of "
     "the file"},
    {PROG "spawn P1 ed\n}\n",
     "t.vmw:3:1: found '}' with no repeat block open; expected a statement"},
    {PROG "spawn P1 ed\nP1 read data {\n}\n",
     "t.vmw:3:14: found '{'; expected the end of the statement (only 'repeat N {' opens a "
     "block)"},
    {PROG "spawn P1 ed\nrepeat 2 { program x text=4K }\n",
     "t.vmw:3:12: a program definition inside a repeat block; expected it outside"},
    /* strings: the column of the opening '"' or of the bad escape's '\' */
    {PROG "spawn P1 ed\nP1 write heap \"abc\n",
     "t.vmw:3:15: unterminated string; expected a closing '\"' on the same line"},
    {PROG "spawn P1 ed\nP1 write heap \"abc\\\"\n",
     "t.vmw:3:15: unterminated string; expected a closing '\"' on the same line"},
    {PROG "spawn P1 ed\nP1 write heap \"a\\qb\"\n",
     "t.vmw:3:17: bad escape '\\q' in a string; expected \\\\, \\\", \\n, \\t, \\r, \\0 or \\xHH "
     "(two hex digits)"},
    {PROG "spawn P1 ed\nP1 write heap \"\\x4g\"\n",
     "t.vmw:3:16: bad escape '\\x' in a string; expected \\\\, \\\", \\n, \\t, \\r, \\0 or \\xHH "
     "(two hex digits)"},
    {PROG "spawn P1 ed\nP1 write heap \"ab\" len=2\n",
     "t.vmw:3:20: unexpected 'len=2' with a string; expected the string alone (its bytes are the "
     "values, its length the length)"},
    {PROG "spawn P1 ed\nP1 check heap value=1 \"a\"\n",
     "t.vmw:3:15: unexpected 'value=1' with a string; expected the string alone (its bytes are "
     "the values, its length the length)"},
    {PROG "spawn P1 ed\nP1 write heap \"a\" \"b\"\n",
     "t.vmw:3:19: a second string; expected one string after the address"},
    {PROG "spawn P1 ed\nP1 write heap \"\"\n",
     "t.vmw:3:15: string \"\" has 0 bytes; expected 1 .. 1073741824"},
    {PROG "spawn P1 ed\nP1 read heap \"a\"\n",
     "t.vmw:3:14: unexpected string \"a\"; expected len= (P<n> read ADDR [len=SIZE])"},
    {PROG "spawn P1 ed\nP1 write \"a\"\n",
     "t.vmw:3:10: found string \"a\"; expected an address: REGION, REGION+OFFSET, a mapping NAME "
     "or NAME+OFFSET, or an absolute address"},
    {PROG "\"frames 8\"\n", "t.vmw:2:1: found string \"frames 8\"; expected a statement (a string "
                            "follows an address)"},
    /* mappings */
    {PROG "spawn P1 ed\nmunmap P1 buf\n",
     "t.vmw:3:11: unknown mapping 'buf'; expected a name that an earlier 'mmap P<n> NAME ...' "
     "gives (there is none)"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K\nmmap P1 log anon shared len=4K\n"
          "msync P1 bfu\n",
     "t.vmw:5:10: unknown mapping 'bfu'; expected a name that an earlier mmap gives (buf, log)"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K\nP1 read bfu+4\n",
     "t.vmw:4:9: unknown region or mapping 'bfu' in 'bfu+4'; expected text, data, bss, heap or "
     "stack (REGION or REGION+OFFSET), a mapping an earlier mmap names (buf; NAME or "
     "NAME+OFFSET), or an absolute address"},
    {PROG "spawn P1 ed\nP1 read buf\nmmap P1 buf anon shared len=4K\n",
     "t.vmw:3:9: unknown region 'buf' in 'buf'; expected text, data, bss, heap or stack (REGION "
     "or REGION+OFFSET), or an absolute address"},
    {PROG "spawn P1 ed\nmmap P1 buf file=x shared prot=w\n",
     "t.vmw:3:27: unknown protection in 'prot=w'; expected prot=r or prot=rw"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared\n",
     "t.vmw:3:24: found end of line without len=; expected len=SIZE with anon (the size of the "
     "shared memory)"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K offset=4K\n",
     "t.vmw:3:32: offset= with anon; expected it only with file="},
    {PROG "spawn P1 ed\nmmap P1 buf anon private len=4K\n",
     "t.vmw:3:18: anon private; expected anon shared (private anonymous memory is what data, bss "
     "and heap are)"},
    {PROG "spawn P1 ed\nmmap P1 buf anon len=4K\n",
     "t.vmw:3:24: found end of line without shared; expected 'mmap P<n> NAME anon shared "
     "len=SIZE [prot=r|rw]'"},
    {PROG "spawn P1 ed\nmmap P1 buf file=x\n",
     "t.vmw:3:19: found end of line without shared or private; expected 'mmap P<n> NAME "
     "file=PATH shared|private [offset=SIZE] [len=SIZE] [prot=r|rw], or mmap P<n> NAME anon "
     "shared len=SIZE [prot=r|rw]'"},
    {PROG "spawn P1 ed\nmmap P1 buf file=x shared private\n",
     "t.vmw:3:27: both shared and private; expected one of them"},
    {PROG "spawn P1 ed\nmmap P1 buf shared len=4K\n",
     "t.vmw:3:26: found end of line without file= or anon; expected 'mmap P<n> NAME file=PATH "
     "shared|private [offset=SIZE] [len=SIZE] [prot=r|rw], or mmap P<n> NAME anon shared "
     "len=SIZE [prot=r|rw]'"},
    {PROG "spawn P1 ed\nmmap P1 buf anon file=x shared\n",
     "t.vmw:3:18: both file= and anon; expected a file or anonymous shared memory ('mmap P<n> "
     "NAME file=PATH shared|private [offset=SIZE] [len=SIZE] [prot=r|rw], or mmap P<n> NAME anon "
     "shared len=SIZE [prot=r|rw]')"},
    {PROG "spawn P1 ed\nmmap P1 buf anon anon shared len=4K\n",
     "t.vmw:3:18: anon given twice; expected it once"},
    {PROG "spawn P1 ed\nmmap P1 heap anon shared len=4K\n",
     "t.vmw:3:9: 'heap' is a region's name; expected a mapping name other than text, data, bss, "
     "heap and stack"},
    {PROG "spawn P1 ed\nmmap P1 9x anon shared len=4K\n",
     "t.vmw:3:9: '9x' is not a mapping name; expected a letter or '_' then letters, digits, '_', "
     "'-' or '.', at most 31 bytes"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=0\n",
     "t.vmw:3:25: 'len=0' is out of range; expected len=1 .. 1099511627776"},
    {PROG "spawn P1 ed\nmmap P1 buf file=x private offset=4Q\n",
     "t.vmw:3:28: 'offset=4Q' is not a size; expected offset=SIZE (4096, 0x1000, 4K, 2M)"},
    {PROG "spawn P1 ed\nmmap P1 buf file= shared\n",
     "t.vmw:3:13: 'file=' is no path; expected file=PATH of 1 .. 1023 bytes"},
    {PROG "spawn P1 ed\nmmap P1 buf file=x shared size=4K\n",
     "t.vmw:3:27: unexpected 'size=4K'; expected file=, offset=, len=, prot= (mmap P<n> NAME "
     "file=PATH shared|private [offset=SIZE] [len=SIZE] [prot=r|rw], or mmap P<n> NAME anon "
     "shared len=SIZE [prot=r|rw])"},
    {PROG "spawn P1 ed\nmmap P1 buf\n",
     "t.vmw:3:12: found end of line; expected 'mmap P<n> NAME file=PATH shared|private "
     "[offset=SIZE] [len=SIZE] [prot=r|rw], or mmap P<n> NAME anon shared len=SIZE "
     "[prot=r|rw]'"},
    {PROG "mmap P1 buf anon shared len=4K\n",
     "t.vmw:2:6: P1 is not created before this line; expected 'spawn P1 PROGRAM' or 'fork P<n> "
     "P1' earlier"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K\nmsync P1 buf sync\n",
     "t.vmw:4:14: unexpected 'sync'; expected async or nothing ('msync P<n> NAME [async]')"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K\nmunmap P1 buf async\n",
     "t.vmw:4:15: unexpected 'async'; expected 'munmap P<n> NAME'"},
    {PROG "spawn P1 ed\nmmap P1 buf anon shared len=4K\nmunmap P1\n",
     "t.vmw:4:10: found end of line; expected 'munmap P<n> NAME'"},
    /* scheduling: sched, quantum, priority= */
    {"sched fifo\n", "t.vmw:1:7: unknown scheduler 'fifo'; expected rr (round robin) or none "
                     "(statements in script order)"},
    {"sched\n", "t.vmw:1:6: found end of line; expected 'sched rr|none'"},
    {"sched rr\nsched none\n",
     "t.vmw:2:1: 'sched' is already set at line 1; expected each setting once"},
    {PROG "spawn P1 ed\nsched rr\n",
     "t.vmw:3:1: setting 'sched' after the first statement (line 2); expected settings before "
     "any spawn, exit, repeat or process statement"},
    {"quantum ms\n", "t.vmw:1:9: 'ms' is not a quantum; expected a time (10ms, 500us, 1s, "
                     "200000ns; a bare number is ns) or a number of references (500refs)"},
    {"quantum 10min\n", "t.vmw:1:9: '10min' is not a quantum; expected a time (10ms, 500us, 1s, "
                        "200000ns; a bare number is ns) or a number of references (500refs)"},
    {"quantum 0x10ms\n", "t.vmw:1:9: '0x10ms' is not a quantum; expected a time (10ms, 500us, "
                         "1s, 200000ns; a bare number is ns) or a number of references "
                         "(500refs)"},
    {"quantum 0ms\n", "t.vmw:1:9: quantum '0ms' is out of range; expected at least 1 (a quantum "
                      "of 0 never ends) and at most 2^64-1 ns"},
    {"quantum 0refs\n", "t.vmw:1:9: quantum '0refs' is out of range; expected at least 1 (a "
                        "quantum of 0 never ends) and at most 2^64-1 ns"},
    {"quantum 18446744074s\n",
     "t.vmw:1:9: quantum '18446744074s' is out of range; expected at least 1 (a quantum of 0 "
     "never ends) and at most 2^64-1 ns"},
    {"quantum 99999999999999999999ns\n",
     "t.vmw:1:9: quantum '99999999999999999999ns' is out of range; expected at least 1 (a "
     "quantum of 0 never ends) and at most 2^64-1 ns"},
    {"quantum 1ms 2ms\n", "t.vmw:1:13: unexpected '2ms'; expected 'quantum TIME or quantum "
                          "Nrefs'"},
    {PROG "spawn P1 ed priority=0\n",
     "t.vmw:2:13: 'priority=0' is out of range; expected priority=1 .. 4294967295"},
    {PROG "spawn P1 ed priority=high\n",
     "t.vmw:2:13: 'priority=high' is not a number; expected priority=N in decimal or 0x hex"},
    {PROG "spawn P1 ed prio=3\n",
     "t.vmw:2:13: unexpected 'prio=3'; expected priority= (spawn P<n> PROGRAM [priority=N])"},
    {PROG "spawn P1 ed priority=2 priority=3\n",
     "t.vmw:2:24: unexpected 'priority=3'; expected 'spawn P<n> PROGRAM [priority=N]'"},
    /* flush-interval */
    {"flush-interval x\n", "t.vmw:1:16: 'x' is not a number; expected a decimal or 0x hex number"},
    {"flush-interval 4K\n",
     "t.vmw:1:16: '4K' is not a number; expected a decimal or 0x hex number"},
    {PROG "spawn P1 ed\nflush-interval 8\n",
     "t.vmw:3:1: setting 'flush-interval' after the first statement (line 2); expected settings "
     "before any spawn, exit, repeat or process statement"},
};

TEST(workload_parse_errors)
{
    for (size_t i = 0; i < sizeof parse_errors / sizeof parse_errors[0]; i++) {
        struct vmm_workload *w = (struct vmm_workload *)1;
        char err[512];
        int r = vmm_workload_parse("t.vmw", parse_errors[i].text, &w, err, sizeof err);
        if (r != VMM_EPARSE || w != NULL) {
            test_fail(__FILE__, __LINE__, "case %zu: returned %d (w %p) for:\n%s", i, r, (void *)w,
                      parse_errors[i].text);
            vmm_workload_free(w);
            return;
        }
        CHECK_STR_EQ(err, parse_errors[i].msg);
    }
}

/* An error deep in a file names the right line and column, also after
 * comments, tabs, ';' and blank lines. */
TEST(workload_parse_error_position)
{
    const char *text = "# a comment\n"
                       "\n"
                       "frames 4   # another\n" PROG "spawn P1 ed ; spawn P2 ed\n"
                       "\tP1 read data ; P2 read hep\n";
    struct vmm_workload *w = NULL;
    char err[512];
    CHECK_EQ_I64(vmm_workload_parse("x/y.vmw", text, &w, err, sizeof err), VMM_EPARSE);
    CHECK_STR_EQ(err, "x/y.vmw:6:25: unknown region 'hep' in 'hep'; expected text, data, bss, "
                      "heap or stack (REGION or REGION+OFFSET), or an absolute address");
}

TEST(workload_parse_accepts_forms)
{
    const char *text = "# every form of the language\n"
                       "frames 8\n"
                       "policy clock\n"
                       "page-size 4096\n"
                       "tlb 0x10\n"
                       "seed 7\n"
                       "va-bits 48\n"
                       "program a text=0x1000 data=4K bss=1 heap=2KiB stack=8K\n"
                       "program b_2.x-y\n"
                       "spawn P1 a\t;spawn P2 b_2.x-y\n"
                       "P1 read text ; P1 read text+0 ; P1 read text+0x10 len=0x20\n"
                       "P1 write data+16 len=4 value=0x41;P1 write heap\n"
                       "P1 check data+16 value=65 len=4\n"
                       "P1 read 4194304\n"
                       "repeat 2 { P1 read data } ; repeat 0 { }\n"
                       "repeat 3 {\n"
                       "  repeat 2 { P1 read stack+4K len=1 }\n"
                       "}\n"
                       "exit P2\n";
    struct wl x;
    if (!wl_run(&x, text, NULL))
        return;
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(x.sys));
    CHECK_EQ_U64(x.fails, 0);
    wl_done(&x);
}

/* ---- settings ------------------------------------------------------------------ */

TEST(workload_settings_applied)
{
    struct vmm_workload *w = NULL;
    struct vmm_config c;
    char err[256];
    CHECK_EQ_I64(vmm_workload_parse("t.vmw",
                                    "frames 12\npolicy aging:bits=4\npage-size 16K\ntlb 32\n"
                                    "seed 99\nva-bits 57\nflush-interval 1000\n",
                                    &w, err, sizeof err),
                 0);
    vmm_config_default(&c);
    vmm_workload_settings(w, &c);
    CHECK_EQ_U64(c.frames, 12);
    CHECK_STR_EQ(c.policy, "aging");
    CHECK_STR_EQ(c.policy_params, "bits=4");
    CHECK_EQ_U64(c.page_size, 16384);
    CHECK_EQ_U64(c.tlb_entries, 32);
    CHECK_EQ_U64(c.seed, 99);
    CHECK_EQ_U64(c.va_bits, 57);
    CHECK_EQ_U64(c.flush_interval, 1000);
    vmm_workload_free(w);
}

/* sched, quantum as a time or as references, and priority= on spawn. */
TEST(workload_settings_sched)
{
    struct vmm_workload *w = NULL;
    struct vmm_config c;
    char err[256];
    CHECK_EQ_I64(vmm_workload_parse("t.vmw", "sched rr\nquantum 500refs\n", &w, err, sizeof err),
                 0);
    vmm_config_default(&c);
    uint64_t ns = c.quantum_ns;
    vmm_workload_settings(w, &c);
    CHECK_EQ_U64(c.sched, VMM_SCHED_RR);
    CHECK_EQ_U64(c.quantum_refs, 500);
    CHECK_EQ_U64(c.quantum_ns, ns); /* the count wins while it is set */
    vmm_workload_free(w);
    static const struct {
        const char *text; /* quantum TIME */
        uint64_t ns;      /* what it is */
    } times[] = {{"quantum 250ns\n", 250},
                 {"quantum 40us\n", 40000},
                 {"quantum 10ms\n", 10000000},
                 {"quantum 2s\n", 2000000000},
                 {"quantum 18446744073s\n", 18446744073000000000ull}};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        CHECK_EQ_I64(vmm_workload_parse("t.vmw", times[i].text, &w, err, sizeof err), 0);
        c.quantum_refs = 7; /* a time given in the script replaces a count set before */
        vmm_workload_settings(w, &c);
        CHECK_EQ_U64(c.quantum_ns, times[i].ns);
        CHECK_EQ_U64(c.quantum_refs, 0);
        CHECK_EQ_U64(c.sched, VMM_SCHED_RR); /* not given: left alone */
        vmm_workload_free(w);
    }
    CHECK_EQ_I64(vmm_workload_parse("t.vmw", "sched none\n", &w, err, sizeof err), 0);
    vmm_workload_settings(w, &c);
    CHECK_EQ_U64(c.sched, VMM_SCHED_NONE);
    vmm_workload_free(w);

    /* priority=N reaches the process (vmm_proc_stats), and the spawn line says it */
    struct wl x;
    if (!wl_run(&x, PROG "spawn P1 ed priority=3\nspawn P2 ed\n", NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(proc_stats(x.sys, 1).priority, 3);
    CHECK_EQ_U64(proc_stats(x.sys, 2).priority, 1);
    CHECK_CONTAINS(x.logbuf, "t.vmw:2: P1 spawned (ed), priority 3: text 0x400000 4K r-x");
    CHECK_CONTAINS(x.logbuf, "t.vmw:3: P2 spawned (ed): text 0x400000 4K r-x");
    wl_done(&x);
}

/* Only the settings the script gives are written. */
TEST(workload_settings_partial)
{
    struct vmm_workload *w = NULL;
    struct vmm_config c, before;
    char err[256];
    CHECK_EQ_I64(vmm_workload_parse("t.vmw", "policy fifo\n" PROG, &w, err, sizeof err), 0);
    vmm_config_default(&c);
    c.frames = 5;
    c.page_size = 1024;
    c.tlb_entries = 8;
    c.seed = 3;
    c.va_bits = 32;
    c.policy_params = "x=1";
    c.flush_interval = 7;
    before = c;
    vmm_workload_settings(w, &c);
    CHECK_STR_EQ(c.policy, "fifo");
    CHECK(c.policy_params == NULL); /* "policy NAME" clears parameters meant for another */
    CHECK_EQ_U64(c.frames, before.frames);
    CHECK_EQ_U64(c.page_size, before.page_size);
    CHECK_EQ_U64(c.tlb_entries, before.tlb_entries);
    CHECK_EQ_U64(c.seed, before.seed);
    CHECK_EQ_U64(c.va_bits, before.va_bits);
    CHECK_EQ_U64(c.flush_interval, before.flush_interval);
    vmm_workload_free(w);
}

/* ---- layout ---------------------------------------------------------------------- */

struct want_region {
    const char *name; /* region name */
    uint64_t start;   /* first byte */
    uint64_t end;     /* one past the last */
    unsigned prot;    /* VMM_PROT_* */
};

static void check_regions(struct vmm_system *sys, uint32_t pid, const struct want_region *want,
                          size_t n)
{
    const struct proc *p = vmm__proc(sys, pid);
    if (!p) {
        test_fail(__FILE__, __LINE__, "no process %u", pid);
        return;
    }
    if (p->nregions != n) {
        test_fail(__FILE__, __LINE__, "P%u has %zu regions, expected %zu", pid, p->nregions, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct region *r = &p->regions[i];
        if (strcmp(r->name, want[i].name) != 0 || r->start != want[i].start ||
            r->end != want[i].end || r->prot != want[i].prot) {
            test_fail(__FILE__, __LINE__,
                      "P%u region %zu: %s [0x%" PRIx64 ", 0x%" PRIx64 ") prot %u; expected %s "
                      "[0x%" PRIx64 ", 0x%" PRIx64 ") prot %u",
                      pid, i, r->name, r->start, r->end, r->prot, want[i].name, want[i].start,
                      want[i].end, want[i].prot);
            return;
        }
    }
}

enum { RX = VMM_PROT_READ | VMM_PROT_EXEC, RW = VMM_PROT_READ | VMM_PROT_WRITE };

TEST(workload_layout)
{
    struct wl x;
    if (!wl_run(&x,
                "program a text=5000 data=1 bss=4K stack=10000\n"
                "program b heap=4K\n"
                "program c text=4K heap=100 stack=1\n"
                "spawn P1 a\nspawn P2 b\nspawn P9 c\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    static const struct want_region a[] = {
        {"text", 0x400000, 0x402000, RX},
        {"data", 0x402000, 0x403000, RW},
        {"bss", 0x403000, 0x404000, RW},
        {"stack", 0x7ffffffff000 - 0x3000, 0x7ffffffff000, RW},
    };
    static const struct want_region b[] = {{"heap", 0x400000, 0x401000, RW}};
    static const struct want_region c[] = {
        {"text", 0x400000, 0x401000, RX},
        {"heap", 0x401000, 0x402000, RW},
        {"stack", 0x7fffffffe000, 0x7ffffffff000, RW},
    };
    check_regions(x.sys, 1, a, 4);
    check_regions(x.sys, 2, b, 1);
    check_regions(x.sys, 9, c, 3);
    CHECK_STR_EQ(vmm__proc(x.sys, 9)->name, "c");
    CHECK_CONTAINS(x.logbuf, "t.vmw:4: P1 spawned (a): text 0x400000 8K r-x, data 0x402000 4K "
                             "rw-, bss 0x403000 4K rw-, stack 0x7fffffffc000 12K rw-\n");
    wl_done(&x);
}

TEST(workload_layout_32bit_16k_pages)
{
    struct wl x;
    if (!wl_run(&x,
                "va-bits 32\npage-size 16K\n"
                "program a text=5000 data=16K heap=20K stack=64K\nspawn P3 a\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    static const struct want_region a[] = {
        {"text", 0x400000, 0x404000, RX},
        {"data", 0x404000, 0x408000, RW},
        {"heap", 0x408000, 0x410000, RW},
        {"stack", 0xc0000000 - 0x10000, 0xc0000000, RW},
    };
    check_regions(x.sys, 3, a, 4);
    wl_done(&x);
}

/* ---- addresses and data ------------------------------------------------------------- */

TEST(workload_addresses)
{
    struct wl x;
    /* data starts at 0x401000: data+0x10 = data+16 = 0x401010 = 4198416. */
    if (!wl_run(&x,
                PROG "spawn P1 ed\n"
                     "P1 write data+0x10 value=0x41\n"
                     "P1 check data+16 value=0x41\n"
                     "P1 check 0x401010 value=65\n"
                     "P1 check 4198416 value=0x41\n"
                     "P1 write 0x402ff0 len=32 value=7\n" /* heap page 0 into page 1 */
                     "P1 check heap+0xff0 len=32 value=7\n"
                     "P1 check heap+0xfef value=0\n"
                     "P1 check heap+4K+16 value=0\n"
                     "P1 write stack value=9 ; P1 check 0x7fffffffe000 value=9\n"
                     "P1 write heap+1 len=2\n"
                     "P1 check heap+1 len=2 value=0xAA\n" /* the default byte */
                     "P1 check heap value=0 ; P1 check heap+3 value=0\n"
                     "P1 read text+0 len=4K\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    uint8_t b[2];
    CHECK_EQ_I64(vmm_access(x.sys, 1, 0x401010, VMM_READ, b, 1), VMM_HIT);
    CHECK_EQ_U64(b[0], 0x41);
    CHECK_EQ_I64(vmm_access(x.sys, 1, 0x402fff, VMM_READ, b, 2), VMM_HIT);
    CHECK_EQ_U64(b[0], 7);
    CHECK_EQ_U64(b[1], 7);
    CHECK(proc_stats(x.sys, 1).live);
    wl_done(&x);
}

static void lru4(struct vmm_config *c)
{
    c->frames = 4;
}

/* 64 pages written with distinct bytes through 4 frames, then checked: every
 * page goes to swap and comes back; the checker runs after every reference. */
static void roundtrip(const char *policy)
{
    size_t cap = 16384, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len,
                            "frames 4\npolicy %s\nprogram big heap=256K\nspawn P1 big\n", policy);
    for (int i = 0; i < 64; i++)
        len += (size_t)snprintf(text + len, cap - len, "P1 write heap+%dK len=4K value=%d\n", i * 4,
                                (i * 37 + 5) & 255);
    for (int i = 63; i >= 0; i--)
        len += (size_t)snprintf(text + len, cap - len, "P1 check heap+%d len=4K value=%d\n",
                                i * 4096, (i * 37 + 5) & 255);
    struct wl x;
    bool ok = wl_run(&x, text, NULL);
    free(text);
    if (!ok)
        return;
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "%s: run: %s", policy, vmm_system_error(x.sys));
    CHECK_EQ_U64(x.fails, 0);
    CHECK_EQ_U64(st.references, 128);
    CHECK_LE_U64(60, st.writebacks);
    CHECK_LE_U64(60, st.swap_reads);
    CHECK_CONTAINS(x.logbuf, "t.vmw:4: P1 spawned (big): heap 0x400000 256K rw-\n");
    if (strcmp(policy, "opt") == 0)
        CHECK_CONTAINS(x.logbuf, "t.vmw: note: policy opt needs future references, which a "
                                 "workload does not give in advance; it evicts as LRU does\n");
    wl_done(&x);
}

TEST(workload_roundtrip_heavy_eviction)
{
    static const char *const policies[] = {"lru", "fifo", "clock", "random", "eclock", "opt"};
    for (size_t i = 0; i < sizeof policies / sizeof policies[0] && !test_stopped(); i++)
        roundtrip(policies[i]);
}

/* A range much larger than the runner's buffer, unaligned. */
TEST(workload_large_range)
{
    struct wl x;
    if (!wl_run(&x,
                "frames 16\nprogram big heap=9M\nspawn P1 big\n"
                "P1 write heap+100 len=8M value=0x5a\n"
                "P1 check heap+100 len=8M value=0x5a\n"
                "P1 check heap+99 value=0\n"
                "P1 check heap+8M+100 value=0\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.references, 2 * 2049 + 2);
    wl_done(&x);
}

TEST(workload_check_failure_reported)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\n"
                     "P1 write data+0 len=100 value=1 ; P1 write data+50 value=2\n"
                     "P1 check data+0 len=100 value=1\n"
                     "P1 check data+0 len=50 value=1\n"
                     "P1 check heap+0x10 value=0x41\n",
                lru4))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 2);
    CHECK_STR_EQ(x.logbuf, "t.vmw:2: P1 spawned (ed): text 0x400000 4K r-x, data 0x401000 4K "
                           "rw-, heap 0x402000 8K rw-, stack 0x7fffffffe000 4K rw-\n"
                           "t.vmw:4: check failed: P1 data+0 (0x401000): expected 0x01, found "
                           "0x02 at byte 50\n"
                           "t.vmw:6: check failed: P1 heap+0x10 (0x402010): expected 0x41, found "
                           "0x00 at byte 0\n");
    wl_done(&x);
}

/* ---- kills, exit ------------------------------------------------------------------------ */

TEST(workload_segfault_kills_only_that_process)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nspawn P2 ed\nspawn P3 ed\n"
                     "P1 write data value=1 ; P2 write data value=2 ; P3 write data value=3\n"
                     "P2 read 0x10000000\n"
                     "P2 check data value=2\n"
                     "P2 write heap\n"
                     "exit P2\n"
                     "P1 check data value=1 ; P3 check data value=3\n",
                lru4))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf,
                   "t.vmw:6: P2 killed: segmentation fault: 0x10000000 is in no region"
                   "; its regions: text 0x400000-0x401000 r-x, data 0x401000-0x402000 rw-, heap "
                   "0x402000-0x404000 rw-, stack 0x7fffffffe000-0x7ffffffff000 rw-\n"
                   "t.vmw:7: P2 is not running (killed: segmentation fault: 0x10000000 is in no "
                   "region); statement skipped\n");
    CHECK_EQ_U64(count(x.logbuf, "not running"), 1); /* one note per process */
    struct vmm_proc_stats p2 = proc_stats(x.sys, 2);
    CHECK(!p2.live && p2.killed);
    CHECK_EQ_U64(p2.kill_addr, 0x10000000);
    CHECK(proc_stats(x.sys, 1).live);
    CHECK(proc_stats(x.sys, 3).live);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.segfaults, 1);
    wl_done(&x);
}

TEST(workload_protection_fault)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nspawn P2 ed\n"
                     "P1 read text+0 len=4K\n"
                     "P1 write text+0x100 value=0x90\n"
                     "P2 write text+0 len=2\n"
                     "P1 read data\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_CONTAINS(
        x.logbuf,
        "t.vmw:5: P1 killed: protection fault: write of 0x400100 in "
        "read-only region text; its regions: text 0x400000-0x401000 r-x, data 0x401000-0x402000 "
        "rw-, heap 0x402000-0x404000 rw-, stack 0x7fffffffe000-0x7ffffffff000 rw-\n"
        "t.vmw:6: P2 killed: protection fault: write of 0x400000 in "
        "read-only region text; its regions: text 0x400000-0x401000 r-x, data 0x401000-0x402000 "
        "rw-, heap 0x402000-0x404000 rw-, stack 0x7fffffffe000-0x7ffffffff000 rw-\n"
        "t.vmw:7: P1 is not running (killed: protection fault: write of "
        "0x400100 in read-only region text); statement skipped\n");
    wl_done(&x);
}

TEST(workload_exit)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nspawn P2 ed\n"
                     "P1 write data ; P1 write heap len=8K ; P2 write data\n"
                     "P2 write heap len=8K   # evicts P1's data and first heap page to swap\n"
                     "exit P1\n"
                     "P1 read data ; exit P1\n"
                     "P2 check data value=0xaa ; P2 check heap len=8K value=0xaa\n",
                lru4))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:6: P1 exited: freed 1 frame and 2 swap slots\n"
                             "t.vmw:7: P1 is not running (exited at line 6); statement skipped\n");
    CHECK_EQ_U64(count(x.logbuf, "not running"), 1);
    struct vmm_proc_stats p1 = proc_stats(x.sys, 1);
    CHECK(!p1.live && !p1.killed);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.frames_used, 3); /* P2's pages */
    CHECK_EQ_U64(st.swap_slots_used, 0);
    wl_done(&x);
}

/* ---- repeat ----------------------------------------------------------------------------- */

static uint64_t refs_of(const char *script)
{
    struct wl x;
    if (!wl_run(&x, script, NULL))
        return UINT64_MAX;
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(x.sys));
    wl_done(&x);
    return st.references;
}

TEST(workload_repeat_nesting)
{
    /* one line: 3 x (2 + 1) */
    CHECK_EQ_U64(refs_of(PROG "spawn P1 ed\n"
                              "repeat 3 { repeat 2 { P1 read data } ; P1 read heap }\n"),
                 9);
    /* lines: 2 x (3 x 2 pages + 1) + 1 */
    CHECK_EQ_U64(refs_of(PROG "spawn P1 ed\n"
                              "repeat 2 {\n"
                              "  repeat 3 {   # inner\n"
                              "    P1 read heap+0 len=8K\n"
                              "  }\n"
                              "  P1 write data+0\n"
                              "}\n"
                              "P1 read stack\n"),
                 15);
    /* zero times, empty, and deep */
    CHECK_EQ_U64(refs_of(PROG "spawn P1 ed\nrepeat 0 { P1 read data }\nrepeat 5 { }\n"
                              "repeat 2 { repeat 2 { repeat 2 { repeat 2 { P1 read data } } } }\n"),
                 16);
    /* a block after a statement on one line, statements after a block */
    CHECK_EQ_U64(refs_of(PROG "spawn P1 ed ; repeat 4 { P1 read data } P1 read data\n"), 5);
}

/* The statements of a block run in order, each pass: data written in one
 * pass is checked in the next. */
TEST(workload_repeat_order)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nP1 write data value=1\n"
                     "repeat 3 {\n"
                     "  P1 check data value=1\n"
                     "  P1 write data value=2\n"
                     "  P1 check data value=2\n"
                     "  P1 write data value=1\n"
                     "}\n",
                lru4))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    wl_done(&x);
}

/* ---- run-time errors --------------------------------------------------------------------- */

static void runtime_error(const char *script, int code, const char *msg)
{
    struct wl x;
    if (!wl_run(&x, script, NULL))
        return;
    if (x.rc != code)
        test_fail(__FILE__, __LINE__, "returned %d, expected %d (%s)", x.rc, code,
                  vmm_system_error(x.sys));
    else if (strcmp(vmm_system_error(x.sys), msg) != 0)
        test_fail(__FILE__, __LINE__, "message:\n  got:      \"%s\"\n  expected: \"%s\"",
                  vmm_system_error(x.sys), msg);
    wl_done(&x);
}

TEST(workload_runtime_errors)
{
    runtime_error(PROG "program sh text=4K stack=4K\nspawn P1 sh\nP1 write heap+0\n", VMM_ENOENT,
                  "t.vmw:4:10: P1 runs sh, which has no heap region (grow one with brk); expected "
                  "one of its regions "
                  "(text, stack) or an absolute address");
    runtime_error(PROG "repeat 2 { spawn P1 ed }\n", VMM_EEXIST,
                  "t.vmw:2:12: P1: pid 1 is already in use; expected a process that does not "
                  "exist yet (a spawn runs once)");
    runtime_error(PROG "spawn P1 ed\nP1 read 0x1000000000000\n", VMM_ERANGE,
                  "t.vmw:3:9: 0x1000000000000: [0x1000000000000, +1) reaches beyond the 48-bit "
                  "virtual address space; expected addresses below 0x1000000000000");
    runtime_error(PROG "spawn P1 ed\nP1 read 0xffffffffffff len=2\n", VMM_ERANGE,
                  "t.vmw:3:9: 0xffffffffffff: [0xffffffffffff, +2) reaches beyond the 48-bit "
                  "virtual address space; expected addresses below 0x1000000000000");
    runtime_error("va-bits 32\nprogram big text=4G\nspawn P1 big\n", VMM_ERANGE,
                  "t.vmw:3:1: program big does not fit in a 32-bit address space: its regions "
                  "reach past the stack top; expected smaller sizes or va-bits 48");
}

/* A pid already in use before the run is a run-time error, not a crash. */
TEST(workload_runtime_pid_in_use)
{
    struct vmm_workload *w = NULL;
    struct vmm_system *sys = NULL;
    struct vmm_config c;
    char err[256];
    uint64_t fails = 0;
    CHECK_EQ_I64(vmm_workload_parse("t.vmw", PROG "spawn P1 ed\n", &w, err, sizeof err), 0);
    vmm_config_default(&c);
    CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "other"), 0);
    CHECK_EQ_I64(vmm_workload_run(sys, w, NULL, &fails), VMM_EEXIST);
    CHECK_CONTAINS(vmm_system_error(sys), "t.vmw:2:1: P1: pid 1 is already in use");
    vmm_system_destroy(sys);
    vmm_workload_free(w);
}

/* ---- data off ----------------------------------------------------------------------------- */

static void no_data(struct vmm_config *c)
{
    c->data = false;
}

TEST(workload_data_off)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nP1 write data value=1\nP1 check data value=2\n"
                     "P1 check data value=3\n",
                no_data))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf,
                   "t.vmw:4: note: frames hold no data (data off); check statements only read\n");
    CHECK_EQ_U64(count(x.logbuf, "note:"), 1);
    wl_done(&x);
}

/* ---- files and the demo --------------------------------------------------------------------- */

TEST(workload_load)
{
    struct vmm_workload *w = NULL;
    char err[512], path[600];
    CHECK_EQ_I64(vmm_workload_load("/nonexistent/x.vmw", &w, err, sizeof err), VMM_ENOENT);
    CHECK(w == NULL);
    CHECK_STR_EQ(err, "/nonexistent/x.vmw: cannot open: No such file or directory");

    snprintf(path, sizeof path, "%s/bad.vmw", test_tmpdir());
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fwrite("frames 4\n\0\n", 1, 11, f);
    fclose(f);
    CHECK_EQ_I64(vmm_workload_load(path, &w, err, sizeof err), VMM_EPARSE);
    CHECK_CONTAINS(err, "bad.vmw: a NUL byte at offset 9; expected a text file");

    f = fopen(path, "wb");
    CHECK(f != NULL);
    fputs("frames 4\nspawn P1 nothing\n", f);
    fclose(f);
    CHECK_EQ_I64(vmm_workload_load(path, &w, err, sizeof err), VMM_EPARSE);
    char want[700];
    snprintf(want, sizeof want, "%s:2:10: unknown program 'nothing'", path);
    CHECK_CONTAINS(err, want);

    /* The file on disk is the demo built in. */
    CHECK_EQ_I64(vmm_workload_load(top_path("examples/demo.vmw"), &w, err, sizeof err), 0);
    CHECK(w != NULL);
    vmm_workload_free(w);
    f = fopen(top_path("examples/demo.vmw"), "rb");
    CHECK(f != NULL);
    static char file[65536];
    size_t n = fread(file, 1, sizeof file - 1, f);
    fclose(f);
    file[n] = '\0';
    CHECK_STR_EQ(vmm_demo_workload(), file);
}

TEST(workload_demo)
{
    struct wl x;
    if (!wl_run(&x, vmm_demo_workload(), NULL))
        return;
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(x.sys));
    CHECK_EQ_U64(x.fails, 0);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_LE_U64(3, st.processes);
    CHECK_LE_U64(1, st.minor_faults);
    CHECK_LE_U64(1, st.evictions);
    CHECK_LE_U64(1, st.writebacks);
    CHECK_LE_U64(1, st.writebacks_saved);
    CHECK_LE_U64(1, st.swap_reads);
    CHECK_LE_U64(2, st.segfaults);
    CHECK_CONTAINS(x.logbuf, "killed: protection fault");
    CHECK_CONTAINS(x.logbuf, "killed: segmentation fault");
    CHECK_CONTAINS(x.logbuf, "exited");
    CHECK_CONTAINS(x.logbuf, "statement skipped");
    /* Every capability the demo exists to show. */
    CHECK_LE_U64(1, st.cow_copies);
    CHECK_LE_U64(1, st.zero_fills);
    CHECK_LE_U64(1, st.page_cache_hits);
    CHECK_LE_U64(1, st.forks);
    CHECK_LE_U64(1, st.execs);
    CHECK_LE_U64(1, st.stack_growths);
    CHECK_CONTAINS(x.logbuf, "forked from");
    CHECK_CONTAINS(x.logbuf, "brk: heap");
    CHECK_CONTAINS(x.logbuf, "pattern zipf");
    CHECK_CONTAINS(x.logbuf, "trace refs");
    /* P1 and its child P3 run the editor and still share pages at the end. */
    struct vmm_proc_stats p1 = proc_stats(x.sys, 1), p3 = proc_stats(x.sys, 3);
    CHECK_STR_EQ(p1.name, p3.name);
    CHECK_EQ_U64(p3.ppid, 1);
    CHECK(p1.live && p3.live);
    CHECK_LE_U64(1, p1.shared);
    CHECK_LE_U64(1, p3.shared);
    CHECK(p1.pss_bytes < (p1.rss_anon + p1.rss_file) * 4096);
    wl_done(&x);
}

/* The demo runs clean under every policy and a few frame counts. */
static const char *demo_policy;
static uint64_t demo_frames;

static void demo_tweak(struct vmm_config *c)
{
    c->policy = demo_policy;
    c->frames = demo_frames;
}

TEST(workload_demo_every_policy)
{
    const struct vmm_policy_info *pi;
    for (size_t i = 0; (pi = vmm_policy_at(i)) != NULL && !test_stopped(); i++) {
        for (demo_frames = 1; demo_frames <= 64; demo_frames *= 4) {
            struct wl x;
            demo_policy = pi->name;
            if (!wl_run(&x, vmm_demo_workload(), demo_tweak))
                return;
            if (x.rc != 0 || x.fails != 0)
                test_fail(__FILE__, __LINE__,
                          "%s, %" PRIu64 " frames: rc %d, %" PRIu64 " failed checks: %s\n%s",
                          pi->name, demo_frames, x.rc, x.fails, vmm_system_error(x.sys), x.logbuf);
            wl_done(&x);
        }
    }
}

/* ---- processes and sharing (issue 3) ----------------------------------------------------- */

/* fork in the language: the child reads the parent's bytes, then each sees
 * only its own writes; text is shared by every process of the program. */
TEST(workload_fork_cow_and_shared_text)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nspawn P2 ed\n"
                     "P1 read text+0\nP2 read text+0\n"
                     "P1 write data+0 len=4K value=0x11\n"
                     "fork P1 P3\n"
                     "P3 check data+0 len=4K value=0x11\n"
                     "P3 write data+8 value=0x33\n"
                     "P1 check data+8 value=0x11 ; P3 check data+8 value=0x33\n"
                     "fork P3 P4\nP4 write data+8 value=0x44\n"
                     "P3 check data+8 value=0x33 ; P4 check data+8 value=0x44\n"
                     "P1 check data+8 value=0x11\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:7: P3 forked from P1: shares its 2 resident and 0 swapped "
                             "pages copy-on-write\n");
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.file_reads, 1);      /* P1 read the text page */
    CHECK_EQ_U64(st.page_cache_hits, 1); /* P2 found it */
    CHECK_EQ_U64(st.cow_copies, 2);      /* P3's and P4's writes */
    CHECK_EQ_U64(st.forks, 2);
    CHECK_EQ_U64(proc_stats(x.sys, 4).ppid, 3);
    CHECK_EQ_U64(proc_stats(x.sys, 3).ppid, 1);
    wl_done(&x);
}

/* A check that the copy-on-write semantics would make wrong is caught. */
TEST(workload_fork_check_catches_a_shared_write)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\nP1 write data value=1\nfork P1 P2\n"
                     "P2 write data value=2\nP1 check data value=2\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 1);
    CHECK_CONTAINS(x.logbuf, "check failed: P1 data (0x401000): expected 0x02, found 0x01");
    wl_done(&x);
}

/* brk grows and shrinks the heap; what is cut off is gone, and a heap of
 * size 0 appears at its first brk. */
TEST(workload_brk)
{
    struct wl x;
    if (!wl_run(&x,
                "program p data=4K heap=0 stack=4K\nspawn P1 p\n"
                "P1 brk +8K\nP1 write heap+0 len=8K value=5\nP1 check heap+4K len=4K value=5\n"
                "P1 brk -4K\nP1 brk +4K\nP1 check heap+4K len=4K value=0\n"
                "P1 brk 0\nP1 brk 4K\nP1 check heap+0 len=4K value=0\n"
                "P1 brk -8K\n"
                "P1 brk 4K\nP1 read heap+4K\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:3: P1 brk: heap 0 -> 8K, [0x401000, 0x403000)\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:12: P1 brk failed: the heap would shrink below its start; "
                             "the heap stays at 4K\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:14: P1 killed: segmentation fault: 0x402000 is in no region");
    wl_done(&x);
}

/* The stack grows down to its limit, and no further. */
TEST(workload_stack_growth)
{
    struct wl x;
    if (!wl_run(&x,
                "program p stack=4K stack-limit=16K\nspawn P1 p\nspawn P2 p\n"
                "P1 write stack-12K value=9\nP1 check stack-12K value=9\n"
                "P2 write stack-13K value=9\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.stack_growths, 1);
    CHECK(proc_stats(x.sys, 1).live);
    CHECK(proc_stats(x.sys, 2).killed);
    CHECK_CONTAINS(x.logbuf, "P2 killed: segmentation fault: 0x7fffffffac00 is in no region");
    wl_done(&x);
}

/* exec drops the image: the data written before reads as zero after. */
TEST(workload_exec)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "program tiny heap=4K\nspawn P1 ed\nP1 write heap value=3\nfork P1 P2\n"
                     "exec P2 tiny\nP2 check heap value=0\nP2 read data\n"
                     "P1 check heap value=3\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, VMM_ENOENT); /* tiny has no data region: a script error */
    CHECK_STR_EQ(vmm_system_error(x.sys),
                 "t.vmw:8:9: P2 runs tiny, which has no data region; expected one of its regions "
                 "(heap) or an absolute address");
    CHECK_EQ_U64(x.fails, 0);
    CHECK_STR_EQ(proc_stats(x.sys, 2).name, "tiny");
    wl_done(&x);
}

/* pattern: the references it makes are the generator's, in the region given. */
TEST(workload_pattern)
{
    struct wl x;
    if (!wl_run(&x,
                "program p heap=64K data=8K\nspawn P1 p\n"
                "P1 pattern loop pages=16 refs=64 write=1 value=0x5a\n"
                "P1 check heap+0 len=64K value=0x5a\n"
                "P1 pattern seq pages=2 refs=10 region=data\n"
                "P1 pattern zipf pages=16 refs=1000 seed=3\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    /* Every page of the heap was written once, at one 8-byte-aligned offset:
     * the check over the whole heap fails at the first byte that was not. */
    CHECK_EQ_U64(x.fails, 1);
    CHECK_CONTAINS(x.logbuf, "P1 pattern loop: 64 references (64 writes) over 16 pages of heap");
    CHECK_CONTAINS(x.logbuf, "P1 pattern seq: 10 references (0 writes) over 2 pages of data");
    struct vmm_proc_stats p = proc_stats(x.sys, 1);
    CHECK_EQ_U64(p.references, 64 + 16 + 10 + 1000);
    CHECK_EQ_U64(p.zero_fills, 16 + 2); /* the zipf pages were all touched by the loop */
    wl_done(&x);
}

/* The same pattern statement gives the same references on every run. */
TEST(workload_pattern_is_deterministic)
{
    struct vmm_stats a, b;
    for (int i = 0; i < 2; i++) {
        struct wl x;
        if (!wl_run(&x,
                    "frames 4\nprogram p heap=64K\nspawn P1 p\n"
                    "P1 pattern zipf pages=16 refs=2000 write=0.5\n"
                    "P1 pattern phases pages=16 refs=2000 phases=4 phase-pages=3\n",
                    NULL))
            return;
        CHECK_EQ_I64(x.rc, 0);
        vmm_stats_get(x.sys, i ? &b : &a);
        wl_done(&x);
    }
    CHECK_EQ_U64(a.page_faults, b.page_faults);
    CHECK_EQ_U64(a.writebacks, b.writebacks);
    CHECK(a.page_faults > 16); /* 4 frames for 16 pages: it does page */
}

/* trace FILE: relative to the script's directory; region= folds it. */
TEST(workload_trace_file)
{
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/wltrace", test_tmpdir());
    snprintf(path, sizeof path, "%s/refs.pages", dir);
    CHECK(mkdir(dir, 0700) == 0 || errno == EEXIST);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("0 1 2 3 0 1 4 0 1 2 3 4\n", f); /* the Belady string, 5 distinct pages */
    fclose(f);
    snprintf(path, sizeof path, "%s/t.vmw", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("frames 3\npolicy fifo\nprogram p heap=64K\nprogram f flat\nspawn P1 p\n"
          "P1 trace refs.pages region=heap\nspawn P2 f\nP2 trace refs.pages\n",
          f);
    fclose(f);
    struct vmm_workload *w;
    char err[512];
    CHECK_EQ_I64(vmm_workload_load(path, &w, err, sizeof err), 0);
    struct vmm_config c;
    vmm_config_default(&c);
    vmm_workload_settings(w, &c);
    c.check = true;
    struct vmm_system *sys;
    CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
    char *log = NULL;
    size_t len = 0;
    FILE *lf = open_memstream(&log, &len);
    uint64_t fails;
    CHECK_EQ_I64(vmm_workload_run(sys, w, lf, &fails), 0);
    fclose(lf);
    CHECK_CONTAINS(log, "P1 trace ");
    CHECK_CONTAINS(log, "refs.pages (pages): 12 references");
    /* Belady's string under FIFO with 3 frames: 9 faults, in either process
     * (the flat one takes the pages as they are). */
    CHECK_EQ_U64(proc_stats(sys, 1).page_faults, 9);
    CHECK_EQ_U64(proc_stats(sys, 2).page_faults, 9);
    free(log);
    vmm_system_destroy(sys);
    vmm_workload_free(w);
}

/* ---- byte strings -----------------------------------------------------------------------------
 */

/* write and check with "strings": escapes, bytes that are separators
 * elsewhere, a string across a page boundary, and a failed check's message. */
TEST(workload_strings)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\n"
                     "P1 write heap+4090 \"0123456789\"\n"   /* 6 bytes in page 0, 4 in page 1 */
                     "P1 check heap+4090 \"0123456789\"\n"   /* line 4 */
                     "P1 check heap+4094 len=6 value=0x34\n" /* line 5: '4' then '5': fails */
                     "P1 write data \"a\\tb\\nc\\\\d\\\"e\\0f\\x7f\\xFF\"\n"
                     "P1 check data+1 value=9 ; P1 check data+3 value=10\n"
                     "P1 check data+5 value=0x5c ; P1 check data+7 value=0x22\n"
                     "P1 check data+9 value=0 ; P1 check data+11 value=0x7f\n"
                     "P1 check data+12 value=0xff ; P1 check data+13 value=0\n"
                     "P1 write data+100 \"#;{} x\" # a comment after a string\n"
                     "P1 check data+100 value=0x23 ; P1 check data+101 value=0x3b\n"
                     "P1 check data+102 value=0x7b ; P1 check data+103 value=0x7d\n"
                     "P1 check data+104 value=0x20 ; P1 check data+105 value=0x78\n"
                     "repeat 2 { P1 check heap+4090 \"0123X\" }\n", /* line 15: fails twice */
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 3);
    /* heap starts at 0x402000 (PROG): +4090 is 0x402ffa; "0123X" differs at
     * byte 4, where '4' (0x34) was written and 'X' (0x58) is expected. */
    CHECK_CONTAINS(x.logbuf, "t.vmw:15: check failed: P1 heap+4090 (0x402ffa): expected 0x58, "
                             "found 0x34 at byte 4\n");
    CHECK_EQ_U64(count(x.logbuf, "t.vmw:15: check failed"), 2);
    /* heap+4094 holds '4' '5' ...: byte 1 is '5' (0x35), not 0x34. */
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: check failed: P1 heap+4094 (0x402ffe): expected 0x34, "
                             "found 0x35 at byte 1\n");
    wl_done(&x);
}

/* ---- mapped files: mmap, munmap, msync ------------------------------------------------------- */

/* A directory made under /tmp for one test (mkdtemp); the script is written
 * into it and loaded from there, so it is the root of the files it names. */
struct fdir {
    char path[64]; /* "/tmp/vmm-wl-XXXXXX" */
};

static bool fdir_make(struct fdir *d)
{
    snprintf(d->path, sizeof d->path, "/tmp/vmm-wl-XXXXXX");
    return mkdtemp(d->path) != NULL;
}

/* Removes every entry of the directory (files, links, empty directories), then it. */
static void fdir_done(struct fdir *d)
{
    DIR *dir = opendir(d->path);
    struct dirent *e;
    char p[400];
    while (dir && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
        if (unlink(p) < 0)
            rmdir(p);
    }
    if (dir)
        closedir(dir);
    rmdir(d->path);
}

static bool fdir_put(const struct fdir *d, const char *name, const void *bytes, size_t n)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", d->path, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return false;
    bool ok = fwrite(bytes, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* The size of file name (-1 if it cannot be read); its first max bytes in buf. */
static long fdir_get(const struct fdir *d, const char *name, uint8_t *buf, size_t max)
{
    char p[400];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", d->path, name);
    FILE *f = fopen(p, "rb");
    if (!f || fstat(fileno(f), &st) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    size_t n = fread(buf, 1, max, f);
    fclose(f);
    return n == max || (off_t)n == st.st_size ? (long)st.st_size : -1;
}

/* Writes text to d/t.vmw, loads it and runs it (wl_go_seen). */
static bool wl_run_in_seen(struct wl *x, const struct fdir *d, const char *text,
                           void (*tweak)(struct vmm_config *), const struct vmm_observer *obs)
{
    char err[512], p[400];
    memset(x, 0, sizeof *x);
    if (!fdir_put(d, "t.vmw", text, strlen(text))) {
        test_fail(__FILE__, __LINE__, "cannot write the script in %s", d->path);
        return false;
    }
    snprintf(p, sizeof p, "%s/t.vmw", d->path);
    int r = vmm_workload_load(p, &x->w, err, sizeof err);
    if (r < 0) {
        test_fail(__FILE__, __LINE__, "load: %d %s", r, err);
        return false;
    }
    return wl_go_seen(x, tweak, obs);
}

/* wl_run_in_seen without an observer. */
static bool wl_run_in(struct wl *x, const struct fdir *d, const char *text,
                      void (*tweak)(struct vmm_config *))
{
    return wl_run_in_seen(x, d, text, tweak, NULL);
}

/* "\xHH" for each of the n bytes of b: how a script writes them as a string. */
static const char *esc(const uint8_t *b, size_t n)
{
    static char out[4][1024];
    static int which;
    char *o = out[which++ % 4];
    for (size_t i = 0; i < n && i < 250; i++)
        snprintf(o + 4 * i, 5, "\\x%02x", b[i]);
    return o;
}

/* Checks that got and want (n bytes each) are equal, naming the first byte
 * that differs. */
static bool same_bytes(const uint8_t *got, const uint8_t *want, size_t n, int line)
{
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            test_fail(__FILE__, line, "byte %zu of the file is 0x%02x; expected 0x%02x", i, got[i],
                      want[i]);
            return false;
        }
    }
    return true;
}

/* A test body that runs in a fresh directory d, removed afterwards. */
#define TEST_IN_DIR(name)                                                                          \
    static void name##_in(const struct fdir *d);                                                   \
    TEST(name)                                                                                     \
    {                                                                                              \
        struct fdir d;                                                                             \
        CHECK(fdir_make(&d));                                                                      \
        name##_in(&d);                                                                             \
        fdir_done(&d);                                                                             \
    }                                                                                              \
    static void name##_in(const struct fdir *d)

/* Two processes map one file shared: each sees the other's writes at once,
 * through eviction too, and the file holds them all after munmap. */
TEST_IN_DIR(workload_mmap_shared_two_processes)
{
    enum { SIZE = 3 * 4096 + 100 }; /* three pages and 100 bytes of a fourth */
    static uint8_t orig[SIZE], want[SIZE], got[SIZE + 1];
    for (size_t i = 0; i < SIZE; i++)
        orig[i] = (uint8_t)((i * 7 + 3) % 251);
    CHECK(fdir_put(d, "data.bin", orig, SIZE));
    struct wl x;
    if (!wl_run_in(&x, d,
                   "frames 6\n" PROG "spawn P1 ed\nspawn P2 ed\n"
                   "mmap P1 buf file=data.bin shared\n" /* line 5 */
                   "mmap P2 buf file=data.bin shared\n"
                   "P1 write buf+10 \"hello\"\n"
                   "P2 check buf+10 \"hello\"\n"
                   "P2 write buf+4K+5 \"world\\n\"\n"
                   "P1 check buf+4K+5 \"world\\n\"\n"
                   "P2 write buf+12K+90 \"0123456789\"\n" /* the last 10 bytes of the file */
                   "P1 check buf+12K+90 \"0123456789\"\n"
                   "P1 write heap len=8K\nP2 write heap len=8K\n" /* 6 frames: evictions */
                   "P1 check buf+10 \"hello\"\n"
                   "P1 write buf+8K len=16 value=0x55\n"
                   "P2 check buf+8K len=16 value=0x55\n"
                   "munmap P1 buf\nmunmap P2 buf\n",
                   NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    /* Placement: PROG's stack starts at 0x7fffffffe000; minus the 8M stack
     * limit and a page is 0x7fffff7fd000, where the 4-page mapping ends. */
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: P1 mmap buf: 0x7fffff7f9000 16K (12388 bytes, 4 pages) of "
                             "file data.bin (12388 bytes) from offset 0, shared, rw-\n");
    memcpy(want, orig, SIZE);
    memcpy(want + 10, "hello", 5);
    memcpy(want + 4096 + 5, "world\n", 6);
    memcpy(want + 3 * 4096 + 90, "0123456789", 10);
    memset(want + 2 * 4096, 0x55, 16);
    CHECK_EQ_I64(fdir_get(d, "data.bin", got, sizeof got), SIZE);
    if (!same_bytes(got, want, SIZE, __LINE__))
        return;
    /* Four pages were written to, so at least four pages were written back
     * (by eviction or munmap). */
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    uint64_t writes = 0;
    for (int c = 0; c < VMM_WB__COUNT; c++)
        writes += st.file_writes[c];
    CHECK_LE_U64(4, writes);
    CHECK_LE_U64(1, st.file_writes[VMM_WB_MUNMAP]);
    wl_done(&x);
}

/* A private mapping's writes are its own copies: never in the file, never
 * seen by a shared mapper; but a page it has not written comes from the page
 * cache, so it sees a shared mapper's write there (as on Linux). */
TEST_IN_DIR(workload_mmap_private)
{
    enum { SIZE = 2 * 4096 };
    static uint8_t orig[SIZE], want[SIZE], got[SIZE + 1];
    static char script[4096];
    for (size_t i = 0; i < SIZE; i++)
        orig[i] = (uint8_t)((i * 13 + 1) % 256);
    CHECK(fdir_put(d, "data.bin", orig, SIZE));
    snprintf(script, sizeof script,
             "frames 4\nprogram ed text=4K data=4K heap=16K stack=4K\nspawn P1 ed\nspawn P2 ed\n"
             "mmap P1 priv file=data.bin private\n"
             "mmap P2 sh file=data.bin shared\n"
             "P1 write priv \"XXXX\"\n" /* P1's copy of page 0 */
             "P2 check sh \"%s\"\n"     /* the file's bytes 0..3 */
             "P1 check priv \"XXXX\"\n"
             "P2 write sh+4K \"SEEN\"\n" /* page 1, which P1 has not written */
             "P1 check priv+4K \"SEEN\"\n"
             "P2 write sh+100 \"late\"\n"                     /* page 0 after P1 copied it */
             "P1 check priv+100 \"%s\"\n"                     /* P1 still has the bytes it copied */
             "P1 write heap len=16K\nP2 write heap len=16K\n" /* 4 frames: P1's copy to swap */
             "P1 check priv \"XXXX\"\n"
             "P1 check priv+100 \"%s\"\n"
             "munmap P1 priv\nmunmap P2 sh\n",
             esc(orig, 4), esc(orig + 100, 4), esc(orig + 100, 4));
    struct wl x;
    if (!wl_run_in(&x, d, script, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    memcpy(want, orig, SIZE);
    memcpy(want + 4096, "SEEN", 4);
    memcpy(want + 100, "late", 4);
    CHECK_EQ_I64(fdir_get(d, "data.bin", got, sizeof got), SIZE);
    if (!same_bytes(got, want, SIZE, __LINE__))
        return;
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_LE_U64(1, st.cow_copies); /* P1's first write copied page 0 */
    CHECK_LE_U64(1, st.writebacks); /* 8 heap pages through 4 frames went to swap */
    wl_done(&x);
}

/* msync writes the file before the process ends (async too); what is
 * written after it reaches the file only when the system ends. */
TEST_IN_DIR(workload_msync_before_exit)
{
    enum { SIZE = 4096 };
    static uint8_t orig[SIZE], want[SIZE], got[SIZE + 1];
    memset(orig, 'a', SIZE);
    CHECK(fdir_put(d, "f", orig, SIZE));
    struct wl x;
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\nmmap P1 m file=f shared\n"
                        "P1 write m \"synced\"\n"
                        "msync P1 m\n" /* line 5 */
                        "P1 write m+200 \"later\"\n"
                        "msync P1 m async\n" /* line 7 */
                        "msync P1 m\n"       /* line 8: nothing dirty */
                        "P1 write m+100 \"dirty\"\n",
                   NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: P1 msync m: 1 dirty page written back and waited for on "
                             "the disk\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:7: P1 msync m: 1 dirty page written back (async: not waited "
                             "for)\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:8: P1 msync m: 0 dirty pages written back\n");
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.file_writes[VMM_WB_MSYNC], 2);
    CHECK_EQ_U64(st.file_writes[VMM_WB_EXIT], 0);
    /* The run is over, the process still runs: the file has what msync wrote. */
    memcpy(want, orig, SIZE);
    memcpy(want, "synced", 6);
    memcpy(want + 200, "later", 5);
    CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), SIZE);
    if (!same_bytes(got, want, SIZE, __LINE__))
        return;
    /* The last write is in the page cache only, until the system ends. */
    vmm_system_destroy(x.sys);
    x.sys = NULL;
    memcpy(want + 100, "dirty", 5);
    CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), SIZE);
    if (!same_bytes(got, want, SIZE, __LINE__))
        return;
    wl_done(&x);
}

/* flush-interval N: the periodic flusher writes dirty file pages back while
 * the process runs; without it nothing is written before the end. */
TEST_IN_DIR(workload_flush_interval)
{
    static uint8_t orig[4096], got[4097];
    memset(orig, '.', sizeof orig);
    for (int with = 0; with < 2; with++) {
        CHECK(fdir_put(d, "f", orig, sizeof orig));
        struct wl x;
        if (!wl_run_in(&x, d,
                       with ? "flush-interval 10\n" PROG "spawn P1 ed\nmmap P1 m file=f shared\n"
                              "P1 write m \"flushed\"\nrepeat 20 { P1 read heap }\n"
                            : PROG "spawn P1 ed\nmmap P1 m file=f shared\n"
                                   "P1 write m \"flushed\"\nrepeat 20 { P1 read heap }\n",
                       NULL))
            return;
        CHECK_EQ_I64(x.rc, 0);
        CHECK_EQ_U64(vmm_system_config(x.sys)->flush_interval, with ? 10 : 0);
        struct vmm_stats st;
        vmm_stats_get(x.sys, &st);
        CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), 4096);
        /* 21 references: the flusher ran at least once after the write (the
         * first reference), and found the page dirty. */
        if (with) {
            CHECK_LE_U64(1, st.file_writes[VMM_WB_PERIODIC]);
            CHECK(memcmp(got, "flushed.", 8) == 0);
        } else {
            CHECK_EQ_U64(st.file_writes[VMM_WB_PERIODIC], 0);
            CHECK(memcmp(got, "........", 8) == 0);
        }
        wl_done(&x);
    }
}

/* Anonymous shared memory: shared with a child after fork both ways; each
 * mmap statement that runs makes new memory. */
TEST(workload_mmap_anon_shared_fork)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\n"
                     "mmap P1 shm anon shared len=8K\n"
                     "P1 write shm \"parent\"\n"
                     "fork P1 P2\n"
                     "P2 check shm \"parent\"\n"
                     "P2 write shm+4K \"child\"\n"
                     "P1 check shm+4K \"child\"\n"
                     "P1 write shm \"PARENT\"\n"
                     "P2 check shm \"PARENT\"\n"
                     "P2 write heap \"mine\"\n"
                     "P1 check heap \"\\0\\0\\0\\0\"\n" /* the heap is private: copied on write */
                     "spawn P3 ed\n"
                     "mmap P3 shm anon shared len=8K\n"
                     "P3 check shm+4K \"\\0\\0\\0\\0\\0\"\n" /* P3's own: zeros */
                     "P3 write shm \"three\"\n"
                     "P1 check shm \"PARENT\"\n"
                     "munmap P1 shm\n"
                     "P2 check shm \"PARENT\"\n", /* the child keeps its mapping */
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:3: P1 mmap shm: 0x7fffff7fb000 8K (8192 bytes, 2 pages), new "
                             "anonymous shared memory, rw-\n");
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    for (int c = 0; c < VMM_WB__COUNT; c++)
        CHECK_EQ_U64(st.file_writes[c], 0);
    wl_done(&x);
}

/* The end of the file: the bytes after it in its last page read as zero and
 * never reach it; a page wholly beyond it is a bus error. */
TEST_IN_DIR(workload_mmap_eof)
{
    enum { SIZE = 100 };
    static uint8_t orig[SIZE], want[SIZE], got[4096];
    static char script[2048];
    for (size_t i = 0; i < SIZE; i++)
        orig[i] = (uint8_t)('a' + i % 26);
    CHECK(fdir_put(d, "f", orig, SIZE));
    snprintf(script, sizeof script,
             "program ed heap=4K stack=4K\nspawn P1 ed\n"
             "mmap P1 m file=f shared\n"
             "P1 check m+96 \"%s\\0\\0\\0\\0\"\n" /* the last 4 bytes, then zeros */
             "P1 check m+4095 \"\\0\"\n"
             "P1 write m+100 \"beyond the end\"\n"
             "P1 write m+98 \"XY\"\n"
             "munmap P1 m\n"
             "mmap P1 big file=f shared len=8K\n"
             "P1 read big+4K\n" /* line 10: page 1 is wholly beyond the end */
             "P1 read heap\n",
             esc(orig + 96, 4));
    struct wl x;
    if (!wl_run_in(&x, d, script, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:10: P1 killed: bus error");
    CHECK_CONTAINS(x.logbuf, "t.vmw:11: P1 is not running (killed: bus error");
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.bus_errors, 1);
    CHECK(proc_stats(x.sys, 1).killed);
    memcpy(want, orig, SIZE);
    memcpy(want + 98, "XY", 2);
    CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), SIZE); /* the size stays */
    if (!same_bytes(got, want, SIZE, __LINE__))
        return;
    wl_done(&x);
}

/* offset= maps from a page of the file; prot=r makes a write a protection
 * fault. */
TEST_IN_DIR(workload_mmap_offset_and_prot)
{
    static uint8_t orig[3 * 4096];
    for (size_t i = 0; i < sizeof orig; i++)
        orig[i] = (uint8_t)('A' + i / 4096); /* page k holds 'A' + k */
    CHECK(fdir_put(d, "f", orig, sizeof orig));
    struct wl x;
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\n"
                        "mmap P1 mid file=f private offset=4K len=4K\n"
                        "P1 check mid \"BBBB\" ; P1 check mid+4095 \"B\"\n"
                        "mmap P1 tail file=f shared offset=8K prot=r\n" /* line 5 */
                        "P1 check tail \"CCCC\"\n"
                        "P1 write tail \"x\"\n", /* line 7 */
                   NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    /* mid took the page below 0x7fffff7fd000; tail the one below it. */
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: P1 mmap tail: 0x7fffff7fb000 4K (4096 bytes, 1 page) of "
                             "file f (12288 bytes) from offset 8192, shared, r--\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:7: P1 killed: protection fault");
    wl_done(&x);
}

/* Placement: top-down below the stack's reach, in the highest gap that
 * fits; fork copies the mappings; the stack still grows to its limit. */
TEST(workload_mmap_placement)
{
    struct wl x;
    if (!wl_run(&x,
                PROG "spawn P1 ed\n"
                     "mmap P1 a anon shared len=8K\n" /* [0x7fffff7fb000, 0x7fffff7fd000) */
                     "mmap P1 b anon shared len=1\n"  /* [0x7fffff7fa000, 0x7fffff7fb000) */
                     "munmap P1 a\n"
                     "mmap P1 c anon shared len=4K\n" /* the top of a's hole */
                     "mmap P1 d anon shared len=8K\n" /* a's rest is 4K: below b */
                     "P1 write c \"c\" ; P1 write d+4K \"d\"\n"
                     "fork P1 P2\n"
                     "P2 check c \"c\" ; P2 check d+4K \"d\"\n"
                     "P1 write 0x7fffff7ff000 value=1\n", /* the stack's floor: top - 8M */
                NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    const struct want_region want[] = {
        {"text", 0x400000, 0x401000, RX},
        {"data", 0x401000, 0x402000, RW},
        {"heap", 0x402000, 0x404000, RW},
        {"d", 0x7fffff7f8000, 0x7fffff7fa000, RW},
        {"b", 0x7fffff7fa000, 0x7fffff7fb000, RW},
        {"c", 0x7fffff7fc000, 0x7fffff7fd000, RW},
        {"stack", 0x7fffff7ff000, 0x7ffffffff000, RW}, /* grown to its floor */
    };
    check_regions(x.sys, 1, want, sizeof want / sizeof want[0]);
    struct want_region child[7];
    memcpy(child, want, sizeof child);
    child[6].start = 0x7fffffffe000; /* the child has the stack as it was at the fork */
    check_regions(x.sys, 2, child, 7);
    CHECK(proc_stats(x.sys, 1).live);
    wl_done(&x);
}

/* Run-time errors of mappings, each at its statement's token. */
static void runtime_error_in(const struct fdir *d, const char *script, int code, const char *msg)
{
    struct wl x;
    char want[1024];
    if (!wl_run_in(&x, d, script, NULL))
        return;
    snprintf(want, sizeof want, "%s/%s", d->path, msg); /* the script is named by its path */
    if (x.rc != code)
        test_fail(__FILE__, __LINE__, "returned %d, expected %d (%s)", x.rc, code,
                  vmm_system_error(x.sys));
    else if (strcmp(vmm_system_error(x.sys), want) != 0)
        test_fail(__FILE__, __LINE__, "message:\n  got:      \"%s\"\n  expected: \"%s\"",
                  vmm_system_error(x.sys), want);
    wl_done(&x);
}

/* The messages that name the files directory end with it; only their start
 * is fixed, so those cases compare a prefix. */
static void error_prefix_in(const struct fdir *d, const char *script, int code, const char *msg)
{
    struct wl x;
    char want[1024];
    if (!wl_run_in(&x, d, script, NULL))
        return;
    snprintf(want, sizeof want, "%s/%s", d->path, msg);
    if (x.rc != code || strncmp(vmm_system_error(x.sys), want, strlen(want)) != 0)
        test_fail(__FILE__, __LINE__,
                  "returned %d (expected %d): \"%s\"; expected it to start with \"%s\"", x.rc, code,
                  vmm_system_error(x.sys), want);
    wl_done(&x);
}

TEST_IN_DIR(workload_mmap_runtime_errors)
{
    static uint8_t page[3 * 4096];
    char p[400];
    CHECK(fdir_put(d, "f", page, sizeof page));
    snprintf(p, sizeof p, "%s/sub", d->path);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof p, "%s/out", d->path);
    CHECK(symlink("/etc/passwd", p) == 0);
    runtime_error_in(d, PROG "spawn P1 ed\nmmap P1 m file=f shared offset=100\n", VMM_EINVAL,
                     "t.vmw:3:25: offset=100 is not a multiple of the page size (4096); expected "
                     "a page-aligned offset");
    runtime_error_in(
        d, PROG "spawn P1 ed\nmmap P1 m file=f private offset=12K\n", VMM_ERANGE,
        "t.vmw:3:11: file f has 12288 bytes: nothing from offset 12288 to its end; "
        "expected len=SIZE (a page wholly beyond the end is a bus error when touched)");
    runtime_error_in(d, PROG "spawn P1 ed\nmmap P1 m file=nosuch shared\n", VMM_ENOENT,
                     "t.vmw:3:11: nosuch: cannot open: No such file or directory");
    error_prefix_in(d, PROG "spawn P1 ed\nmmap P1 m file=sub/../f shared\n", VMM_EINVAL,
                    "t.vmw:3:11: sub/../f: '..' is not allowed; expected a path inside ");
    runtime_error_in(d, PROG "spawn P1 ed\nmmap P1 m file=sub private\n", VMM_EINVAL,
                     "t.vmw:3:11: sub: not a regular file; expected a file");
    error_prefix_in(d, PROG "spawn P1 ed\nmmap P1 m file=out private\n", VMM_EINVAL,
                    "t.vmw:3:11: out: a symbolic link leads outside ");
    error_prefix_in(d, PROG "spawn P1 ed\nmmap P1 m file=/etc/passwd private\n", VMM_EINVAL,
                    "t.vmw:3:11: /etc/passwd: an absolute path outside ");
    runtime_error_in(d, PROG "spawn P1 ed\nmmap P1 m file=f shared\nmunmap P1 m\nmunmap P1 m\n",
                     VMM_ENOENT,
                     "t.vmw:5:11: P1 has no mapping m now; expected one of its mappings (none), "
                     "or 'mmap P1 m ...' before this statement");
    runtime_error_in(d,
                     PROG "spawn P1 ed\nmmap P1 m file=f shared\nmmap P1 n anon shared len=1\n"
                          "exec P1 ed\nmmap P1 n anon shared len=1\nP1 read m+4\n",
                     VMM_ENOENT,
                     "t.vmw:7:9: P1 has no mapping m now; expected one of its mappings (n), or "
                     "'mmap P1 m ...' before this statement");
    runtime_error_in(d, PROG "spawn P1 ed\nmmap P1 m file=f shared\nmmap P1 m file=f shared\n",
                     VMM_EEXIST,
                     "t.vmw:4:9: P1 maps m already (line 3); expected 'munmap P1 m' before "
                     "mapping it again");
    runtime_error_in(d, "program fl flat\nspawn P1 fl\nmmap P1 m anon shared len=4K\n", VMM_ERANGE,
                     "t.vmw:3:1: P1 runs fl, a flat program, whose one region covers the whole "
                     "address space; expected mmap in a program with regions");
    runtime_error_in(d, "va-bits 32\nprogram p heap=4K\nspawn P1 p\nmmap P1 m anon shared len=4G\n",
                     VMM_ERANGE,
                     "t.vmw:4:1: no room for 4096M in P1's address space between 0x400000 and its "
                     "stack's reach; its regions: heap 0x400000-0x401000 rw-");
}

/* A write-back that fails (the fail_write hook) kills the process that asked
 * for it, in munmap and in msync; the run goes on. */
static void fail_first_write(struct vmm_config *c)
{
    c->fail_write = 1;
}

TEST_IN_DIR(workload_mmap_io_error_kills)
{
    static uint8_t page[4096];
    CHECK(fdir_put(d, "f", page, sizeof page));
    struct wl x;
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\nspawn P2 ed\n"
                        "mmap P1 m file=f shared\nmmap P2 m file=f shared\n"
                        "P1 write m \"a\"\n"
                        "munmap P1 m\n" /* line 7: the first write fails */
                        "P1 read heap\n"
                        "P2 write m \"b\"\n"
                        "msync P2 m\n" /* line 10: the second succeeds */
                        "P2 check m \"b\"\n",
                   fail_first_write))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:7: P1 killed: I/O error: munmap of m: writing page 0 of file "
                             "f: I/O error (injected: write number 1)");
    CHECK_CONTAINS(x.logbuf, "t.vmw:8: P1 is not running (killed: I/O error");
    CHECK_CONTAINS(x.logbuf, "t.vmw:10: P2 msync m: 1 dirty page written back");
    CHECK(proc_stats(x.sys, 2).live);
    wl_done(&x);
    /* With msync the first to write: msync's process is killed. */
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\nmmap P1 m file=f shared\nP1 write m \"a\"\n"
                        "msync P1 m async\n",
                   fail_first_write))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: P1 killed: I/O error: msync of m");
    CHECK(!proc_stats(x.sys, 1).live);
    wl_done(&x);
}

/* With data off a mapped file is never read or written; the statements run. */
TEST_IN_DIR(workload_mmap_data_off)
{
    static uint8_t page[4096], got[4097];
    memset(page, 'z', sizeof page);
    CHECK(fdir_put(d, "f", page, sizeof page));
    struct wl x;
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\nmmap P1 m file=f shared\nP1 write m \"a\"\n"
                        "P1 check m \"b\"\nmsync P1 m\nmunmap P1 m\n",
                   no_data))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    vmm_system_destroy(x.sys);
    x.sys = NULL;
    CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), 4096);
    CHECK(same_bytes(got, page, 4096, __LINE__));
    wl_done(&x);
}

/* vmm_workload_set_files: a script given as text finds its files there. */
TEST_IN_DIR(workload_set_files)
{
    CHECK(fdir_put(d, "f", "mapped", 6));
    struct wl x;
    char err[256];
    memset(&x, 0, sizeof x);
    CHECK_EQ_I64(vmm_workload_parse("t.vmw",
                                    PROG "spawn P1 ed\nmmap P1 m file=f private\n"
                                         "P1 check m \"mapped\\0\"\n",
                                    &x.w, err, sizeof err),
                 0);
    CHECK_EQ_I64(vmm_workload_set_files(x.w, d->path), 0);
    if (!wl_go(&x, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    wl_done(&x);
}

/* The bytes after the end of a file in its last page read as zero each time
 * the page is mapped (mmap(2): "the remaining memory is zeroed when mapped";
 * Linux zeroes that tail at every write-back, and so does vmm): a byte
 * written there does not come back once the page was written back. */
TEST_IN_DIR(workload_mmap_eof_tail_zero_when_mapped_again)
{
    static uint8_t orig[100];
    memset(orig, 'q', sizeof orig);
    CHECK(fdir_put(d, "f", orig, sizeof orig));
    struct wl x;
    if (!wl_run_in(&x, d,
                   "program p heap=4K stack=4K\nspawn P1 p\n"
                   "mmap P1 m file=f shared\n"
                   "P1 write m+100 \"x\"\n" /* past the end, in the last page */
                   "munmap P1 m\n"          /* written back: only bytes 0 .. 99 */
                   "mmap P1 m file=f shared\n"
                   "P1 check m+100 \"\\0\"\n",
                   NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    wl_done(&x);
}

/* exit and exec write a shared mapping's dirty pages back, and say how many. */
TEST_IN_DIR(workload_mmap_exit_and_exec_write_back)
{
    static uint8_t page[2 * 4096], got[2 * 4096 + 1];
    memset(page, '-', sizeof page);
    CHECK(fdir_put(d, "f", page, sizeof page));
    struct wl x;
    if (!wl_run_in(&x, d,
                   PROG "spawn P1 ed\nspawn P2 ed\n"
                        "mmap P1 m file=f shared\nmmap P2 m file=f shared\n"
                        "P1 write m \"one\"\nP1 write m+4K \"two\"\n"
                        "exit P1\n" /* line 8: two dirty pages */
                        "P2 write m+4K \"TWO\"\n"
                        "exec P2 ed\n", /* line 10: one dirty page */
                   NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:8: P1 exited: freed 0 frames and 0 swap slots, 2 dirty file "
                             "pages written back\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:10: P2 exec ed: old image dropped, 1 dirty file page written "
                             "back; ");
    CHECK_EQ_I64(fdir_get(d, "f", got, sizeof got), (long)sizeof page);
    CHECK(memcmp(got, "one-", 4) == 0);
    CHECK(memcmp(got + 4096, "TWO-", 4) == 0);
    wl_done(&x);
}

/* ---- scheduling: sched rr -----------------------------------------------------------------------
 */

#define EVLOG_MAX 65536 /* events an evlog keeps */

/* Events of a run, in order, as an observer saw them. */
struct evlog {
    size_t n; /* events seen (the first EVLOG_MAX are kept) */
    struct {
        uint8_t kind;   /* enum vmm_event_kind */
        uint8_t op;     /* enum vmm_op of a reference */
        uint32_t pid;   /* the process it concerns */
        uint64_t vaddr; /* the reference's address */
    } ev[EVLOG_MAX];
};

static void evlog_on(void *ctx, const struct vmm_event *ev)
{
    struct evlog *l = ctx;
    if (l->n < EVLOG_MAX) {
        l->ev[l->n].kind = (uint8_t)ev->kind;
        l->ev[l->n].op = ev->op;
        l->ev[l->n].pid = ev->pid;
        l->ev[l->n].vaddr = ev->vaddr;
    }
    l->n++;
}

/* Parses text as "t.vmw" and runs it (wl_go_seen) with l (emptied first)
 * recording the events of mask. */
static bool wl_run_seen(struct wl *x, const char *text, void (*tweak)(struct vmm_config *),
                        struct evlog *l, uint32_t mask)
{
    char err[512];
    memset(x, 0, sizeof *x);
    l->n = 0;
    int r = vmm_workload_parse("t.vmw", text, &x->w, err, sizeof err);
    if (r < 0) {
        test_fail(__FILE__, __LINE__, "parse: %d %s", r, err);
        return false;
    }
    struct vmm_observer obs = {mask, evlog_on, l};
    return wl_go_seen(x, tweak, &obs);
}

static struct evlog *evlog_new(void)
{
    struct evlog *l = calloc(1, sizeof *l);
    if (!l)
        abort();
    return l;
}

/* The pids of the references in l, one character each ('1' for P1, ...). */
static void ref_pids(const struct evlog *l, char *out, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n && i < EVLOG_MAX && k + 1 < len; i++)
        if (l->ev[i].kind == VMM_EV_REF)
            out[k++] = (char)('0' + l->ev[i].pid % 10);
    out[k] = '\0';
}

static void sched_none(struct vmm_config *c)
{
    c->sched = VMM_SCHED_NONE;
}

/* With quantum 5refs and no disk transfer (first touches are minor faults),
 * the CPU passes between the two processes every 5 references; without the
 * scheduler each statement runs whole, in script order. */
TEST(workload_rr_quantum_refs_interleave)
{
    const char *text = "sched rr\nquantum 5refs\n" PROG "spawn P1 ed\nspawn P2 ed\n"
                       "P1 pattern loop pages=2 refs=20\nP2 pattern loop pages=2 refs=20\n";
    struct evlog *l = evlog_new();
    struct wl x;
    char pids[128];
    struct vmm_stats st;
    if (!wl_run_seen(&x, text, NULL, l, VMM_EV_MASK(VMM_EV_REF)))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    ref_pids(l, pids, sizeof pids);
    CHECK_STR_EQ(pids, "1111122222111112222211111222221111122222");
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.references, 40);
    CHECK_EQ_U64(st.major_faults, 0);
    CHECK_EQ_U64(st.context_switches, 7);
    CHECK_EQ_U64(st.switch_ns, 7 * 5000);
    /* a process that runs out of statements exits, and the log says so */
    CHECK_CONTAINS(x.logbuf, "t.vmw:6: P1 pattern loop: 20 references (0 writes) over 2 pages of "
                             "heap\nt.vmw:6: P1 exited after its last statement: freed 2 frames "
                             "and 0 swap slots\nt.vmw:7: P2 pattern loop: 20 references (0 "
                             "writes) over 2 pages of heap\nt.vmw:7: P2 exited after its last "
                             "statement: freed 2 frames and 0 swap slots\n");
    CHECK(!proc_stats(x.sys, 1).live && !proc_stats(x.sys, 2).live);
    wl_done(&x);

    if (!wl_run_seen(&x, text, sched_none, l, VMM_EV_MASK(VMM_EV_REF)))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    ref_pids(l, pids, sizeof pids);
    CHECK_STR_EQ(pids, "1111111111111111111122222222222222222222");
    CHECK(proc_stats(x.sys, 1).live && proc_stats(x.sys, 2).live); /* none leaves them running */
    vmm_stats_get(x.sys, &st);
    CHECK_EQ_U64(st.context_switches, 0);
out:
    wl_done(&x);
    free(l);
}

/* A quantum given as a time: a long one lets each process run its pattern
 * whole, a short one (a few references' cost) passes the CPU often. */
TEST(workload_rr_quantum_time)
{
    struct evlog *l = evlog_new();
    struct wl x;
    char pids[128];
    const char *body = PROG "spawn P1 ed\nspawn P2 ed\n"
                            "P1 pattern loop pages=2 refs=20\nP2 pattern loop pages=2 refs=20\n";
    char text[512];
    snprintf(text, sizeof text, "sched rr\nquantum 1s\n%s", body);
    if (!wl_run_seen(&x, text, NULL, l, VMM_EV_MASK(VMM_EV_REF)))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    ref_pids(l, pids, sizeof pids);
    CHECK_STR_EQ(pids, "1111111111111111111122222222222222222222");
    wl_done(&x);

    snprintf(text, sizeof text, "sched rr\nquantum 1us\n%s", body);
    if (!wl_run_seen(&x, text, NULL, l, VMM_EV_MASK(VMM_EV_REF)))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    ref_pids(l, pids, sizeof pids);
    CHECK_EQ_U64(strlen(pids), 40);
    CHECK(strstr(pids, "11111111111") == NULL); /* a reference costs 100 ns or more */
    CHECK(strstr(pids, "22222222222") == NULL);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK_LE_U64(4, st.context_switches);
out:
    wl_done(&x);
    free(l);
}

/* The disk scenario: P1 sweeps 8 pages twice through 4 frames (evictions
 * written back, then major faults reading them again) while P2 computes on
 * one page. Costs scaled so that the disk matters but the test stays quick. */
static const char *const disk_both = "sched rr\nquantum 20us\nframes 4\n"
                                     "program big heap=32K stack=4K\n"
                                     "program small heap=4K stack=4K\n"
                                     "spawn P1 big\nspawn P2 small\n"
                                     "P1 write heap len=32K value=7\n"
                                     "P1 check heap len=32K value=7\n"
                                     "P2 pattern loop pages=1 refs=20000 write=0.5 value=9\n"
                                     "P2 check heap value=9\n";
static const char *const disk_p1 = "sched rr\nquantum 20us\nframes 4\n"
                                   "program big heap=32K stack=4K\n"
                                   "spawn P1 big\n"
                                   "P1 write heap len=32K value=7\n"
                                   "P1 check heap len=32K value=7\n";
static const char *const disk_p2 = "sched rr\nquantum 20us\nframes 4\n"
                                   "program small heap=4K stack=4K\n"
                                   "spawn P2 small\n"
                                   "P2 pattern loop pages=1 refs=20000 write=0.5 value=9\n"
                                   "P2 check heap value=9\n";

static void disk_costs(struct vmm_config *c)
{
    c->cost.swap_read_ns = 100000;
    c->cost.swap_write_ns = 100000;
}

static void disk_costs_no_data(struct vmm_config *c)
{
    disk_costs(c);
    c->data = false;
}

static void disk_costs_none(struct vmm_config *c)
{
    disk_costs(c);
    c->sched = VMM_SCHED_NONE;
}

/* A process that faults blocks while the disk serves it and the other runs:
 * the CPU's and the disk's time overlap, so the run takes less than the two
 * alone, and less than without the scheduler; with data on or off. */
TEST(workload_rr_blocked_process_lets_other_run)
{
    struct evlog *l = evlog_new();
    struct wl x;
    struct vmm_stats st, alone;
    for (int data = 1; data >= 0; data--) {
        void (*tweak)(struct vmm_config *) = data ? disk_costs : disk_costs_no_data;
        uint64_t t1, t2;
        if (!wl_run_seen(&x, disk_p1, tweak, l, 0))
            goto out;
        CHECK_EQ_I64(x.rc, 0);
        vmm_stats_get(x.sys, &alone);
        t1 = alone.elapsed_ns;
        CHECK(alone.major_faults > 0);
        wl_done(&x);
        if (!wl_run_seen(&x, disk_p2, tweak, l, 0))
            goto out;
        CHECK_EQ_I64(x.rc, 0);
        vmm_stats_get(x.sys, &alone);
        t2 = alone.elapsed_ns;
        wl_done(&x);

        if (!wl_run_seen(&x, disk_both, tweak, l,
                         VMM_EV_MASK(VMM_EV_REF) | VMM_EV_MASK(VMM_EV_SWAP_IN)))
            goto out;
        CHECK_EQ_I64(x.rc, 0);
        CHECK_EQ_U64(x.fails, 0);
        vmm_stats_get(x.sys, &st);
        CHECK(st.major_faults > 0);
        CHECK(st.context_switches > 0);
        /* overlap: the wall clock is less than CPU + switches + disk, and
         * less than the two runs alone one after the other */
        CHECK(st.elapsed_ns < st.cpu_ns + st.switch_ns + st.disk_ns);
        CHECK(st.elapsed_ns < t1 + t2);
        CHECK(proc_stats(x.sys, 1).blocked_ns > 0);
        /* after P1 starts a read from swap, P2 runs before P1's next reference */
        unsigned overlapped = 0;
        for (size_t i = 0; i < l->n && i < EVLOG_MAX; i++) {
            if (l->ev[i].kind != VMM_EV_SWAP_IN || l->ev[i].pid != 1)
                continue;
            size_t k = i + 1;
            while (k < l->n && k < EVLOG_MAX && l->ev[k].kind != VMM_EV_REF)
                k++;
            overlapped += k < l->n && k < EVLOG_MAX && l->ev[k].pid == 2;
        }
        CHECK(overlapped > 0);
        if (data)
            CHECK_EQ_U64(count(x.logbuf, "check failed"), 0);
        wl_done(&x);

        /* without the scheduler nothing overlaps: elapsed is the sum */
        if (data) {
            uint64_t rr = st.elapsed_ns;
            if (!wl_run_seen(&x, disk_both, disk_costs_none, l, 0))
                goto out;
            CHECK_EQ_I64(x.rc, 0);
            vmm_stats_get(x.sys, &st);
            CHECK_EQ_U64(st.elapsed_ns, st.cpu_ns + st.disk_ns);
            CHECK(rr < st.elapsed_ns);
            wl_done(&x);
        }
    }
out:
    wl_done(&x);
    free(l);
}

/* fork under rr: the child's cursor starts after the fork; it reads what the
 * parent wrote before forking (through copy-on-write and swap: 4 frames),
 * the parent's later writes stay its own, and each process's checks of what
 * it wrote itself pass whatever the interleaving. */
TEST(workload_rr_fork)
{
    const char *text = "sched rr\nquantum 3refs\nframes 4\n" PROG "spawn P1 ed\nspawn P2 ed\n"
                       "P1 write heap len=8K value=0x11\n"
                       "P1 write data \"parent\"\n"
                       "fork P1 P3\n" /* line 9 */
                       "P1 write heap len=8K value=0x22\n"
                       "P3 check heap len=8K value=0x11\n"
                       "P3 check data \"parent\"\n"
                       "P3 write heap value=0x33\n"
                       "P3 check heap value=0x33\n"
                       "P1 check heap len=8K value=0x22\n"
                       "P2 write heap len=8K value=0x44\n"
                       "P2 check heap len=8K value=0x44\n"
                       "P3 check heap+1 len=8191 value=0x11\n"
                       "P1 check data \"parent\"\n";
    struct evlog *l = evlog_new();
    struct wl x;
    if (!wl_run_seen(&x, text, NULL, l, VMM_EV_MASK(VMM_EV_REF) | VMM_EV_MASK(VMM_EV_FORK)))
        goto out;
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(x.sys));
    CHECK_EQ_U64(x.fails, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:9: P3 forked from P1: shares its ");
    size_t fork_at = EVLOG_MAX, first3 = EVLOG_MAX;
    for (size_t i = 0; i < l->n && i < EVLOG_MAX; i++) {
        if (l->ev[i].kind == VMM_EV_FORK && fork_at == EVLOG_MAX)
            fork_at = i;
        if (l->ev[i].kind == VMM_EV_REF && l->ev[i].pid == 3 && first3 == EVLOG_MAX)
            first3 = i;
    }
    CHECK(fork_at < first3 && first3 < EVLOG_MAX);
    /* every statement of P3 ran: 2 + 1 + 1 + 1 + 2 pages */
    CHECK_EQ_U64(proc_stats(x.sys, 3).references, 7);
    CHECK_EQ_U64(proc_stats(x.sys, 1).references, 2 + 1 + 2 + 2 + 1);
    struct vmm_stats st;
    vmm_stats_get(x.sys, &st);
    CHECK(st.swap_reads > 0 && st.cow_copies > 0);
    CHECK_EQ_U64(count(x.logbuf, "exited after its last statement"), 3);
    wl_done(&x);
    /* the same script passes without the scheduler */
    if (!wl_run_seen(&x, text, sched_none, l, 0))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
out:
    wl_done(&x);
    free(l);
}

/* Three processes write and check their own memory, a page at a time in
 * turn (quantum 1refs) through 3 frames; every check holds, each process
 * makes the references its statements say, and a wrong check still fails
 * once, at its line. */
TEST(workload_rr_own_checks)
{
    const char *text = "sched rr\nquantum 1refs\nframes 3\n"
                       "program w data=8K heap=16K stack=4K\n"
                       "spawn P1 w ; spawn P2 w ; spawn P3 w\n"
                       "repeat 3 {\n"
                       "  P1 write heap len=16K value=1 ; P2 write heap len=16K value=2\n"
                       "  P3 write heap len=16K value=3\n"
                       "  P1 check heap len=16K value=1 ; P2 check heap len=16K value=2\n"
                       "  P3 check heap len=16K value=3\n"
                       "  P2 write data+4090 \"two\" ; P2 check data+4090 \"two\"\n"
                       "}\n"
                       "P1 check heap+100 len=9000 value=1\n"
                       "P3 check heap+8K value=%d\n"; /* line 14 */
    char buf[1024];
    struct wl x;
    struct vmm_stats st;
    snprintf(buf, sizeof buf, text, 3);
    if (!wl_run(&x, buf, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_EQ_U64(proc_stats(x.sys, 1).references, 3 * 8 + 3);
    CHECK_EQ_U64(proc_stats(x.sys, 2).references, 3 * (8 + 1 + 1));
    CHECK_EQ_U64(proc_stats(x.sys, 3).references, 3 * 8 + 1);
    vmm_stats_get(x.sys, &st);
    CHECK(st.major_faults > 0 && st.context_switches > 50);
    wl_done(&x);

    snprintf(buf, sizeof buf, text, 4);
    if (!wl_run(&x, buf, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 1);
    CHECK_CONTAINS(x.logbuf, "t.vmw:14: check failed: P3 heap+8K (0x404000): expected 0x04, found "
                             "0x03 at byte 0\n");
    wl_done(&x);
}

/* Repeat blocks under rr: each cursor runs its own statements of every
 * pass; blocks whose bodies hold none of a process's statements (or are
 * repeated 0 times) are passed over whole, however many passes they have;
 * a child forked in a block continues the parent's passes. */
TEST(workload_rr_repeat)
{
    const char *text = "sched rr\nquantum 2refs\n" PROG "spawn P1 ed\nspawn P2 ed\n"
                       "repeat 4 {\n"
                       "  P1 read data\n"
                       "  repeat 3 { P2 read heap ; repeat 2 { P2 read data } }\n"
                       "  repeat 0 { P1 read heap }\n"
                       "}\n"
                       "repeat 1000000000000 { repeat 0 { P1 read heap } }\n"
                       "repeat 1000000000000 { }\n"
                       "repeat 1 {\n"
                       "  fork P1 P3\n"
                       "  repeat 3 { P3 read heap+4K ; P1 read heap }\n"
                       "}\n"
                       "P3 write data \"x\" ; P3 check data \"x\"\n";
    struct wl x;
    if (!wl_run(&x, text, NULL))
        return;
    if (x.rc != 0)
        test_fail(__FILE__, __LINE__, "run: %s", vmm_system_error(x.sys));
    CHECK_EQ_U64(x.fails, 0);
    CHECK_EQ_U64(proc_stats(x.sys, 1).references, 4 + 3);
    CHECK_EQ_U64(proc_stats(x.sys, 2).references, 4 * 3 * 3);
    CHECK_EQ_U64(proc_stats(x.sys, 3).references, 3 + 2);
    CHECK_CONTAINS(x.logbuf, "t.vmw:17: P3 exited after its last statement");
    wl_done(&x);

    /* a fork that runs twice is an error under rr too, at the fork */
    if (!wl_run(&x,
                "sched rr\n" PROG "spawn P1 ed\n"
                "repeat 2 { fork P1 P2 ; P2 read data ; P1 read data }\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, VMM_EEXIST);
    CHECK_STR_EQ(vmm_system_error(x.sys), "t.vmw:4:12: P2: pid 2 is already in use; expected a "
                                          "process that does not exist yet (a fork runs once)");
    wl_done(&x);
}

/* Sorts the lines of text in place (an insertion sort: logs are short) and
 * returns them joined by '\n' in out. */
static void sorted_lines(const char *text, char *out, size_t len)
{
    const char *line[64];
    size_t n = 0, k = 0;
    for (const char *p = text; *p && n < 64; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
        line[n++] = p;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(line[j - 1], line[j]) > 0; j--) {
            const char *t = line[j];
            line[j] = line[j - 1];
            line[j - 1] = t;
        }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strcspn(line[i], "\n");
        if (k + l + 2 > len)
            break;
        memcpy(out + k, line[i], l);
        k += l;
        out[k++] = '\n';
        out[k] = '\0';
    }
}

static void sched_rr(struct vmm_config *c)
{
    c->sched = VMM_SCHED_RR;
}

/* Kills, exits and forks that never run: under rr the same lines as
 * without the scheduler (one note per process for the first statement it
 * leaves), in the schedule's order. */
TEST(workload_rr_kills_and_notes)
{
    const char *text = PROG "spawn P1 ed\nspawn P2 ed\n"
                            "P1 read data\n"
                            "P2 write text\n" /* 5: a protection fault kills P2 */
                            "P2 read data\n"  /* 6: noted */
                            "P1 write heap value=5\n"
                            "exit P1\n"      /* 8 */
                            "P1 read data\n" /* 9: noted */
                            "fork P2 P3\n"
                            "P3 read data\n"  /* 11: never created, noted */
                            "P2 read heap\n"; /* silent: P2 is noted once */
    char rr[4096], none[4096];
    struct wl x;
    if (!wl_run(&x, text, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    sorted_lines(x.logbuf, none, sizeof none);
    wl_done(&x);
    if (!wl_run(&x, text, sched_rr))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_CONTAINS(x.logbuf, "t.vmw:5: P2 killed: protection fault");
    CHECK_CONTAINS(x.logbuf, "t.vmw:6: P2 is not running (killed: protection fault");
    CHECK_CONTAINS(x.logbuf, "t.vmw:9: P1 is not running (exited at line 8); statement skipped\n");
    CHECK_CONTAINS(x.logbuf, "t.vmw:11: P3 was never created (its fork was skipped); statement "
                             "skipped\n");
    sorted_lines(x.logbuf, rr, sizeof rr);
    wl_done(&x);
    CHECK_STR_EQ(rr, none);
}

/* Errors end an rr run as they end a plain one: "NAME:LINE:COL: ..." from
 * inside a step, and at a spawn run before the scheduler starts. */
TEST(workload_rr_runtime_errors)
{
    struct wl x;
    if (!wl_run(&x,
                "sched rr\nprogram sh text=4K stack=4K\nspawn P1 sh\nspawn P2 sh\n"
                "P1 read text\nP2 write heap+16\nP1 read text\n",
                NULL))
        return;
    CHECK_EQ_I64(x.rc, VMM_ENOENT);
    CHECK_STR_EQ(vmm_system_error(x.sys),
                 "t.vmw:6:10: P2 runs sh, which has no heap region (grow one with brk); expected "
                 "one of its regions (text, stack) or an absolute address");
    wl_done(&x);

    if (!wl_run(&x, "sched rr\nva-bits 32\nprogram huge text=4G\nspawn P1 huge\n", NULL))
        return;
    CHECK_EQ_I64(x.rc, VMM_ERANGE);
    CHECK_CONTAINS(vmm_system_error(x.sys), "t.vmw:4:1: program huge does not fit in a 32-bit "
                                            "address space");
    wl_done(&x);

    if (!wl_run(&x, "sched rr\n" PROG "spawn P1 ed\nP1 trace no-such-file.trace\n", NULL))
        return;
    CHECK_EQ_I64(x.rc, VMM_ENOENT);
    CHECK_CONTAINS(vmm_system_error(x.sys), "t.vmw:4:10: ");
    wl_done(&x);
}

/* One process alone makes exactly the same references under rr as without
 * the scheduler, a page a step instead of a range a call, and logs the same
 * lines but the last, its exit. */
TEST_IN_DIR(workload_rr_one_process_same_references)
{
    static const char trace[] = "1 R 400ffe 8\n1 W 401ff0 32\n1 R 401ffc 8\n";
    CHECK(fdir_put(d, "x.trace", trace, sizeof trace - 1));
    const char *text =
        PROG "spawn P1 ed\n"
             "P1 write heap+100 len=6000 value=3\n"
             "P1 check heap+100 len=6000 value=3\n"
             "P1 write data+4000 \"a string across a page end\"\n"
             "P1 check data+4000 \"a string across a page end\"\n"
             "repeat 2 { P1 pattern zipf pages=2 refs=50 write=0.5 value=3 seed=5 }\n"
             "P1 trace refs=0,1,1,0 region=heap\n"
             "P1 trace x.trace format=vmm\n"
             "P1 brk +8K\nP1 read heap+8K len=8K\n"
             "mmap P1 shm anon shared len=8K\nP1 write shm+4090 len=10\n"
             "P1 read stack-100 len=200\n"
             "P1 check heap+100 value=3\n";
    struct evlog *a = evlog_new(), *b = evlog_new();
    struct vmm_observer oa = {VMM_EV_MASK(VMM_EV_REF), evlog_on, a}, ob = oa;
    struct wl x;
    char la[8192], full[2048];
    ob.ctx = b;
    if (!wl_run_in_seen(&x, d, text, NULL, &oa))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    snprintf(la, sizeof la, "%s", x.logbuf);
    wl_done(&x);

    snprintf(full, sizeof full, "sched rr\nquantum 3refs\n%s", text);
    if (!wl_run_in_seen(&x, d, full, NULL, &ob))
        goto out;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK(a->n > 100 && a->n < EVLOG_MAX);
    CHECK_EQ_U64(b->n, a->n);
    for (size_t i = 0; i < a->n; i++)
        if (a->ev[i].vaddr != b->ev[i].vaddr || a->ev[i].op != b->ev[i].op) {
            test_fail(__FILE__, __LINE__,
                      "reference %zu: 0x%" PRIx64 " op %u without the scheduler, 0x%" PRIx64
                      " op %u with it",
                      i, a->ev[i].vaddr, a->ev[i].op, b->ev[i].vaddr, b->ev[i].op);
            goto out;
        }
    /* the same lines, two lines down, then the exit */
    const char *pa = la, *pb = x.logbuf;
    while (*pa) { /* "DIR/t.vmw:LINE: what" */
        unsigned na = 0, nb = 0;
        const char *ta = strstr(pa, "t.vmw:"), *tb = strstr(pb, "t.vmw:");
        CHECK(ta && tb && sscanf(ta, "t.vmw:%u:", &na) == 1 && sscanf(tb, "t.vmw:%u:", &nb) == 1);
        CHECK_EQ_U64(nb, na + 2);
        const char *ra = strchr(ta, ' '), *rb = strchr(tb, ' ');
        size_t l = strcspn(ra, "\n");
        CHECK(strncmp(ra, rb, l + 1) == 0);
        pa = ra + l + 1;
        pb = rb + l + 1;
    }
    CHECK_CONTAINS(pb, "t.vmw:17: P1 exited after its last statement: freed ");
out:
    wl_done(&x);
    free(a);
    free(b);
}

/* Many processes under rr: 24, each forked by P1 and checking what P1 wrote
 * before its fork. The 17th task is added from inside P1's step, and
 * vmm_sched_add grows the task array then (realloc, 16 -> 32 entries): the
 * scheduler must not use a pointer into the old one after the step (it did:
 * a heap-use-after-free under AddressSanitizer). */
TEST(workload_rr_many_forks)
{
    char text[4096];
    size_t k =
        (size_t)snprintf(text, sizeof text, "sched rr\nquantum 1refs\n" PROG "spawn P1 ed\n");
    for (unsigned i = 2; i <= 24; i++)
        k +=
            (size_t)snprintf(text + k, sizeof text - k,
                             "P1 write data+%u value=%u\nfork P1 P%u\nP%u check data+%u value=%u\n",
                             i, i, i, i, i, i);
    struct wl x;
    if (!wl_run(&x, text, NULL))
        return;
    CHECK_EQ_I64(x.rc, 0);
    CHECK_EQ_U64(x.fails, 0);
    CHECK_EQ_U64(count(x.logbuf, "exited after its last statement"), 24);
    wl_done(&x);
}
