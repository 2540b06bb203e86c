/*
 * test_workload.c - the workload language (docs/workload.md): every kind of
 * parse error with its exact file:line:col message, settings, the address
 * layout, region-relative and absolute addresses, data written and checked
 * through heavy eviction (the invariant checker after every reference),
 * failed checks, kills that leave the other processes running, exit, repeat
 * blocks, run-time errors, and the built-in demo.
 */
#include "harness.h"
#include "internal.h"
#include "vmm.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

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
 * settings, the invariant checker on, then tweak (may be NULL). Returns false
 * after recording a test failure if it could not get that far. */
static bool wl_go(struct wl *x, void (*tweak)(struct vmm_config *))
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
     "va-bits, flush-interval, program, spawn, exit, repeat, fork, exec, mmap, munmap, msync, "
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
    {PROG "spawn P1\n", "t.vmw:2:9: found end of line; expected 'spawn P<n> PROGRAM'"},
    {PROG "spawn P1 ed extra\n", "t.vmw:2:13: unexpected 'extra'; expected 'spawn P<n> PROGRAM'"},
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
     "stack-limit= (program NAME text=SIZE data=SIZE bss=SIZE heap=SIZE stack=SIZE "
     "[stack-limit=SIZE], or program NAME flat)"},
    {"program 9ed text=4K\n",
     "t.vmw:1:9: '9ed' is not a program name; expected a letter or '_' then letters, digits, "
     "'_', '-' or '.', at most 31 bytes"},
    /* settings */
    {PROG "spawn P1 ed\nframes 4\n",
     "t.vmw:3:1: setting 'frames' after the first statement (line 2); expected settings before "
     "any spawn, exit, repeat or process statement"},
    {"policy lur\n", "t.vmw:1:8: unknown policy 'lur'; expected one of fifo, lru, opt, random, "
                     "clock, eclock, nru, aging, lfu, mfu"},
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
