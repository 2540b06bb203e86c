/*
 * test_local.c - local replacement and frame allocation (cfg.replacement =
 * VMM_REPLACE_LOCAL).
 *
 *  - Every registered policy, on seeded multi-process runs (spawns, forks,
 *    exits, shared memory, priorities, out-of-memory kills) with few frames
 *    and the invariant checker after every reference: an observer compares
 *    each victim's owner (sys->owner, read through internal.h) with a shadow
 *    kept from the events, and requires it to be the faulting process, or no
 *    one (not when the process is at its allocation, nor when the allocator
 *    trims). The only other victims allowed are the core's fallback: the
 *    faulting process holds no frame and every frame in use is charged to
 *    someone. It also checks that no selection cleared the R bit of a frame
 *    it may not take. opt runs through vmm_replay_refs, as it needs.
 *  - With one process, local replacement makes exactly the faults and
 *    victims of global replacement, for every policy.
 *  - Allocations follow a_i = max(min_frames, floor(x_i / X x m)) with x the
 *    size (proportional), the priority or 1 (equal), and change at the
 *    first fault after the processes (or a priority) change.
 *  - A process over its allocation when another arrives is trimmed at the
 *    next fault, and its trimmed pages read back their bytes; a kill inside
 *    a fault that shrinks a share trims too.
 *  - Bytes survive eviction, copy-on-write and trimming under every policy
 *    (a shadow of every value written).
 *  - Load control (ws, pff) under the scheduler keeps ownership consistent;
 *    with global replacement it enforces no allocation.
 *  - The checker catches broken ownership, naming the frame or process.
 */
#include "harness.h"
#include "internal.h"

#include <stdlib.h>

#define PS    4096u
#define RW    (VMM_PROT_READ | VMM_PROT_WRITE)
#define ANON  0x100000ull  /* each process's private region */
#define SHM   0x4000000ull /* the shared memory mapping */
#define MAXF  16           /* most frames in the multi-process runs */
#define MAXP  24           /* pids a run may use (3 + 2 a round, 8 rounds, fit) */
#define SHM_N 6            /* pages of shared memory */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *rng, uint64_t n)
{
    return splitmix64(rng) % n;
}

/* Short intervals for the policies that tick, so that short runs tick. */
static const char *params_for(const char *policy)
{
    if (strcmp(policy, "nru") == 0)
        return "interval=7";
    if (strcmp(policy, "aging") == 0)
        return "interval=5,bits=4";
    return NULL;
}

static void config(struct vmm_config *c, const char *policy, uint64_t frames, bool data)
{
    vmm_config_default(c);
    c->frames = frames;
    c->policy = policy;
    c->policy_params = params_for(policy);
    c->data = data;
    c->check = true;
    c->replacement = VMM_REPLACE_LOCAL;
}

/* ---- the victim watcher --------------------------------------------------------- */

struct watch {
    struct vmm_system *sys; /* the system watched */
    uint32_t shadow[MAXF];  /* per frame: the pid charged for it, from the events */
    const pte_t *pte[MAXF]; /* per frame: its first mapping when the fault began */
    bool ref[MAXF];         /* per frame: its R bit then */
    uint64_t victims;       /* victims seen */
    uint64_t restricted;    /* of those, chosen with take_pid set */
    uint64_t of_no_one;     /* of those, frames charged to no one */
    uint64_t kills;         /* processes the system killed */
    char err[256];          /* the first disagreement, "" if none */
};

/* A fault begins: the R bits, which nothing but the policy clears until the
 * reference is done. */
static void watch_fault(struct watch *w)
{
    const struct vmm_system *sys = w->sys;
    for (frame_t f = 0; f < sys->nframes; f++) {
        w->pte[f] = sys->frames[f].pte;
        w->ref[f] = w->pte[f] && (frame_bits(sys, f) & PTE_REF);
    }
}

/* Checks the victim of ev (VMM_EV_VICTIM), before its eviction. */
static void watch_victim(struct watch *w, const struct vmm_event *ev)
{
    struct vmm_system *sys = w->sys;
    frame_t f = (frame_t)ev->frame;
    uint32_t owner = sys->owner[f];
    w->victims++;
    /* The selection left the R bits of the frames it may not take alone. */
    for (frame_t g = 0; g < sys->nframes; g++) {
        if (w->ref[g] && sys->frames[g].pte == w->pte[g] && !vmm__may_take(sys, g) &&
            !(frame_bits(sys, g) & PTE_REF)) {
            snprintf(w->err, sizeof w->err,
                     "ref %" PRIu64 ": choosing for P%u cleared R of frame %u, charged to P%u",
                     ev->seq, ev->pid, (unsigned)g, sys->owner[g]);
            return;
        }
    }
    if (owner != w->shadow[f]) {
        snprintf(w->err, sizeof w->err,
                 "ref %" PRIu64 ": frame %u is charged to P%u, events say P%u", ev->seq,
                 (unsigned)f, owner, w->shadow[f]);
        return;
    }
    if (sys->take_pid) {
        w->restricted++;
        w->of_no_one += owner == 0;
        if (sys->take_pid != ev->pid || !(owner == ev->pid || (owner == 0 && !sys->take_own)))
            snprintf(w->err, sizeof w->err,
                     "ref %" PRIu64 ": P%u (take_pid %u%s) took frame %u, charged to P%u", ev->seq,
                     ev->pid, sys->take_pid, sys->take_own ? ", own frames only" : "", (unsigned)f,
                     owner);
        return;
    }
    /* The fallback: the faulting process holds nothing and no frame in use
     * is free of charges. */
    const struct proc *p = vmm__proc(sys, ev->pid);
    bool unowned = false;
    for (frame_t g = 0; g < sys->nframes; g++)
        unowned |= sys->frames[g].pte && !sys->owner[g];
    if (!p || p->st.owned_frames || unowned)
        snprintf(w->err, sizeof w->err,
                 "ref %" PRIu64 ": P%u took frame %u of P%u without restriction (it holds %" PRIu64
                 " frames%s)",
                 ev->seq, ev->pid, (unsigned)f, owner, p ? p->st.owned_frames : 0,
                 unowned ? ", some frame is charged to no one" : "");
}

static void watch_event(void *ctx, const struct vmm_event *ev)
{
    struct watch *w = ctx;
    if (w->err[0])
        return;
    switch (ev->kind) {
    case VMM_EV_FAULT:
        watch_fault(w);
        break;
    case VMM_EV_FREE_FRAME:
        w->shadow[ev->frame] = ev->pid;
        break;
    case VMM_EV_VICTIM:
        watch_victim(w, ev);
        /* get_frame charges it to the faulting process. (Trimming frees it
         * instead; a free frame is no victim until FREE_FRAME resets it.) */
        w->shadow[ev->frame] = ev->pid;
        watch_fault(w); /* the next selection (trimming takes several) starts here */
        break;
    case VMM_EV_EXIT:
    case VMM_EV_KILL:
        w->kills += ev->kind == VMM_EV_KILL;
        for (unsigned f = 0; f < MAXF; f++)
            if (w->shadow[f] == ev->pid)
                w->shadow[f] = 0;
        break;
    default:
        break;
    }
}

static int watch_attach(struct vmm_system *sys, struct watch *w)
{
    memset(w, 0, sizeof *w);
    w->sys = sys;
    struct vmm_observer o = {VMM_EV_MASK(VMM_EV_FAULT) | VMM_EV_MASK(VMM_EV_FREE_FRAME) |
                                 VMM_EV_MASK(VMM_EV_VICTIM) | VMM_EV_MASK(VMM_EV_EXIT) |
                                 VMM_EV_MASK(VMM_EV_KILL),
                             watch_event, w};
    return vmm_observer_add(sys, &o);
}

/* ---- seeded multi-process runs -------------------------------------------------- */

/* A run's processes: who lives, and the size of each one's private region. */
struct world {
    struct vmm_system *sys; /* the system */
    uint32_t shm;           /* the shared memory object */
    uint32_t live[MAXP];    /* live pids */
    unsigned nlive;         /* entries of live */
    uint64_t pages[MAXP];   /* pages[pid]: its private region's pages */
    uint32_t next_pid;      /* the next pid to hand out */
    char msg[512];          /* what failed */
};

#define TRY(w, call)                                                                               \
    do {                                                                                           \
        int e_ = (call);                                                                           \
        if (e_ < 0) {                                                                              \
            snprintf((w)->msg, sizeof(w)->msg, "line %d: %s: %s", __LINE__, #call,                 \
                     vmm_system_error((w)->sys));                                                  \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

/* A new process with a private region of 2 .. 29 pages and the shared memory
 * mapped, at a priority of 1 .. 4. */
static int world_spawn(struct world *w, uint64_t *rng)
{
    uint32_t pid = w->next_pid++;
    w->pages[pid] = 2 + below(rng, 28);
    TRY(w, vmm_process_spawn(w->sys, pid, "p"));
    TRY(w, vmm_region_add(w->sys, pid, "anon", ANON, w->pages[pid] * PS, RW));
    TRY(w, vmm_region_map(w->sys, pid, "shm", SHM, SHM_N * PS, RW, VMM_MAP_SHARED, w->shm, 0));
    TRY(w, vmm_process_set_priority(w->sys, pid, (uint32_t)(1 + below(rng, 4))));
    w->live[w->nlive++] = pid;
    return 0;
}

static int world_fork(struct world *w, uint64_t *rng)
{
    uint32_t parent = w->live[below(rng, w->nlive)], child = w->next_pid++;
    TRY(w, vmm_process_fork(w->sys, parent, child));
    w->pages[child] = w->pages[parent];
    w->live[w->nlive++] = child;
    return 0;
}

/* Drops the processes the system killed (out of memory) from w->live. */
static void world_sync(struct world *w)
{
    for (unsigned i = 0; i < w->nlive;) {
        if (vmm__proc(w->sys, w->live[i])->live)
            i++;
        else
            w->live[i] = w->live[--w->nlive];
    }
}

static int world_exit(struct world *w, uint64_t *rng)
{
    unsigned i = (unsigned)below(rng, w->nlive);
    TRY(w, vmm_process_exit(w->sys, w->live[i]));
    w->live[i] = w->live[--w->nlive];
    return 0;
}

/* A batch of n references by the live processes: a quarter to shared
 * memory, the rest to their private pages (half of them to the first four);
 * 30% writes. */
static void world_refs(struct world *w, uint64_t *rng, struct vmm_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t pid = w->live[below(rng, w->nlive)];
        uint64_t np = w->pages[pid],
                 page = below(rng, 2) ? below(rng, np < 4 ? np : 4) : below(rng, np);
        uint64_t addr = below(rng, 4) == 0 ? SHM + below(rng, SHM_N) * PS : ANON + page * PS;
        refs[i] = (struct vmm_ref){.addr = addr + below(rng, PS / 8) * 8,
                                   .pid = pid,
                                   .size = 8,
                                   .op = below(rng, 10) < 3 ? VMM_WRITE : VMM_READ};
    }
}

/* One seeded run of policy under local replacement, 4 .. 16 frames, the
 * allocation scheme and minimum chosen by the seed, and every fourth run
 * with a backing store of a few slots (the out-of-memory killer ends
 * processes in the middle of faults); the watcher checks every victim.
 * Returns 0, or -1 with a message in w->msg. */
static int run_world(const char *policy, uint64_t seed, struct world *w, struct watch *wa)
{
    uint64_t rng = seed * 0x2545F4914F6CDD1Dull + 11;
    struct vmm_config c;
    static struct vmm_ref refs[160];
    config(&c, policy, 4 + below(&rng, MAXF - 3), false);
    c.allocation = (unsigned)(seed % 3);
    c.min_frames = 1 + below(&rng, 2);
    c.swap_bytes = seed % 4 == 0 ? PS * (4 + below(&rng, 12)) : 0;
    c.seed = seed;
    memset(w, 0, sizeof *w);
    w->next_pid = 1;
    if (vmm_system_create(&c, &w->sys, w->msg, sizeof w->msg) < 0)
        return -1;
    int r = -1;
    if (watch_attach(w->sys, wa) < 0 || vmm_object_shmem(w->sys, "shm", SHM_N * PS, &w->shm) < 0)
        goto out;
    for (int i = 0, n = 2 + (int)below(&rng, 2); i < n; i++)
        if (world_spawn(w, &rng) < 0)
            goto out;
    for (int round = 0; round < 8; round++) {
        world_sync(w);
        if (w->nlive == 0 && world_spawn(w, &rng) < 0)
            goto out;
        world_refs(w, &rng, refs, sizeof refs / sizeof refs[0]);
        if (vmm_replay_refs(w->sys, refs, sizeof refs / sizeof refs[0]) < 0) {
            snprintf(w->msg, sizeof w->msg, "replay: %s", vmm_system_error(w->sys));
            goto out;
        }
        if (wa->err[0]) {
            snprintf(w->msg, sizeof w->msg, "%s", wa->err);
            goto out;
        }
        world_sync(w);
        uint64_t x = below(&rng, 100);
        int e = 0;
        if (x < 25 && w->nlive < 5 && w->next_pid < MAXP)
            e = world_spawn(w, &rng);
        else if (x < 45 && w->nlive && w->nlive < 5 && w->next_pid < MAXP)
            e = world_fork(w, &rng);
        else if (x < 70 && w->nlive > 1)
            e = world_exit(w, &rng);
        if (e < 0)
            goto out;
        if (vmm_system_check(w->sys) < 0) {
            snprintf(w->msg, sizeof w->msg, "after round %d: %s", round, vmm_system_error(w->sys));
            goto out;
        }
    }
    r = 0;
out:
    vmm_system_destroy(w->sys);
    w->sys = NULL;
    return r;
}

TEST(local_victims_are_own_frames)
{
    static struct world w;
    static struct watch wa;
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        uint64_t victims = 0, restricted = 0, no_one = 0, kills = 0;
        for (uint64_t seed = 1; seed <= 24; seed++) {
            if (run_world(pol, seed, &w, &wa) < 0) {
                test_fail(__FILE__, __LINE__, "%s, seed %" PRIu64 ": %s", pol, seed, w.msg);
                return;
            }
            victims += wa.victims;
            restricted += wa.restricted;
            no_one += wa.of_no_one;
            kills += wa.kills;
        }
        /* The runs do exercise the restriction, frames of no one, kills. */
        CHECK(restricted > 100);
        CHECK(no_one > 0);
        CHECK(kills > 0);
        CHECK(victims >= restricted);
    }
}

/* Trace processes (one region over the whole address space, whose size for
 * proportional allocation is the pages they have touched) replayed on 4 ..
 * 15 frames with a backing store of 2 .. 11 slots: the out-of-memory killer
 * ends processes inside faults, which changes the shares there. */
static int run_traces(const char *pol, uint64_t seed, struct watch *wa, char *msg, size_t len)
{
    static struct vmm_ref refs[3000];
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 3;
    struct vmm_config c;
    struct vmm_system *sys;
    config(&c, pol, 4 + below(&rng, 12), false);
    c.allocation = (unsigned)(seed % 3);
    c.swap_bytes = PS * (2 + below(&rng, 10));
    c.seed = seed;
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        uint32_t pid = 1 + (uint32_t)below(&rng, 4);
        refs[i] = (struct vmm_ref){.addr = (below(&rng, 4 + pid * 6) * 3 + 1) * PS,
                                   .pid = pid,
                                   .size = 1,
                                   .op = below(&rng, 2) ? VMM_WRITE : VMM_READ};
    }
    if (vmm_system_create(&c, &sys, msg, len) < 0)
        return -1;
    int r = watch_attach(sys, wa);
    if (r == 0)
        r = vmm_replay_refs(sys, refs, sizeof refs / sizeof refs[0]);
    if (r < 0) {
        snprintf(msg, len, "%s", vmm_system_error(sys));
    } else if (wa->err[0]) {
        snprintf(msg, len, "%s", wa->err);
        r = -1;
    }
    vmm_system_destroy(sys);
    return r < 0 ? -1 : 0;
}

TEST(local_kills_inside_faults)
{
    static struct watch wa;
    char msg[256];
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        uint64_t kills = 0;
        for (uint64_t seed = 1; seed <= 30; seed++) {
            if (run_traces(pol, seed, &wa, msg, sizeof msg) < 0) {
                test_fail(__FILE__, __LINE__, "%s, seed %" PRIu64 ": %s", pol, seed, msg);
                return;
            }
            kills += wa.kills;
        }
        CHECK(kills > 30);
    }
}

/* ---- one process: local = global ------------------------------------------------ */

struct victim {
    uint64_t seq;   /* reference number */
    uint64_t frame; /* frame taken */
    uint64_t vpn;   /* page it held */
};

struct victims {
    struct victim v[2048]; /* in order */
    size_t n;              /* recorded */
};

static void record_victim(void *ctx, const struct vmm_event *ev)
{
    struct victims *r = ctx;
    if (r->n < sizeof r->v / sizeof r->v[0])
        r->v[r->n++] = (struct victim){ev->seq, ev->frame, ev->vvpn};
}

/* Replays refs through policy with replacement rep; fills st and rec. */
static int run_one(const char *policy, unsigned rep, uint64_t frames, uint64_t seed,
                   const struct vmm_ref *refs, size_t n, struct vmm_stats *st, struct victims *rec,
                   char *err, size_t len)
{
    struct vmm_config c;
    struct vmm_system *sys;
    config(&c, policy, frames, false);
    c.replacement = rep;
    c.check = rep == VMM_REPLACE_LOCAL;
    c.seed = seed;
    rec->n = 0;
    if (vmm_system_create(&c, &sys, err, len) < 0)
        return -1;
    struct vmm_observer o = {VMM_EV_MASK(VMM_EV_VICTIM), record_victim, rec};
    int r = vmm_observer_add(sys, &o);
    if (r == 0)
        r = vmm_replay_refs(sys, refs, n);
    if (r < 0)
        snprintf(err, len, "%s", vmm_system_error(sys));
    vmm_stats_get(sys, st);
    vmm_system_destroy(sys);
    return r < 0 ? -1 : 0;
}

TEST(local_one_process_equals_global)
{
    static struct vmm_ref refs[600];
    static struct victims g, l;
    char err[256];
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        for (uint64_t seed = 1; seed <= 30; seed++) {
            uint64_t rng = seed * 7919 + i, pages = 3 + below(&rng, 40);
            uint64_t frames = 1 + below(&rng, 16);
            size_t n = 200 + below(&rng, 400);
            for (size_t k = 0; k < n; k++) {
                uint64_t page = seed % 3 == 0 ? k % pages
                                : seed % 3 == 1
                                    ? below(&rng, pages)
                                    : (below(&rng, 4) ? below(&rng, 4) : below(&rng, pages));
                refs[k] = (struct vmm_ref){.addr = page * 3 * PS,
                                           .pid = 1,
                                           .size = 1,
                                           .op = below(&rng, 3) == 0 ? VMM_WRITE : VMM_READ};
            }
            struct vmm_stats sg, sl;
            if (run_one(pol, VMM_REPLACE_GLOBAL, frames, seed, refs, n, &sg, &g, err, sizeof err) <
                    0 ||
                run_one(pol, VMM_REPLACE_LOCAL, frames, seed, refs, n, &sl, &l, err, sizeof err) <
                    0) {
                test_fail(__FILE__, __LINE__, "%s seed %" PRIu64 ": %s", pol, seed, err);
                return;
            }
            CHECK_EQ_U64(sl.page_faults, sg.page_faults);
            CHECK_EQ_U64(sl.evictions, sg.evictions);
            CHECK_EQ_U64(sl.writebacks, sg.writebacks);
            CHECK_EQ_U64(l.n, g.n);
            for (size_t k = 0; k < g.n; k++) {
                if (l.v[k].seq != g.v[k].seq || l.v[k].frame != g.v[k].frame ||
                    l.v[k].vpn != g.v[k].vpn) {
                    test_fail(__FILE__, __LINE__,
                              "%s seed %" PRIu64 " victim %zu: local took frame %" PRIu64
                              " (page %" PRIu64 ") at ref %" PRIu64 ", global frame %" PRIu64
                              " (page %" PRIu64 ") at ref %" PRIu64,
                              pol, seed, k, l.v[k].frame, l.v[k].vpn, l.v[k].seq, g.v[k].frame,
                              g.v[k].vpn, g.v[k].seq);
                    return;
                }
            }
        }
    }
}

/* ---- allocation ---------------------------------------------------------------- */

/* A system of frames frames, local replacement with scheme alloc, and one
 * process per entry of pages (pids 1, 2, ...) with a region of that many
 * pages and the priority in prio (NULL: 1). */
static struct vmm_system *alloc_sys(uint64_t frames, unsigned alloc, uint64_t min,
                                    const uint64_t *pages, const uint32_t *prio, size_t n)
{
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    config(&c, "lru", frames, false);
    c.allocation = alloc;
    c.min_frames = min;
    if (vmm_system_create(&c, &sys, err, sizeof err) < 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t pid = (uint32_t)i + 1;
        if (vmm_process_spawn(sys, pid, "p") < 0 ||
            vmm_region_add(sys, pid, "anon", ANON, pages[i] * PS, RW) < 0 ||
            (prio && vmm_process_set_priority(sys, pid, prio[i]) < 0)) {
            vmm_system_destroy(sys);
            return NULL;
        }
    }
    return sys;
}

/* The allocations after a fault of P1 on its page pg (which recomputes
 * them) into a. */
static int allocations(struct vmm_system *sys, uint64_t pg, uint64_t *a, size_t n)
{
    struct vmm_proc_stats st[8];
    if (vmm_access(sys, 1, ANON + pg * PS, VMM_READ, NULL, 1) != VMM_FAULT_MINOR ||
        vmm_proc_stats_get(sys, st, 8) != n)
        return -1;
    for (size_t i = 0; i < n; i++)
        a[i] = st[i].allocation;
    return 0;
}

TEST(local_allocation_proportional)
{
    /* Silberschatz's example: 62 frames, processes of 10 and 127 pages. */
    uint64_t a[3];
    struct vmm_system *sys =
        alloc_sys(62, VMM_ALLOC_PROPORTIONAL, 1, (uint64_t[]){10, 127}, NULL, 2);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 2) == 0);
    vmm_system_destroy(sys);
    CHECK_EQ_U64(a[0], 4);  /* floor(10 / 137 x 62) = floor(4.53) */
    CHECK_EQ_U64(a[1], 57); /* floor(127 / 137 x 62) = floor(57.47) */
    /* 3, 5, 7 pages of 100 frames: 20, 33.3, 46.7; one frame stays free. */
    sys = alloc_sys(100, VMM_ALLOC_PROPORTIONAL, 1, (uint64_t[]){3, 5, 7}, NULL, 3);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 3) == 0);
    vmm_system_destroy(sys);
    CHECK_EQ_U64(a[0], 20);
    CHECK_EQ_U64(a[1], 33);
    CHECK_EQ_U64(a[2], 46);
}

TEST(local_allocation_equal)
{
    /* 93 frames, 5 processes: 18 each, 3 left free. */
    uint64_t a[5];
    struct vmm_system *sys =
        alloc_sys(93, VMM_ALLOC_EQUAL, 1, (uint64_t[]){40, 40, 40, 40, 40}, NULL, 5);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 5) == 0);
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U64(a[i], 18);
    /* Each touches 30 pages: it keeps 18 frames, and 3 frames stay free. */
    for (uint32_t pid = 1; pid <= 5; pid++)
        for (uint64_t pg = 0; pg < 30; pg++)
            CHECK(vmm_access(sys, pid, ANON + pg * PS, VMM_WRITE, NULL, 1) >= 0);
    struct vmm_stats st;
    struct vmm_proc_stats ps[5];
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(st.frames_used, 90);
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 5), 5);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_U64(ps[i].owned_frames, 18);
        CHECK_EQ_U64(ps[i].resident_pages, 18);
    }
    /* One exits: 93 / 4 = 23.25, 23 each from the next fault on. */
    CHECK(vmm_process_exit(sys, 5) == 0);
    CHECK(vmm_access(sys, 1, ANON + 29 * PS, VMM_READ, NULL, 1) >= 0); /* a hit */
    CHECK(vmm_access(sys, 1, ANON, VMM_READ, NULL, 1) >= 0);           /* a fault */
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 5), 5);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U64(ps[i].allocation, 23);
    CHECK_EQ_U64(ps[4].allocation, 0);
    vmm_system_destroy(sys);
}

TEST(local_allocation_priority)
{
    /* Priorities 1, 2, 4 of 50 frames: 50/7 x (1, 2, 4) = 7.1, 14.3, 28.6. */
    uint64_t a[3];
    struct vmm_system *sys =
        alloc_sys(50, VMM_ALLOC_PRIORITY, 1, (uint64_t[]){5, 5, 5}, (uint32_t[]){1, 2, 4}, 3);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 3) == 0);
    CHECK_EQ_U64(a[0], 7);
    CHECK_EQ_U64(a[1], 14);
    CHECK_EQ_U64(a[2], 28);
    /* A change of priority takes effect at the next fault: 50/8 x (1, 3, 4). */
    CHECK(vmm_process_set_priority(sys, 2, 3) == 0);
    CHECK(allocations(sys, 1, a, 3) == 0);
    vmm_system_destroy(sys);
    CHECK_EQ_U64(a[0], 6);
    CHECK_EQ_U64(a[1], 18);
    CHECK_EQ_U64(a[2], 25);
}

TEST(local_allocation_minimum)
{
    /* Proportional, 20 frames, 1 and 100 pages: floor(0.198) = 0 -> the
     * minimum 3; floor(19.8) = 19. */
    uint64_t a[5];
    struct vmm_system *sys =
        alloc_sys(20, VMM_ALLOC_PROPORTIONAL, 3, (uint64_t[]){1, 100}, NULL, 2);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 2) == 0);
    vmm_system_destroy(sys);
    CHECK_EQ_U64(a[0], 3);
    CHECK_EQ_U64(a[1], 19);
    /* Equal, 8 frames, 5 processes, minimum 2: floor(1.6) = 1 -> 2. */
    sys = alloc_sys(8, VMM_ALLOC_EQUAL, 2, (uint64_t[]){4, 4, 4, 4, 4}, NULL, 5);
    CHECK(sys);
    CHECK(allocations(sys, 0, a, 5) == 0);
    for (int i = 0; i < 5; i++)
        CHECK_EQ_U64(a[i], 2);
    /* More processes than frames: still each runs, and the checker holds. */
    for (int k = 0; k < 3; k++)
        for (uint32_t pid = 1; pid <= 5; pid++)
            for (uint64_t pg = 0; pg < 4; pg++)
                CHECK(vmm_access(sys, pid, ANON + pg * PS, VMM_WRITE, NULL, 1) >= 0);
    vmm_system_destroy(sys);
}

TEST(local_at_allocation_takes_own_frames)
{
    /* 6 frames, 3 processes: 2 each. P1 brings two pages of shared memory
     * in, which P3 maps too; P1 exits, so they stay cached, charged to no
     * one, and the shares become 3. P2 reads 4 pages: the first 3 take free
     * frames (one stays free); at the 4th P2 is at its allocation and must
     * replace a page of its own, not a page of no one (which would make it
     * hold 4). */
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    uint32_t shm;
    config(&c, "fifo", 6, false);
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    CHECK(vmm_object_shmem(sys, "shm", SHM_N * PS, &shm) == 0);
    for (uint32_t pid = 1; pid <= 3; pid++) {
        CHECK(vmm_process_spawn(sys, pid, "p") == 0);
        CHECK(vmm_region_add(sys, pid, "anon", ANON, 8 * PS, RW) == 0);
        CHECK(vmm_region_map(sys, pid, "shm", SHM, SHM_N * PS, RW, VMM_MAP_SHARED, shm, 0) == 0);
    }
    for (uint32_t pid = 1; pid <= 3; pid += 2)
        for (uint64_t pg = 0; pg < 2; pg++)
            CHECK(vmm_access(sys, pid, SHM + pg * PS, VMM_READ, NULL, 1) >= 0);
    CHECK(vmm_process_exit(sys, 1) == 0);
    for (uint64_t pg = 0; pg < 4; pg++)
        CHECK(vmm_access(sys, 2, ANON + pg * PS, VMM_READ, NULL, 1) == VMM_FAULT_MINOR);
    struct vmm_proc_stats ps[3];
    struct vmm_stats st;
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 3), 3);
    vmm_stats_get(sys, &st);
    vmm_system_destroy(sys);
    CHECK_EQ_U64(ps[1].allocation, 3);
    CHECK_EQ_U64(ps[1].owned_frames, 3);
    CHECK_EQ_U64(ps[1].evicted, 1);
    CHECK_EQ_U64(ps[2].rss_shmem, 2); /* the pages of no one stayed */
    CHECK_EQ_U64(st.frames_used, 5);
}

TEST(local_kill_inside_fault_rebalances)
{
    /* 12 frames, proportional, four trace processes (a trace process's size
     * is the pages it has touched): 3 frames each once all four exist, with
     * sizes 1, 1, 1, 1. Then P1 writes 5 pages (2 go to swap) and P4 12
     * (9 go to swap): the 11 slots are full. P3 writes page 0 and reads 1
     * and 2, reaching its allocation; its read of page 3 must evict page 0,
     * which is dirty and finds no slot, so the out-of-memory killer ends P1
     * (the first of the largest). Shares now: sizes 1, 3, 12 of 16, so P3
     * may hold floor(3/16 x 12) = 2 frames: it is trimmed to 2 before it
     * takes its victim, and the checker (after every reference) agrees. */
    static struct vmm_ref refs[64];
    size_t n = 0;
    const uint32_t first[] = {1, 2, 3, 4};
    for (int i = 0; i < 4; i++) /* each one's first reference: page 0 */
        refs[n++] = (struct vmm_ref){PS, first[i], 1, first[i] == 2 ? VMM_READ : VMM_WRITE};
    for (uint64_t pg = 1; pg < 5; pg++)
        refs[n++] = (struct vmm_ref){(pg + 1) * PS, 1, 1, VMM_WRITE};
    for (uint64_t pg = 1; pg < 12; pg++)
        refs[n++] = (struct vmm_ref){(pg + 1) * PS, 4, 1, VMM_WRITE};
    for (uint64_t pg = 1; pg < 4; pg++)
        refs[n++] = (struct vmm_ref){(pg + 1) * PS, 3, 1, VMM_READ};
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    config(&c, "lru", 12, false);
    c.allocation = VMM_ALLOC_PROPORTIONAL;
    c.swap_bytes = 11 * PS;
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    int r = vmm_replay_refs(sys, refs, n);
    if (r < 0)
        test_fail(__FILE__, __LINE__, "%s", vmm_system_error(sys));
    struct vmm_proc_stats ps[4];
    struct vmm_stats st;
    vmm_stats_get(sys, &st);
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 4), 4);
    vmm_system_destroy(sys);
    CHECK(r == 0);
    CHECK_EQ_U64(st.oom_kills, 1);
    CHECK(ps[0].killed && ps[1].live && ps[2].live && ps[3].live);
    CHECK_EQ_U64(ps[2].allocation, 2);
    CHECK_EQ_U64(ps[2].owned_frames, 2);
    CHECK_EQ_U64(ps[3].allocation, 9);
    CHECK_EQ_U64(ps[1].allocation, 1);
}

TEST(local_ws_load_control_global_keeps_frames)
{
    /* Load control tracks ownership, but with global replacement there are
     * no allocations to enforce: a new process takes P1's least recently
     * used page, it does not trim P1 to half the memory. */
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    config(&c, "lru", 8, false);
    c.replacement = VMM_REPLACE_GLOBAL;
    c.load_control = VMM_LOAD_WS;
    c.sched = VMM_SCHED_RR; /* load control needs it; the references below are direct */
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    for (uint32_t pid = 1; pid <= 2; pid++) {
        CHECK(vmm_process_spawn(sys, pid, "p") == 0);
        CHECK(vmm_region_add(sys, pid, "anon", ANON, 16 * PS, RW) == 0);
        if (pid == 1)
            for (uint64_t pg = 0; pg < 8; pg++)
                CHECK(vmm_access(sys, 1, ANON + pg * PS, VMM_READ, NULL, 1) >= 0);
    }
    CHECK(vmm_access(sys, 2, ANON, VMM_READ, NULL, 1) == VMM_FAULT_MINOR);
    struct vmm_proc_stats ps[2];
    CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
    CHECK_EQ_U64(ps[0].owned_frames, 7);
    CHECK_EQ_U64(ps[0].evicted, 1);
    CHECK_EQ_U64(ps[1].owned_frames, 1);
    CHECK_EQ_U64(ps[0].allocation, 0);
    vmm_system_destroy(sys);
}

/* ---- trimming ------------------------------------------------------------------ */

/* The byte pattern of page pg of process pid. */
static void pattern(uint8_t *b, size_t n, uint32_t pid, uint64_t pg)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(pid * 31 + pg * 7 + i * 3 + 1);
}

TEST(local_trim_keeps_bytes)
{
    uint8_t want[64], got[64];
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        struct vmm_config c;
        struct vmm_system *sys;
        char err[256];
        config(&c, pol, 16, true);
        CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
        CHECK(vmm_process_spawn(sys, 1, "big") == 0);
        CHECK(vmm_region_add(sys, 1, "anon", ANON, 32 * PS, RW) == 0);
        for (uint64_t pg = 0; pg < 16; pg++) {
            pattern(want, sizeof want, 1, pg);
            CHECK(vmm_access(sys, 1, ANON + pg * PS + 100, VMM_WRITE, want, sizeof want) >= 0);
        }
        struct vmm_proc_stats ps[2];
        CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 1);
        CHECK_EQ_U64(ps[0].allocation, 16);
        CHECK_EQ_U64(ps[0].owned_frames, 16);
        /* A second process arrives: P1 keeps its frames until the next fault. */
        CHECK(vmm_process_spawn(sys, 2, "new") == 0);
        CHECK(vmm_region_add(sys, 2, "anon", ANON, 8 * PS, RW) == 0);
        CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
        CHECK_EQ_U64(ps[0].owned_frames, 16);
        CHECK(vmm_system_check(sys) == 0);
        CHECK_EQ_I64(vmm_access(sys, 2, ANON, VMM_WRITE, NULL, 1), VMM_FAULT_MINOR);
        CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
        CHECK_EQ_U64(ps[0].allocation, 8);
        CHECK_EQ_U64(ps[1].allocation, 8);
        CHECK_EQ_U64(ps[0].owned_frames, 8);
        CHECK_EQ_U64(ps[0].resident_pages, 8);
        CHECK_EQ_U64(ps[0].evicted, 8);
        CHECK_EQ_U64(ps[0].writebacks, 8);
        CHECK_EQ_U64(ps[1].owned_frames, 1);
        /* Every page, trimmed or not, reads back its bytes. */
        for (uint64_t pg = 0; pg < 16; pg++) {
            pattern(want, sizeof want, 1, pg);
            memset(got, 0, sizeof got);
            CHECK(vmm_access(sys, 1, ANON + pg * PS + 100, VMM_READ, got, sizeof got) >= 0);
            if (memcmp(got, want, sizeof want) != 0) {
                test_fail(__FILE__, __LINE__, "%s: P1 page %" PRIu64 " lost its bytes", pol, pg);
                vmm_system_destroy(sys);
                return;
            }
        }
        CHECK_EQ_U64(vmm_proc_stats_get(sys, ps, 2), 2);
        CHECK_EQ_U64(ps[0].owned_frames, 8);
        CHECK(ps[0].page_faults >= 16 + 8); /* at least the trimmed pages came back */
        vmm_system_destroy(sys);
    }
}

/* ---- bytes through eviction ----------------------------------------------------- */

#define DPAGES 12 /* private pages per process */
#define DSLOTS 16 /* 8-byte values per page checked */

struct dshadow {
    uint64_t anon[MAXP][DPAGES][DSLOTS]; /* last value written by each process */
    uint64_t shm[SHM_N][DSLOTS];         /* last value written to shared memory */
    uint32_t live[MAXP];                 /* live pids */
    unsigned nlive;                      /* entries of live */
    uint32_t next_pid;                   /* next pid */
};

static int dspawn(struct vmm_system *sys, struct dshadow *d, uint32_t shm)
{
    uint32_t pid = d->next_pid++;
    if (vmm_process_spawn(sys, pid, "p") < 0 ||
        vmm_region_add(sys, pid, "anon", ANON, DPAGES * PS, RW) < 0 ||
        vmm_region_map(sys, pid, "shm", SHM, SHM_N * PS, RW, VMM_MAP_SHARED, shm, 0) < 0)
        return -1;
    d->live[d->nlive++] = pid;
    return 0;
}

/* One seeded run of 3000 accesses of 8 bytes by 2 .. 5 processes (spawns,
 * forks and exits between them) on 10 frames; every read must return the
 * last value written. Returns 0 or -1 with a message. */
static int run_bytes(const char *pol, uint64_t seed, char *msg, size_t len)
{
    static struct dshadow d;
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 5;
    struct vmm_config c;
    struct vmm_system *sys;
    uint32_t shm;
    config(&c, pol, 10, true);
    c.allocation = (unsigned)(seed % 3);
    c.seed = seed;
    memset(&d, 0, sizeof d);
    d.next_pid = 1;
    if (vmm_system_create(&c, &sys, msg, len) < 0)
        return -1;
    int r = -1;
    if (vmm_object_shmem(sys, "shm", SHM_N * PS, &shm) < 0 || dspawn(sys, &d, shm) < 0 ||
        dspawn(sys, &d, shm) < 0)
        goto fail;
    for (int k = 0; k < 3000; k++) {
        if (k % 300 == 299) {
            uint64_t x = below(&rng, 3);
            if (x == 0 && d.nlive < 5 && d.next_pid < MAXP) {
                if (dspawn(sys, &d, shm) < 0)
                    goto fail;
            } else if (x == 1 && d.nlive < 5 && d.next_pid < MAXP) {
                uint32_t parent = d.live[below(&rng, d.nlive)], child = d.next_pid++;
                if (vmm_process_fork(sys, parent, child) < 0)
                    goto fail;
                memcpy(d.anon[child], d.anon[parent], sizeof d.anon[child]);
                d.live[d.nlive++] = child;
            } else if (d.nlive > 1) {
                unsigned i = (unsigned)below(&rng, d.nlive);
                if (vmm_process_exit(sys, d.live[i]) < 0)
                    goto fail;
                d.live[i] = d.live[--d.nlive];
            }
        }
        uint32_t pid = d.live[below(&rng, d.nlive)];
        bool shared = below(&rng, 4) == 0;
        uint64_t pg = below(&rng, shared ? SHM_N : DPAGES), slot = below(&rng, DSLOTS);
        uint64_t *cell = shared ? &d.shm[pg][slot] : &d.anon[pid][pg][slot];
        uint64_t addr = (shared ? SHM : ANON) + pg * PS + slot * 8, v;
        if (below(&rng, 10) < 6) {
            v = splitmix64(&rng);
            if (vmm_access(sys, pid, addr, VMM_WRITE, &v, 8) < 0)
                goto fail;
            *cell = v;
        } else {
            if (vmm_access(sys, pid, addr, VMM_READ, &v, 8) < 0)
                goto fail;
            if (v != *cell) {
                snprintf(msg, len,
                         "access %d: P%u read 0x%" PRIx64 " at 0x%" PRIx64 ", wrote 0x%" PRIx64, k,
                         pid, v, addr, *cell);
                vmm_system_destroy(sys);
                return -1;
            }
        }
    }
    r = 0;
    vmm_system_destroy(sys);
    return r;
fail:
    snprintf(msg, len, "%s", vmm_system_error(sys));
    vmm_system_destroy(sys);
    return r;
}

TEST(local_bytes_survive_eviction)
{
    char msg[256];
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        for (uint64_t seed = 1; seed <= 4; seed++) {
            if (run_bytes(pol, seed, msg, sizeof msg) < 0) {
                test_fail(__FILE__, __LINE__, "%s seed %" PRIu64 ": %s", pol, seed, msg);
                return;
            }
        }
    }
}

/* ---- load control --------------------------------------------------------------- */

/* A task of the scheduler: n random references to its region, two thirds to
 * its first third. */
struct rtask {
    uint32_t pid;   /* its process */
    uint64_t rng;   /* its own generator */
    int left;       /* references still to make */
    uint64_t pages; /* pages of its region */
};

static int rtask_step(void *ctx, struct vmm_system *sys)
{
    struct rtask *t = ctx;
    if (t->left-- <= 0)
        return 0;
    uint64_t pg = below(&t->rng, 3) ? below(&t->rng, t->pages / 3 + 1) : below(&t->rng, t->pages);
    int r =
        vmm_access(sys, t->pid, ANON + pg * PS, below(&t->rng, 3) ? VMM_READ : VMM_WRITE, NULL, 1);
    return r < 0 ? r : 1;
}

TEST(local_load_control_keeps_ownership)
{
    /* Round robin with load control (ws or pff, which implies local
     * replacement), local or global replacement, every allocation scheme,
     * sometimes a small backing store: the checker, ownership included, runs
     * after every reference, through suspensions and resumptions. */
    static struct rtask t[5];
    uint64_t suspensions = 0;
    for (size_t i = 0; vmm_policy_at(i); i++) {
        const char *pol = vmm_policy_at(i)->name;
        for (uint64_t seed = 1; seed <= 8; seed++) {
            uint64_t rng = seed * 977 + i;
            struct vmm_config c;
            struct vmm_system *sys;
            char err[256];
            config(&c, pol, 8 + below(&rng, 24), false);
            c.sched = VMM_SCHED_RR;
            c.quantum_refs = 50;
            c.load_control = seed % 2 ? VMM_LOAD_WS : VMM_LOAD_PFF;
            c.replacement = seed % 4 < 2 ? VMM_REPLACE_LOCAL : VMM_REPLACE_GLOBAL;
            c.allocation = (unsigned)(seed % 3);
            c.ws_delta = 200;
            c.pff_window = 100;
            c.swap_bytes = seed % 3 == 0 ? PS * (10 + below(&rng, 20)) : 0;
            CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
            int n = 2 + (int)below(&rng, 4), r = 0;
            for (int k = 0; r == 0 && k < n; k++) {
                t[k] = (struct rtask){(uint32_t)k + 1, rng + (uint64_t)k,
                                      300 + (int)below(&rng, 300), 5 + below(&rng, 40)};
                struct vmm_task vt = {t[k].pid, rtask_step, &t[k]};
                if ((r = vmm_process_spawn(sys, t[k].pid, "p")) == 0 &&
                    (r = vmm_region_add(sys, t[k].pid, "anon", ANON, t[k].pages * PS, RW)) == 0 &&
                    (r = vmm_process_set_priority(sys, t[k].pid, 1 + (uint32_t)below(&rng, 3))) ==
                        0)
                    r = vmm_sched_add(sys, &vt);
            }
            if (r == 0)
                r = vmm_sched_run(sys);
            if (r < 0) {
                test_fail(__FILE__, __LINE__, "%s seed %" PRIu64 ": %s", pol, seed,
                          vmm_system_error(sys));
                vmm_system_destroy(sys);
                return;
            }
            struct vmm_stats st;
            vmm_stats_get(sys, &st);
            suspensions += st.suspensions;
            vmm_system_destroy(sys);
        }
    }
    CHECK(suspensions > 0);
}

/* ---- the checker ---------------------------------------------------------------- */

TEST(local_checker_catches_bad_ownership)
{
    struct vmm_config c;
    struct vmm_system *sys;
    char err[256];
    config(&c, "fifo", 8, false);
    CHECK(vmm_system_create(&c, &sys, err, sizeof err) == 0);
    CHECK(vmm_process_spawn(sys, 1, "a") == 0);
    CHECK(vmm_region_add(sys, 1, "anon", ANON, 16 * PS, RW) == 0);
    CHECK(vmm_process_spawn(sys, 2, "b") == 0);
    CHECK(vmm_region_add(sys, 2, "anon", ANON, 16 * PS, RW) == 0);
    for (uint64_t pg = 0; pg < 3; pg++)
        CHECK(vmm_access(sys, 1, ANON + pg * PS, VMM_READ, NULL, 1) >= 0);
    CHECK(vmm_access(sys, 2, ANON, VMM_READ, NULL, 1) >= 0);
    CHECK(vmm_system_check(sys) == 0);
    struct proc *p1 = vmm__proc(sys, 1);
    frame_t f1 = pte_frame(*pt_find(sys, p1, ANON / PS));

    /* A count that disagrees with the charges. */
    p1->st.owned_frames++;
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK_CONTAINS(vmm_system_error(sys), "P1: 3 frames are charged to it, its count says 4");
    p1->st.owned_frames--;
    /* A free frame charged to someone. */
    frame_t fr = sys->free_head;
    sys->owner[fr] = 2;
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK(strstr(vmm_system_error(sys), "is free but charged to P2"));
    sys->owner[fr] = 0;
    /* A frame charged to a process that does not exist, or has ended. */
    sys->owner[f1] = 7;
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK(strstr(vmm_system_error(sys), "is charged to P7, which does not exist"));
    sys->owner[f1] = 1;
    CHECK(vmm_system_check(sys) == 0);
    /* Over its allocation (4 each). */
    CHECK_EQ_U64(p1->st.allocation, 4);
    p1->st.allocation = 2;
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK_CONTAINS(vmm_system_error(sys), "P1 holds 3 frames, over its allocation of 2");
    /* ... which is not checked while the allocations are out of date. */
    sys->alloc_dirty = true;
    CHECK(vmm_system_check(sys) == 0);
    p1->st.allocation = 4;
    sys->alloc_dirty = false;
    CHECK(vmm_system_check(sys) == 0);
    CHECK(vmm_process_exit(sys, 2) == 0);
    CHECK(vmm_system_check(sys) == 0);
    sys->owner[f1] = 2;
    p1->st.owned_frames--;
    vmm__proc(sys, 2)->st.owned_frames++;
    CHECK_EQ_I64(vmm_system_check(sys), VMM_EINVARIANT);
    CHECK(strstr(vmm_system_error(sys), "is charged to P2, which has ended"));
    sys->owner[f1] = 1;
    p1->st.owned_frames++;
    vmm__proc(sys, 2)->st.owned_frames--;
    CHECK(vmm_system_check(sys) == 0);
    vmm_system_destroy(sys);
}
