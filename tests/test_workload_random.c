/*
 * test_workload_random.c - randomized workload scripts checked against a
 * shadow model.
 *
 * Each seed generates a script that mixes every statement of the workload
 * language (docs/workload.md): settings in any order, programs (flat ones
 * too), spawn, fork (chains, and forks of dead processes), exec, exit, read,
 * write, check, brk (grow, shrink, set, remove, a failing shrink), trace
 * (refs= lists and trace files with writes), pattern (every kind, with and
 * without writes), repeat blocks (nested, on one line or many, zero times),
 * stack growth, deliberate kills, and statements for processes that no
 * longer run. The script runs with data on and the invariant checker after
 * every reference, under a random machine (frames 1..16, page size 512, 1K
 * or 4K, every registered policy, tlb 0/8/16, 32- or 48-bit addresses).
 *
 * Every script also runs under the round-robin scheduler (cfg.sched rr),
 * where each process's statements keep their order but interleave with the
 * others' a few references at a time: the model holds there too, but for
 * the end state (every process has ended).
 *
 * The generator keeps its own model of what the script does, independent of
 * the engine: for every process the bytes of each writable region as the
 * script sees them (UNKNOWN where a pattern may have written), its heap size
 * and how far its stack has grown, and whether it runs. Every `check` it
 * writes expects what that model holds, so a run must end with rc 0 and no
 * failed check. The model also predicts, and the test compares, which
 * processes run, were killed (at which line) or exited, every live
 * process's regions, and the engine's counts of references, stack growths,
 * forks, execs and kills.
 *
 * A repeat body is generated against the model, then replayed on it for the
 * remaining passes: a check that does not hold on every pass is written as a
 * read instead. Bodies never spawn, fork, exec or exit; a kill in one
 * happens in its first pass.
 *
 *   VMM_RANDOM_SEEDS=N   number of seeds (default below)
 *   VMM_RANDOM_SEED=S    start at seed S (and run only it without VMM_RANDOM_SEEDS)
 *   VMM_RANDOM_VERBOSE=1 print the totals of statements generated
 *   VMM_RANDOM_PRINT=1   print every script (with VMM_RANDOM_SEED)
 */
#include "harness.h"
#include "vmm.h"

#include <stdarg.h>
#include <stdlib.h>

#define DEFAULT_SEEDS 200
/* Seeds under rr. Fewer: every spawn runs at the start there, so a script's
 * large pid (up to P1048575) widens the process table the invariant checker
 * walks after every reference from the first reference on. */
#define DEFAULT_SEEDS_RR 100

enum { R_TEXT, R_DATA, R_BSS, R_HEAP, R_STACK, NREG, R_FLAT = NREG };
static const char *const reg_name[NREG] = {"text", "data", "bss", "heap", "stack"};

/* Capacities of the model, in pages of the seed's page size, and of a
 * script. A process's model (MEM_P pages) holds them all. */
enum {
    DATA_MAXP = 4,                /* largest data region */
    BSS_MAXP = 3,                 /* largest bss region */
    HEAP_MAXP = 10,               /* largest heap, brk included */
    STACK_MAXP = 3,               /* largest stack region at spawn */
    GROW_P = 6,                   /* pages a stack may grow below the largest one */
    SWIN_P = STACK_MAXP + GROW_P, /* the modeled window under the stack top */
    FLAT_P = 8,                   /* the modeled window of a flat process */
    MAXPROCS = 14,                /* process names per script */
    MAXPROGS = 5,                 /* programs per script */
    MAXBODY = 6,                  /* statements in one repeat body */
};
enum { MEM_P = DATA_MAXP + BSS_MAXP + HEAP_MAXP + SWIN_P + FLAT_P };
#define UNKNOWN    0x100 /* a byte a pattern may have written */
#define TEXT_BASE  0x400000ull
#define STACK_LIM  (8ull << 20)
#define TOP_32     0xc0000000ull
#define TOP_64     0x7ffffffff000ull
#define TRACE_RECS 12 /* records in each trace file */

/* Statement kinds, also the counters of what was generated. */
enum kind {
    K_SETTING,
    K_PROGRAM,
    K_SPAWN,
    K_FORK,
    K_EXEC,
    K_EXIT,
    K_READ,
    K_WRITE,
    K_CHECK,
    K_BRK,
    K_TRACE,
    K_PATTERN,
    K_REPEAT,
    K__COUNT
};
static const char *const kind_name[K__COUNT] = {
    "setting", "program", "spawn", "fork",  "exec",    "exit",   "read",
    "write",   "check",   "brk",   "trace", "pattern", "repeat",
};

/* Other things worth counting (printed with VMM_RANDOM_VERBOSE). */
enum extra {
    X_CHECK_RUN,   /* checks that run on a live process (each pass of a repeat) */
    X_CHECK_BAD,   /* checks of repeat bodies written as reads */
    X_GROW,        /* statements that reach below the stack */
    X_KILL,        /* deliberate kills */
    X_KILL_BODY,   /* of them, in repeat blocks */
    X_DEAD,        /* statements for processes not running */
    X_FLAT,        /* statements for flat processes */
    X_COW,         /* copy-on-write probes (write in one, check in both) */
    X_CHAIN,       /* forks of a forked process */
    X_BRK_FAIL,    /* brk that must fail */
    X_TRACE_FILE,  /* traces from a file (with writes) */
    X_TRACE_REFS,  /* traces from refs= */
    X_PAT_WRITE,   /* patterns that write */
    X_NESTED,      /* repeat blocks inside repeat blocks */
    X_REPEAT_ZERO, /* repeat 0 */
    X_AUDIT,       /* checks of the final sweep */
    X__COUNT
};
static const char *const extra_name[X__COUNT] = {
    "checks run",       "checks demoted", "stack growth stmts", "kills",
    "kills in repeats", "dead stmts",     "flat stmts",         "cow probes",
    "fork chains",      "brk failing",    "trace files",        "trace refs=",
    "patterns writing", "nested repeats", "repeat 0",           "audit checks",
};

struct prog {
    char name[16];        /* as written */
    bool flat;            /* one rwx region over the whole space */
    uint64_t size[NREG];  /* bytes as written, 0 = none */
    uint64_t limit;       /* stack-limit= bytes, 0 = not written (8M) */
    uint64_t start[NREG]; /* where each region starts (heap: the break's base) */
    uint64_t floor;       /* lowest page the stack may grow to */
};

enum pstate { P_NONE, P_LIVE, P_EXITED, P_KILLED };

/* The model of one process name. */
struct sproc {
    uint32_t pid;       /* the number of its name */
    enum pstate state;  /* never created, running, exited, killed */
    int prog;           /* program it runs (index in g->progs) */
    unsigned kill_line; /* line of the statement that killed it */
    uint64_t kill_op;   /* serial of that statement */
    bool forked;        /* created by a fork */
    uint64_t heap;      /* heap bytes (the break minus the heap's base) */
    uint64_t stack_low; /* where the stack region starts now */
    uint16_t *mem;      /* MEM_P pages of bytes (0..255 or UNKNOWN), see cellp */
};

/* What the model counts of the engine's work. */
struct tally {
    uint64_t refs;    /* page references */
    uint64_t growths; /* references that grew a stack */
    uint64_t kills;   /* processes terminated */
    uint64_t forks;   /* forks that ran */
    uint64_t execs;   /* execs that ran */
};

/* One statement of a process (or a repeat block), kept until written
 * because a repeat body is written after its passes are known. */
struct op {
    enum kind kind;     /* READ, WRITE, CHECK, BRK, TRACE, PATTERN, REPEAT */
    int proc;           /* index in g->procs */
    uint64_t addr, len; /* access range */
    int value;          /* write/check byte; write: -1 = the default 0xAA */
    char addr_s[64];    /* the address as written */
    char len_s[48];     /* " len=..." or "" */
    char val_s[24];     /* " value=..." or "" */
    bool val_first;     /* value= before len= */
    char rest[640];     /* brk/trace/pattern: what follows the process name */
    int reg;            /* pattern region; trace: its region or -1 */
    uint64_t pages;     /* pattern pages */
    uint64_t refs;      /* pattern/trace references */
    bool writes;        /* pattern writes */
    bool kills;         /* deliberately kills its process */
    int brk_mode;       /* '+', '-' or '=' */
    uint64_t brk_n;     /* brk size */
    uint64_t times;     /* repeat count */
    bool one_line;      /* repeat written on one line */
    struct op *body;    /* repeat body */
    size_t nbody;       /* statements in it */
    unsigned runs;      /* passes in which a check ran */
    bool bad;           /* a check that failed a pass: written as a read */
    uint64_t serial;    /* numbers the statements of a script */
};

struct sbuf {
    char *s;    /* NUL-terminated text */
    size_t len; /* bytes in it */
    size_t cap; /* bytes allocated */
};

struct gen {
    uint64_t rng;                 /* generator state */
    uint32_t ps;                  /* page size */
    unsigned va_bits;             /* 32 or 48 */
    uint64_t top;                 /* stack top */
    uint64_t space;               /* 1 << va_bits */
    uint64_t flat_base;           /* modeled window of flat processes */
    uint64_t mem_bytes;           /* MEM_P * ps */
    struct prog progs[MAXPROGS];  /* programs */
    int nprogs;                   /* how many */
    struct sproc procs[MAXPROCS]; /* process names, in order of creation */
    int nprocs;                   /* how many */
    uint32_t next_pid;            /* the smallest pid not used yet */
    struct sbuf out;              /* the script */
    unsigned line;                /* the line being written (1-based) */
    bool crlf;                    /* lines end with \r\n */
    struct op *body;              /* the repeat body being generated, or NULL */
    size_t nbody;                 /* its statements */
    int depth;                    /* repeat nesting being generated */
    uint64_t passes;              /* how often the body being generated runs (>= 1) */
    bool body_brk;                /* a brk is in the top-level block being generated */
    struct tally t;               /* the model's counts */
    uint64_t kinds[K__COUNT];     /* statements generated */
    uint64_t extra[X__COUNT];     /* see enum extra */
    uint64_t gen_bugs;            /* model states the generator should never reach */
    char bug[200];                /* the first of them */
    char trace_rw[512];           /* an addr trace with reads and writes */
    char trace_pages[512];        /* a pages trace */
    size_t mut_off, mut_len;      /* the value= of one check that runs once */
    int mut_value;                /* its value */
    unsigned mut_line;            /* its line */
    uint64_t mut_seen;            /* checks it was drawn from */
    uint64_t serial;              /* statements made */
};

/* ---- small helpers ------------------------------------------------------------ */

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 8192;
        while (cap - b->len <= (size_t)n)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            abort();
        b->s = s;
        b->cap = cap;
    }
}

static uint64_t rnd(struct gen *g)
{
    uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in 0 .. n-1 (0 if n is 0). */
static uint64_t below(struct gen *g, uint64_t n)
{
    return n ? rnd(g) % n : 0;
}

static bool chance(struct gen *g, unsigned percent)
{
    return below(g, 100) < percent;
}

static uint64_t round_up(uint64_t x, uint64_t page)
{
    return (x + page - 1) & ~(page - 1);
}

/* A byte to write: a few recurring ones so that ranges of one value form. */
static int pick_value(struct gen *g)
{
    static const int palette[] = {0x00, 0x11, 0x22, 0x41, 0x5a, 0x7f, 0x80, 0xaa, 0xff};
    if (chance(g, 15))
        return (int)below(g, 256);
    return palette[below(g, sizeof palette / sizeof palette[0])];
}

/* A size as the language writes it: decimal, hex, or with a suffix. */
static void size_text(struct gen *g, uint64_t n, char *out, size_t len)
{
    static const char *const ksuf[] = {"K", "KiB", "KB"};
    unsigned c = (unsigned)below(g, 10);
    if (n && n % (1u << 20) == 0 && c < 5)
        snprintf(out, len, "%" PRIu64 "M", n >> 20);
    else if (n && n % 1024 == 0 && c < 6)
        snprintf(out, len, "%" PRIu64 "%s", n >> 10, ksuf[below(g, 3)]);
    else if (c < 8)
        snprintf(out, len, "%" PRIu64, n);
    else
        snprintf(out, len, "0x%" PRIx64, n);
}

static void value_text(struct gen *g, int v, char *out, size_t len)
{
    if (chance(g, 50))
        snprintf(out, len, " value=%d", v);
    else
        snprintf(out, len, " value=0x%02x", (unsigned)v);
}

/* Ends a line of the script. */
static void newline(struct gen *g)
{
    sb_printf(&g->out, "%s", g->crlf ? "\r\n" : "\n");
    g->line++;
}

/* Ends a top-level statement: a new line, sometimes after a comment, or
 * sometimes ';' with the next statement on the same line. */
static void end_stmt(struct gen *g)
{
    unsigned c = (unsigned)below(g, 100);
    if (c < 8) {
        sb_printf(&g->out, " ; ");
        return;
    }
    if (c < 12)
        sb_printf(&g->out, "   # note %u", (unsigned)below(g, 1000));
    newline(g);
    if (c >= 97)
        newline(g); /* a blank line */
}

/* ---- the model's address space -------------------------------------------------- */

/* Offset in a process's mem of each modeled area. */
static uint64_t mem_off(const struct gen *g, int area)
{
    static const unsigned pages_before[] = {
        [R_DATA] = 0,
        [R_BSS] = DATA_MAXP,
        [R_HEAP] = DATA_MAXP + BSS_MAXP,
        [R_STACK] = DATA_MAXP + BSS_MAXP + HEAP_MAXP,
        [R_FLAT] = DATA_MAXP + BSS_MAXP + HEAP_MAXP + SWIN_P,
    };
    return (uint64_t)pages_before[area] * g->ps;
}

/* The model's cell of byte a of sp, or NULL where nothing is modeled (text,
 * which reads as zero, and addresses no statement writes). */
static uint16_t *cellp(const struct gen *g, const struct sproc *sp, uint64_t a)
{
    const struct prog *pg = &g->progs[sp->prog];
    uint64_t ps = g->ps;
    if (pg->flat) {
        if (a >= g->flat_base && a - g->flat_base < (uint64_t)FLAT_P * ps)
            return &sp->mem[mem_off(g, R_FLAT) + (a - g->flat_base)];
        return NULL;
    }
    for (int r = R_DATA; r <= R_BSS; r++)
        if (pg->size[r] && a >= pg->start[r] && a < pg->start[r] + round_up(pg->size[r], ps))
            return &sp->mem[mem_off(g, r) + (a - pg->start[r])];
    if (a >= pg->start[R_HEAP] && a < pg->start[R_HEAP] + (uint64_t)HEAP_MAXP * ps)
        return &sp->mem[mem_off(g, R_HEAP) + (a - pg->start[R_HEAP])];
    uint64_t wbase = g->top - (uint64_t)SWIN_P * ps;
    if (pg->size[R_STACK] && a >= wbase && a < g->top)
        return &sp->mem[mem_off(g, R_STACK) + (a - wbase)];
    return NULL;
}

static unsigned val(const struct gen *g, const struct sproc *sp, uint64_t a)
{
    const uint16_t *c = cellp(g, sp, a);
    return c ? *c : 0;
}

/* An extent: one region of a process as [lo, hi). */
struct ext {
    int reg;       /* R_* */
    uint64_t lo;   /* first byte */
    uint64_t hi;   /* one past the last */
    bool writable; /* rw- (text is r-x) */
};

/* sp's regions in address order. With grow, the stack's extent reaches down
 * to the lowest page it may grow to inside the modeled window. */
static int extents(const struct gen *g, const struct sproc *sp, bool grow, struct ext *e)
{
    const struct prog *pg = &g->progs[sp->prog];
    uint64_t ps = g->ps;
    int n = 0;
    if (pg->flat) {
        e[n++] = (struct ext){R_FLAT, g->flat_base, g->flat_base + (uint64_t)FLAT_P * ps, true};
        return n;
    }
    for (int r = R_TEXT; r <= R_BSS; r++)
        if (pg->size[r])
            e[n++] = (struct ext){r, pg->start[r], pg->start[r] + round_up(pg->size[r], ps),
                                  r != R_TEXT};
    if (sp->heap)
        e[n++] = (struct ext){R_HEAP, pg->start[R_HEAP], pg->start[R_HEAP] + round_up(sp->heap, ps),
                              true};
    if (pg->size[R_STACK]) {
        uint64_t lo = sp->stack_low;
        if (grow) {
            uint64_t w = g->top - (uint64_t)SWIN_P * ps;
            uint64_t z = pg->floor > w ? pg->floor : w;
            if (z < lo)
                lo = z;
        }
        e[n++] = (struct ext){R_STACK, lo, g->top, true};
    }
    return n;
}

/* What a reference of sp to a's page does, as docs/workload.md says: 0 legal,
 * 1 legal once the stack grows to it, -1 the process is killed (no region,
 * or a write to text). Changes nothing. */
static int probe(const struct gen *g, const struct sproc *sp, uint64_t a, bool write)
{
    const struct prog *pg = &g->progs[sp->prog];
    if (pg->flat)
        return a < g->space ? 0 : -1;
    struct ext e[NREG];
    int n = extents(g, sp, false, e), i;
    for (i = 0; i < n; i++)
        if (a >= e[i].lo && a < e[i].hi)
            return write && !e[i].writable ? -1 : 0;
    for (i = 0; i < n && e[i].lo <= a; i++)
        ;
    uint64_t page = a & ~(uint64_t)(g->ps - 1);
    if (i < n && e[i].reg == R_STACK && page >= pg->floor && !(i > 0 && e[i - 1].hi + g->ps > page))
        return 1;
    return -1;
}

/* True if no page of [a, a+len) kills sp. */
static bool range_ok(const struct gen *g, const struct sproc *sp, uint64_t a, uint64_t len,
                     bool write)
{
    for (uint64_t x = a; x < a + len; x = (x | (g->ps - 1)) + 1)
        if (probe(g, sp, x, write) < 0)
            return false;
    return true;
}

/* Records a state the generator should never have produced. */
static void gen_bug(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gen_bug(struct gen *g, const char *fmt, ...)
{
    if (g->gen_bugs++ == 0) {
        va_list ap;
        int n = snprintf(g->bug, sizeof g->bug, "line %u: ", g->line);
        va_start(ap, fmt);
        vsnprintf(g->bug + n, sizeof g->bug - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

/* sp is killed by op. Its line is known once op is written (see render). */
static void kill_proc(struct gen *g, struct sproc *sp, const struct op *op)
{
    sp->state = P_KILLED;
    sp->kill_op = op->serial;
    g->t.kills++;
}

/* An access of sp to [a, a+len), page by page as the engine makes it: a
 * write stores v, a check compares with v (*ok false on a difference).
 * Returns false if the process was killed. */
static bool sh_access(struct gen *g, struct sproc *sp, const struct op *op, uint64_t a,
                      uint64_t len, enum kind k, unsigned v, bool *ok)
{
    uint64_t end = a + len;
    for (uint64_t x = a; x < end;) {
        uint64_t pe = (x | (g->ps - 1)) + 1;
        if (pe > end)
            pe = end;
        g->t.refs++;
        int t = probe(g, sp, x, k == K_WRITE);
        if (t < 0) {
            kill_proc(g, sp, op);
            return false;
        }
        if (t > 0) {
            sp->stack_low = x & ~(uint64_t)(g->ps - 1);
            g->t.growths++;
        }
        for (uint64_t y = x; y < pe; y++) {
            uint16_t *c = cellp(g, sp, y);
            if (k == K_WRITE) {
                if (c)
                    *c = (uint16_t)v;
                else
                    gen_bug(g, "P%u writes 0x%" PRIx64 ", which the model does not keep", sp->pid,
                            y);
            } else if (k == K_CHECK && (c ? *c : 0) != v) {
                *ok = false;
            }
        }
        x = pe;
    }
    return true;
}

/* Gives sp a fresh image of program prog (spawn, exec). */
static void load(struct gen *g, struct sproc *sp, int prog)
{
    const struct prog *pg = &g->progs[prog];
    sp->prog = prog;
    sp->heap = pg->flat ? 0 : pg->size[R_HEAP];
    sp->stack_low = pg->start[R_STACK];
    for (uint64_t i = 0; i < g->mem_bytes; i++)
        sp->mem[i] = 0;
}

/* ---- applying a statement to the model ----------------------------------------------- */

static void apply(struct gen *g, struct op *op)
{
    struct sproc *sp = &g->procs[op->proc];
    const struct prog *pg = &g->progs[sp->prog];
    if (op->kind == K_REPEAT) {
        for (uint64_t t = 0; t < op->times; t++)
            for (size_t i = 0; i < op->nbody; i++)
                apply(g, &op->body[i]);
        return;
    }
    if (sp->state != P_LIVE)
        return; /* the engine skips it */
    switch (op->kind) {
    case K_READ:
    case K_WRITE:
    case K_CHECK: {
        bool ok = true;
        unsigned v = op->value < 0 ? 0xAA : (unsigned)op->value;
        if (!sh_access(g, sp, op, op->addr, op->len, op->kind, v, &ok))
            return;
        if (op->kind == K_CHECK) {
            if (ok)
                op->runs++;
            else
                op->bad = true;
        }
        return;
    }
    case K_BRK: {
        uint64_t cur = sp->heap, want = op->brk_n;
        if (op->brk_mode == '+')
            want = cur + op->brk_n;
        else if (op->brk_mode == '-') {
            if (op->brk_n > cur)
                return; /* brk fails: the heap stays */
            want = cur - op->brk_n;
        }
        if (want > (uint64_t)HEAP_MAXP * g->ps) {
            gen_bug(g, "P%u brk to %" PRIu64 " beyond the model's heap", sp->pid, want);
            return;
        }
        sp->heap = want;
        for (uint64_t i = round_up(want, g->ps); i < (uint64_t)HEAP_MAXP * g->ps; i++)
            sp->mem[mem_off(g, R_HEAP) + i] = 0;
        return;
    }
    case K_TRACE:
        if (op->kills) {
            g->t.refs++;
            kill_proc(g, sp, op);
            return;
        }
        g->t.refs += op->refs; /* no byte changes, not even for writes */
        return;
    case K_PATTERN:
        if (op->kills) {
            g->t.refs++;
            kill_proc(g, sp, op);
            return;
        }
        g->t.refs += op->refs;
        if (op->writes && op->refs) {
            /* one byte at an 8-byte-aligned offset of some of the pages */
            for (uint64_t a = pg->start[op->reg]; a < pg->start[op->reg] + op->pages * g->ps;
                 a += 8) {
                uint16_t *c = cellp(g, sp, a);
                if (c)
                    *c = UNKNOWN;
                else
                    gen_bug(g, "P%u pattern on 0x%" PRIx64 ", which the model does not keep",
                            sp->pid, a);
            }
        }
        return;
    default:
        gen_bug(g, "apply: statement kind %d", (int)op->kind);
        return;
    }
}

/* ---- writing statements ------------------------------------------------------------ */

/* An offset term: "heap", "heap+16", "heap+0x10", "heap+4K+16", "heap+8K-16", "stack-4K". */
static void off_text(struct gen *g, const char *reg, int64_t off, char *out, size_t n)
{
    uint64_t m = off < 0 ? (uint64_t)0 - (uint64_t)off : (uint64_t)off;
    char s = off < 0 ? '-' : '+', t = off < 0 ? '+' : '-';
    unsigned c = (unsigned)below(g, 6);
    if (m == 0) {
        snprintf(out, n, chance(g, 50) ? "%s" : "%s+0", reg);
    } else if (c == 1) {
        snprintf(out, n, "%s%c0x%" PRIx64, reg, s, m);
    } else if (c == 2 && m >= 1024) {
        if (m % 1024)
            snprintf(out, n, "%s%c%" PRIu64 "K%c%" PRIu64, reg, s, m / 1024, s, m % 1024);
        else
            snprintf(out, n, "%s%c%" PRIu64 "K", reg, s, m / 1024);
    } else if (c == 3) {
        uint64_t k = m / 1024 + 1;
        snprintf(out, n, "%s%c%" PRIu64 "K%c%" PRIu64, reg, s, k, t, k * 1024 - m);
    } else {
        snprintf(out, n, "%s%c%" PRIu64, reg, s, m);
    }
}

/* How sp's statement names address a: an absolute address, or an offset from
 * one of its regions (usually the one a is in). */
static void addr_text(struct gen *g, const struct sproc *sp, uint64_t a, char *out, size_t n)
{
    const struct prog *pg = &g->progs[sp->prog];
    int bases[NREG], nb = 0, in = -1;
    if (!pg->flat) {
        for (int r = 0; r < NREG; r++) {
            uint64_t size = r == R_HEAP ? sp->heap : pg->size[r];
            if (!size)
                continue;
            uint64_t lo = r == R_STACK ? g->top - (uint64_t)SWIN_P * g->ps : pg->start[r];
            uint64_t hi = r == R_STACK ? g->top : pg->start[r] + round_up(size, g->ps);
            if (a >= lo && a < hi)
                in = r;
            else if (r != R_TEXT && a - pg->start[r] + 0x10000 <= 0x20000)
                bases[nb++] = r; /* another region near a: "data+5000" may be in bss */
        }
    }
    if ((in < 0 && nb == 0) || chance(g, 15)) {
        snprintf(out, n, chance(g, 75) ? "0x%" PRIx64 : "%" PRIu64, a);
        return;
    }
    int r = in >= 0 && (nb == 0 || chance(g, 90)) ? in : bases[below(g, (uint64_t)nb)];
    off_text(g, reg_name[r], (int64_t)(a - pg->start[r]), out, n);
}

/* Fills the text of an access statement. */
static void access_texts(struct gen *g, struct op *op)
{
    const struct sproc *sp = &g->procs[op->proc];
    char sz[32];
    addr_text(g, sp, op->addr, op->addr_s, sizeof op->addr_s);
    op->len_s[0] = op->val_s[0] = '\0';
    if (op->len != 1 || chance(g, 30)) {
        size_text(g, op->len, sz, sizeof sz);
        snprintf(op->len_s, sizeof op->len_s, " len=%s", sz);
    }
    if (op->value >= 0)
        value_text(g, op->value, op->val_s, sizeof op->val_s);
    op->val_first = chance(g, 30);
}

/* Writes op (a statement, or a repeat block with its body). */
static void render(struct gen *g, struct op *op, int indent, bool one_line)
{
    struct sproc *sp = &g->procs[op->proc];
    uint32_t pid = sp->pid;
    struct sbuf *b = &g->out;
    if (op->kind != K_REPEAT && sp->kill_op == op->serial)
        sp->kill_line = g->line;
    switch (op->kind) {
    case K_REPEAT:
        sb_printf(b, "repeat %" PRIu64 " {", op->times);
        one_line = one_line || op->one_line;
        for (size_t i = 0; i < op->nbody; i++) {
            if (one_line) {
                sb_printf(b, i ? " ; " : " ");
            } else {
                newline(g);
                sb_printf(b, "%*s", (indent + 1) * 4, "");
            }
            render(g, &op->body[i], indent + 1, one_line);
        }
        if (one_line) {
            sb_printf(b, " }");
        } else {
            newline(g);
            sb_printf(b, "%*s}", indent * 4, "");
        }
        return;
    case K_READ:
        sb_printf(b, "P%u read %s%s", pid, op->addr_s, op->len_s);
        return;
    case K_CHECK:
        if (op->bad) {
            if (indent == 0) /* made from the model just before: must hold */
                gen_bug(g, "a check that does not hold: P%u %s", pid, op->addr_s);
            g->extra[X_CHECK_BAD]++;
            sb_printf(b, "P%u read %s%s", pid, op->addr_s, op->len_s);
            return;
        }
        g->extra[X_CHECK_RUN] += op->runs;
        sb_printf(b, "P%u check %s", pid, op->addr_s);
        if (!op->val_first)
            sb_printf(b, "%s", op->len_s);
        if (indent == 0 && op->runs == 1 && below(g, ++g->mut_seen) == 0) {
            g->mut_off = b->len;
            g->mut_len = strlen(op->val_s);
            g->mut_value = op->value;
            g->mut_line = g->line;
        }
        sb_printf(b, "%s", op->val_s);
        if (op->val_first)
            sb_printf(b, "%s", op->len_s);
        return;
    case K_WRITE:
        sb_printf(b, "P%u write %s%s%s", pid, op->addr_s, op->val_first ? op->val_s : op->len_s,
                  op->val_first ? op->len_s : op->val_s);
        return;
    default:
        sb_printf(b, "P%u %s", pid, op->rest);
        return;
    }
}

/* A statement generated: applied to the model, then written (at the top
 * level) or kept for the repeat body being generated. */
static void emit(struct gen *g, struct op *op)
{
    op->serial = ++g->serial;
    g->kinds[op->kind]++;
    if (g->procs[op->proc].state != P_LIVE && op->kind != K_REPEAT)
        g->extra[X_DEAD]++;
    else if (op->kind != K_REPEAT && g->progs[g->procs[op->proc].prog].flat)
        g->extra[X_FLAT]++;
    if (g->body) {
        apply(g, op);
        g->body[g->nbody++] = *op;
        return;
    }
    apply(g, op);
    render(g, op, 0, false);
    end_stmt(g);
}

static void emit_access(struct gen *g, int pi, enum kind k, uint64_t a, uint64_t len, int value)
{
    struct op op = {.kind = k, .proc = pi, .addr = a, .len = len, .value = value};
    access_texts(g, &op);
    emit(g, &op);
}

/* ---- choosing ranges ------------------------------------------------------------------ */

static int pick_live(struct gen *g)
{
    int live[MAXPROCS], n = 0;
    for (int i = 0; i < g->nprocs; i++)
        if (g->procs[i].state == P_LIVE)
            live[n++] = i;
    return n ? live[below(g, (uint64_t)n)] : -1;
}

static int count_live(const struct gen *g)
{
    int n = 0;
    for (int i = 0; i < g->nprocs; i++)
        n += g->procs[i].state == P_LIVE;
    return n;
}

/* A random range of sp inside one of its extents: only writable ones with
 * writable, text too with text, and below the stack with grow. Returns
 * false if sp has no such extent. */
static bool pick_range(struct gen *g, const struct sproc *sp, bool writable, bool text, bool grow,
                       uint64_t *a, uint64_t *len, uint64_t *hi)
{
    struct ext e[NREG], *c[NREG];
    int n = extents(g, sp, grow, e), m = 0;
    for (int i = 0; i < n; i++)
        if ((!writable || e[i].writable) && (text || e[i].reg != R_TEXT) &&
            (!grow || e[i].reg == R_STACK))
            c[m++] = &e[i];
    if (m == 0)
        return false;
    const struct ext *x = c[below(g, (uint64_t)m)];
    uint64_t ps = g->ps, size = x->hi - x->lo, pages = size / ps;
    uint64_t lo = x->lo;
    if (grow && sp->stack_low > lo) /* start below the stack */
        size = sp->stack_low - lo, pages = size / ps;
    unsigned k = (unsigned)below(g, 10);
    if (k < 3)
        *a = lo + below(g, pages) * ps;
    else if (k < 5)
        *a = lo + (below(g, pages) + 1) * ps - 1 - below(g, 24);
    else
        *a = lo + below(g, size);
    if (*a < lo)
        *a = lo;
    k = (unsigned)below(g, 10);
    if (k < 3)
        *len = 1 + below(g, 16);
    else if (k < 6)
        *len = 1 + below(g, ps);
    else if (k < 8)
        *len = (1 + below(g, 3)) * ps;
    else
        *len = 1 + below(g, 3 * ps);
    if (*len > x->hi - *a)
        *len = x->hi - *a;
    *hi = x->hi;
    return true;
}

/* A range of sp whose bytes are known and all the same, with that byte. */
static bool pick_check(struct gen *g, const struct sproc *sp, uint64_t *a, uint64_t *len, int *v)
{
    for (int tries = 0; tries < 12; tries++) {
        uint64_t hi, want;
        bool grow = chance(g, 10);
        if (!pick_range(g, sp, false, true, grow, a, &want, &hi))
            if (!pick_range(g, sp, false, true, false, a, &want, &hi))
                return false;
        unsigned b = val(g, sp, *a);
        if (b == UNKNOWN)
            continue;
        uint64_t n = 1;
        while (n < want && *a + n < hi && val(g, sp, *a + n) == b)
            n++;
        *len = n;
        *v = (int)b;
        return true;
    }
    return false;
}

/* Checks [a, a+len) in process pi if it may read it there and the bytes are
 * known and the same; else the longest such run in it. */
static void check_range(struct gen *g, int pi, uint64_t a, uint64_t len)
{
    const struct sproc *sp = &g->procs[pi];
    if (sp->state != P_LIVE || len == 0 || !range_ok(g, sp, a, len, false))
        return;
    uint64_t best = 0, best_a = a, run = 0;
    unsigned prev = UNKNOWN;
    for (uint64_t i = 0; i < len; i++) {
        unsigned b = val(g, sp, a + i);
        run = b != UNKNOWN && b == prev ? run + 1 : (b == UNKNOWN ? 0 : 1);
        prev = b;
        if (run > best) {
            best = run;
            best_a = a + i + 1 - run;
        }
    }
    if (best)
        emit_access(g, pi, K_CHECK, best_a, best, (int)val(g, sp, best_a));
}

/* ---- actions: one or a few statements each ------------------------------------------------ */

static int new_proc(struct gen *g)
{
    if (g->nprocs == MAXPROCS)
        return -1;
    struct sproc *sp = &g->procs[g->nprocs];
    uint32_t pid = g->next_pid + (uint32_t)(chance(g, 20) ? below(g, 50) : 0);
    if (pid > VMM_PID_MAX)
        pid = g->next_pid;
    if (pid > VMM_PID_MAX)
        return -1;
    g->next_pid = pid + 1;
    sp->pid = pid;
    sp->state = P_NONE;
    sp->forked = false;
    sp->prog = 0;
    return g->nprocs++;
}

static void act_spawn(struct gen *g)
{
    int pi = new_proc(g);
    if (pi < 0)
        return;
    struct sproc *sp = &g->procs[pi];
    int prog = (int)below(g, (uint64_t)g->nprogs);
    load(g, sp, prog);
    sp->state = P_LIVE;
    g->kinds[K_SPAWN]++;
    sb_printf(&g->out, "spawn P%u %s", sp->pid, g->progs[prog].name);
    end_stmt(g);
}

/* Writes in one process and checks the range in it and in others (parent,
 * children, siblings: copy-on-write must keep each its own bytes). */
static void cow_probe(struct gen *g, int writer, int other)
{
    uint64_t a, len, hi;
    if (!pick_range(g, &g->procs[writer], true, false, false, &a, &len, &hi))
        return;
    g->extra[X_COW]++;
    if (chance(g, 50))
        check_range(g, other, a, len); /* shared, before anyone writes */
    emit_access(g, writer, K_WRITE, a, len, pick_value(g));
    check_range(g, writer, a, len);
    check_range(g, other, a, len);
}

static void act_fork(struct gen *g)
{
    int parent = pick_live(g), child;
    if (parent < 0 || (child = new_proc(g)) < 0)
        return;
    struct sproc *p = &g->procs[parent], *c = &g->procs[child];
    g->kinds[K_FORK]++;
    sb_printf(&g->out, "fork P%u P%u", p->pid, c->pid);
    c->state = P_LIVE;
    c->forked = true;
    g->extra[X_CHAIN] += p->forked;
    c->prog = p->prog;
    c->heap = p->heap;
    c->stack_low = p->stack_low;
    memcpy(c->mem, p->mem, g->mem_bytes * sizeof *c->mem);
    g->t.forks++;
    end_stmt(g);
    for (int i = (int)below(g, 4); i > 0; i--)
        cow_probe(g, chance(g, 50) ? parent : child, chance(g, 50) ? parent : child);
}

/* A fork, exec or exit of a process that does not run: skipped. */
static void act_dead(struct gen *g)
{
    int dead[MAXPROCS], n = 0;
    for (int i = 0; i < g->nprocs; i++)
        if (g->procs[i].state != P_LIVE)
            dead[n++] = i;
    if (n == 0)
        return;
    int pi = dead[below(g, (uint64_t)n)];
    struct sproc *sp = &g->procs[pi];
    struct op op = {.proc = pi, .value = -1};
    switch (below(g, 8)) {
    case 0: {
        int child = new_proc(g);
        if (child < 0)
            return;
        g->kinds[K_FORK]++;
        g->extra[X_DEAD]++;
        sb_printf(&g->out, "fork P%u P%u", sp->pid, g->procs[child].pid);
        end_stmt(g); /* the child is never created */
        return;
    }
    case 1:
        g->kinds[K_EXEC]++;
        g->extra[X_DEAD]++;
        sb_printf(&g->out, "exec P%u %s", sp->pid, g->progs[below(g, (uint64_t)g->nprogs)].name);
        end_stmt(g);
        return;
    case 2:
        g->kinds[K_EXIT]++;
        g->extra[X_DEAD]++;
        sb_printf(&g->out, "exit P%u", sp->pid);
        end_stmt(g);
        return;
    case 3:
        op.kind = K_BRK;
        snprintf(op.rest, sizeof op.rest, "brk +4K");
        break;
    case 4:
        op.kind = K_PATTERN;
        snprintf(op.rest, sizeof op.rest, "pattern loop pages=1 refs=3 write=1 region=data");
        break;
    case 5:
        op.kind = K_TRACE;
        snprintf(op.rest, sizeof op.rest, "trace refs=0,1 region=text");
        break;
    default:
        op.kind = below(g, 3) == 0 ? K_READ : below(g, 2) ? K_WRITE : K_CHECK;
        op.len = 1 + below(g, 64);
        snprintf(op.addr_s, sizeof op.addr_s, "%s+%u", reg_name[below(g, NREG)],
                 (unsigned)below(g, 100));
        snprintf(op.len_s, sizeof op.len_s, " len=%" PRIu64, op.len);
        if (op.kind == K_CHECK || chance(g, 50))
            snprintf(op.val_s, sizeof op.val_s, " value=%u", (unsigned)below(g, 256));
        break;
    }
    emit(g, &op);
}

static void act_exec(struct gen *g)
{
    int pi = pick_live(g);
    if (pi < 0)
        return;
    struct sproc *sp = &g->procs[pi];
    int prog = (int)below(g, (uint64_t)g->nprogs);
    g->kinds[K_EXEC]++;
    sb_printf(&g->out, "exec P%u %s", sp->pid, g->progs[prog].name);
    load(g, sp, prog);
    g->t.execs++;
    end_stmt(g);
    /* the old bytes are gone: what was written reads as zero again */
    uint64_t a, len;
    int v;
    if (pick_check(g, sp, &a, &len, &v))
        emit_access(g, pi, K_CHECK, a, len, v);
}

static void act_exit(struct gen *g)
{
    int pi = pick_live(g);
    if (pi < 0 || count_live(g) < 3)
        return;
    g->kinds[K_EXIT]++;
    sb_printf(&g->out, "exit P%u", g->procs[pi].pid);
    g->procs[pi].state = P_EXITED;
    end_stmt(g);
}

static void act_write(struct gen *g)
{
    int pi = pick_live(g);
    uint64_t a, len, hi;
    if (pi < 0 || !pick_range(g, &g->procs[pi], true, false, false, &a, &len, &hi))
        return;
    emit_access(g, pi, K_WRITE, a, len, chance(g, 12) ? -1 : pick_value(g));
    if (!g->body && chance(g, 50))
        check_range(g, pi, a, len);
    if (!g->body && chance(g, 25)) {
        int other = pick_live(g);
        if (other >= 0 && other != pi)
            check_range(g, other, a, len);
    }
}

static void act_check(struct gen *g)
{
    int pi = pick_live(g), v;
    uint64_t a, len;
    if (pi >= 0 && pick_check(g, &g->procs[pi], &a, &len, &v))
        emit_access(g, pi, K_CHECK, a, len, v);
}

static void act_read(struct gen *g)
{
    int pi = pick_live(g);
    uint64_t a, len, hi;
    if (pi >= 0 && pick_range(g, &g->procs[pi], false, true, chance(g, 15), &a, &len, &hi))
        emit_access(g, pi, K_READ, a, len, -1);
}

/* A reference below the stack: the stack grows to it. */
static void act_grow(struct gen *g)
{
    int pi = pick_live(g), v;
    uint64_t a, len, hi;
    if (pi < 0 || !pick_range(g, &g->procs[pi], true, false, true, &a, &len, &hi))
        return;
    const struct sproc *sp = &g->procs[pi];
    if (a >= sp->stack_low)
        return; /* fully grown already */
    g->extra[X_GROW]++;
    unsigned k = (unsigned)below(g, 3);
    if (k == 0) {
        emit_access(g, pi, K_WRITE, a, len, pick_value(g));
        check_range(g, pi, a, len);
    } else if (k == 1) {
        emit_access(g, pi, K_READ, a, len, -1);
    } else {
        v = (int)val(g, sp, a);
        uint64_t n = 1;
        while (n < len && val(g, sp, a + n) == (unsigned)v)
            n++;
        if (v != UNKNOWN)
            emit_access(g, pi, K_CHECK, a, n, v);
    }
}

static void act_brk(struct gen *g)
{
    int pi = pick_live(g);
    if (pi < 0 || g->progs[g->procs[pi].prog].flat)
        return;
    struct sproc *sp = &g->procs[pi];
    uint64_t cur = sp->heap, cap = (uint64_t)HEAP_MAXP * g->ps, n;
    struct op op = {.kind = K_BRK, .proc = pi};
    unsigned k = (unsigned)below(g, 10);
    bool pages = chance(g, 60);
    if (g->body && k >= 4)
        k = 0; /* in a body only growth: every pass must be legal */
    if (k < 4) {
        if (cur >= cap)
            return;
        n = 1 + below(g, cap - cur);
        if (pages)
            n = (n / g->ps) * g->ps;
        if (g->body && (g->body_brk || cur + n * g->passes > cap))
            return; /* every pass grows it: one such brk per block */
        g->body_brk = g->body != NULL;
        op.brk_mode = '+';
    } else if (k < 6) {
        if (cur == 0)
            return;
        n = 1 + below(g, cur);
        if (pages && n >= g->ps)
            n = (n / g->ps) * g->ps;
        op.brk_mode = '-';
    } else if (k < 7) {
        n = cur + 1 + below(g, 8192);
        op.brk_mode = '-';
        g->extra[X_BRK_FAIL]++;
    } else {
        n = below(g, cap + 1);
        if (pages)
            n = (n / g->ps) * g->ps;
        op.brk_mode = '=';
    }
    char sz[32];
    size_text(g, n, sz, sizeof sz);
    snprintf(op.rest, sizeof op.rest, "brk %s%s",
             op.brk_mode == '+'   ? "+"
             : op.brk_mode == '-' ? "-"
                                  : "",
             sz);
    op.brk_n = n;
    emit(g, &op);
    if (!g->body && sp->heap && chance(g, 60)) { /* new heap pages read as zero */
        uint64_t a = g->progs[sp->prog].start[R_HEAP] + below(g, round_up(sp->heap, g->ps));
        check_range(g, pi, a, 1 + below(g, 2 * g->ps));
    }
}

/* A region of sp for a pattern or a folded trace, with its pages. */
static int pick_region(struct gen *g, const struct sproc *sp, bool writable, uint64_t *pages)
{
    const struct prog *pg = &g->progs[sp->prog];
    int c[NREG], n = 0;
    if (pg->flat)
        return -1;
    for (int r = 0; r < NREG; r++) {
        uint64_t size = r == R_HEAP ? sp->heap : pg->size[r];
        if (size && (!writable || r != R_TEXT))
            c[n++] = r;
    }
    if (n == 0)
        return -1;
    int r = c[below(g, (uint64_t)n)];
    *pages = round_up(r == R_HEAP ? sp->heap : pg->size[r], g->ps) / g->ps;
    return r;
}

static void act_pattern(struct gen *g)
{
    static const char *const kinds[] = {"seq", "loop", "uniform", "zipf", "phases"};
    int pi = pick_live(g);
    uint64_t have;
    if (pi < 0)
        return;
    struct sproc *sp = &g->procs[pi];
    int reg = pick_region(g, sp, false, &have);
    if (reg < 0)
        return;
    struct op op = {.kind = K_PATTERN, .proc = pi, .reg = reg};
    unsigned kind = (unsigned)below(g, 5);
    op.pages = 1 + below(g, have);
    op.refs = chance(g, 5) ? 0 : 1 + below(g, chance(g, 20) ? 100 : 30);
    op.writes = reg != R_TEXT && chance(g, 55);
    size_t l =
        (size_t)snprintf(op.rest, sizeof op.rest, "pattern %s pages=%" PRIu64 " refs=%" PRIu64,
                         kinds[kind], op.pages, op.refs);
#define ADD(...) l += (size_t)snprintf(op.rest + l, sizeof op.rest - l, __VA_ARGS__)
    if (kind == 3 && chance(g, 60))
        ADD(" alpha=%u.%u", (unsigned)below(g, 3), (unsigned)below(g, 10));
    if (op.writes)
        ADD(" write=%s", chance(g, 20) ? "1" : chance(g, 50) ? "0.5" : "0.25");
    else if (chance(g, 30))
        ADD(" write=0");
    if (chance(g, 30))
        ADD(" seed=%u", (unsigned)below(g, 1000));
    if (reg != R_HEAP || chance(g, 50))
        ADD(" region=%s", reg_name[reg]);
    if (chance(g, 60))
        ADD(" value=%u", (unsigned)pick_value(g));
    if (kind == 4) {
        if (chance(g, 60))
            ADD(" phases=%u", 1 + (unsigned)below(g, 5));
        ADD(" phase-pages=%" PRIu64, 1 + below(g, op.pages));
    }
#undef ADD
    g->extra[X_PAT_WRITE] += op.writes;
    emit(g, &op);
}

static void act_trace(struct gen *g)
{
    int pi = pick_live(g);
    uint64_t have;
    if (pi < 0)
        return;
    struct sproc *sp = &g->procs[pi];
    struct op op = {.kind = K_TRACE, .proc = pi, .reg = -1};
    if (g->progs[sp->prog].flat) {
        /* absolute pages: anywhere in the flat space */
        size_t l = (size_t)snprintf(op.rest, sizeof op.rest, "trace refs=");
        op.refs = 1 + below(g, 12);
        for (uint64_t i = 0; i < op.refs; i++)
            l += (size_t)snprintf(op.rest + l, sizeof op.rest - l, "%s%u", i ? "," : "",
                                  (unsigned)below(g, 20));
        g->extra[X_TRACE_REFS]++;
        emit(g, &op);
        return;
    }
    int reg = pick_region(g, sp, false, &have);
    if (reg < 0)
        return;
    op.reg = reg;
    unsigned k = (unsigned)below(g, 10);
    if (k < 6 || g->body) {
        size_t l = (size_t)snprintf(op.rest, sizeof op.rest, "trace refs=");
        op.refs = 1 + below(g, 16);
        for (uint64_t i = 0; i < op.refs; i++)
            l += (size_t)snprintf(op.rest + l, sizeof op.rest - l, "%s%u", i ? "," : "",
                                  (unsigned)below(g, 3 * have + 2));
        snprintf(op.rest + l, sizeof op.rest - l, " region=%s", reg_name[reg]);
        g->extra[X_TRACE_REFS]++;
    } else if (reg != R_TEXT && k < 8) {
        snprintf(op.rest, sizeof op.rest, "trace %s%s region=%s", g->trace_rw,
                 chance(g, 50) ? " format=addr" : "", reg_name[reg]);
        op.refs = TRACE_RECS;
        g->extra[X_TRACE_FILE]++;
    } else {
        snprintf(op.rest, sizeof op.rest, "trace %s%s region=%s", g->trace_pages,
                 chance(g, 50) ? " format=pages" : "", reg_name[reg]);
        op.refs = TRACE_RECS;
        g->extra[X_TRACE_FILE]++;
    }
    emit(g, &op);
}

/* A statement that kills a live process: a write to text, a reference in
 * no region (low, in the gap, above the stack top, below the stack's
 * floor), a pattern writing text, a trace of page 0. */
static void act_kill(struct gen *g)
{
    int pi = pick_live(g);
    if (pi < 0 || count_live(g) < 3)
        return;
    struct sproc *sp = &g->procs[pi];
    const struct prog *pg = &g->progs[sp->prog];
    if (pg->flat)
        return;
    struct op op = {.proc = pi, .value = -1, .kills = true};
    uint64_t a = 0;
    switch (below(g, 7)) {
    case 0:
        if (!pg->size[R_TEXT])
            return;
        op.kind = K_WRITE;
        a = pg->start[R_TEXT] + below(g, pg->size[R_TEXT]);
        op.value = pick_value(g);
        break;
    case 1:
        op.kind = below(g, 3) == 0 ? K_CHECK : K_READ;
        a = below(g, TEXT_BASE);
        op.value = op.kind == K_CHECK ? 0 : -1;
        break;
    case 2:
        op.kind = chance(g, 50) ? K_WRITE : K_READ;
        a = 0x10000000 + below(g, 0x1000000);
        op.value = op.kind == K_WRITE ? 1 : -1;
        break;
    case 3:
        op.kind = K_READ;
        a = g->top + below(g, 4096);
        break;
    case 4:
        if (!pg->size[R_STACK])
            return;
        op.kind = K_WRITE;
        a = pg->floor - 1 - below(g, 3 * g->ps);
        op.value = 7;
        break;
    case 5:
        if (!pg->size[R_TEXT])
            return;
        op.kind = K_PATTERN;
        snprintf(op.rest, sizeof op.rest,
                 "pattern uniform pages=1 refs=%u write=1 region=text value=0x90",
                 1 + (unsigned)below(g, 20));
        break;
    default:
        op.kind = K_TRACE;
        snprintf(op.rest, sizeof op.rest, "trace refs=0,%u", (unsigned)below(g, 4));
        break;
    }
    if (op.kind == K_READ || op.kind == K_WRITE || op.kind == K_CHECK) {
        if (probe(g, sp, a, op.kind == K_WRITE) >= 0)
            return; /* not a kill after all */
        op.addr = a;
        op.len = 1 + below(g, 40);
        access_texts(g, &op);
    }
    g->extra[X_KILL]++;
    g->extra[X_KILL_BODY] += g->body != NULL;
    emit(g, &op);
}

/* ---- repeat ------------------------------------------------------------------------------ */

struct snapshot {
    struct sproc procs[MAXPROCS]; /* copies, with their own mem */
    struct tally t;               /* counts */
};

static void snap_take(struct gen *g, struct snapshot *s)
{
    s->t = g->t;
    for (int i = 0; i < g->nprocs; i++) {
        s->procs[i] = g->procs[i];
        s->procs[i].mem = malloc(g->mem_bytes * sizeof(uint16_t));
        if (!s->procs[i].mem)
            abort();
        memcpy(s->procs[i].mem, g->procs[i].mem, g->mem_bytes * sizeof(uint16_t));
    }
}

static void snap_restore(struct gen *g, struct snapshot *s)
{
    g->t = s->t;
    for (int i = 0; i < g->nprocs; i++) {
        uint16_t *mem = g->procs[i].mem;
        memcpy(mem, s->procs[i].mem, g->mem_bytes * sizeof(uint16_t));
        free(s->procs[i].mem);
        g->procs[i] = s->procs[i];
        g->procs[i].mem = mem;
    }
}

/* Forgets the passes of checks in a block that never runs. */
static void no_runs(struct op *op, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        op[i].runs = 0;
        if (op[i].kind == K_REPEAT)
            no_runs(op[i].body, op[i].nbody);
    }
}

static void free_ops(struct op *op, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (op[i].kind == K_REPEAT)
            free_ops(op[i].body, op[i].nbody);
    free(op);
}

static void act_repeat(struct gen *g)
{
    static const uint64_t counts[] = {0, 1, 2, 2, 2, 3, 3, 5};
    if (g->depth >= 2 || pick_live(g) < 0)
        return;
    struct op op = {.kind = K_REPEAT, .proc = pick_live(g)};
    op.times = counts[below(g, sizeof counts / sizeof counts[0])];
    op.one_line = chance(g, 30);
    struct snapshot snap;
    if (op.times == 0)
        snap_take(g, &snap);
    if (g->depth == 0)
        g->body_brk = false;
    struct op *outer = g->body;
    size_t outer_n = g->nbody;
    g->body = calloc(MAXBODY + 4, sizeof *g->body); /* an action may add two */
    if (!g->body)
        abort();
    g->nbody = 0;
    g->depth++;
    uint64_t outer_passes = g->passes;
    g->passes *= op.times ? op.times : 1;
    size_t want = chance(g, 5) ? 0 : 1 + below(g, MAXBODY - 1);
    for (int tries = 0; g->nbody < want && tries < 30; tries++) {
        switch (below(g, 13)) {
        case 0:
        case 1:
        case 2:
            act_write(g);
            break;
        case 3:
        case 4:
        case 5:
            act_check(g);
            break;
        case 6:
            act_read(g);
            break;
        case 7:
            act_grow(g);
            break;
        case 8:
            act_pattern(g);
            break;
        case 9:
            act_trace(g);
            break;
        case 10:
            if (g->nbody + 1 < MAXBODY)
                act_brk(g);
            break;
        case 11:
            if (chance(g, 20))
                act_kill(g); /* in the first pass; the others skip the process */
            break;
        default:
            if (g->nbody + 1 < MAXBODY && g->depth < 2) {
                g->extra[X_NESTED]++;
                act_repeat(g);
            }
            break;
        }
    }
    g->depth--;
    g->passes = outer_passes;
    op.body = g->body;
    op.nbody = g->nbody;
    g->body = outer;
    g->nbody = outer_n;
    /* the first pass ran while the body was made; now the others */
    for (uint64_t t = 1; t < op.times; t++)
        for (size_t i = 0; i < op.nbody; i++)
            apply(g, &op.body[i]);
    if (op.times == 0) {
        snap_restore(g, &snap);
        no_runs(op.body, op.nbody);
        g->extra[X_REPEAT_ZERO]++;
    }
    g->kinds[K_REPEAT]++;
    if (g->body) {
        g->body[g->nbody++] = op; /* the enclosing body frees it */
        return;
    }
    render(g, &op, 0, false);
    end_stmt(g);
    free_ops(op.body, op.nbody);
}

/* ---- the final sweep ------------------------------------------------------------------------ */

/* Checks the longest runs of one value in every region of process pi. */
static void audit(struct gen *g, int pi, unsigned per_region)
{
    struct sproc *sp = &g->procs[pi];
    struct ext e[NREG];
    if (sp->state != P_LIVE)
        return;
    int n = extents(g, sp, false, e);
    for (int i = 0; i < n; i++) {
        uint64_t best_a[8] = {0}, best_n[8] = {0};
        unsigned nb = per_region < 8 ? per_region : 8;
        for (uint64_t a = e[i].lo; a < e[i].hi;) {
            unsigned b = val(g, sp, a);
            uint64_t l = 1;
            while (a + l < e[i].hi && val(g, sp, a + l) == b)
                l++;
            if (b != UNKNOWN) {
                unsigned m = 0; /* replace the shortest kept run */
                for (unsigned j = 1; j < nb; j++)
                    if (best_n[j] < best_n[m])
                        m = j;
                if (l > best_n[m]) {
                    best_n[m] = l;
                    best_a[m] = a;
                }
            }
            a += l;
        }
        for (unsigned j = 0; j < nb; j++)
            if (best_n[j]) {
                g->extra[X_AUDIT]++;
                emit_access(g, pi, K_CHECK, best_a[j], best_n[j], (int)val(g, sp, best_a[j]));
            }
    }
}

/* ---- the script ------------------------------------------------------------------------------ */

static void gen_programs(struct gen *g)
{
    static const char *const names[] = {"ed", "sh", "cc1", "vi", "a.out", "big-prog", "_t9", "db"};
    int first = (int)below(g, 8);
    g->nprogs = 2 + (int)below(g, 3);
    for (int i = 0; i < g->nprogs; i++) {
        struct prog *pg = &g->progs[i];
        memset(pg, 0, sizeof *pg);
        snprintf(pg->name, sizeof pg->name, "%s", names[(first + i) % 8]);
        if (i == g->nprogs - 1 && chance(g, 35)) {
            pg->flat = true;
            continue;
        }
        static const unsigned maxp[NREG] = {4, DATA_MAXP, BSS_MAXP, HEAP_MAXP / 2, STACK_MAXP};
        for (int r = 0; r < NREG; r++) {
            uint64_t pages = below(g, maxp[r] + 1);
            if (r == R_DATA && pages == 0 && chance(g, 70))
                pages = 1; /* most programs have somewhere to write */
            if (r == R_STACK && pages == 0 && chance(g, 80))
                pages = 1;
            pg->size[r] = pages * g->ps;
            if (pages && chance(g, 30))
                pg->size[r] -= below(g, g->ps); /* sizes round up to pages */
        }
        if (pg->size[R_STACK] && chance(g, 30))
            pg->limit = round_up(pg->size[R_STACK], g->ps) + (1 + below(g, 4)) * g->ps;
    }
    for (int i = 0; i < g->nprogs; i++) { /* the layout, as docs/workload.md draws it */
        struct prog *pg = &g->progs[i];
        uint64_t at = TEXT_BASE;
        for (int r = R_TEXT; r < R_STACK; r++) {
            pg->start[r] = at;
            if (pg->size[r])
                at = round_up(at + pg->size[r], g->ps);
        }
        pg->start[R_STACK] = g->top - round_up(pg->size[R_STACK], g->ps);
        uint64_t lim = pg->limit ? pg->limit : STACK_LIM;
        if (lim < pg->size[R_STACK])
            lim = pg->size[R_STACK];
        lim = round_up(lim, g->ps);
        pg->floor = lim > g->top ? g->ps : g->top - lim;
    }
}

static void write_program(struct gen *g, const struct prog *pg)
{
    char sz[32];
    g->kinds[K_PROGRAM]++;
    sb_printf(&g->out, "program %s", pg->name);
    if (pg->flat) {
        sb_printf(&g->out, " flat");
    } else {
        int order[NREG] = {0, 1, 2, 3, 4};
        for (int i = NREG - 1; i > 0 && chance(g, 30); i--) { /* keys in any order */
            int j = (int)below(g, (uint64_t)i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < NREG; i++) {
            int r = order[i];
            if (pg->size[r] || chance(g, 15)) {
                size_text(g, pg->size[r], sz, sizeof sz);
                sb_printf(&g->out, " %s=%s", reg_name[r], sz);
            }
        }
        if (pg->limit) {
            size_text(g, pg->limit, sz, sizeof sz);
            sb_printf(&g->out, " stack-limit=%s", sz);
        }
    }
    newline(g);
}

/* Generates seed's script into g->out. */
static void gen_script(struct gen *g, uint64_t seed, const char *const *policies, size_t npol)
{
    static const uint32_t page_sizes[] = {512, 1024, 4096};
    static const unsigned tlbs[] = {0, 8, 16};
    g->rng = seed * 0x2545F4914F6CDD1Dull + 1;
    g->ps = page_sizes[below(g, 3)];
    g->va_bits = chance(g, 50) ? 32 : 48;
    g->space = 1ull << g->va_bits;
    g->top = g->va_bits == 32 ? TOP_32 : TOP_64;
    g->mem_bytes = (uint64_t)MEM_P * g->ps;
    g->line = 1;
    g->passes = 1;
    g->crlf = chance(g, 10);
    g->next_pid = 1 + (uint32_t)(chance(g, 20) ? below(g, 1000) : 0);
    static const uint64_t flat_bases[] = {0, 0x10000000, TEXT_BASE};
    unsigned fb = (unsigned)below(g, 4);
    g->flat_base = fb < 3 ? flat_bases[fb] : g->space - (uint64_t)FLAT_P * g->ps;
    gen_programs(g);

    unsigned frames = 1 + (unsigned)below(g, 16);
    char lines[6][64], sz[32];
    size_text(g, g->ps, sz, sizeof sz);
    snprintf(lines[0], sizeof lines[0], "frames %u", frames);
    snprintf(lines[1], sizeof lines[1], "page-size %s", sz);
    snprintf(lines[2], sizeof lines[2], "policy %s", policies[below(g, npol)]);
    snprintf(lines[3], sizeof lines[3], "tlb %u", tlbs[below(g, 3)]);
    snprintf(lines[4], sizeof lines[4], "va-bits %u", g->va_bits);
    snprintf(lines[5], sizeof lines[5], "seed %u", (unsigned)below(g, 100000));
    sb_printf(&g->out, "# random workload, seed %" PRIu64, seed);
    newline(g);
    int before = (int)below(g, (uint64_t)g->nprogs + 1); /* programs before the settings */
    for (int i = 0; i < before; i++)
        write_program(g, &g->progs[i]);
    int nset = chance(g, 20) ? 5 : 6;    /* sometimes the default seed */
    for (int i = nset - 1; i > 0; i--) { /* settings in any order */
        int j = (int)below(g, (uint64_t)i + 1);
        char t[64];
        memcpy(t, lines[i], sizeof t);
        memcpy(lines[i], lines[j], sizeof t);
        memcpy(lines[j], t, sizeof t);
    }
    for (int i = 0; i < nset; i++) {
        g->kinds[K_SETTING]++;
        sb_printf(&g->out, "%s", lines[i]);
        newline(g);
    }
    for (int i = before; i < g->nprogs; i++)
        write_program(g, &g->progs[i]);

    for (int i = 2 + (int)below(g, 2); i > 0; i--)
        act_spawn(g);
    int steps = 110 + (int)below(g, 80);
    for (int s = 0; s < steps; s++) {
        if (count_live(g) == 0) {
            act_spawn(g);
            continue;
        }
        unsigned c = (unsigned)below(g, 200);
        if (c < 44)
            act_write(g);
        else if (c < 88)
            act_check(g);
        else if (c < 100)
            act_read(g);
        else if (c < 110)
            act_fork(g);
        else if (c < 118) {
            int a = pick_live(g), b = pick_live(g);
            if (a >= 0 && b >= 0)
                cow_probe(g, a, b);
        } else if (c < 124)
            act_exec(g);
        else if (c < 128)
            act_exit(g);
        else if (c < 133)
            act_spawn(g);
        else if (c < 143)
            act_brk(g);
        else if (c < 153)
            act_pattern(g);
        else if (c < 163)
            act_trace(g);
        else if (c < 173)
            act_repeat(g);
        else if (c < 183)
            act_grow(g);
        else if (c < 187)
            act_kill(g);
        else if (c < 190)
            act_dead(g);
        else if (c < 194) {
            int pi = pick_live(g);
            if (pi >= 0)
                audit(g, pi, 1);
        } else {
            sb_printf(&g->out, "# step %d", s); /* a comment line */
            newline(g);
        }
    }
    for (int i = 0; i < g->nprocs; i++)
        audit(g, i, 3);
    /* The largest name, last: the checker's walk is as long as the largest
     * pid, so a few references only. */
    if (g->nprocs < MAXPROCS && chance(g, 15)) {
        g->next_pid = VMM_PID_MAX;
        int pi = new_proc(g), v; /* cannot fail: a name is left */
        struct sproc *sp = &g->procs[pi];
        uint64_t a, len, hi;
        load(g, sp, (int)below(g, (uint64_t)g->nprogs));
        sp->state = P_LIVE;
        g->kinds[K_SPAWN]++;
        sb_printf(&g->out, "spawn P%u %s", sp->pid, g->progs[sp->prog].name);
        end_stmt(g);
        if (pick_range(g, sp, true, false, false, &a, &len, &hi)) {
            emit_access(g, pi, K_WRITE, a, len > 64 ? 64 : len, pick_value(g));
            check_range(g, pi, a, len > 64 ? 64 : len);
        }
        if (pick_check(g, sp, &a, &len, &v))
            emit_access(g, pi, K_CHECK, a, len > 64 ? 64 : len, v);
        g->kinds[K_EXIT]++;
        sb_printf(&g->out, "exit P%u", sp->pid);
        sp->state = P_EXITED;
        end_stmt(g);
    }
    newline(g);
}

static void gen_free(struct gen *g)
{
    for (int i = 0; i < MAXPROCS; i++)
        free(g->procs[i].mem);
    free(g->out.s);
}

static bool gen_init(struct gen *g, const char *dir)
{
    memset(g, 0, sizeof *g);
    for (int i = 0; i < MAXPROCS; i++) {
        g->procs[i].mem = calloc((size_t)MEM_P * 4096, sizeof(uint16_t));
        if (!g->procs[i].mem)
            return false;
    }
    snprintf(g->trace_rw, sizeof g->trace_rw, "%s/rw.trace", dir);
    snprintf(g->trace_pages, sizeof g->trace_pages, "%s/r.pages", dir);
    return true;
}

/* The two trace files the scripts name: addresses with reads and writes
 * (writes through a trace store nothing), and page numbers. */
static bool write_traces(const char *dir)
{
    char path[700];
    snprintf(path, sizeof path, "%s/rw.trace", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "# address op\n");
    for (unsigned i = 0; i < TRACE_RECS; i++)
        fprintf(f, "%x %c\n", (i * 5 % 7) * 4096 + i * 40 + 3, i % 3 ? 'W' : 'R');
    fclose(f);
    snprintf(path, sizeof path, "%s/r.pages", dir);
    if (!(f = fopen(path, "w")))
        return false;
    for (unsigned i = 0; i < TRACE_RECS; i++)
        fprintf(f, "%u%s", i * 3 % 5, i % 4 == 3 ? "\n" : ", ");
    fprintf(f, "\n");
    fclose(f);
    return true;
}

/* ---- running and comparing ---------------------------------------------------------------- */

struct result {
    int rc;                 /* vmm_workload_run's result */
    uint64_t fails;         /* failed checks */
    char *log;              /* what was narrated */
    size_t loglen;          /* its length */
    char err[600];          /* parse or create error, or vmm_system_error() */
    struct vmm_system *sys; /* kept for the comparisons */
    struct vmm_workload *w; /* parsed script */
};

/* How a script runs: in script order, or under the round-robin scheduler
 * with a quantum in references (refs > 0) or in ns. */
struct mode {
    bool rr;       /* cfg.sched VMM_SCHED_RR */
    uint64_t refs; /* quantum_refs */
    uint64_t ns;   /* quantum_ns when refs is 0 */
};

/* The mode of seed under rr: quanta of 1 .. 6 references, or 2 .. 20 us (a
 * few to a hundred references). */
static struct mode rr_mode(uint64_t seed)
{
    struct mode m = {true, seed % 7, 0};
    if (m.refs == 0)
        m.ns = 2000 * (1 + seed % 10);
    return m;
}

static const struct mode in_order = {false, 0, 0};

/* Parses and runs text with data on and the checker after every reference,
 * in mode m. Returns false (with r->err) if it could not run at all. */
static bool run_script(const char *text, struct result *r, struct mode m)
{
    struct vmm_config cfg;
    memset(r, 0, sizeof *r);
    int e = vmm_workload_parse("t.vmw", text, &r->w, r->err, sizeof r->err);
    if (e < 0)
        return false;
    /* The traces the scripts name (absolute paths) lie in the test's directory. */
    if (vmm_workload_set_files(r->w, test_tmpdir()) < 0) {
        snprintf(r->err, sizeof r->err, "vmm_workload_set_files failed");
        return false;
    }
    vmm_config_default(&cfg);
    vmm_workload_settings(r->w, &cfg);
    cfg.data = true;
    cfg.check = true;
    if (m.rr) {
        cfg.sched = VMM_SCHED_RR;
        cfg.quantum_refs = m.refs;
        if (m.ns)
            cfg.quantum_ns = m.ns;
    }
    if ((e = vmm_system_create(&cfg, &r->sys, r->err, sizeof r->err)) < 0)
        return false;
    FILE *log = open_memstream(&r->log, &r->loglen);
    if (!log) {
        snprintf(r->err, sizeof r->err, "open_memstream failed");
        return false;
    }
    r->fails = 77;
    r->rc = vmm_workload_run(r->sys, r->w, log, &r->fails);
    fclose(log);
    snprintf(r->err, sizeof r->err, "%s", vmm_system_error(r->sys));
    return true;
}

static void result_free(struct result *r)
{
    free(r->log);
    vmm_system_destroy(r->sys);
    vmm_workload_free(r->w);
    memset(r, 0, sizeof *r);
}

static unsigned count_str(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Compares the engine's end state with the model's; writes the first
 * difference to why and returns false. Under rr every process has ended
 * when the run does (a process that runs out of statements exits), so one
 * the model has running must have exited, and its regions are gone. */
static bool compare(const struct gen *g, const struct result *r, bool rr, char *why, size_t len)
{
    struct vmm_stats st;
    vmm_stats_get(r->sys, &st);
    const struct tally *t = &g->t;
    if (st.references != t->refs || st.stack_growths != t->growths || st.segfaults != t->kills ||
        st.forks != t->forks || st.execs != t->execs) {
        snprintf(why, len,
                 "counts (engine/model): references %" PRIu64 "/%" PRIu64 ", stack growths %" PRIu64
                 "/%" PRIu64 ", kills %" PRIu64 "/%" PRIu64 ", forks %" PRIu64 "/%" PRIu64
                 ", execs %" PRIu64 "/%" PRIu64,
                 st.references, t->refs, st.stack_growths, t->growths, st.segfaults, t->kills,
                 st.forks, t->forks, st.execs, t->execs);
        return false;
    }
    struct vmm_proc_stats ps[MAXPROCS + 1];
    size_t n = vmm_proc_stats_get(r->sys, ps, MAXPROCS + 1);
    unsigned created = 0;
    for (int i = 0; i < g->nprocs; i++) {
        const struct sproc *sp = &g->procs[i];
        const struct vmm_proc_stats *p = NULL;
        for (size_t j = 0; j < n && j <= MAXPROCS; j++)
            if (ps[j].pid == sp->pid)
                p = &ps[j];
        created += sp->state != P_NONE;
        bool ok = sp->state == P_NONE     ? p == NULL
                  : sp->state == P_LIVE   ? p && (rr ? !p->live && !p->killed : p->live)
                  : sp->state == P_EXITED ? p && !p->live && !p->killed
                                          : p && !p->live && p->killed;
        if (!ok) {
            snprintf(why, len, "P%u: the model says %s, the engine %s", sp->pid,
                     sp->state == P_NONE     ? "never created"
                     : sp->state == P_LIVE   ? "running"
                     : sp->state == P_EXITED ? "exited"
                                             : "killed",
                     !p          ? "has no such process"
                     : p->live   ? "runs it"
                     : p->killed ? "killed it"
                                 : "ended it");
            return false;
        }
        char want[64];
        snprintf(want, sizeof want, "t.vmw:%u: P%u killed: ", sp->kill_line, sp->pid);
        if (sp->state == P_KILLED && !strstr(r->log, want)) {
            snprintf(why, len, "the log does not say \"%s\"", want);
            return false;
        }
        if (sp->state != P_LIVE || rr)
            continue;
        struct ext e[NREG];
        struct vmm_region_info ri[8];
        int ne = extents(g, sp, false, e);
        size_t nr = vmm_regions_get(r->sys, sp->pid, ri, 8);
        if (nr != (size_t)ne) {
            snprintf(why, len, "P%u has %zu regions, the model %d", sp->pid, nr, ne);
            return false;
        }
        for (int j = 0; j < ne; j++) {
            uint64_t lo = e[j].lo, hi = e[j].hi;
            if (e[j].reg == R_FLAT)
                lo = 0, hi = g->space;
            if (ri[j].start != lo || ri[j].end != hi) {
                snprintf(why, len,
                         "P%u region %s is [0x%" PRIx64 ", 0x%" PRIx64 "), the model's [0x%" PRIx64
                         ", 0x%" PRIx64 ")",
                         sp->pid, ri[j].name, ri[j].start, ri[j].end, lo, hi);
                return false;
            }
        }
    }
    if (n != created) {
        snprintf(why, len, "the engine has %zu processes, the model %u", n, created);
        return false;
    }
    unsigned kills = count_str(r->log, " killed: "); /* not the notes' "(killed: " */
    if (kills != t->kills) {
        snprintf(why, len, "the log has %u kills, the model %" PRIu64, kills, t->kills);
        return false;
    }
    return true;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The registered policies (every one: opt evicts as LRU does in workloads). */
static size_t policies(const char **out, size_t max)
{
    const struct vmm_policy_info *pi;
    size_t n = 0;
    for (size_t i = 0; n < max && (pi = vmm_policy_at(i)) != NULL; i++)
        out[n++] = pi->name;
    return n;
}

/* The script of seed with the value of one check that runs once changed:
 * exactly that check must fail. Returns false if the seed has none. */
static bool mutate(const struct gen *g, char **out)
{
    if (!g->mut_len)
        return false;
    const char *s = g->out.s;
    size_t n = g->out.len;
    *out = malloc(n + 32);
    if (!*out)
        abort();
    memcpy(*out, s, g->mut_off);
    size_t l = g->mut_off;
    l += (size_t)sprintf(*out + l, " value=%d", (g->mut_value + 1 + 90) & 255);
    memcpy(*out + l, s + g->mut_off + g->mut_len, n - g->mut_off - g->mut_len);
    (*out)[l + n - g->mut_off - g->mut_len] = '\0';
    return true;
}

/* Every seed's script, run in script order or (rr) under the scheduler. */
static void shadow(bool rr)
{
    const char *pol[32];
    size_t npol = policies(pol, 32);
    CHECK(npol >= 2);
    CHECK(write_traces(test_tmpdir()));
    uint64_t nseeds = env("VMM_RANDOM_SEEDS") ? strtoull(env("VMM_RANDOM_SEEDS"), NULL, 0)
                      : rr                    ? DEFAULT_SEEDS_RR
                                              : DEFAULT_SEEDS;
    uint64_t first = 1;
    if (env("VMM_RANDOM_SEED")) {
        first = strtoull(env("VMM_RANDOM_SEED"), NULL, 0);
        nseeds = env("VMM_RANDOM_SEEDS") ? nseeds : 1;
    }
    uint64_t kinds[K__COUNT] = {0}, extra[X__COUNT] = {0}, refs = 0, mutated = 0;
    for (uint64_t seed = first; seed < first + nseeds; seed++) {
        struct gen *g = malloc(sizeof *g);
        CHECK(g != NULL);
        if (!gen_init(g, test_tmpdir())) {
            free(g);
            CHECK(!"out of memory");
        }
        gen_script(g, seed, pol, npol);
        if (env("VMM_RANDOM_PRINT"))
            printf("%s", g->out.s);
        struct result r;
        char why[600] = "";
        struct mode m = rr ? rr_mode(seed) : in_order;
        bool ran = run_script(g->out.s, &r, m);
        bool ok = ran && r.rc == 0 && r.fails == 0 && g->gen_bugs == 0 &&
                  compare(g, &r, rr, why, sizeof why);
        if (!ok) {
            if (ran && !why[0] && g->gen_bugs)
                snprintf(why, sizeof why, "%" PRIu64 " generator bugs, the first at %s",
                         g->gen_bugs, g->bug);
            test_fail(__FILE__, __LINE__,
                      "seed %" PRIu64 "%s: %s; rc %d (%s), %" PRIu64
                      " failed checks; %s\n---- script ----\n%s---- log ----\n%s---- end ----",
                      seed, rr ? " under rr" : "", ran ? "run" : "could not run", r.rc, r.err,
                      r.fails, why, g->out.s, r.log ? r.log : "");
            result_free(&r);
            gen_free(g);
            free(g);
            return;
        }
        result_free(&r);
        /* every 8th seed: one check's value changed, exactly one failure */
        char *mut = NULL;
        if (seed % 8 == 0 && mutate(g, &mut)) {
            ran = run_script(mut, &r, m);
            char want[40];
            snprintf(want, sizeof want, "t.vmw:%u: check failed: ", g->mut_line);
            if (!ran || r.rc != 0 || r.fails != 1 || !strstr(r.log, want)) {
                test_fail(__FILE__, __LINE__,
                          "seed %" PRIu64 "%s with the check of line %u changed: rc %d (%s), "
                          "%" PRIu64 " failed checks, expected 1\n---- script ----\n%s"
                          "---- log ----\n%s---- end ----",
                          seed, rr ? " under rr" : "", g->mut_line, r.rc, r.err, r.fails, mut,
                          r.log ? r.log : "");
                free(mut);
                result_free(&r);
                gen_free(g);
                free(g);
                return;
            }
            mutated++;
            result_free(&r);
            free(mut);
        }
        for (int k = 0; k < K__COUNT; k++)
            kinds[k] += g->kinds[k];
        for (int k = 0; k < X__COUNT; k++)
            extra[k] += g->extra[k];
        refs += g->t.refs;
        gen_free(g);
        free(g);
    }
    if (env("VMM_RANDOM_VERBOSE")) {
        printf("workload_random: %" PRIu64 " seeds, %" PRIu64 " references, %" PRIu64
               " mutated runs\n",
               nseeds, refs, mutated);
        for (int k = 0; k < K__COUNT; k++)
            printf("  %-20s %8" PRIu64 "\n", kind_name[k], kinds[k]);
        for (int k = 0; k < X__COUNT; k++)
            printf("  %-20s %8" PRIu64 "\n", extra_name[k], extra[k]);
    }
    /* The generator must keep producing what the test is for. */
    CHECK_LE_U64(20 * nseeds, extra[X_CHECK_RUN]);
    if (nseeds >= 50) {
        for (int k = 0; k < K__COUNT; k++)
            if (kinds[k] == 0)
                test_fail(__FILE__, __LINE__, "no %s statement in %" PRIu64 " seeds", kind_name[k],
                          nseeds);
        for (int k = 0; k < X__COUNT; k++)
            if (extra[k] == 0 && k != X_CHECK_BAD)
                test_fail(__FILE__, __LINE__, "no %s in %" PRIu64 " seeds", extra_name[k], nseeds);
        CHECK_LE_U64(nseeds / 16, mutated);
    }
}

TEST(workload_random_shadow)
{
    shadow(false);
}

/* The same scripts under round robin (quanta of 1 .. 6 references or 2 ..
 * 20 us): each process's statements keep their order and the scripts share
 * no memory between processes (fork copies it), so every check holds
 * whatever the interleaving, and the counts and kills are the same. */
TEST(workload_random_shadow_rr)
{
    shadow(true);
}

/* The harness can fail: a check with the wrong value is one failure. */
TEST(workload_random_self_test)
{
    struct result r;
    bool ran = run_script("frames 2\nprogram p text=4K data=8K heap=4K stack=4K\nspawn P1 p\n"
                          "fork P1 P2\n"
                          "P1 write data+100 len=5000 value=3\n"
                          "P2 check data+100 len=5000 value=0\n"
                          "P1 check data+100 len=5000 value=4\n"
                          "P1 check data+100 len=5000 value=3\n",
                          &r, in_order);
    CHECK(ran);
    CHECK_EQ_I64(r.rc, 0);
    CHECK_EQ_U64(r.fails, 1);
    CHECK_CONTAINS(r.log, "t.vmw:7: check failed: P1 data+100 (0x401064): expected 0x04, found "
                          "0x03 at byte 0\n");
    result_free(&r);

    /* and a generated script with one check changed fails there, once */
    const char *pol[32];
    size_t npol = policies(pol, 32);
    CHECK(write_traces(test_tmpdir()));
    struct gen *g = malloc(sizeof *g);
    CHECK(g != NULL);
    if (!gen_init(g, test_tmpdir())) {
        free(g);
        CHECK(!"out of memory");
    }
    gen_script(g, 12345, pol, npol);
    char *mut = NULL;
    bool have = mutate(g, &mut);
    if (have) {
        ran = run_script(mut, &r, in_order);
        char want[40];
        snprintf(want, sizeof want, "t.vmw:%u: check failed: ", g->mut_line);
        if (!ran || r.rc != 0 || r.fails != 1 || !strstr(r.log, want))
            test_fail(__FILE__, __LINE__,
                      "rc %d, %" PRIu64 " failed checks, expected 1 at line %u: %s\n%s", r.rc,
                      r.fails, g->mut_line, r.err, r.log ? r.log : "");
        result_free(&r);
        free(mut);
    }
    gen_free(g);
    free(g);
    CHECK(have);
}
