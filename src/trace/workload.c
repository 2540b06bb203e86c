/*
 * workload.c - runs a parsed workload script on a system: lays out each
 * program's regions in a new process, turns read/write/check into
 * vmm_access calls, expands repeat blocks, and narrates process events and
 * failed checks to the caller's log.
 *
 * The address space of every process (docs/workload.md):
 *
 *   top  0x7ffffffff000 (48/57-bit)  +-------------+
 *        0xc0000000     (32-bit)     |    stack    | rw-  [top - stack, top)
 *                                    +-------------+
 *                                    |     ...     |      unmapped: a reference
 *                                    +-------------+      here is a segfault
 *                                    |    heap     | rw-
 *                                    |    bss      | rw-  each at the next page
 *                                    |    data     | rw-  boundary after the one
 *        0x400000                    |    text     | r-x  below it
 *                                    +-------------+
 *
 * A region of size 0 is not created. What the engine decides (faults,
 * evictions, kills) is a result, reported and run past; what makes the script
 * meaningless (an address beyond the address width, a region the process does
 * not have, a pid in use) ends the run with "NAME:LINE:COL: ..." in
 * vmm_system_error().
 *
 * Execution is by cursors (struct cursor): a position in the statement
 * list, the repeat blocks it is inside (each with the passes left), and the
 * progress of the statement in hand. step() runs a cursor's next piece of
 * work: a whole statement, or one piece of a read/write/check (one
 * vmm_access), a trace or a pattern (one reference each).
 *
 *   cfg.sched none   one cursor runs every statement in script order, step
 *                    after step; ranges move through one buffer of WL_CHUNK
 *                    bytes, one vmm_access per chunk-aligned piece (the
 *                    chunk is a multiple of every page size, so the page
 *                    references are exactly those of one big call)
 *   cfg.sched rr     one cursor per process name, which runs only that
 *                    process's statements (a fork is its parent's), each a
 *                    task of the scheduler (sched.c) that steps it; a piece
 *                    is at most one page:
 *
 *   1   spawn P1 ed            P1's cursor: runs its spawn (1) before the
 *   2   spawn P2 ed            scheduler starts, then steps 3 and 4,
 *   3   P1 write heap          passing over 2, 5 and 6
 *   4   fork P1 P3  ---------> P3's cursor: a copy of P1's after line 4
 *   5   P3 read heap           (repeat blocks and passes left included),
 *   6   P2 read heap           its task added from inside P1's step; runs 5
 *                              P2's cursor: 2 before the start, then 6
 *
 *   A cursor goes from one statement of its process to the next through an
 *   index (each process's statement numbers, each statement's innermost
 *   repeat), never through the others' statements. A cursor that runs out
 *   of statements exits its process; one whose process has ended notes the
 *   first statement it leaves, as none notes a statement it skips. The log
 *   follows the schedule.
 *
 * A pass of a repeat block in which a cursor finds no statement ends the
 * block for it (every pass finds the same ones), so a block with nothing to
 * run costs one pass however many times it repeats.
 *
 * Mappings (mmap NAME) are placed top-down below the stack: the first ends
 * one page below stack start - stack-limit (so below anything the stack can
 * grow to), each next one in the highest gap below that fits it:
 *
 *        stack start - stack-limit - 1 page  -+
 *                                    +-------------+
 *                                    |  1st mmap   |
 *                                    |  2nd mmap   |  (or a hole a munmap left)
 *                                    |     ...     |
 *
 * Each process keeps a table of its mappings by name (struct rmap); fork
 * copies it, as the engine copies the regions, and exec clears it. Files a
 * script names (mmap file=, trace FILE) are opened inside one directory
 * (trace/confine.h): --files DIR, else the script's own.
 */
#include "internal.h"
#include "trace/confine.h"
#include "trace/trace.h"
#include "trace/workload.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

/* A process's mapping of one mapping name, now. */
struct rmap {
    uint64_t start; /* where it starts (page aligned) */
    uint64_t len;   /* its bytes, as mapped (the region is this rounded up to pages) */
    uint32_t line;  /* the mmap statement that made it */
    bool live;      /* mapped now; false before the first mmap and after munmap */
    bool file;      /* maps a file (else shared memory) */
};

/* What the runner knows of each process name of the script. */
struct rproc {
    uint32_t prog;             /* program it runs now (index in w->progs) */
    uint32_t exit_line;        /* line of the exit statement that ended it; 0 = none */
    bool spawned;              /* its spawn (or fork) statement has run */
    bool noted;                /* the "not running; skipped" note was written */
    uint64_t start[WR__COUNT]; /* where each region starts (heap: the break's base) */
    uint64_t size[WR__COUNT];  /* its bytes now, 0 = none; brk changes the heap's */
    struct rmap *maps;         /* one per w->maps, NULL until its first mmap; owned */
};

struct run {
    struct vmm_system *sys;       /* where it runs */
    const struct vmm_workload *w; /* what runs */
    FILE *log;                    /* narration, or NULL */
    uint64_t *failures;           /* failed checks */
    uint8_t *buf;                 /* WL_CHUNK bytes for writes and checks */
    struct rproc *procs;          /* one per w->procs */
    uint32_t *image;              /* per program: the object of its text, 0 = none yet */
    bool data_noted;              /* the "checks only read with data off" note was written */
    bool rr;                      /* cfg.sched is VMM_SCHED_RR: a cursor and a task per process */
    struct cursor **cur;          /* rr: per w->procs, its cursor (a task's context) once it has
                                     one, else NULL; owned */
    uint32_t *own;                /* rr: the indices of the statements of each process, in text
                                     order, one process after another (not repeats); owned */
    uint32_t *first;              /* rr: process p's are own[first[p] .. first[p + 1]); owned */
    uint32_t *parent;             /* rr: per statement, the index + 1 of the innermost repeat
                                     around it, 0 = none; owned */
};

/* A repeat block a cursor is inside. */
struct rep {
    uint32_t at;   /* index of the block's WS_REPEAT statement */
    bool ran;      /* the cursor found a statement in the pass under way (a pass that finds
                      none ends the block: every pass finds the same) */
    uint64_t left; /* passes still to run after the one under way */
};

#define ALL_PROCS   UINT32_MAX /* cursor.proc of the one cursor that runs every statement */
#define TRACE_BATCH 1024       /* references of a trace read at a time */

/* A line of execution through the script: where it stands, the repeat
 * blocks it is inside, and how far it has got with the statement in hand
 * (read/write/check, trace and pattern run a piece at a time; the others
 * whole). Without the scheduler one cursor runs every statement; with rr
 * each process has its own, which runs only that process's statements. */
struct cursor {
    struct run *r;                /* the run it belongs to (a task's context) */
    uint32_t proc;                /* index in w->procs of the process it runs, or ALL_PROCS */
    bool ended;                   /* it has no statement left, or its process has ended */
    const struct wl_stmt *last;   /* the last statement it began (rr: the spawn or fork at
                                     first) */
    size_t pc;                    /* index of the next statement to consider */
    unsigned depth;               /* repeat blocks it is inside */
    struct rep rep[WL_MAX_DEPTH]; /* those blocks, outermost first */
    const struct wl_stmt *s;      /* the statement under way (access, trace, pattern) or NULL */
    uint64_t addr;                /* access: where ADDR resolved to */
    uint64_t done;                /* access: bytes done */
    uint64_t bad;                 /* check: offset of the first byte that differed; UINT64_MAX
                                     = none yet */
    uint8_t found, want;          /* check: that byte, and the one expected */
    uint64_t n, writes;           /* trace, pattern: references made, of them writes */
    struct pat_gen *g;            /* pattern: its generator; owned */
    struct vmm_trace *tr;         /* trace: the open trace; owned */
    struct vmm_ref *batch;        /* trace: TRACE_BATCH references read; owned */
    size_t nbatch, next;          /* trace: references in batch, index of the next one */
};

static void say(struct run *r, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct run *r, uint32_t line, const char *fmt, ...)
{
    if (!r->log)
        return;
    va_list ap;
    fprintf(r->log, "%s:%u: ", r->w->name, line);
    va_start(ap, fmt);
    vfprintf(r->log, fmt, ap);
    va_end(ap);
    fputc('\n', r->log);
}

/* Ends the run with "NAME:LINE:COL: " + the message; returns code. */
static int stop(struct run *r, const struct wl_stmt *s, uint32_t col, int code, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
static int stop(struct run *r, const struct wl_stmt *s, uint32_t col, int code, const char *fmt,
                ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vmm__fail(r->sys, code, "%s:%u:%u: %s", r->w->name, s->line, col, msg);
}

/* Ends the run after an engine call failed: its message, placed at s. */
static int engine_failed(struct run *r, const struct wl_stmt *s, uint32_t col, int code)
{
    char msg[sizeof r->sys->err];
    snprintf(msg, sizeof msg, "%s", r->sys->err[0] ? r->sys->err : vmm_strerror(code));
    return stop(r, s, col, code, "%s", msg);
}

static uint32_t pid_of(const struct run *r, const struct wl_stmt *s)
{
    return r->w->procs[s->proc].pid;
}

/* ---- layout ------------------------------------------------------------------- */

static uint64_t round_up(uint64_t x, uint64_t page)
{
    return (x + page - 1) & ~(page - 1);
}

/* Where each region of pg starts under cfg (docs/workload.md). Returns 0, or
 * VMM_ERANGE when the regions do not fit below the stack. */
static int layout(const struct vmm_config *cfg, const struct wl_program *pg,
                  uint64_t start[WR__COUNT])
{
    uint64_t page = cfg->page_size, top = cfg->va_bits == 32 ? WL_STACK_TOP_32 : WL_STACK_TOP_64;
    uint64_t at = WL_TEXT_BASE;
    if (cfg->mmu == VMM_MMU_RELOCATION) { /* one partition from 0: packed, then the reserve */
        at = 0;
        for (int i = WR_TEXT; i < WR_STACK; i++) {
            start[i] = at;
            at = round_up(at + pg->size[i], cfg->contig_unit);
        }
        start[WR_STACK] = at + round_up(cfg->reserve, cfg->contig_unit);
        return 0;
    }
    for (int i = WR_TEXT; i < WR_STACK; i++) {
        start[i] = at;
        if (pg->size[i] == 0)
            continue;
        if (pg->size[i] > top - at)
            return VMM_ERANGE;
        at = round_up(at + pg->size[i], page);
    }
    uint64_t stack = round_up(pg->size[WR_STACK], page);
    if (stack > top - at)
        return VMM_ERANGE;
    start[WR_STACK] = top - stack;
    return 0;
}

/* "64K", "1M", or bytes, for the spawn line. */
static void show_size(uint64_t b, char *out, size_t len)
{
    if (b && b % (1u << 20) == 0)
        snprintf(out, len, "%" PRIu64 "M", b >> 20);
    else if (b && b % 1024 == 0)
        snprintf(out, len, "%" PRIu64 "K", b >> 10);
    else
        snprintf(out, len, "%" PRIu64, b);
}

/* ---- process state --------------------------------------------------------------- */

/* True if the process of s runs. Otherwise writes, once per process, why it
 * does not and that its statements are skipped. */
static bool running(struct run *r, const struct wl_stmt *s)
{
    struct rproc *rp = &r->procs[s->proc];
    uint32_t pid = pid_of(r, s);
    const struct proc *p = vmm__proc(r->sys, pid);
    if (p && p->live)
        return true;
    if (!rp->noted) {
        rp->noted = true;
        if (p && p->killed)
            say(r, s->line, "P%u is not running (killed: %s); statement skipped", pid,
                p->st.kill_reason);
        else if (rp->exit_line)
            say(r, s->line, "P%u is not running (exited at line %u); statement skipped", pid,
                rp->exit_line);
        else if (!rp->spawned)
            say(r, s->line, "P%u was never created (its fork was skipped); statement skipped", pid);
        else
            say(r, s->line, "P%u is not running; statement skipped", pid);
    }
    return false;
}

/* pid's regions, "text 0x400000-0x401000 r-x, ..." (the first 16), or "none". */
static void region_list(const struct run *r, uint32_t pid, char *map, size_t len)
{
    struct vmm_region_info ri[16];
    size_t n = vmm_regions_get(r->sys, pid, ri, 16);
    snprintf(map, len, "%s", n ? "" : "none");
    for (size_t i = 0; i < n && i < 16; i++) {
        size_t l = strlen(map);
        snprintf(map + l, len - l, "%s%s 0x%" PRIx64 "-0x%" PRIx64 " %c%c%c", i ? ", " : "",
                 ri[i].name, ri[i].start, ri[i].end, ri[i].prot & VMM_PROT_READ ? 'r' : '-',
                 ri[i].prot & VMM_PROT_WRITE ? 'w' : '-', ri[i].prot & VMM_PROT_EXEC ? 'x' : '-');
    }
}

/* Relocation and segmentation: where pid's images are, for the spawn and
 * fork lines ("" under paging). */
static void placement(const struct run *r, uint32_t pid, char *out, size_t len)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct proc *p = vmm__proc(r->sys, pid);
    struct vmm_proc_stats ps = {0};
    out[0] = '\0';
    if (cfg->mmu == VMM_MMU_PAGING || !p)
        return;
    vmm__cm_proc_stats(r->sys, p, &ps);
    if (!p->live)
        snprintf(out, len, "; %s", p->st.kill_reason);
    else if (p->st.waiting)
        snprintf(out, len, "; waits for memory: %" PRIu64 " bytes fit in no hole",
                 ps.image_bytes - ps.image_resident);
    else if (cfg->mmu == VMM_MMU_RELOCATION)
        snprintf(out, len, "; partition: base 0x%" PRIx64 ", limit %" PRIu64, ps.base, ps.limit);
    else
        snprintf(out, len, "; %" PRIu64 " of %" PRIu64 " bytes of segments in memory",
                 ps.image_resident, ps.image_bytes);
}

/* The process of s waits for memory (relocation, segmentation without
 * swapping): its statement is skipped, with a note. */
static void waits(struct run *r, const struct wl_stmt *s)
{
    struct vmm_stats st;
    vmm_stats_get(r->sys, &st);
    say(r, s->line,
        "P%u waits for memory: no hole fits (largest %" PRIu64 " of %" PRIu64
        " bytes free); statement skipped",
        pid_of(r, s), st.largest_hole, st.free_bytes);
}

/* Reports the engine's kill of the process of s. */
static void killed(struct run *r, const struct wl_stmt *s)
{
    uint32_t pid = pid_of(r, s);
    const struct proc *p = vmm__proc(r->sys, pid);
    char map[600];
    region_list(r, pid, map, sizeof map);
    say(r, s->line, "P%u killed: %s; its regions: %s", pid, p ? p->st.kill_reason : "(unknown)",
        map);
}

/* ---- statements ---------------------------------------------------------------------- */

/* Gives process pid the image of program prog (spawn, exec): its regions,
 * the text mapped from the program's shared image, a stack that grows down.
 * Writes the region map to map. */
static int load(struct run *r, const struct wl_stmt *s, uint32_t pid, struct rproc *rp,
                uint32_t prog, char *map, size_t maplen)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_program *pg = &r->w->progs[prog];
    char sz[32];
    int e;
    map[0] = '\0';
    memset(rp->start, 0, sizeof rp->start);
    memset(rp->size, 0, sizeof rp->size);
    rp->prog = prog;
    if ((e = vmm_process_set_address(r->sys, pid, pg->at)) < 0) /* compile-time binding */
        return engine_failed(r, s, s->col, e);
    if (pg->flat) {
        e = vmm_region_add(r->sys, pid, "all", 0, 1ull << cfg->va_bits,
                           VMM_PROT_READ | VMM_PROT_WRITE | VMM_PROT_EXEC);
        snprintf(map, maplen, "all 0x0 (the whole %u-bit space) rwx", cfg->va_bits);
        return e < 0 ? engine_failed(r, s, s->col, e) : 0;
    }
    if (layout(cfg, pg, rp->start) < 0)
        return stop(r, s, s->col, VMM_ERANGE,
                    "program %s does not fit in a %u-bit address space: its regions reach past "
                    "the stack top; expected smaller sizes or va-bits 48",
                    pg->name, cfg->va_bits);
    for (int i = 0; i < WR__COUNT; i++) {
        uint64_t len = pg->size[i];
        unsigned prot = wl_regions[i].prot;
        if (len == 0)
            continue;
        if (i == WR_TEXT) {
            if (!r->image[prog] &&
                (e = vmm_object_create(r->sys, pg->name, len, &r->image[prog])) < 0)
                return engine_failed(r, s, s->col, e);
            e = vmm_region_map(r->sys, pid, "text", rp->start[i], len, prot, VMM_MAP_PRIVATE,
                               r->image[prog], 0);
        } else {
            e = vmm_region_add(r->sys, pid, wl_regions[i].name, rp->start[i], len, prot);
        }
        if (e == 0 && i == WR_STACK)
            e = vmm_region_grows_down(r->sys, pid, rp->start[i],
                                      round_up(pg->stack_limit, cfg->page_size));
        if (e < 0)
            return engine_failed(r, s, s->col, e);
        rp->size[i] = len;
        size_t l = strlen(map);
        show_size(round_up(len, cfg->mmu == VMM_MMU_PAGING ? cfg->page_size : cfg->contig_unit), sz,
                  sizeof sz);
        snprintf(map + l, maplen - l, "%s%s 0x%" PRIx64 " %s %c%c%c", l ? ", " : "",
                 wl_regions[i].name, rp->start[i], sz, prot & VMM_PROT_READ ? 'r' : '-',
                 prot & VMM_PROT_WRITE ? 'w' : '-', prot & VMM_PROT_EXEC ? 'x' : '-');
    }
    if (!map[0])
        snprintf(map, maplen, "no regions");
    return 0;
}

static int run_spawn(struct run *r, const struct wl_stmt *s)
{
    const struct wl_program *pg = &r->w->progs[s->arg];
    uint32_t pid = pid_of(r, s);
    struct rproc *rp = &r->procs[s->proc];
    char map[400];
    int e = vmm_process_spawn(r->sys, pid, pg->name);
    if (e == VMM_EEXIST)
        return stop(r, s, s->col, e,
                    "P%u: pid %u is already in use; expected a process that does "
                    "not exist yet (a spawn runs once)",
                    pid, pid);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    rp->spawned = true;
    if (s->n && (e = vmm_process_set_priority(r->sys, pid, (uint32_t)s->n)) < 0)
        return engine_failed(r, s, s->col, e);
    if ((e = load(r, s, pid, rp, s->arg, map, sizeof map)) < 0)
        return e;
    if ((e = vmm_process_load(r->sys, pid)) < 0)
        return engine_failed(r, s, s->col, e);
    char prio[32] = "", where[200];
    if (s->n)
        snprintf(prio, sizeof prio, ", priority %" PRIu64, s->n);
    placement(r, pid, where, sizeof where);
    say(r, s->line, "P%u spawned (%s)%s: %s%s", pid, pg->name, prio, map, where);
    return 0;
}

static int run_fork(struct run *r, const struct wl_stmt *s)
{
    uint32_t ppid = pid_of(r, s), cpid = r->w->procs[s->arg].pid;
    if (!running(r, s))
        return 0;
    const struct proc *pp = vmm__proc(r->sys, ppid);
    uint64_t res = pp->st.resident_pages, swp = pp->st.swapped_pages;
    int e = vmm_process_fork(r->sys, ppid, cpid);
    if (e == VMM_EEXIST)
        return stop(r, s, s->col, e,
                    "P%u: pid %u is already in use; expected a process that does "
                    "not exist yet (a fork runs once)",
                    cpid, cpid);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    /* The child has the parent's regions, so also its mappings. */
    struct rmap *maps = NULL;
    size_t msize = r->w->nmaps * sizeof *maps;
    if (r->procs[s->proc].maps && !(maps = malloc(msize)))
        return stop(r, s, s->col, VMM_ENOMEM, "out of memory");
    if (maps)
        memcpy(maps, r->procs[s->proc].maps, msize);
    free(r->procs[s->arg].maps);
    r->procs[s->arg] = r->procs[s->proc];
    r->procs[s->arg].maps = maps;
    r->procs[s->arg].spawned = true;
    r->procs[s->arg].noted = false;
    r->procs[s->arg].exit_line = 0;
    if (vmm_system_config(r->sys)->mmu != VMM_MMU_PAGING) {
        char where[200];
        placement(r, cpid, where, sizeof where);
        say(r, s->line, "P%u forked from P%u: a copy of its private %s%s", cpid, ppid,
            vmm_system_config(r->sys)->mmu == VMM_MMU_RELOCATION ? "partition" : "segments", where);
        return 0;
    }
    say(r, s->line,
        "P%u forked from P%u: shares its %" PRIu64 " resident and %" PRIu64
        " swapped pages copy-on-write",
        cpid, ppid, res, swp);
    return 0;
}

/* ", 2 dirty file pages written back" for the pages an exit or exec wrote
 * back between before and after; "" if none. */
static void written_back(const struct vmm_stats *before, const struct vmm_stats *after, char *out,
                         size_t len)
{
    uint64_t n = after->file_writes[VMM_WB_EXIT] - before->file_writes[VMM_WB_EXIT];
    if (n)
        snprintf(out, len, ", %" PRIu64 " dirty file page%s written back", n, n == 1 ? "" : "s");
    else
        out[0] = '\0';
}

static int run_exec(struct run *r, const struct wl_stmt *s)
{
    const struct wl_program *pg = &r->w->progs[s->arg];
    uint32_t pid = pid_of(r, s);
    char map[400], wb[64];
    struct vmm_stats before, after;
    if (!running(r, s))
        return 0;
    vmm_stats_get(r->sys, &before);
    int e = vmm_process_exec(r->sys, pid, pg->name);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    vmm_stats_get(r->sys, &after);
    written_back(&before, &after, wb, sizeof wb);
    struct rproc *rp = &r->procs[s->proc];
    if (rp->maps) /* the old image's mappings went with it */
        memset(rp->maps, 0, r->w->nmaps * sizeof *rp->maps);
    if ((e = load(r, s, pid, &r->procs[s->proc], s->arg, map, sizeof map)) < 0)
        return e;
    if ((e = vmm_process_load(r->sys, pid)) < 0)
        return engine_failed(r, s, s->col, e);
    char where[200];
    placement(r, pid, where, sizeof where);
    say(r, s->line, "P%u exec %s: old image dropped%s; %s%s", pid, pg->name, wb, map, where);
    return 0;
}

/* Ends process proc (index in w->procs) at statement s and says so:
 * "P1 <how>: freed N frames and M swap slots". */
static int end_proc(struct run *r, const struct wl_stmt *s, uint32_t proc, const char *how)
{
    uint32_t pid = r->w->procs[proc].pid;
    struct vmm_stats before, after;
    vmm_stats_get(r->sys, &before);
    int e = vmm_process_exit(r->sys, pid);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    vmm_stats_get(r->sys, &after);
    r->procs[proc].exit_line = s->line;
    /* Frames and slots the process shared stay with the others. */
    uint64_t frames = before.frames_used - after.frames_used,
             slots = before.swap_slots_used - after.swap_slots_used;
    char wb[64];
    written_back(&before, &after, wb, sizeof wb);
    if (vmm_system_config(r->sys)->mmu != VMM_MMU_PAGING) { /* bytes, in memory and out */
        say(r, s->line,
            "P%u %s: freed %" PRIu64 " bytes of memory (%" PRIu64
            " hole%s now, the largest %" PRIu64 ")",
            pid, how, after.free_bytes - before.free_bytes, after.holes,
            after.holes == 1 ? "" : "s", after.largest_hole);
        return 0;
    }
    say(r, s->line, "P%u %s: freed %" PRIu64 " frame%s and %" PRIu64 " swap slot%s%s", pid, how,
        frames, frames == 1 ? "" : "s", slots, slots == 1 ? "" : "s", wb);
    return 0;
}

static int run_exit(struct run *r, const struct wl_stmt *s)
{
    if (!running(r, s))
        return 0;
    return end_proc(r, s, s->proc, "exited");
}

/* Checks that the process of s has region reg now; otherwise ends the run
 * with a message at col listing the regions it has. */
static int need_region(struct run *r, const struct wl_stmt *s, int reg, uint32_t col)
{
    const struct rproc *rp = &r->procs[s->proc];
    const struct wl_program *pg = &r->w->progs[rp->prog];
    if (rp->size[reg])
        return 0;
    char have[64] = "";
    for (int i = 0; i < WR__COUNT; i++) {
        size_t l = strlen(have);
        if (rp->size[i])
            snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "", wl_regions[i].name);
    }
    return stop(r, s, col, VMM_ENOENT,
                "P%u runs %s, which has no %s region%s; expected one of its regions (%s) or an "
                "absolute address",
                pid_of(r, s), pg->name, wl_regions[reg].name,
                pg->flat         ? " (a flat program)"
                : reg == WR_HEAP ? " (grow one with brk)"
                                 : "",
                have[0] ? have : "none");
}

/* Finds the process's mapping of mapping name map now, in *out; otherwise
 * ends the run with a message at col listing the mappings it has. */
static int need_map(struct run *r, const struct wl_stmt *s, uint32_t map, uint32_t col,
                    struct rmap **out)
{
    struct rproc *rp = &r->procs[s->proc];
    if (rp->maps && rp->maps[map].live) {
        *out = &rp->maps[map];
        return 0;
    }
    char have[160] = "";
    for (size_t i = 0; rp->maps && i < r->w->nmaps; i++) {
        size_t l = strlen(have);
        if (rp->maps[i].live && l + strlen(r->w->maps[i].name) + 8 < sizeof have)
            snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "", r->w->maps[i].name);
    }
    const char *name = r->w->maps[map].name;
    uint32_t pid = pid_of(r, s);
    return stop(r, s, col, VMM_ENOENT,
                "P%u has no mapping %s now; expected one of its mappings (%s), or 'mmap P%u %s "
                "...' before this statement",
                pid, name, have[0] ? have : "none", pid, name);
}

/* The virtual address of an access statement's ADDR in its process now. */
static int resolve(struct run *r, const struct wl_stmt *s, uint64_t *addr)
{
    if (s->region == WR_ABSOLUTE) {
        *addr = s->addr;
        return 0;
    }
    uint64_t start;
    int e;
    if (s->region == WR_MAPPING) {
        struct rmap *mp;
        if ((e = need_map(r, s, s->arg, s->addr_col, &mp)) < 0)
            return e;
        start = mp->start;
    } else {
        if ((e = need_region(r, s, s->region, s->addr_col)) < 0)
            return e;
        start = r->procs[s->proc].start[s->region];
    }
    /* The offset is two's complement: start + offset wraps exactly when the
     * address would be below 0 or above the largest. */
    uint64_t a = start + s->addr;
    if ((int64_t)s->addr < 0 ? a > start : a < start)
        return stop(r, s, s->addr_col, VMM_ERANGE, "%.*s is outside the address space",
                    (int)s->addr_len, r->w->text + s->addr_off);
    *addr = a;
    return 0;
}

/* Ends the statement c has in hand (if any), freeing what it holds. */
static void drop(struct cursor *c)
{
    pat_free(c->g);
    if (c->tr)
        vmm_trace_close(c->tr);
    free(c->batch);
    c->g = NULL;
    c->tr = NULL;
    c->batch = NULL;
    c->s = NULL;
}

/* read, write and check, begun: ADDR resolved and checked against the
 * address width. Nothing to do (c->s cleared) if the process is not running. */
static int begin_access(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    if (!running(r, s)) {
        drop(c);
        return 0;
    }
    int e = resolve(r, s, &c->addr);
    if (e < 0)
        return e;
    uint64_t top = 1ull << cfg->va_bits;
    if (c->addr >= top || s->n > top - c->addr)
        return stop(r, s, s->addr_col, VMM_ERANGE,
                    "%.*s: [0x%" PRIx64 ", +%" PRIu64 ") reaches beyond the %u-bit virtual "
                    "address space; expected addresses below 0x%" PRIx64,
                    (int)s->addr_len, r->w->text + s->addr_off, c->addr, s->n, cfg->va_bits, top);
    c->done = 0;
    c->bad = UINT64_MAX;
    if (s->kind == WS_CHECK && !cfg->data && !r->data_noted) {
        r->data_noted = true;
        say(r, s->line, "note: frames hold no data (data off); check statements only read");
    }
    return 0;
}

/* The next piece of a read, write or check: one vmm_access up to the next
 * page end (rr: one page reference a step) or chunk end (none: the chunk is
 * a multiple of every page size, so the page references are exactly those
 * of one big call). After the last piece a check reports its first
 * mismatch. */
static int piece_access(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    const uint8_t *str = s->mode ? r->w->bytes + s->bytes : NULL; /* "string": the bytes */
    uint64_t unit = r->rr ? cfg->page_size : WL_CHUNK;
    if (c->done < s->n) {
        uint64_t a = c->addr + c->done, n = unit - (a & (unit - 1));
        if (n > s->n - c->done)
            n = s->n - c->done;
        if (s->kind == WS_WRITE && str)
            memcpy(r->buf, str + c->done, (size_t)n);
        else if (s->kind == WS_WRITE)
            memset(r->buf, s->value >= 0 ? s->value : WL_DEFAULT_BYTE, (size_t)n);
        int e = vmm_access(r->sys, pid_of(r, s), a, s->kind == WS_WRITE ? VMM_WRITE : VMM_READ,
                           s->kind == WS_READ ? NULL : r->buf, (size_t)n);
        if (e < 0)
            return engine_failed(r, s, s->addr_col, e);
        if (e == VMM_KILLED || e == VMM_DEAD) {
            killed(r, s);
            drop(c);
            return 0;
        }
        if (e == VMM_WAIT) {
            waits(r, s);
            drop(c);
            return 0;
        }
        bool compare = s->kind == WS_CHECK && cfg->data;
        for (uint64_t i = 0; compare && c->bad == UINT64_MAX && i < n; i++) {
            uint8_t expect = str ? str[c->done + i] : (uint8_t)s->value;
            if (r->buf[i] != expect) {
                c->bad = c->done + i;
                c->found = r->buf[i];
                c->want = expect;
            }
        }
        c->done += n;
        if (c->done < s->n)
            return 0;
    }
    if (c->bad != UINT64_MAX) {
        if (r->failures)
            (*r->failures)++;
        say(r, s->line,
            "check failed: P%u %.*s (0x%" PRIx64
            "): expected 0x%02x, found 0x%02x at byte %" PRIu64,
            pid_of(r, s), (int)s->addr_len, r->w->text + s->addr_off, c->addr, (unsigned)c->want,
            (unsigned)c->found, c->bad);
    }
    drop(c);
    return 0;
}

/* brk: the heap region grows, shrinks, appears or goes. A request the
 * system refuses (the heap would reach the next region, or shrink below its
 * start) fails as brk(2) does: noted, the heap unchanged, the process goes on. */
static int run_brk(struct run *r, const struct wl_stmt *s)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    struct rproc *rp = &r->procs[s->proc];
    uint32_t pid = pid_of(r, s);
    char a[32], b[32];
    if (!running(r, s))
        return 0;
    if (r->w->progs[rp->prog].flat)
        return stop(r, s, s->col, VMM_EINVAL,
                    "P%u runs %s, a flat program, which has no heap; expected brk in a program "
                    "with regions",
                    pid, r->w->progs[rp->prog].name);
    uint64_t cur = rp->size[WR_HEAP], base = rp->start[WR_HEAP], want = s->n;
    if (s->mode == WB_GROW)
        want = s->n > UINT64_MAX - 1 - cur ? UINT64_MAX : cur + s->n;
    else if (s->mode == WB_SHRINK)
        want = s->n > cur ? UINT64_MAX : cur - s->n;
    int e = 0;
    const char *why = NULL;
    if (want == UINT64_MAX)
        why = s->mode == WB_SHRINK ? "the heap would shrink below its start" : "too large";
    else if (want == cur)
        e = 0;
    else if (cur == 0)
        e = vmm_region_add(r->sys, pid, "heap", base, want, VMM_PROT_READ | VMM_PROT_WRITE);
    else if (want == 0)
        e = vmm_region_remove(r->sys, pid, base);
    else
        e = vmm_region_resize(r->sys, pid, base, want);
    if (e == VMM_EEXIST || e == VMM_ERANGE)
        why = vmm_system_error(r->sys);
    else if (e < 0)
        return engine_failed(r, s, s->col, e);
    if (why) {
        say(r, s->line, "P%u brk failed: %s; the heap stays at %s", pid, why,
            (show_size(cur, a, sizeof a), a));
        return 0;
    }
    rp->size[WR_HEAP] = want;
    show_size(cur, a, sizeof a);
    show_size(want, b, sizeof b);
    say(r, s->line, "P%u brk: heap %s -> %s, [0x%" PRIx64 ", 0x%" PRIx64 ")", pid, a, b, base,
        base + round_up(want, cfg->page_size));
    return 0;
}

/* Where the page-relative reference (page, offset) of a pattern or a folded
 * trace lands: region reg of the process, page taken modulo its pages. */
static uint64_t in_region(const struct run *r, const struct rproc *rp, int reg, uint64_t page,
                          uint64_t offset)
{
    uint64_t ps = vmm_system_config(r->sys)->page_size;
    uint64_t pages = round_up(rp->size[reg], ps) / ps;
    return rp->start[reg] + (page % pages) * ps + offset;
}

/* The directory the files a script names must lie in: --files DIR, else
 * the script's own, else the current one. */
static const char *files_root(const struct run *r)
{
    return r->w->files ? r->w->files : r->w->dir && r->w->dir[0] ? r->w->dir : ".";
}

/* Opens the file the script names at text[off .. off + len), inside
 * files_root, with flags; path receives it as a string. Returns the
 * descriptor, or ends the run with the reason at col. */
static int open_named(struct run *r, const struct wl_stmt *s, uint32_t col, uint32_t off,
                      uint32_t len, int flags, char path[WL_PATH_MAX + 1])
{
    char err[WL_PATH_MAX + 400];
    if (len > WL_PATH_MAX)
        return stop(r, s, col, VMM_ELIMIT, "a path of %u bytes; expected at most %d", len,
                    WL_PATH_MAX);
    memcpy(path, r->w->text + off, len);
    path[len] = '\0';
    int fd = wl_open_confined(files_root(r), path, flags, err, sizeof err);
    if (fd >= 0)
        return fd;
    /* A file the script names that is not there, or may not be used, is its
     * input error (VMM_EIO would say the host failed). */
    return stop(r, s, col, fd == VMM_ENOMEM || fd == VMM_EINVAL ? fd : VMM_ENOENT, "%s", err);
}

static int refill(struct run *r, struct cursor *c);

/* trace FILE, begun: the trace opened and its first references read. */
static int begin_trace(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    char path[WL_PATH_MAX + 1], err[WL_PATH_MAX + 400];
    if (!running(r, s)) {
        drop(c);
        return 0;
    }
    int e = s->region == WR_ABSOLUTE ? 0 : need_region(r, s, s->region, s->addr_col);
    if (e < 0)
        return e;
    if (s->mode) { /* refs=LIST: page numbers written in the script */
        char *list = malloc(s->addr_len + 1u);
        if (!list)
            return stop(r, s, s->addr_col, VMM_ENOMEM, "out of memory");
        memcpy(list, r->w->text + s->addr_off, s->addr_len);
        list[s->addr_len] = '\0';
        e = vmm_trace_open_string("refs", list, cfg->page_size, &c->tr, err, sizeof err);
        free(list);
    } else { /* a file inside the files directory */
        int fd = open_named(r, s, s->addr_col, s->addr_off, s->addr_len, O_RDONLY, path);
        if (fd < 0)
            return fd;
        e = vmm__trace_open_fd(fd, path, (enum vmm_trace_format)s->arg, cfg->page_size, &c->tr, err,
                               sizeof err);
    }
    if (e < 0) { /* the script names a trace that is not there: its input error */
        c->tr = NULL;
        return stop(r, s, s->addr_col, e == VMM_ENOMEM ? e : VMM_ENOENT, "%s", err);
    }
    vmm_trace_set_va_bits(c->tr, cfg->va_bits);
    c->n = 0;
    if (!(c->batch = malloc(TRACE_BATCH * sizeof *c->batch)))
        return stop(r, s, s->addr_col, VMM_ENOMEM, "out of memory");
    return refill(r, c);
}

/* Reads the next references of c's trace; at its end, the statement is
 * reported and done. A malformed trace ends the run. */
static int refill(struct run *r, struct cursor *c)
{
    const struct wl_stmt *s = c->s;
    long got = vmm_trace_read(c->tr, c->batch, TRACE_BATCH);
    if (got < 0)
        return stop(r, s, s->addr_col, (int)got, "%s", vmm_trace_error(c->tr));
    c->nbatch = (size_t)got;
    c->next = 0;
    if (got > 0)
        return 0;
    say(r, s->line, "P%u trace %.*s (%s): %" PRIu64 " references", pid_of(r, s),
        s->mode ? 4 : (int)s->addr_len, s->mode ? "refs" : r->w->text + s->addr_off,
        vmm_trace_format_name(vmm_trace_format_of(c->tr)), c->n);
    drop(c);
    return 0;
}

/* The next reference of a trace, as this process's, folded into its region
 * with region=. The trace readers split references at page ends
 * (trace/text.c), so each is one page reference, as a step must be. */
static int piece_trace(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    const struct vmm_ref *ref = &c->batch[c->next];
    uint64_t addr = ref->addr, mask = cfg->page_size - 1;
    size_t len = ref->size ? ref->size : 1;
    if (s->region != WR_ABSOLUTE) { /* folded into the region, cut at its page's end */
        addr = in_region(r, &r->procs[s->proc], s->region, addr >> vmm__log2(cfg->page_size),
                         addr & mask);
        if ((addr & mask) + len > cfg->page_size)
            len = cfg->page_size - (addr & mask);
    }
    VMM_ASSERT((addr & mask) + len <= cfg->page_size);
    int e = vmm_access(r->sys, pid_of(r, s), addr, (enum vmm_op)ref->op, NULL, len);
    if (e < 0)
        return engine_failed(r, s, s->addr_col, e);
    c->n++;
    if (e == VMM_KILLED || e == VMM_WAIT) {
        if (e == VMM_KILLED)
            killed(r, s);
        else
            waits(r, s);
        drop(c);
        return 0;
    }
    return ++c->next < c->nbatch ? 0 : refill(r, c);
}

/* pattern KIND ..., begun: its generator made (trace/pattern.h). */
static int begin_pattern(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    const struct wl_pattern *pt = &r->w->pats[s->arg];
    struct rproc *rp = &r->procs[s->proc];
    char err[256];
    if (!running(r, s)) {
        drop(c);
        return 0;
    }
    int e = need_region(r, s, pt->region, s->col);
    if (e < 0)
        return e;
    uint64_t have = round_up(rp->size[pt->region], cfg->page_size) / cfg->page_size;
    if (pt->spec.pages > have)
        return stop(r, s, s->col, VMM_ERANGE,
                    "pattern over pages=%" PRIu64 " but P%u's %s region has %" PRIu64
                    " page%s; expected pages=%" PRIu64 " or fewer",
                    pt->spec.pages, pid_of(r, s), wl_regions[pt->region].name, have,
                    have == 1 ? "" : "s", have);
    struct pat_spec spec = pt->spec;
    if (!pt->seeded) /* one sequence per statement, the same on every run */
        spec.seed = cfg->seed ^ ((uint64_t)s->line * 0x9E3779B97F4A7C15ull);
    if (pat_init(&c->g, &spec, err, sizeof err) < 0) {
        c->g = NULL;
        return stop(r, s, s->col, VMM_EINVAL, "%s", err);
    }
    c->n = c->writes = 0;
    return 0;
}

/* The next reference of a pattern: one byte at an offset in a page of its
 * region; after the last, the statement is reported and done. */
static int piece_pattern(struct run *r, struct cursor *c)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_stmt *s = c->s;
    const struct wl_pattern *pt = &r->w->pats[s->arg];
    uint64_t page;
    bool write;
    uint32_t off;
    if (pat_next(c->g, cfg->page_size, &page, &write, &off)) {
        uint64_t addr = in_region(r, &r->procs[s->proc], pt->region, page, off);
        uint8_t b = (uint8_t)pt->value;
        int e = vmm_access(r->sys, pid_of(r, s), addr, write ? VMM_WRITE : VMM_READ, &b, 1);
        if (e < 0)
            return engine_failed(r, s, s->col, e);
        c->n++;
        c->writes += write;
        if (e == VMM_KILLED || e == VMM_WAIT) {
            if (e == VMM_KILLED)
                killed(r, s);
            else
                waits(r, s);
            drop(c);
            return 0;
        }
        if (pat_done(c->g) < pt->spec.refs)
            return 0;
    }
    say(r, s->line,
        "P%u pattern %s: %" PRIu64 " references (%" PRIu64 " writes) over %" PRIu64 " pages of %s",
        pid_of(r, s), pat_kind_names[pt->spec.kind], c->n, c->writes, pt->spec.pages,
        wl_regions[pt->region].name);
    drop(c);
    return 0;
}

/* ---- mappings ---------------------------------------------------------------------------- */

/* Where a mapping of len bytes goes in the address space of the process of
 * s: the highest gap below the stack's reach (stack start - stack-limit -
 * one page) and above WL_TEXT_BASE that fits it, its end at the gap's end.
 * Returns 0 with *start, or ends the run when nothing fits. */
static int place(struct run *r, const struct wl_stmt *s, uint64_t len, uint64_t *start)
{
    uint64_t page = vmm_system_config(r->sys)->page_size;
    const struct rproc *rp = &r->procs[s->proc];
    const struct wl_program *pg = &r->w->progs[rp->prog];
    uint32_t pid = pid_of(r, s);
    char sz[32], map[600];
    if (pg->flat)
        return stop(r, s, s->col, VMM_ERANGE,
                    "P%u runs %s, a flat program, whose one region covers the whole address "
                    "space; expected mmap in a program with regions",
                    pid, pg->name);
    uint64_t need = round_up(len, page), below = round_up(pg->stack_limit, page) + page;
    uint64_t lo = WL_TEXT_BASE;
    if (vmm_system_config(r->sys)->mmu == VMM_MMU_RELOCATION) { /* in the partition's reserve */
        below = page;
        lo = 0;
    }
    uint64_t hi = rp->start[WR_STACK] > below ? rp->start[WR_STACK] - below : 0;
    size_t n = vmm_regions_get(r->sys, pid, NULL, 0);
    struct vmm_region_info *ri = malloc((n ? n : 1) * sizeof *ri);
    if (!ri)
        return stop(r, s, s->col, VMM_ENOMEM, "out of memory");
    n = vmm_regions_get(r->sys, pid, ri, n);
    bool found = false;
    for (size_t i = n; i-- > 0 && !found;) { /* from the top down: the gap above region i */
        if (ri[i].start >= hi)
            continue;
        if (ri[i].end <= hi && hi - ri[i].end >= need)
            found = true;
        else
            hi = ri[i].start;
    }
    free(ri);
    if (found || (hi >= lo && hi - lo >= need)) {
        *start = hi - need;
        return 0;
    }
    show_size(need, sz, sizeof sz);
    region_list(r, pid, map, sizeof map);
    return stop(r, s, s->col, VMM_ERANGE,
                "no room for %s in P%u's address space between 0x%" PRIx64 " and its stack's "
                "reach; its regions: %s",
                sz, pid, lo, map);
}

/* mmap P<n> NAME file=PATH shared|private ... or anon shared len=SIZE. */
static int run_mmap(struct run *r, const struct wl_stmt *s)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_mmap *m = &r->w->mmaps[s->arg];
    const char *name = r->w->maps[m->map].name;
    struct rproc *rp = &r->procs[s->proc];
    uint32_t pid = pid_of(r, s), obj;
    uint64_t len = m->len, fsize = 0, start = 0;
    char path[WL_PATH_MAX + 1] = "", sz[32];
    int e;
    if (!running(r, s))
        return 0;
    if (!rp->maps && !(rp->maps = calloc(r->w->nmaps, sizeof *rp->maps)))
        return stop(r, s, s->col, VMM_ENOMEM, "out of memory");
    struct rmap *mp = &rp->maps[m->map];
    if (mp->live)
        return stop(r, s, m->name_col, VMM_EEXIST,
                    "P%u maps %s already (line %u); expected 'munmap P%u %s' before mapping it "
                    "again",
                    pid, name, mp->line, pid, name);
    if (m->offset % cfg->page_size)
        return stop(r, s, m->off_col, VMM_EINVAL,
                    "offset=%" PRIu64 " is not a multiple of the page size (%u); expected a "
                    "page-aligned offset",
                    m->offset, cfg->page_size);
    if (m->anon) {
        if ((e = vmm_object_shmem(r->sys, name, len, &obj)) < 0)
            return engine_failed(r, s, m->path_col, e);
    } else {
        /* A shared writable mapping writes the file: it needs it read-write. */
        bool rw = m->shared && m->writable;
        int fd =
            open_named(r, s, m->path_col, m->path_off, m->path_len, rw ? O_RDWR : O_RDONLY, path);
        if (fd < 0)
            return fd;
        if ((e = vmm_object_file(r->sys, path, fd, rw, &obj)) < 0)
            return engine_failed(r, s, m->path_col, e);
        fsize = vmm__obj(r->sys, obj)->size;
        if (!m->len_given) {
            if (m->offset >= fsize)
                return stop(r, s, m->path_col, VMM_ERANGE,
                            "file %s has %" PRIu64 " bytes: nothing from offset %" PRIu64
                            " to its end; expected len=SIZE (a page wholly beyond the end is a "
                            "bus error when touched)",
                            path, fsize, m->offset);
            len = fsize - m->offset;
        }
    }
    if ((e = place(r, s, len, &start)) < 0)
        return e;
    unsigned prot = VMM_PROT_READ | (m->writable ? VMM_PROT_WRITE : 0);
    e = vmm_region_map(r->sys, pid, name, start, len, prot,
                       m->shared ? VMM_MAP_SHARED : VMM_MAP_PRIVATE, obj, m->offset);
    if (e < 0)
        return engine_failed(r, s, m->path_col, e);
    *mp = (struct rmap){start, len, s->line, true, !m->anon};
    uint64_t pages = round_up(len, cfg->page_size) / cfg->page_size;
    show_size(round_up(len, cfg->page_size), sz, sizeof sz);
    if (m->anon)
        say(r, s->line,
            "P%u mmap %s: 0x%" PRIx64 " %s (%" PRIu64 " bytes, %" PRIu64
            " page%s), new anonymous shared memory, %s",
            pid, name, start, sz, len, pages, pages == 1 ? "" : "s", m->writable ? "rw-" : "r--");
    else
        say(r, s->line,
            "P%u mmap %s: 0x%" PRIx64 " %s (%" PRIu64 " bytes, %" PRIu64
            " page%s) of file %s (%" PRIu64 " bytes) from offset %" PRIu64 ", %s, %s",
            pid, name, start, sz, len, pages, pages == 1 ? "" : "s", path, fsize, m->offset,
            m->shared ? "shared" : "private", m->writable ? "rw-" : "r--");
    return 0;
}

/* munmap P<n> NAME: the region goes, after a shared file mapping's dirty
 * pages are written back (a write that fails kills the process). */
static int run_munmap(struct run *r, const struct wl_stmt *s)
{
    uint32_t pid = pid_of(r, s);
    struct rmap *mp;
    struct vmm_stats before, after;
    if (!running(r, s))
        return 0;
    int e = need_map(r, s, s->arg, s->addr_col, &mp);
    if (e < 0)
        return e;
    vmm_stats_get(r->sys, &before);
    e = vmm_region_remove(r->sys, pid, mp->start);
    if (e < 0)
        return engine_failed(r, s, s->addr_col, e);
    mp->live = false;
    if (e == VMM_KILLED) {
        killed(r, s);
        return 0;
    }
    vmm_stats_get(r->sys, &after);
    uint64_t n = after.file_writes[VMM_WB_MUNMAP] - before.file_writes[VMM_WB_MUNMAP];
    uint64_t page = vmm_system_config(r->sys)->page_size;
    char wb[48] = "";
    if (mp->file)
        snprintf(wb, sizeof wb, "; %" PRIu64 " dirty page%s written back", n, n == 1 ? "" : "s");
    say(r, s->line, "P%u munmap %s: [0x%" PRIx64 ", 0x%" PRIx64 ") removed%s", pid,
        r->w->maps[s->arg].name, mp->start, mp->start + round_up(mp->len, page), wb);
    return 0;
}

/* msync P<n> NAME [async]: writes the mapping's dirty file pages back. */
static int run_msync(struct run *r, const struct wl_stmt *s)
{
    uint32_t pid = pid_of(r, s);
    struct rmap *mp;
    uint64_t n = 0;
    if (!running(r, s))
        return 0;
    int e = need_map(r, s, s->arg, s->addr_col, &mp);
    if (e < 0)
        return e;
    e = vmm_region_sync(r->sys, pid, mp->start, s->mode, &n);
    if (e < 0)
        return engine_failed(r, s, s->addr_col, e);
    if (e == VMM_KILLED) {
        killed(r, s);
        return 0;
    }
    say(r, s->line, "P%u msync %s: %" PRIu64 " dirty page%s written back%s", pid,
        r->w->maps[s->arg].name, n, n == 1 ? "" : "s",
        s->mode ? " (async: not waited for)"
        : n     ? " and waited for on the disk"
                : "");
    return 0;
}

/* ---- running: cursors, steps and the scheduler ----------------------------------------- */

/* How each statement kind runs: whole, in one call; or begun (which may find
 * nothing to do and clear c->s) and then advanced one piece at a time until
 * the piece that finishes it clears c->s. repeat is no statement of its own:
 * next_stmt expands it. */
struct stmt_ops {
    int (*whole)(struct run *r, const struct wl_stmt *s); /* runs s from start to end */
    int (*begin)(struct run *r, struct cursor *c);        /* starts c->s */
    int (*piece)(struct run *r, struct cursor *c);        /* runs c->s's next piece */
};

static const struct stmt_ops ops[WS__COUNT] = {
    [WS_SPAWN] = {run_spawn, NULL, NULL},
    [WS_EXIT] = {run_exit, NULL, NULL},
    [WS_READ] = {NULL, begin_access, piece_access},
    [WS_WRITE] = {NULL, begin_access, piece_access},
    [WS_CHECK] = {NULL, begin_access, piece_access},
    [WS_FORK] = {run_fork, NULL, NULL},
    [WS_EXEC] = {run_exec, NULL, NULL},
    [WS_BRK] = {run_brk, NULL, NULL},
    [WS_TRACE] = {NULL, begin_trace, piece_trace},
    [WS_PATTERN] = {NULL, begin_pattern, piece_pattern},
    [WS_MMAP] = {run_mmap, NULL, NULL},
    [WS_MUNMAP] = {run_munmap, NULL, NULL},
    [WS_MSYNC] = {run_msync, NULL, NULL},
};

/* c has reached the end of the pass of its innermost block: the block runs
 * again from the start of its body, or (no pass left, or this one found
 * nothing to run, so none will) c leaves it. */
static void pass_end(struct cursor *c)
{
    struct rep *b = &c->rep[c->depth - 1];
    if (b->ran && c->depth > 1)
        c->rep[c->depth - 2].ran = true;
    if (b->ran && b->left) {
        b->left--;
        b->ran = false;
        c->pc = b->at + 1u;
    } else {
        c->depth--;
    }
}

/* Enters the block of the repeat at index i (c->pc is there): into its body,
 * or past it when it is repeated 0 times. */
static void enter(const struct run *r, struct cursor *c, size_t i)
{
    const struct wl_stmt *b = &r->w->stmts[i];
    VMM_ASSERT(b->kind == WS_REPEAT && b->arg > i && b->arg <= r->w->nstmts);
    if (b->n == 0) {
        c->pc = b->arg;
        return;
    }
    VMM_ASSERT(c->depth < WL_MAX_DEPTH);
    c->rep[c->depth++] = (struct rep){(uint32_t)i, false, b->n - 1};
    c->pc = i + 1;
}

/* none: moves c to the next statement in script order, expanding repeat
 * blocks, and returns it (at index c->pc), or NULL at the end. */
static const struct wl_stmt *next_in_order(const struct run *r, struct cursor *c)
{
    const struct vmm_workload *w = r->w;
    for (;;) {
        if (c->depth && c->pc == w->stmts[c->rep[c->depth - 1].at].arg) {
            pass_end(c);
            continue;
        }
        if (c->pc >= w->nstmts)
            return NULL;
        if (w->stmts[c->pc].kind == WS_REPEAT) {
            enter(r, c, c->pc);
            continue;
        }
        if (c->depth)
            c->rep[c->depth - 1].ran = true;
        return &w->stmts[c->pc];
    }
}

/* rr: the index of the first statement of process proc at or after index i,
 * or w->nstmts if there is none. */
static size_t next_own(const struct run *r, uint32_t proc, size_t i)
{
    const uint32_t *lo = r->own + r->first[proc], *end = r->own + r->first[proc + 1], *hi = end;
    while (lo < hi) {
        const uint32_t *mid = lo + (hi - lo) / 2;
        if (*mid < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end ? *lo : r->w->nstmts;
}

/* rr: moves c to the next statement of its process and returns it (at index
 * c->pc), or NULL at the end. It goes straight to the process's next
 * statement in the text (r->own), never through the others': a block of c's
 * that ends before it ends its pass there; the blocks around it that start
 * after c->pc are entered (one repeated 0 times is passed over, and the
 * search goes on after it). */
static const struct wl_stmt *next_own_stmt(const struct run *r, struct cursor *c)
{
    const struct wl_stmt *st = r->w->stmts;
    for (;;) {
        size_t j = next_own(r, c->proc, c->pc);
        if (c->depth && st[c->rep[c->depth - 1].at].arg <= j) {
            c->pc = st[c->rep[c->depth - 1].at].arg;
            pass_end(c);
            continue;
        }
        if (j >= r->w->nstmts) {
            c->pc = r->w->nstmts;
            return NULL;
        }
        uint32_t around[WL_MAX_DEPTH]; /* blocks around j not entered yet, innermost first */
        unsigned n = 0;
        for (uint32_t k = r->parent[j]; k && k - 1 >= c->pc; k = r->parent[k - 1]) {
            VMM_ASSERT(n < WL_MAX_DEPTH);
            around[n++] = k - 1;
        }
        bool skipped = false;
        while (n > 0 && !skipped) { /* outermost first */
            c->pc = around[--n];
            skipped = st[c->pc].n == 0;
            enter(r, c, c->pc);
        }
        if (skipped)
            continue; /* the search goes on after the block repeated 0 times */
        c->pc = j;
        if (c->depth)
            c->rep[c->depth - 1].ran = true;
        return &st[j];
    }
}

/* Moves c to the next statement it runs (next_in_order, next_own_stmt) and
 * returns it, or NULL at the end of the script. Runs nothing and changes
 * nothing else, so calling it again returns the same statement. */
static const struct wl_stmt *next_stmt(const struct run *r, struct cursor *c)
{
    return c->proc == ALL_PROCS ? next_in_order(r, c) : next_own_stmt(r, c);
}

static int step(struct run *r, struct cursor *c);

/* A task's step (struct vmm_task): its cursor's next piece of work. */
static int task_step(void *ctx, struct vmm_system *sys)
{
    struct cursor *c = ctx;
    const struct proc *p = vmm__proc(sys, c->r->w->procs[c->proc].pid);
    if (p && p->live && p->st.waiting) { /* its image waits for a hole: try again */
        int e = vmm_process_load(sys, p->pid);
        if (e < 0)
            return e;
        if (p->st.waiting)
            return 1;
    }
    return step(c->r, c);
}

/* rr: c's process has ended (its exit, a kill) before its statements did:
 * the first of them is noted as none notes a statement it skips, and c
 * ends. A spawn there is run, as none runs it: its pid is in use, which
 * ends the run with the same error. */
static int note_rest(struct run *r, struct cursor *c)
{
    drop(c);
    c->ended = true;
    const struct wl_stmt *s = next_stmt(r, c);
    const struct proc *p = vmm__proc(r->sys, r->w->procs[c->proc].pid);
    if (s && p && p->live && p->st.waiting) {
        say(r, s->line,
            "P%u still waits for memory when nothing else can run: its statements from here "
            "on did not run",
            p->pid);
        return 0;
    }
    if (s && s->kind == WS_SPAWN)
        return run_spawn(r, s);
    if (s)
        running(r, s);
    return 0;
}

/* rr: the fork s that c's process has just run made the child; the child's
 * cursor starts right after the fork, in the same passes of the same repeat
 * blocks, and its task joins the scheduler. */
static int fork_cursor(struct run *r, const struct cursor *c, const struct wl_stmt *s)
{
    uint32_t pid = r->w->procs[s->arg].pid;
    const struct proc *p = vmm__proc(r->sys, pid);
    if (!p || !p->live || r->cur[s->arg]) /* the fork was skipped */
        return 0;
    struct cursor *k = malloc(sizeof *k);
    if (!k)
        return stop(r, s, s->col, VMM_ENOMEM, "out of memory");
    *k = (struct cursor){.r = r, .proc = s->arg, .last = s, .pc = c->pc, .depth = c->depth};
    memcpy(k->rep, c->rep, sizeof k->rep);
    for (unsigned i = 0; i < k->depth; i++) /* passes begun mid-body: not proof of nothing */
        k->rep[i].ran = true;
    r->cur[s->arg] = k;
    struct vmm_task t = {pid, task_step, k};
    int e = vmm_sched_add(r->sys, &t);
    return e < 0 ? engine_failed(r, s, s->col, e) : 0;
}

/* rr, after a step of c: 0 when c is done, because its process has ended
 * (note_rest) or because it has no statement left, and then its process,
 * which still runs, exits here, so that the log says so (the scheduler
 * would end it silently); 1 while there is more. */
static int after_step(struct run *r, struct cursor *c)
{
    const struct proc *p = vmm__proc(r->sys, r->w->procs[c->proc].pid);
    if (!p || !p->live)
        return note_rest(r, c);
    if (c->s || next_stmt(r, c))
        return 1;
    c->ended = true;
    return end_proc(r, c->last, c->proc, "exited after its last statement");
}

/* Runs the next piece of work of c: a whole statement, or one piece of a
 * read/write/check, trace or pattern (the first piece in the same step as
 * its beginning). Returns 1 while c has more to run, 0 when it is done, or
 * a negative error, which ends the run. */
static int step(struct run *r, struct cursor *c)
{
    int e = 0;
    if (c->ended)
        return 0;
    if (!c->s) {
        const struct wl_stmt *s = next_stmt(r, c);
        if (!s) {
            c->ended = true;
            return 0;
        }
        c->pc++;
        c->last = s;
        if (ops[s->kind].whole) {
            e = ops[s->kind].whole(r, s);
            if (e >= 0 && s->kind == WS_FORK && r->rr)
                e = fork_cursor(r, c, s);
        } else {
            c->s = s;
            e = ops[s->kind].begin(r, c);
        }
        if (e < 0)
            return e;
    }
    if (c->s && (e = ops[c->s->kind].piece(r, c)) < 0)
        return e;
    return r->rr ? after_step(r, c) : 1;
}

/* rr: the cursor of a process that a spawn creates runs to that spawn at
 * the start (time 0: a task needs its process), and its task is added. A
 * process whose first statement is not its spawn (a spawn in a repeat 0)
 * is never created; that is noted. */
static int start_spawned(struct run *r, uint32_t proc)
{
    struct cursor c = {.r = r, .proc = proc};
    const struct wl_stmt *s = next_stmt(r, &c);
    if (!s || s->kind != WS_SPAWN)
        return note_rest(r, &c);
    c.pc++;
    c.last = s;
    int e = run_spawn(r, s);
    if (e < 0)
        return e;
    struct cursor *k = malloc(sizeof *k);
    if (!k)
        return stop(r, s, s->col, VMM_ENOMEM, "out of memory");
    *k = c;
    r->cur[proc] = k;
    struct vmm_task t = {r->w->procs[proc].pid, task_step, k};
    e = vmm_sched_add(r->sys, &t);
    return e < 0 ? engine_failed(r, s, s->col, e) : 0;
}

/* none: one cursor runs every statement in script order. */
static int run_all(struct run *r)
{
    struct cursor c = {.r = r, .proc = ALL_PROCS};
    int e;
    while ((e = step(r, &c)) > 0)
        continue;
    drop(&c);
    return e;
}

/* rr: fills r->own, r->first and r->parent. Returns 0 or VMM_ENOMEM. */
static int index_stmts(struct run *r)
{
    const struct vmm_workload *w = r->w;
    size_t n = w->nstmts;
    uint32_t *pos = calloc(w->nprocs + 1, sizeof *pos), open[WL_MAX_DEPTH];
    unsigned depth = 0;
    r->first = calloc(w->nprocs + 1, sizeof *r->first);
    r->own = malloc((n ? n : 1) * sizeof *r->own);
    r->parent = malloc((n ? n : 1) * sizeof *r->parent);
    if (!pos || !r->first || !r->own || !r->parent) {
        free(pos);
        return VMM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (w->stmts[i].kind != WS_REPEAT)
            r->first[w->stmts[i].proc + 1]++;
    for (size_t p = 0; p < w->nprocs; p++) {
        r->first[p + 1] += r->first[p];
        pos[p] = r->first[p];
    }
    for (size_t i = 0; i < n; i++) {
        const struct wl_stmt *s = &w->stmts[i];
        while (depth && w->stmts[open[depth - 1]].arg <= i)
            depth--;
        r->parent[i] = depth ? open[depth - 1] + 1 : 0;
        if (s->kind == WS_REPEAT) {
            VMM_ASSERT(depth < WL_MAX_DEPTH);
            open[depth++] = (uint32_t)i;
        } else {
            r->own[pos[s->proc]++] = (uint32_t)i;
        }
    }
    free(pos);
    return 0;
}

/* rr: a cursor and a task per process, run by the scheduler
 * (docs/workload.md, "Scheduling"). */
static int run_rr(struct run *r)
{
    const struct vmm_workload *w = r->w;
    int e = index_stmts(r);
    if (e < 0)
        return vmm__fail(r->sys, e, "%s: out of memory", w->name);
    for (uint32_t i = 0; e >= 0 && i < w->nprocs; i++)
        if (w->procs[i].prog != WL_FORKED)
            e = start_spawned(r, i);
    if (e >= 0)
        e = vmm_sched_run(r->sys);
    /* Cursors whose process another one's step ended (the out-of-memory
     * killer), and children of forks that never ran. */
    for (uint32_t i = 0; e >= 0 && i < w->nprocs; i++) {
        struct cursor c = {.r = r, .proc = i};
        if (r->cur[i] && !r->cur[i]->ended)
            e = note_rest(r, r->cur[i]);
        else if (!r->cur[i] && w->procs[i].prog == WL_FORKED)
            e = note_rest(r, &c);
    }
    return e;
}

int vmm_workload_run(struct vmm_system *sys, const struct vmm_workload *w, FILE *log,
                     uint64_t *check_failures)
{
    if (!sys)
        return VMM_EINVAL;
    if (!w)
        return vmm__fail(sys, VMM_EINVAL, "vmm_workload_run: no workload");
    struct run r = {.sys = sys, .w = w, .log = log, .failures = check_failures};
    if (check_failures)
        *check_failures = 0;
    r.rr = sys->cfg.sched == VMM_SCHED_RR;
    r.buf = malloc(WL_CHUNK);
    r.procs = calloc(w->nprocs ? w->nprocs : 1, sizeof *r.procs);
    r.image = calloc(w->nprogs ? w->nprogs : 1, sizeof *r.image);
    if (r.rr)
        r.cur = calloc(w->nprocs ? w->nprocs : 1, sizeof *r.cur);
    if (sys->pol->needs & POLICY_FUTURE && log)
        fprintf(log,
                "%s: note: policy %s needs future references, which a workload does not give "
                "in advance; it evicts as LRU does\n",
                w->name, sys->cfg.policy);
    int e = !r.buf || !r.procs || !r.image || (r.rr && !r.cur)
                ? vmm__fail(sys, VMM_ENOMEM, "%s: out of memory", w->name)
            : r.rr ? run_rr(&r)
                   : run_all(&r);
    if (log)
        fflush(log);
    for (size_t i = 0; r.cur && i < w->nprocs; i++) {
        if (r.cur[i])
            drop(r.cur[i]);
        free(r.cur[i]);
    }
    for (size_t i = 0; r.procs && i < w->nprocs; i++)
        free(r.procs[i].maps);
    free(r.cur);
    free(r.own);
    free(r.first);
    free(r.parent);
    free(r.procs);
    free(r.image);
    free(r.buf);
    return e;
}
