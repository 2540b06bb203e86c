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
 * Ranges move through one buffer of WL_CHUNK bytes, one vmm_access per
 * chunk-aligned piece: the chunk is a multiple of every page size, so the
 * page references are exactly those of one big call.
 */
#include "internal.h"
#include "trace/workload.h"

#include <stdio.h>
#include <stdlib.h>

/* What the runner knows of each process name of the script. */
struct rproc {
    uint32_t prog;      /* program it runs now (index in w->progs) */
    uint32_t exit_line; /* line of the exit statement that ended it; 0 = none */
    bool spawned;       /* its spawn statement has run */
    bool noted;         /* the "not running; skipped" note was written */
};

struct run {
    struct vmm_system *sys;       /* where it runs */
    const struct vmm_workload *w; /* what runs */
    FILE *log;                    /* narration, or NULL */
    uint64_t *failures;           /* failed checks */
    uint8_t *buf;                 /* WL_CHUNK bytes for writes and checks */
    struct rproc *procs;          /* one per w->procs */
    bool data_noted;              /* the "checks only read with data off" note was written */
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
        else
            say(r, s->line, "P%u is not running; statement skipped", pid);
    }
    return false;
}

/* Reports the engine's kill of the process of s. */
static void killed(struct run *r, const struct wl_stmt *s)
{
    uint32_t pid = pid_of(r, s);
    const struct proc *p = vmm__proc(r->sys, pid);
    say(r, s->line, "P%u killed: %s", pid, p ? p->st.kill_reason : "(unknown)");
}

/* ---- statements ---------------------------------------------------------------------- */

static int run_spawn(struct run *r, const struct wl_stmt *s)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    const struct wl_program *pg = &r->w->progs[s->arg];
    uint32_t pid = pid_of(r, s);
    uint64_t start[WR__COUNT];
    char map[400] = "", sz[32];
    if (layout(cfg, pg, start) < 0)
        return stop(r, s, s->col, VMM_ERANGE,
                    "program %s does not fit in a %u-bit address space: its regions reach past "
                    "the stack top; expected smaller sizes or va-bits 48",
                    pg->name, cfg->va_bits);
    int e = vmm_process_spawn(r->sys, pid, pg->name);
    if (e == VMM_EEXIST)
        return stop(r, s, s->col, e,
                    "P%u: pid %u is already in use; expected a process that does "
                    "not exist yet (a spawn runs once)",
                    pid, pid);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    for (int i = 0; i < WR__COUNT; i++) {
        if (pg->size[i] == 0)
            continue;
        e = vmm_region_add(r->sys, pid, wl_regions[i].name, start[i], pg->size[i],
                           wl_regions[i].prot);
        if (e < 0)
            return engine_failed(r, s, s->col, e);
        unsigned prot = wl_regions[i].prot;
        size_t l = strlen(map);
        show_size(round_up(pg->size[i], cfg->page_size), sz, sizeof sz);
        snprintf(map + l, sizeof map - l, "%s%s 0x%" PRIx64 " %s %c%c%c", l ? ", " : "",
                 wl_regions[i].name, start[i], sz, prot & VMM_PROT_READ ? 'r' : '-',
                 prot & VMM_PROT_WRITE ? 'w' : '-', prot & VMM_PROT_EXEC ? 'x' : '-');
    }
    r->procs[s->proc].spawned = true;
    r->procs[s->proc].prog = s->arg;
    say(r, s->line, "P%u spawned (%s): %s", pid, pg->name, map[0] ? map : "no regions");
    return 0;
}

static int run_exit(struct run *r, const struct wl_stmt *s)
{
    uint32_t pid = pid_of(r, s);
    if (!running(r, s))
        return 0;
    const struct proc *p = vmm__proc(r->sys, pid);
    uint64_t frames = p->st.resident_pages, slots = p->st.swapped_pages;
    int e = vmm_process_exit(r->sys, pid);
    if (e < 0)
        return engine_failed(r, s, s->col, e);
    r->procs[s->proc].exit_line = s->line;
    say(r, s->line, "P%u exited: freed %" PRIu64 " frame%s and %" PRIu64 " swap slot%s", pid,
        frames, frames == 1 ? "" : "s", slots, slots == 1 ? "" : "s");
    return 0;
}

/* The virtual address of an access statement's ADDR in its process now. */
static int resolve(struct run *r, const struct wl_stmt *s, uint64_t *addr)
{
    if (s->region == WR_ABSOLUTE) {
        *addr = s->addr;
        return 0;
    }
    const struct rproc *rp = &r->procs[s->proc];
    const struct wl_program *pg = &r->w->progs[rp->prog];
    uint64_t start[WR__COUNT];
    if (pg->size[s->region] == 0) {
        char have[64] = "";
        for (int i = 0; i < WR__COUNT; i++) {
            size_t l = strlen(have);
            if (pg->size[i])
                snprintf(have + l, sizeof have - l, "%s%s", l ? ", " : "", wl_regions[i].name);
        }
        return stop(r, s, s->addr_col, VMM_ENOENT,
                    "P%u runs %s, which has no %s region; expected one of its regions (%s) or an "
                    "absolute address",
                    pid_of(r, s), pg->name, wl_regions[s->region].name, have[0] ? have : "none");
    }
    int e = layout(vmm_system_config(r->sys), pg, start);
    VMM_ASSERT(e == 0); /* it was laid out at spawn */
    (void)e;
    if (s->addr > UINT64_MAX - start[s->region])
        return stop(r, s, s->addr_col, VMM_ERANGE, "%.*s is beyond the largest address",
                    (int)s->addr_len, r->w->text + s->addr_off);
    *addr = start[s->region] + s->addr;
    return 0;
}

/* read, write and check. */
static int run_access(struct run *r, const struct wl_stmt *s)
{
    const struct vmm_config *cfg = vmm_system_config(r->sys);
    uint32_t pid = pid_of(r, s);
    uint64_t addr = 0, mismatch_at = UINT64_MAX;
    uint8_t found = 0;
    if (!running(r, s))
        return 0;
    int e = resolve(r, s, &addr);
    if (e < 0)
        return e;
    uint64_t top = 1ull << cfg->va_bits;
    if (addr >= top || s->n > top - addr)
        return stop(r, s, s->addr_col, VMM_ERANGE,
                    "%.*s: [0x%" PRIx64 ", +%" PRIu64 ") reaches beyond the %u-bit virtual "
                    "address space; expected addresses below 0x%" PRIx64,
                    (int)s->addr_len, r->w->text + s->addr_off, addr, s->n, cfg->va_bits, top);
    enum vmm_op op = s->kind == WS_WRITE ? VMM_WRITE : VMM_READ;
    bool compare = s->kind == WS_CHECK && cfg->data;
    void *buf = s->kind == WS_READ ? NULL : r->buf;
    if (s->kind == WS_WRITE)
        memset(r->buf, s->value >= 0 ? s->value : WL_DEFAULT_BYTE,
               s->n < WL_CHUNK ? (size_t)s->n : WL_CHUNK);
    if (s->kind == WS_CHECK && !cfg->data && !r->data_noted) {
        r->data_noted = true;
        say(r, s->line, "note: frames hold no data (data off); check statements only read");
    }
    for (uint64_t done = 0; done < s->n;) {
        uint64_t a = addr + done;
        uint64_t n = WL_CHUNK - (a & (WL_CHUNK - 1));
        if (n > s->n - done)
            n = s->n - done;
        e = vmm_access(r->sys, pid, a, op, buf, (size_t)n);
        if (e < 0)
            return engine_failed(r, s, s->addr_col, e);
        if (e == VMM_KILLED || e == VMM_DEAD) {
            killed(r, s);
            return 0;
        }
        if (compare && mismatch_at == UINT64_MAX) {
            for (uint64_t i = 0; i < n; i++) {
                if (r->buf[i] != (uint8_t)s->value) {
                    mismatch_at = done + i;
                    found = r->buf[i];
                    break;
                }
            }
        }
        done += n;
    }
    if (mismatch_at != UINT64_MAX) {
        if (r->failures)
            (*r->failures)++;
        say(r, s->line,
            "check failed: P%u %.*s (0x%" PRIx64
            "): expected 0x%02x, found 0x%02x at byte %" PRIu64,
            pid, (int)s->addr_len, r->w->text + s->addr_off, addr, (unsigned)s->value,
            (unsigned)found, mismatch_at);
    }
    return 0;
}

/* One function per statement kind; repeat is expanded by run_range. */
static int (*const run_stmt[WS__COUNT])(struct run *r, const struct wl_stmt *s) = {
    [WS_SPAWN] = run_spawn,  [WS_EXIT] = run_exit,    [WS_READ] = run_access,
    [WS_WRITE] = run_access, [WS_CHECK] = run_access,
};

/* Runs statements [from, to), expanding repeat blocks in place. */
static int run_range(struct run *r, size_t from, size_t to)
{
    for (size_t i = from; i < to;) {
        const struct wl_stmt *s = &r->w->stmts[i];
        if (s->kind == WS_REPEAT) {
            VMM_ASSERT(s->arg > i && s->arg <= to);
            for (uint64_t k = 0; k < s->n; k++) {
                int e = run_range(r, i + 1, s->arg);
                if (e < 0)
                    return e;
            }
            i = s->arg;
            continue;
        }
        int e = run_stmt[s->kind](r, s);
        if (e < 0)
            return e;
        i++;
    }
    return 0;
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
    r.buf = malloc(WL_CHUNK);
    r.procs = calloc(w->nprocs ? w->nprocs : 1, sizeof *r.procs);
    if (sys->pol->needs & POLICY_FUTURE && log)
        fprintf(log,
                "%s: note: policy %s needs future references, which a workload does not give "
                "in advance; it evicts as LRU does\n",
                w->name, sys->cfg.policy);
    int e = r.buf && r.procs ? run_range(&r, 0, w->nstmts)
                             : vmm__fail(sys, VMM_ENOMEM, "%s: out of memory", w->name);
    if (log)
        fflush(log);
    free(r.procs);
    free(r.buf);
    return e;
}
