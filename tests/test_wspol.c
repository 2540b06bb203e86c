/*
 * test_wspol.c - the working-set replacement policies, ws and wsclock
 * (src/policy/ws.c, wsclock.c), victim by victim.
 *
 * A shadow of the frame table is kept from the events alone (a reference
 * sets R, and M if a write; MAP puts a page in a frame with R = 1; VICTIM
 * empties one; EXIT empties a process's), with each process's virtual time
 * counted from its REF events. At every VICTIM event a naive model, written
 * from docs/policies.md with plain scans, chooses from the shadow, and the
 * choice must be libvmm's:
 *
 *  - ws: of the frames outside their process's working set (the process has
 *    not referenced the page in its last delta references), the one of
 *    largest age, ties to the least recently used; else the least recently
 *    used. Independently of the model, a victim inside its working set
 *    (asked of vmm_working_set) is allowed only when every resident page is
 *    inside its own;
 *  - wsclock: the literal sweep of the hand, R bits and last uses in the
 *    shadow.
 *
 * Strings are random, over one or several processes, reads and writes, with
 * deltas from 1 up, global and local replacement (then a victim must be the
 * faulting process's own, and the sweep must not touch the other frames: a
 * shadow that kept their R bits would disagree at once), a process exiting
 * midway or spawned late (the allocator then takes frames back through the
 * policy), the invariant checker after every reference in half the runs.
 * Also: ws is LRU for a single process; a page of a process that ended goes
 * first; worked examples; parameters; both policies under the round-robin
 * scheduler with working-set and page-fault-frequency load control.
 */
#include "harness.h"
#include "vmm.h"

#include <stdlib.h>

#define PS      4096u
#define MAXF    24 /* frames at most */
#define MAXPROC 6  /* pids 1 .. 5 */
#define NPAGES  40 /* pages 0 .. 39 of each process */

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- the shadow and the two models --------------------------------------------- */

enum model_kind { M_WS, M_WSCLOCK };

struct sframe {
    bool used;     /* holds a page */
    uint32_t pid;  /* its process (all pages here are private) */
    uint64_t vpn;  /* its page */
    bool r, m;     /* referenced, modified */
    uint64_t last; /* ws: the process's virtual time at its last reference */
    uint64_t glob; /* ws: the global reference number of its last reference */
    uint64_t seen; /* wsclock: the process's virtual time at the last use the hand saw */
};

struct shadow {
    struct vmm_system *sys; /* asked for working sets */
    enum model_kind kind;   /* the policy modelled */
    uint64_t delta;         /* the window */
    bool local;             /* local replacement: victims among the faulting process's */
    unsigned nf;            /* frames */
    struct sframe f[MAXF];  /* the frame table as the events tell it */
    uint64_t t[MAXPROC];    /* virtual times: REF events of each process */
    bool ended[MAXPROC];    /* EXIT seen */
    bool write;             /* the reference in progress is a write */
    uint32_t cur;           /* the process making it */
    uint64_t trims;         /* victims taken from another process than cur (the
                               allocator trimming it, local replacement) */
    unsigned hand;          /* wsclock's hand */
    uint64_t victims;       /* VICTIM events checked */
    uint64_t inside;        /* of those, victims inside their working set */
    uint64_t outside_left;  /* victims chosen while other pages were outside too */
    char err[600];          /* the first disagreement, "" = none */
};

static bool takeable(const struct shadow *s, unsigned i, uint32_t pid)
{
    return s->f[i].used && (!s->local || s->f[i].pid == pid);
}

/* Age of frame i under ws; UINT64_MAX if its process ended. */
static uint64_t ws_age(const struct shadow *s, unsigned i)
{
    const struct sframe *f = &s->f[i];
    return s->ended[f->pid] ? UINT64_MAX : s->t[f->pid] - f->last;
}

static unsigned model_ws(const struct shadow *s, uint32_t pid)
{
    unsigned best = MAXF, lru = MAXF;
    for (unsigned i = 0; i < s->nf; i++) {
        if (!takeable(s, i, pid))
            continue;
        if (lru == MAXF || s->f[i].glob < s->f[lru].glob)
            lru = i;
        uint64_t a = ws_age(s, i);
        if (a < s->delta)
            continue;
        if (best == MAXF || a > ws_age(s, best) ||
            (a == ws_age(s, best) && s->f[i].glob < s->f[best].glob))
            best = i;
    }
    return best != MAXF ? best : lru;
}

/* The sweep, literally: one turn from the hand. */
static unsigned model_wsclock(struct shadow *s, uint32_t pid)
{
    unsigned first = MAXF, dirty_old = MAXF, clean = MAXF, v = MAXF;
    for (unsigned k = 0; k < s->nf && v == MAXF; k++) {
        unsigned i = (s->hand + k) % s->nf;
        struct sframe *f = &s->f[i];
        if (!takeable(s, i, pid))
            continue;
        if (first == MAXF)
            first = i;
        if (f->r) {
            f->r = false;
            if (!s->ended[f->pid])
                f->seen = s->t[f->pid];
            continue;
        }
        bool old = s->ended[f->pid] || s->t[f->pid] - f->seen > s->delta;
        if (old && !f->m)
            v = i;
        else if (old && dirty_old == MAXF)
            dirty_old = i;
        else if (!old && !f->m && clean == MAXF)
            clean = i;
    }
    if (v == MAXF)
        v = dirty_old != MAXF ? dirty_old : clean != MAXF ? clean : first;
    s->hand = (v + 1) % s->nf;
    return v;
}

static bool in_ws(struct shadow *s, uint32_t pid, uint64_t vpn)
{
    uint64_t w[NPAGES + 1];
    size_t n = vmm_working_set(s->sys, pid, w, NPAGES + 1);
    for (size_t i = 0; i < n && i <= NPAGES; i++)
        if (w[i] == vpn)
            return true;
    return false;
}

static void on_victim(struct shadow *s, const struct vmm_event *ev)
{
    uint32_t pid = ev->pid;
    unsigned got = (unsigned)ev->frame;
    if (got >= s->nf || !s->f[got].used) {
        snprintf(s->err, sizeof s->err, "ref %" PRIu64 ": victim frame %u holds no page", ev->seq,
                 got);
        return;
    }
    if (s->f[got].pid != ev->vpid || s->f[got].vpn != ev->vvpn) {
        snprintf(s->err, sizeof s->err,
                 "ref %" PRIu64 ": frame %u holds P%u page %" PRIu64
                 ", the event says P%u %" PRIu64,
                 ev->seq, got, s->f[got].pid, s->f[got].vpn, ev->vpid, ev->vvpn);
        return;
    }
    if (s->local && ev->vpid != pid) {
        snprintf(s->err, sizeof s->err,
                 "ref %" PRIu64 ": local replacement, P%u took P%u's page %" PRIu64, ev->seq, pid,
                 ev->vpid, ev->vvpn);
        return;
    }
    if (s->kind == M_WS) { /* the property, asked of wset.c rather than the model */
        bool any_outside = false;
        for (unsigned i = 0; i < s->nf; i++)
            if (takeable(s, i, pid) && !in_ws(s, s->f[i].pid, s->f[i].vpn))
                any_outside = true;
        if (in_ws(s, ev->vpid, ev->vvpn)) {
            s->inside++;
            if (any_outside) {
                snprintf(s->err, sizeof s->err,
                         "ref %" PRIu64 ": P%u page %" PRIu64
                         " is in its working set, and a page outside one was resident",
                         ev->seq, ev->vpid, ev->vvpn);
                return;
            }
        }
        unsigned others = 0;
        for (unsigned i = 0; i < s->nf; i++)
            others += i != got && takeable(s, i, pid) && ws_age(s, i) >= s->delta;
        s->outside_left += others > 0;
    }
    unsigned want = s->kind == M_WS ? model_ws(s, pid) : model_wsclock(s, pid);
    s->victims++;
    s->trims += pid != s->cur;
    if (want != got) {
        snprintf(s->err, sizeof s->err,
                 "ref %" PRIu64 " (P%u): the model evicts frame %u (P%u page %" PRIu64
                 "), libvmm frame %u (P%u page %" PRIu64 ")",
                 ev->seq, pid, want, s->f[want].pid, s->f[want].vpn, got, s->f[got].pid,
                 s->f[got].vpn);
        return;
    }
    s->f[got].used = false;
}

static void on_event(void *ctx, const struct vmm_event *ev)
{
    struct shadow *s = ctx;
    if (s->err[0])
        return;
    switch (ev->kind) {
    case VMM_EV_REF:
        s->t[ev->pid]++;
        s->write = ev->op == VMM_WRITE;
        s->cur = ev->pid;
        for (unsigned i = 0; i < s->nf; i++) {
            struct sframe *f = &s->f[i];
            if (f->used && f->pid == ev->pid && f->vpn == ev->vpn) {
                f->r = true;
                f->m |= s->write;
                f->last = s->t[ev->pid];
                f->glob = ev->seq;
            }
        }
        break;
    case VMM_EV_VICTIM:
        on_victim(s, ev);
        break;
    case VMM_EV_MAP:
        if (ev->frame >= s->nf || s->f[ev->frame].used) {
            snprintf(s->err, sizeof s->err,
                     "ref %" PRIu64 ": page mapped into frame %" PRIu64 " which %s", ev->seq,
                     ev->frame, ev->frame >= s->nf ? "is not one" : "is in use");
            return;
        }
        s->f[ev->frame] = (struct sframe){.used = true,
                                          .pid = ev->pid,
                                          .vpn = ev->vpn,
                                          .r = true,
                                          .m = s->write,
                                          .last = s->t[ev->pid],
                                          .glob = ev->seq,
                                          .seen = s->t[ev->pid]};
        break;
    case VMM_EV_EXIT:
        s->ended[ev->pid] = true;
        for (unsigned i = 0; i < s->nf; i++)
            if (s->f[i].pid == ev->pid)
                s->f[i].used = false;
        break;
    default:
        break;
    }
}

/* ---- random runs ----------------------------------------------------------------- */

struct run {
    const char *policy; /* ws or wsclock */
    uint64_t seed;      /* the string */
    uint64_t delta;     /* the window */
    unsigned frames;    /* <= MAXF */
    uint32_t nproc;     /* 1 .. MAXPROC-1 */
    size_t nrefs;       /* references */
    bool local;         /* local replacement (equal allocation) */
    bool check;         /* invariant checker after every reference */
    bool exit_one;      /* the last process exits at two thirds */
    bool late;          /* the last process is spawned at a third: under local
                           replacement the others' allocations shrink (trims) */
};

/* Runs r; fails the running test at the first disagreement. *sh receives
 * the shadow's counters. */
static void model_run(const struct run *r, struct shadow *sh)
{
    struct vmm_config c;
    char err[512], what[200];
    uint64_t s = r->seed, base[MAXPROC] = {0};
    snprintf(what, sizeof what, "%s seed %" PRIu64 " delta %" PRIu64 " frames %u procs %u%s%s%s%s",
             r->policy, r->seed, r->delta, r->frames, (unsigned)r->nproc, r->local ? " local" : "",
             r->check ? " check" : "", r->exit_one ? " exit" : "", r->late ? " late" : "");
    vmm_config_default(&c);
    c.frames = r->frames;
    c.data = false;
    c.policy = r->policy;
    c.ws_delta = r->delta;
    c.check = r->check;
    c.tlb_entries = r->seed % 3 == 0 ? 8 : 0;
    c.replacement = r->local ? VMM_REPLACE_LOCAL : VMM_REPLACE_GLOBAL;
    memset(sh, 0, sizeof *sh);
    sh->kind = strcmp(r->policy, "ws") == 0 ? M_WS : M_WSCLOCK;
    sh->delta = r->delta;
    sh->local = r->local;
    sh->nf = r->frames;
    struct vmm_system *sys;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", what, err);
        return;
    }
    sh->sys = sys;
    struct vmm_observer o = {.mask = VMM_EV_MASK(VMM_EV_REF) | VMM_EV_MASK(VMM_EV_VICTIM) |
                                     VMM_EV_MASK(VMM_EV_MAP) | VMM_EV_MASK(VMM_EV_EXIT),
                             .on_event = on_event,
                             .ctx = sh};
    if (vmm_observer_add(sys, &o) < 0)
        test_fail(__FILE__, __LINE__, "observer: %s", vmm_system_error(sys));
    bool late = r->late && r->nproc > 1;
    uint32_t live = late ? r->nproc - 1 : r->nproc;
    for (uint32_t pid = 1; pid <= r->nproc && !test_stopped(); pid++)
        if (pid <= live &&
            (vmm_process_spawn(sys, pid, "w") < 0 ||
             vmm_region_add(sys, pid, "heap", 0, NPAGES * PS, VMM_PROT_READ | VMM_PROT_WRITE) < 0))
            test_fail(__FILE__, __LINE__, "%s: %s", what, vmm_system_error(sys));
    for (size_t k = 0; k < r->nrefs && !test_stopped(); k++) {
        if (late && k == r->nrefs / 3) {
            live++;
            if (vmm_process_spawn(sys, live, "w") < 0 ||
                vmm_region_add(sys, live, "heap", 0, NPAGES * PS, VMM_PROT_READ | VMM_PROT_WRITE) <
                    0)
                test_fail(__FILE__, __LINE__, "%s: %s", what, vmm_system_error(sys));
        }
        if (r->exit_one && live > 1 && k == 2 * r->nrefs / 3) {
            if (vmm_process_exit(sys, live) < 0)
                test_fail(__FILE__, __LINE__, "%s: exit: %s", what, vmm_system_error(sys));
            live--;
        }
        /* Processes at different paces: pid p runs about p times as often
         * as pid 1, so their virtual times drift apart. */
        uint32_t pid = 1 + (uint32_t)(rnd(&s) % (live * (live + 1) / 2));
        for (uint32_t q = 1; q <= live; q++) {
            if (pid <= q) {
                pid = q;
                break;
            }
            pid -= q;
        }
        if (rnd(&s) % 30 == 0)
            base[pid] = rnd(&s) % (NPAGES - 8);
        uint64_t page = rnd(&s) % 6 == 0 ? rnd(&s) % NPAGES : base[pid] + rnd(&s) % 8;
        bool w = rnd(&s) % 3 == 0;
        int rc = vmm_access(sys, pid, page * PS, w ? VMM_WRITE : VMM_READ, NULL, 1);
        if (rc < 0 || rc > VMM_FAULT_MAJOR)
            test_fail(__FILE__, __LINE__, "%s: ref %zu: %d %s", what, k + 1, rc,
                      vmm_system_error(sys));
        if (sh->err[0])
            test_fail(__FILE__, __LINE__, "%s: %s", what, sh->err);
    }
    vmm_system_destroy(sys);
}

static void model_runs(const char *policy, uint64_t seed0, bool local)
{
    static const uint64_t deltas[] = {1, 2, 3, 5, 8, 13, 30, 100, 10000};
    uint64_t victims = 0, inside = 0, mixed = 0, trims = 0;
    for (unsigned k = 0; k < 36 && !test_stopped(); k++) {
        struct shadow sh;
        struct run r = {.policy = policy,
                        .seed = seed0 + k,
                        .delta = deltas[k % 9],
                        .nproc = 1 + k % 4,
                        .nrefs = 1200,
                        .local = local,
                        .check = k % 2 == 0,
                        .exit_one = k % 3 == 0,
                        .late = k % 3 == 1};
        r.frames = r.nproc * (2 + (k / 4) % 4); /* 2 .. 5 per process */
        if (r.frames > MAXF)
            r.frames = MAXF;
        model_run(&r, &sh);
        victims += sh.victims;
        inside += sh.inside;
        mixed += sh.outside_left;
        trims += sh.trims;
    }
    if (test_stopped())
        return;
    /* The runs did choose: many victims, and for ws both kinds of choice. */
    CHECK(victims > 5000);
    CHECK(local ? trims >= 10 : trims == 0); /* the allocator took frames back */
    if (strcmp(policy, "ws") == 0) {
        CHECK(inside > 100);
        CHECK(mixed > 100);
    }
}

TEST(wspol_ws_model_global)
{
    model_runs("ws", 1000, false);
}

TEST(wspol_ws_model_local)
{
    model_runs("ws", 2000, true);
}

TEST(wspol_wsclock_model_global)
{
    model_runs("wsclock", 3000, false);
}

TEST(wspol_wsclock_model_local)
{
    model_runs("wsclock", 4000, true);
}

/* One process, the brief's case: longer strings, more frames. */
TEST(wspol_wsclock_model_one_process)
{
    static const uint64_t deltas[] = {1, 4, 16, 50, 200};
    for (unsigned k = 0; k < 10 && !test_stopped(); k++) {
        struct shadow sh;
        struct run r = {.policy = "wsclock",
                        .seed = 5000 + k,
                        .delta = deltas[k % 5],
                        .frames = 3 + 2 * k,
                        .nproc = 1,
                        .nrefs = 4000,
                        .check = k < 3};
        model_run(&r, &sh);
    }
}

/* ---- properties and cases ------------------------------------------------------------ */

/* Faults of a one-process page string under policy (params) with nf frames. */
static uint64_t faults_of(const char *policy, const char *params, unsigned nf, const uint32_t *pg,
                          size_t n, const bool *write)
{
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    vmm_config_default(&c);
    c.frames = nf;
    c.policy = policy;
    c.policy_params = params;
    c.data = false;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", policy, err);
        return UINT64_MAX;
    }
    struct vmm_ref *refs = malloc(n * sizeof *refs);
    for (size_t i = 0; refs && i < n; i++)
        refs[i] = (struct vmm_ref){(uint64_t)pg[i] * c.page_size, 1, 1,
                                   write && write[i] ? VMM_WRITE : VMM_READ};
    struct vmm_stats st = {0};
    if (!refs || vmm_replay_refs(sys, refs, n) < 0)
        test_fail(__FILE__, __LINE__, "%s: replay: %s", policy, vmm_system_error(sys));
    vmm_stats_get(sys, &st);
    free(refs);
    vmm_system_destroy(sys);
    return st.page_faults;
}

/* With one process its virtual time orders its pages as the global clock
 * does: the oldest page outside the working set is the least recently used
 * page, and if it is inside, so is every other. ws is LRU, whatever delta. */
TEST(wspol_ws_one_process_is_lru)
{
    enum { N = 1500 };
    static uint32_t pg[N];
    static bool wr[N];
    static const char *const ds[] = {"delta=1", "delta=3", "delta=20", "delta=400", NULL};
    for (uint64_t seed = 1; seed <= 8 && !test_stopped(); seed++) {
        uint64_t s = seed;
        for (size_t i = 0; i < N; i++) {
            pg[i] = (uint32_t)(rnd(&s) % 3 ? (i / 50) * 3 + rnd(&s) % 9 : rnd(&s) % 200);
            wr[i] = rnd(&s) % 4 == 0;
        }
        for (unsigned nf = 1; nf <= 40 && !test_stopped(); nf += 3) {
            uint64_t lru = faults_of("lru", NULL, nf, pg, N, wr);
            for (size_t d = 0; d < 5; d++) {
                uint64_t ws = faults_of("ws", ds[d], nf, pg, N, wr);
                if (ws != lru)
                    test_fail(__FILE__, __LINE__,
                              "seed %" PRIu64 " frames %u %s: ws %" PRIu64 " faults, lru %" PRIu64,
                              seed, nf, ds[d] ? ds[d] : "", ws, lru);
                CHECK_EQ_U64(ws, lru);
            }
        }
    }
}

/* Records the victims' (process, page). */
struct victims {
    uint32_t pid[64];
    uint64_t vpn[64];
    unsigned n;
};

static void note_victim(void *ctx, const struct vmm_event *ev)
{
    struct victims *v = ctx;
    if (v->n < 64) {
        v->pid[v->n] = ev->vpid;
        v->vpn[v->n++] = ev->vvpn;
    }
}

static struct vmm_system *mk(const char *policy, uint64_t frames, uint64_t delta, struct victims *v)
{
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    vmm_config_default(&c);
    c.frames = frames;
    c.policy = policy;
    c.data = false;
    c.ws_delta = delta;
    c.check = true;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
        test_fail(__FILE__, __LINE__, "%s: %s", policy, err);
        return NULL;
    }
    struct vmm_observer o = {VMM_EV_MASK(VMM_EV_VICTIM), note_victim, v};
    vmm_observer_add(sys, &o);
    return sys;
}

#define TOUCH(sys, pid, page) vmm_access((sys), (pid), (uint64_t)(page)*PS, VMM_READ, NULL, 1)

/* The working set ranks by each process's own clock. delta = 3, 4 frames. */
TEST(wspol_ws_virtual_time)
{
    struct victims v = {0};
    struct vmm_system *sys = mk("ws", 4, 3, &v);
    if (!sys)
        return;
    for (uint32_t pid = 1; pid <= 2; pid++) {
        CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
        CHECK_EQ_I64(vmm_region_add(sys, pid, "h", 0, 16 * PS, VMM_PROT_READ), 0);
    }
    /* P2 (its times 1..5): pages 0, 1, 2, 3, 3. Its window is {2, 3}. */
    CHECK_EQ_I64(TOUCH(sys, 2, 0), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 2, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 2, 2), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 2, 3), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 2, 3), VMM_HIT);
    /* P1 faults: P2's pages 0 (age 4) and 1 (age 3) are outside; the older
     * goes. */
    CHECK_EQ_I64(TOUCH(sys, 1, 5), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.n, 1);
    CHECK_EQ_U64(v.pid[0], 2);
    CHECK_EQ_U64(v.vpn[0], 0);
    /* P1 runs on its page 5 (its times 2..11); P2 is idle, and its pages
     * age only in P2's time. */
    for (int i = 0; i < 10; i++)
        CHECK_EQ_I64(TOUCH(sys, 1, 5), VMM_HIT);
    /* P1 faults on 6 (time 12): P2's page 1 is still the only page outside. */
    CHECK_EQ_I64(TOUCH(sys, 1, 6), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.n, 2);
    CHECK_EQ_U64(v.pid[1], 2);
    CHECK_EQ_U64(v.vpn[1], 1);
    /* On 7 (time 13) every page is inside its window (P1's 5: age 2): the
     * least recently used, P2's page 2. */
    CHECK_EQ_I64(TOUCH(sys, 1, 7), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.pid[2], 2);
    CHECK_EQ_U64(v.vpn[2], 2);
    /* On 8 (time 14) P1's page 5 has left P1's window (age 3); P2's page 3,
     * the least recently used by far, is inside P2's: lru would take it. */
    CHECK_EQ_I64(TOUCH(sys, 1, 8), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.pid[3], 1);
    CHECK_EQ_U64(v.vpn[3], 5);
    CHECK_EQ_U64(v.n, 4);
    CHECK_EQ_I64(vmm_system_check(sys), 0);
    vmm_system_destroy(sys);
}

/* A frame whose process has ended is outside any working set. P2 loads a
 * page of shared memory and exits; the page cache keeps the page. ws takes
 * it at once. wsclock finds its R bit set (P2's reference) and clears it,
 * so it goes at the next fault, before the younger pages of P1. */
TEST(wspol_ended_owner_first)
{
    static const char *const pols[] = {"ws", "wsclock"};
    for (int k = 0; k < 2; k++) {
        struct victims v = {0};
        struct vmm_system *sys = mk(pols[k], 4, 1000, &v);
        uint32_t shm;
        if (!sys)
            return;
        CHECK_EQ_I64(vmm_object_shmem(sys, "shm", 4 * PS, &shm), 0);
        for (uint32_t pid = 1; pid <= 2; pid++) {
            CHECK_EQ_I64(vmm_process_spawn(sys, pid, "p"), 0);
            CHECK_EQ_I64(vmm_region_map(sys, pid, "shm", 0, 4 * PS, VMM_PROT_READ | VMM_PROT_WRITE,
                                        VMM_MAP_SHARED, shm, 0),
                         0);
            CHECK_EQ_I64(vmm_region_add(sys, pid, "h", 64 * PS, 16 * PS, VMM_PROT_READ), 0);
        }
        CHECK_EQ_I64(TOUCH(sys, 1, 64), VMM_FAULT_MINOR); /* frame 0 */
        CHECK_EQ_I64(TOUCH(sys, 1, 65), VMM_FAULT_MINOR); /* frame 1 */
        CHECK_EQ_I64(TOUCH(sys, 2, 0), VMM_FAULT_MINOR);  /* frame 2: shared memory, P2's */
        CHECK_EQ_I64(TOUCH(sys, 1, 66), VMM_FAULT_MINOR); /* frame 3 */
        CHECK_EQ_I64(vmm_process_exit(sys, 2), 0);
        CHECK_EQ_I64(TOUCH(sys, 1, 67), VMM_FAULT_MINOR);
        CHECK_EQ_U64(v.n, 1);
        if (k == 0) {
            CHECK_EQ_U64(v.pid[0], 0); /* the object's page 0 */
            CHECK_EQ_U64(v.vpn[0], 0);
        } else { /* every R was 1: the frame at the hand, P1's page 64 */
            CHECK_EQ_U64(v.pid[0], 1);
            CHECK_EQ_U64(v.vpn[0], 64);
            CHECK_EQ_I64(TOUCH(sys, 1, 68), VMM_FAULT_MINOR);
            CHECK_EQ_U64(v.n, 2);
            CHECK_EQ_U64(v.pid[1], 0); /* frame 1 was young: frame 2 */
            CHECK_EQ_U64(v.vpn[1], 0);
        }
        CHECK_EQ_I64(vmm_system_check(sys), 0);
        vmm_system_destroy(sys);
    }
}

/* wsclock on a hand-made case: old clean pages go before old dirty ones,
 * which go before young clean ones. */
TEST(wspol_wsclock_order)
{
    struct victims v = {0};
    struct vmm_system *sys = mk("wsclock", 4, 2, &v);
    if (!sys)
        return;
    CHECK_EQ_I64(vmm_process_spawn(sys, 1, "p"), 0);
    CHECK_EQ_I64(vmm_region_add(sys, 1, "h", 0, 32 * PS, VMM_PROT_READ | VMM_PROT_WRITE), 0);
    /* frames 0..3 = pages 0 (dirty), 1, 2 (dirty), 3 */
    CHECK_EQ_I64(vmm_access(sys, 1, 0 * PS, VMM_WRITE, NULL, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 1, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(vmm_access(sys, 1, 2 * PS, VMM_WRITE, NULL, 1), VMM_FAULT_MINOR);
    CHECK_EQ_I64(TOUCH(sys, 1, 3), VMM_FAULT_MINOR);
    /* Fault on 4 (time 5): every R is 1: one turn clears them all, last uses
     * = 5; nothing old, nothing seen with R = 0: the frame at the hand, 0. */
    CHECK_EQ_I64(TOUCH(sys, 1, 4), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.vpn[0], 0);
    /* Time 6..8: page 4 again (hits, frame 0). Fault on 5 at time 9: hand at
     * frame 1 (page 1, R 0, age 9 - 5 = 4 > 2, clean): the victim. */
    CHECK_EQ_I64(TOUCH(sys, 1, 4), VMM_HIT);
    CHECK_EQ_I64(TOUCH(sys, 1, 4), VMM_HIT);
    CHECK_EQ_I64(TOUCH(sys, 1, 4), VMM_HIT);
    CHECK_EQ_I64(TOUCH(sys, 1, 5), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.vpn[1], 1);
    /* Fault on 6 at time 10: hand at frame 2 (page 2: R 0, old, dirty: a
     * candidate), frame 3 (page 3: R 0, old, clean): the victim. */
    CHECK_EQ_I64(TOUCH(sys, 1, 6), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.vpn[2], 3);
    /* Fault on 7 at time 11: hand at frame 0 (page 4: R 1 -> 0, last use 11),
     * frame 1 (page 5: R 1 -> 0), frame 2 (page 2: old, dirty: candidate),
     * frame 3 (page 6: R 1 -> 0): one turn, no clean old page: page 2. */
    CHECK_EQ_I64(TOUCH(sys, 1, 7), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.vpn[3], 2);
    /* Fault on 8 at time 12: frame 3 (page 6: R 0, age 1, clean, young: the
     * first clean one), frame 0 (page 4, young), frame 1 (page 5, young),
     * frame 2 (page 7: R 1 -> 0). No old page: the first clean one, page 6. */
    CHECK_EQ_I64(TOUCH(sys, 1, 8), VMM_FAULT_MINOR);
    CHECK_EQ_U64(v.vpn[4], 6);
    CHECK_EQ_U64(v.n, 5);
    vmm_system_destroy(sys);
}

/* delta is a parameter of both policies, or the configured window; the two
 * must agree. */
TEST(wspol_params)
{
    static const char *const pols[] = {"ws", "wsclock"};
    for (int k = 0; k < 2; k++) {
        struct vmm_config c;
        struct vmm_system *sys;
        char err[256];
        vmm_config_default(&c);
        c.frames = 4;
        c.data = false;
        c.policy = pols[k];
        CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
        CHECK_EQ_U64(vmm_system_config(sys)->ws_delta, 10000);
        vmm_system_destroy(sys);
        c.policy_params = "delta=7";
        CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
        CHECK_EQ_U64(vmm_system_config(sys)->ws_delta, 7);
        vmm_system_destroy(sys);
        c.ws_delta = 7;
        CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
        vmm_system_destroy(sys);
        c.policy_params = NULL;
        CHECK_EQ_I64(vmm_system_create(&c, &sys, err, sizeof err), 0);
        CHECK_EQ_U64(vmm_system_config(sys)->ws_delta, 7);
        vmm_system_destroy(sys);
        c.policy_params = "delta=8";
        CHECK(vmm_system_create(&c, &sys, err, sizeof err) < 0);
        CHECK_CONTAINS(err, "delta=8");
        c.ws_delta = 0;
        c.policy_params = "delta=0";
        CHECK(vmm_system_create(&c, &sys, err, sizeof err) < 0);
        CHECK_CONTAINS(err, "delta");
        c.policy_params = "window=3";
        CHECK(vmm_system_create(&c, &sys, err, sizeof err) < 0);
        CHECK_CONTAINS(err, "delta");
    }
}

/* ---- under the scheduler ------------------------------------------------------------- */

/* A process that makes n references over its own 20 pages, 8 at a time,
 * moving now and then. */
struct task_ctx {
    uint32_t pid;  /* the process */
    uint64_t rng;  /* its string */
    uint64_t left; /* references to go */
    uint64_t base; /* the window it works in */
    int err;       /* the first unexpected outcome, 0 = none */
};

static int task_step(void *ctx, struct vmm_system *sys)
{
    struct task_ctx *t = ctx;
    if (t->left == 0)
        return 0;
    t->left--;
    if (rnd(&t->rng) % 50 == 0)
        t->base = rnd(&t->rng) % 12;
    uint64_t page = t->base + rnd(&t->rng) % 8;
    bool w = rnd(&t->rng) % 4 == 0;
    int rc = vmm_access(sys, t->pid, page * PS, w ? VMM_WRITE : VMM_READ, NULL, 1);
    if (rc < 0)
        return rc;
    if (rc > VMM_FAULT_MAJOR && !t->err)
        t->err = rc;
    return t->left > 0;
}

/* Victims must be the faulting (or trimmed) process's own under local
 * replacement. */
static void local_only(void *ctx, const struct vmm_event *ev)
{
    uint64_t *bad = ctx;
    *bad += ev->vpid != ev->pid;
}

/* Round robin with working-set and page-fault-frequency load control
 * (processes suspended and resumed, frames taken back), local and global
 * replacement: both policies run clean with the checker after every
 * reference, and local victims stay local. */
TEST(wspol_sched_load_control)
{
    static const char *const pols[] = {"ws", "wsclock"};
    static const struct {
        unsigned load, repl;
    } modes[] = {{VMM_LOAD_WS, VMM_REPLACE_GLOBAL},
                 {VMM_LOAD_WS, VMM_REPLACE_LOCAL},
                 {VMM_LOAD_PFF, VMM_REPLACE_LOCAL},
                 {VMM_LOAD_NONE, VMM_REPLACE_LOCAL}};
    uint64_t suspensions = 0;
    for (int k = 0; k < 2; k++) {
        for (size_t m = 0; m < sizeof modes / sizeof modes[0] && !test_stopped(); m++) {
            struct vmm_config c;
            struct vmm_system *sys;
            char err[256];
            uint64_t bad = 0;
            vmm_config_default(&c);
            c.frames = 18;
            c.data = false;
            c.policy = pols[k];
            c.ws_delta = 40;
            c.check = true;
            c.sched = VMM_SCHED_RR;
            c.quantum_refs = 30;
            c.load_control = modes[m].load;
            c.replacement = modes[m].repl;
            c.pff_window = 100;
            if (vmm_system_create(&c, &sys, err, sizeof err) < 0) {
                test_fail(__FILE__, __LINE__, "%s: %s", pols[k], err);
                return;
            }
            struct vmm_observer o = {VMM_EV_MASK(VMM_EV_VICTIM), local_only, &bad};
            CHECK_EQ_I64(vmm_observer_add(sys, &o), 0);
            struct task_ctx tc[4];
            for (uint32_t i = 0; i < 4; i++) {
                uint32_t pid = i + 1;
                tc[i] = (struct task_ctx){pid, 100 * pid + m, 600 + 100 * i, 0, 0};
                CHECK_EQ_I64(vmm_process_spawn(sys, pid, "t"), 0);
                CHECK_EQ_I64(
                    vmm_region_add(sys, pid, "h", 0, 20 * PS, VMM_PROT_READ | VMM_PROT_WRITE), 0);
                struct vmm_task task = {pid, task_step, &tc[i]};
                CHECK_EQ_I64(vmm_sched_add(sys, &task), 0);
            }
            int rc = vmm_sched_run(sys);
            if (rc < 0)
                test_fail(__FILE__, __LINE__, "%s mode %zu: %s", pols[k], m, vmm_system_error(sys));
            CHECK_EQ_I64(rc, 0);
            for (int i = 0; i < 4; i++)
                CHECK_EQ_I64(tc[i].err, 0);
            if (modes[m].repl == VMM_REPLACE_LOCAL)
                CHECK_EQ_U64(bad, 0);
            struct vmm_stats st;
            vmm_stats_get(sys, &st);
            CHECK(st.evictions > 20);
            suspensions += st.suspensions;
            CHECK_EQ_I64(vmm_system_check(sys), 0);
            vmm_system_destroy(sys);
        }
    }
    CHECK(suspensions > 0); /* load control did act */
}
