/*
 * test_sched.c - simulated time and the scheduler: round robin, blocking on
 * the disk, context switches, load control (suspension and resumption with
 * every byte kept), page-fault frequency, the timeline, and the thrashing
 * experiment's curve.
 */
#include "harness.h"
#include "internal.h"

#include <stdlib.h>

/* A process that writes then reads back its own pages: phase 0 writes byte
 * f(pid, page, round) to each of pages 0 .. pages-1, `rounds` times over;
 * phase 1 reads them all and counts the bytes that differ. One page
 * reference per step. */
struct toucher {
    uint32_t pid;       /* its process */
    uint64_t pages;     /* pages it owns, from address BASE */
    uint64_t rounds;    /* write sweeps */
    uint64_t i;         /* references made */
    uint64_t wrong;     /* bytes read back different */
    uint64_t checked;   /* bytes read back */
    uint64_t left_susp; /* references made after its first resumption */
    bool resumed;       /* load control resumed it at least once */
};

#define BASE 0x10000000ull

static uint8_t value(uint32_t pid, uint64_t page, uint64_t round)
{
    return (uint8_t)(pid * 31 + page * 7 + round * 13 + 1);
}

static int toucher_step(void *ctx, struct vmm_system *sys)
{
    struct toucher *t = ctx;
    uint64_t n = t->pages * t->rounds;
    if (t->i >= n + t->pages)
        return 0;
    uint64_t page = t->i % t->pages;
    uint8_t b;
    int r;
    if (t->i < n) {
        b = value(t->pid, page, t->i / t->pages);
        r = vmm_access(sys, t->pid, BASE + page * sys->cfg.page_size + (page % 64), VMM_WRITE, &b,
                       1);
    } else {
        r = vmm_access(sys, t->pid, BASE + page * sys->cfg.page_size + (page % 64), VMM_READ, &b,
                       1);
        t->checked++;
        t->wrong += b != value(t->pid, page, t->rounds - 1);
    }
    t->i++;
    if (t->resumed)
        t->left_susp++;
    return r < 0 ? r : 1;
}

static struct vmm_config rr_config(uint64_t frames)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.frames = frames;
    c.sched = VMM_SCHED_RR;
    c.cost.swap_read_ns = c.cost.swap_write_ns = 100000;
    c.quantum_ns = 50000;
    return c;
}

static struct vmm_system *make(const struct vmm_config *c)
{
    struct vmm_system *sys = NULL;
    char err[256];
    if (vmm_system_create(c, &sys, err, sizeof err) < 0) {
        fprintf(stderr, "create: %s\n", err);
        return NULL;
    }
    return sys;
}

static int add_toucher(struct vmm_system *sys, struct toucher *t)
{
    int e = vmm_process_spawn(sys, t->pid, "toucher");
    if (e == 0)
        e = vmm_region_add(sys, t->pid, "data", BASE, t->pages * sys->cfg.page_size,
                           VMM_PROT_READ | VMM_PROT_WRITE);
    struct vmm_task task = {t->pid, toucher_step, t};
    return e ? e : vmm_sched_add(sys, &task);
}

/* Observes suspensions and resumptions. */
struct lc_log {
    struct toucher *t; /* the touchers, by pid - 1 */
    unsigned n;        /* how many */
    uint64_t suspended, resumed;
};

static void on_lc(void *ctx, const struct vmm_event *ev)
{
    struct lc_log *l = ctx;
    if (ev->kind == VMM_EV_SUSPEND)
        l->suspended++;
    if (ev->kind == VMM_EV_RESUME) {
        l->resumed++;
        if (ev->pid >= 1 && ev->pid <= l->n)
            l->t[ev->pid - 1].resumed = true;
    }
}

/* A suspended process, swapped out whole, reads back every byte it wrote
 * once resumed; the checker holds after every reference. */
TEST(sched_suspended_process_reads_back_every_value)
{
    struct vmm_config c = rr_config(24);
    c.load_control = VMM_LOAD_WS;
    c.ws_delta = 40;
    c.check = true;
    struct vmm_system *sys = make(&c);
    CHECK(sys != NULL);
    struct toucher t[4];
    struct lc_log log = {t, 4, 0, 0};
    struct vmm_observer obs = {VMM_EV_MASK(VMM_EV_SUSPEND) | VMM_EV_MASK(VMM_EV_RESUME), on_lc,
                               &log};
    CHECK_EQ_I64(vmm_observer_add(sys, &obs), 0);
    for (uint32_t i = 0; i < 4; i++) {
        t[i] = (struct toucher){.pid = i + 1, .pages = 10 + i, .rounds = 60};
        CHECK_EQ_I64(add_toucher(sys, &t[i]), 0);
    }
    CHECK_EQ_I64(vmm_sched_run(sys), 0);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK(log.suspended > 0);
    CHECK(log.resumed > 0);
    CHECK_EQ_U64(st.suspensions, log.suspended);
    unsigned after = 0;
    for (int i = 0; i < 4; i++) {
        CHECK_EQ_U64(t[i].checked, t[i].pages);
        CHECK_EQ_U64(t[i].wrong, 0);
        after += t[i].resumed && t[i].left_susp > 0;
    }
    CHECK(after > 0); /* some process went on after a resumption */
    vmm_system_destroy(sys);
}

/* One process that faults waits for the disk while the other computes: the
 * run takes less than the two alone, the CPU and the disk overlap. */
TEST(sched_blocked_process_lets_others_run)
{
    /* 12 frames for 8 pages each: alone a process fits; together they
     * evict each other's pages, which come back from swap. */
    struct vmm_config c = rr_config(12);
    c.data = false;
    uint64_t alone;
    struct vmm_stats st;
    {
        struct vmm_system *sys = make(&c);
        CHECK(sys != NULL);
        struct toucher t = {.pid = 1, .pages = 8, .rounds = 200};
        CHECK_EQ_I64(add_toucher(sys, &t), 0);
        CHECK_EQ_I64(vmm_sched_run(sys), 0);
        vmm_stats_get(sys, &st);
        alone = st.elapsed_ns;
        CHECK_EQ_U64(st.elapsed_ns, st.cpu_ns + st.idle_ns); /* one process: no switches */
        CHECK_EQ_U64(st.major_faults, 0);                    /* alone it fits */
        vmm_system_destroy(sys);
    }
    struct vmm_system *sys = make(&c);
    CHECK(sys != NULL);
    struct toucher t[2] = {{.pid = 1, .pages = 8, .rounds = 200},
                           {.pid = 2, .pages = 8, .rounds = 200}};
    CHECK_EQ_I64(add_toucher(sys, &t[0]), 0);
    CHECK_EQ_I64(add_toucher(sys, &t[1]), 0);
    CHECK_EQ_I64(vmm_sched_run(sys), 0);
    vmm_stats_get(sys, &st);
    CHECK(st.context_switches > 0);
    CHECK_EQ_U64(st.switch_ns, st.context_switches * c.cost.switch_ns);
    CHECK_EQ_U64(st.elapsed_ns, st.cpu_ns + st.switch_ns + st.idle_ns);
    CHECK(st.major_faults > 0);
    CHECK(st.elapsed_ns > alone);                  /* together they no longer fit */
    CHECK(st.cpu_ns + st.disk_ns > st.elapsed_ns); /* they overlapped */
    CHECK(st.elapsed_ns < st.cpu_ns + st.switch_ns + st.disk_ns);
    struct vmm_proc_stats ps[2];
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
    for (int i = 0; i < 2; i++) {
        CHECK(ps[i].run_ns > 0 && ps[i].ready_ns > 0 && ps[i].blocked_ns > 0);
        /* Every moment of its life is in one state. */
        CHECK(ps[i].run_ns + ps[i].ready_ns + ps[i].blocked_ns <= st.elapsed_ns);
    }
    /* Its own time: run + ready + blocked spans it from start to exit. */
    CHECK(ps[0].run_ns + ps[0].ready_ns + ps[0].blocked_ns > st.elapsed_ns / 2);
    vmm_system_destroy(sys);
}

/* Counts references per pid in the order they come. */
struct order {
    uint32_t last;   /* pid of the last reference */
    uint64_t run;    /* references in the current run of that pid */
    uint64_t bad;    /* runs of another length than expected, except the last ones */
    uint64_t runs;   /* runs seen */
    uint64_t want;   /* the expected run length */
    uint64_t short_; /* runs shorter than want (at most one per process, its end) */
};

static void on_ref(void *ctx, const struct vmm_event *ev)
{
    struct order *o = ctx;
    if (ev->pid == o->last) {
        o->run++;
        return;
    }
    if (o->last) {
        o->runs++;
        if (o->run < o->want)
            o->short_++;
        else if (o->run != o->want)
            o->bad++;
    }
    o->last = ev->pid;
    o->run = 1;
}

/* A quantum in references: with no faults after the first touches, each
 * process runs exactly that many references before the next one runs. */
TEST(sched_quantum_in_references_interleaves_exactly)
{
    struct vmm_config c = rr_config(64);
    c.quantum_refs = 5;
    c.data = false;
    struct vmm_system *sys = make(&c);
    CHECK(sys != NULL);
    struct order o = {.want = 5};
    struct vmm_observer obs = {VMM_EV_MASK(VMM_EV_REF), on_ref, &o};
    CHECK_EQ_I64(vmm_observer_add(sys, &obs), 0);
    /* Pages touched first by a write are zero-filled: minor faults, no disk. */
    struct toucher t[3] = {{.pid = 1, .pages = 3, .rounds = 10},
                           {.pid = 2, .pages = 4, .rounds = 10},
                           {.pid = 3, .pages = 5, .rounds = 10}};
    for (int i = 0; i < 3; i++)
        CHECK_EQ_I64(add_toucher(sys, &t[i]), 0);
    CHECK_EQ_I64(vmm_sched_run(sys), 0);
    CHECK_EQ_U64(o.bad, 0);
    CHECK(o.short_ <= 3);
    CHECK(o.runs > 20);
    vmm_system_destroy(sys);
}

/* Without address-space ids every context switch flushes the TLB: more
 * misses than with them, on the same run. */
TEST(sched_switch_without_asids_flushes_the_tlb)
{
    uint64_t misses[2];
    for (int k = 0; k < 2; k++) {
        struct vmm_config c = rr_config(64);
        c.quantum_refs = 7;
        c.data = false;
        c.asid = k == 0;
        struct vmm_system *sys = make(&c);
        CHECK(sys != NULL);
        struct toucher t[2] = {{.pid = 1, .pages = 6, .rounds = 50},
                               {.pid = 2, .pages = 6, .rounds = 50}};
        CHECK_EQ_I64(add_toucher(sys, &t[0]), 0);
        CHECK_EQ_I64(add_toucher(sys, &t[1]), 0);
        CHECK_EQ_I64(vmm_sched_run(sys), 0);
        struct vmm_stats st;
        vmm_stats_get(sys, &st);
        misses[k] = st.tlb_misses;
        if (k == 0) /* 12 pages fit in the TLB: only the first touches miss */
            CHECK_EQ_U64(st.tlb_misses, 12);
        else /* each slice starts cold: at least one miss per switch */
            CHECK(st.tlb_misses >= st.context_switches);
        vmm_system_destroy(sys);
    }
    CHECK(misses[1] > misses[0]);
}

/* Page-fault-frequency control: a process faulting above the upper bound is
 * given frames; the run's bytes survive the trims and suspensions. */
TEST(sched_pff_grows_a_faulting_process)
{
    struct vmm_config c = rr_config(40);
    c.load_control = VMM_LOAD_PFF;
    c.pff_lower = 5;
    c.pff_upper = 50;
    c.pff_window = 50;
    c.check = true;
    struct vmm_system *sys = make(&c);
    CHECK(sys != NULL);
    struct toucher t[2] = {{.pid = 1, .pages = 30, .rounds = 8},
                           {.pid = 2, .pages = 3, .rounds = 400}};
    CHECK_EQ_I64(add_toucher(sys, &t[0]), 0);
    CHECK_EQ_I64(add_toucher(sys, &t[1]), 0);
    struct vmm_proc_stats ps[2];
    CHECK_EQ_I64(vmm_sched_run(sys), 0);
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
    /* P1 sweeps 30 pages: it started with an equal share (20) and was given
     * more; P2's 3 pages fault rarely: it gave frames back. */
    CHECK(ps[0].allocation > 20);
    CHECK(ps[1].allocation < 20);
    for (int i = 0; i < 2; i++)
        CHECK_EQ_U64(t[i].wrong, 0);
    vmm_system_destroy(sys);
}

/* The timeline's rows add up to the run's own totals. */
TEST(sched_timeline_rows_add_up)
{
    struct vmm_config c = rr_config(16);
    c.data = false;
    struct vmm_system *sys = make(&c);
    CHECK(sys != NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    CHECK_EQ_I64(vmm_timeline_attach(sys, f, 200000), 0);
    struct toucher t[2] = {{.pid = 1, .pages = 12, .rounds = 30},
                           {.pid = 2, .pages = 12, .rounds = 30}};
    CHECK_EQ_I64(add_toucher(sys, &t[0]), 0);
    CHECK_EQ_I64(add_toucher(sys, &t[1]), 0);
    CHECK_EQ_I64(vmm_sched_run(sys), 0);
    vmm_timeline_finish(sys);
    fclose(f);
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    /* Sum cpu_util x the interval each row covers (pid 1's rows: one per
     * interval), and the faults of every row. */
    double cpu = 0, prev = 0;
    uint64_t faults = 0, rows = 0;
    char *line = strchr(buf, '\n');
    CHECK(line != NULL);
    CHECK(strncmp(buf,
                  "time_ms,cpu_util,disk_util,faults_per_s,pid,state,resident,ws,faults,holes,"
                  "largest_hole,ext_frag",
                  (size_t)(line - buf)) == 0);
    for (char *l = line + 1; *l; l = strchr(l, '\n') + 1) {
        double tms, cu, du, fr;
        unsigned pid;
        char state[16];
        unsigned long long res, ws, fl;
        CHECK_EQ_I64(sscanf(l, "%lf,%lf,%lf,%lf,%u,%15[a-z],%llu,%llu,%llu", &tms, &cu, &du, &fr,
                            &pid, state, &res, &ws, &fl),
                     9);
        faults += fl;
        if (pid == 1 && strcmp(state, "done") != 0) {
            cpu += cu * (tms - prev);
            prev = tms;
            rows++;
        }
        CHECK(ws <= 12 && res <= 16);
    }
    CHECK(rows > 5);
    CHECK_EQ_U64(faults, st.page_faults);
    /* The CPU time the rows account for, against the run's (in ms; rows
     * round utilisation to 0.001 and P1's last interval may be P2's). */
    double want = (double)st.cpu_ns / 1e6;
    CHECK(cpu > want * 0.8 && cpu < want * 1.2);
    free(buf);
    vmm_system_destroy(sys);
}

/* The thrashing experiment on its fixed seed: without load control CPU
 * utilisation rises with the first copies, then collapses; with working-set
 * control it stays at least twice as high at the most copies. */
TEST(sched_thrash_curve_rises_then_falls)
{
    struct vmm_config c;
    vmm_config_default(&c);
    c.data = false;
    c.cost.swap_read_ns = c.cost.swap_write_ns = 100000;
    c.quantum_ns = 100000;
    struct vmm_thrash_spec sp;
    vmm_thrash_default(&sp);
    sp.refs = 100000;
    sp.max_degree = 9;
    struct vmm_thrash_point pt[9];
    char err[256];
    CHECK_EQ_I64(vmm_thrash_run(&c, &sp, pt, err, sizeof err), 0);
    unsigned peak = 0;
    for (unsigned i = 1; i < 9; i++)
        if (pt[i].plain.cpu_util > pt[peak].plain.cpu_util)
            peak = i;
    if (getenv("VMM_VERBOSE"))
        for (unsigned i = 0; i < 9; i++)
            fprintf(stderr, "%u %.3f %.3f\n", pt[i].degree, pt[i].plain.cpu_util,
                    pt[i].controlled.cpu_util);
    CHECK(peak > 0 && peak < 8);                                  /* rises, then ... */
    CHECK(pt[peak].plain.cpu_util > pt[0].plain.cpu_util * 1.1);  /* ... by a margin */
    CHECK(pt[8].plain.cpu_util < pt[peak].plain.cpu_util * 0.5);  /* collapses */
    CHECK(pt[8].controlled.cpu_util >= 2 * pt[8].plain.cpu_util); /* control holds it */
    CHECK(pt[8].controlled.suspensions > 0);
    CHECK_EQ_U64(pt[0].plain.page_faults, pt[0].controlled.page_faults); /* one copy: no control */
}
