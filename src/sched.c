/*
 * sched.c - simulated time, the CPU scheduler and dispatcher, the disk queue,
 * frame allocation among processes, and load control (docs/model.md, "Time
 * and the scheduler").
 *
 * Time is an integer count of nanoseconds. A process is a task whose step()
 * does one piece of work through the API (one page reference, or one system
 * call); the scheduler measures each step by the counters it moved:
 *
 *   CPU  references x (memory + TLB) + walks x levels x level
 *        + faults x (trap + TLB + walk)              (the cost model)
 *   disk every read of the backing store (swap or a file) and every write
 *        the step waits for: one disk, first come first served, one page
 *        transfer at a time; the periodic flusher's writes queue as well, but
 *        no process waits for them
 *
 * The step's CPU time comes first, then its transfers are queued; a process
 * with transfers blocks until the last completes, and the CPU goes to the
 * next ready process. The page is mapped when the fault is handled (the
 * frame is taken then); only the faulting process waits for it.
 *
 *            +--------- quantum used up ----------+
 *            v                                    |
 *   new -> READY --dispatch (context switch)--> RUNNING --exit--> DONE
 *            ^                                    |
 *            +---- its transfers complete ---- BLOCKED (disk)
 *
 *   READY/BLOCKED --load control--> SUSPENDED --load control--> READY
 *
 * The dispatcher keeps a FIFO ready queue (round robin); a context switch to
 * another process costs cost.switch_ns of CPU and, without ASIDs, flushes the
 * TLB. While nothing is ready the CPU idles until the next transfer ends.
 *
 * Frame ownership: with local replacement or load control each frame is
 * charged to the process that brought its page in (sys->owner); a process
 * never holds more than its allocation under local replacement (the checker
 * verifies it), and its victims come only from its own frames, or, while it
 * is below its allocation, also from frames no one is charged for
 * (vmm__may_take).
 */
#include "internal.h"

#include <stdlib.h>

/* A task as the scheduler keeps it. */
struct task_rt {
    struct vmm_task t; /* as added */
    bool done;         /* step returned 0 (or its process ended) */
};

struct sched {
    struct task_rt *tasks; /* every task added, by index */
    size_t ntasks, cap;    /* used, allocated */
    uint32_t *ready;       /* ring of task indices: the ready queue */
    size_t rhead, rcount;  /* first entry, entries */
    size_t rcap;           /* ring size (>= ntasks) */
    uint64_t now;          /* the simulated clock, ns */
    uint64_t disk_free;    /* when the disk has served everything queued */
    uint64_t cpu_ns;       /* CPU time of steps */
    uint64_t switch_ns;    /* CPU time of context switches */
    uint64_t disk_ns;      /* disk busy */
    uint64_t switches;     /* context switches */
    uint32_t last_pid;     /* the process that had the CPU last, 0 = none yet */
    uint64_t end;          /* when the last completion happened */
    bool ran;              /* vmm_sched_run has been called */
};

/* ---- the cost of a step ------------------------------------------------------------ */

/* What a step did, from the global counters. */
struct usage {
    uint64_t cpu;    /* CPU ns of references and traps */
    uint64_t reads;  /* pages read from the backing store */
    uint64_t writes; /* pages written that the process waits for */
    uint64_t bg;     /* pages written that no one waits for (the flusher) */
    uint64_t xfer;   /* ns of whole-image transfers (relocation, segmentation), waited for */
};

static struct usage usage_of(const struct vmm_system *sys)
{
    const struct vmm_cost_model *c = &sys->cfg.cost;
    const struct vmm_stats *s = &sys->st;
    uint64_t tlb = sys->tlb.sets ? c->tlb_ns : 0, walk = sys->levels * c->pt_level_ns;
    uint64_t fw = 0;
    for (int i = 0; i < VMM_WB__COUNT; i++)
        fw += s->file_writes[i];
    struct usage u;
    u.cpu = s->references * (c->mem_ns + tlb) + s->walks * walk +
            s->page_faults * (c->fault_ns + tlb + walk) + s->copy_ns;
    u.xfer = s->image_disk_ns;
    u.reads = s->swap_reads + s->file_reads;
    u.bg = s->file_writes[VMM_WB_PERIODIC];
    /* Eviction's file writes are among the writebacks already. */
    u.writes = s->writebacks + fw - s->file_writes[VMM_WB_EVICT] - u.bg;
    return u;
}

/* ---- process states ---------------------------------------------------------------- */

/* Moves p to state st at the current time, adding the time spent in the old
 * state to its account. */
static void set_state(struct vmm_system *sys, struct proc *p, enum pstate st)
{
    uint64_t now = sys->sched ? sys->sched->now : 0, d = now - p->since;
    switch (p->state) {
    case PS_READY:
        p->st.ready_ns += d;
        break;
    case PS_RUNNING:
        break; /* run_ns is counted step by step */
    case PS_BLOCKED:
        p->st.blocked_ns += d;
        break;
    case PS_SUSPENDED:
        p->st.suspended_ns += d;
        break;
    default:
        break;
    }
    p->state = (uint8_t)st;
    p->since = now;
}

/* ---- frame ownership and allocation ----------------------------------------------------- */

void vmm__charge(struct vmm_system *sys, frame_t f, struct proc *p)
{
    if (!sys->owner)
        return;
    VMM_ASSERT(sys->owner[f] == 0);
    sys->owner[f] = p->pid;
    p->st.owned_frames++;
}

void vmm__uncharge(struct vmm_system *sys, frame_t f)
{
    if (!sys->owner || !sys->owner[f])
        return;
    struct proc *p = vmm__proc(sys, sys->owner[f]);
    VMM_ASSERT(p && p->st.owned_frames > 0);
    p->st.owned_frames--;
    sys->owner[f] = 0;
}

void vmm__uncharge_all(struct vmm_system *sys, struct proc *p)
{
    for (frame_t f = 0; sys->owner && p->st.owned_frames && f < sys->nframes; f++)
        if (sys->owner[f] == p->pid)
            vmm__uncharge(sys, f);
}

/* Active processes: live and not suspended; they share the frames. */
static bool active(const struct proc *p)
{
    return p && p->live && p->state != PS_SUSPENDED;
}

/* Size of p in pages for proportional allocation: the pages of its regions,
 * but a region of the whole address space (a trace's process) counts the
 * pages it has touched. */
static uint64_t proc_size(const struct vmm_system *sys, const struct proc *p)
{
    uint64_t pages = 0;
    for (size_t i = 0; i < p->nregions; i++) {
        const struct region *r = &p->regions[i];
        uint64_t n = (r->end - r->start) >> sys->page_shift;
        if (r->start == 0 && n >= sys->vpn_limit)
            n = p->st.resident_pages + p->st.swapped_pages;
        pages += n;
    }
    return pages ? pages : 1;
}

void vmm__alloc_changed(struct vmm_system *sys)
{
    if (sys->local && sys->cfg.load_control != VMM_LOAD_PFF)
        sys->alloc_dirty = true;
}

/* Divides the frames among the active processes by the configured scheme:
 * a_i = floor(x_i / X x m) with x the size, the priority or 1, but at least
 * min_frames. What the floors leave over stays free (the textbook's free-frame
 * buffer). */
static void allocate(struct vmm_system *sys)
{
    const struct vmm_config *c = &sys->cfg;
    uint64_t total = 0;
    sys->alloc_dirty = false;
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *p = sys->procs[i];
        if (!active(p))
            continue;
        total += c->allocation == VMM_ALLOC_PROPORTIONAL ? proc_size(sys, p)
                 : c->allocation == VMM_ALLOC_PRIORITY   ? p->st.priority
                                                         : 1;
    }
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *p = sys->procs[i];
        if (!p)
            continue;
        if (!active(p)) {
            p->st.allocation = 0;
            continue;
        }
        uint64_t x = c->allocation == VMM_ALLOC_PROPORTIONAL ? proc_size(sys, p)
                     : c->allocation == VMM_ALLOC_PRIORITY   ? p->st.priority
                                                             : 1;
        /* x / total x m without overflow: m < 2^32 and x <= total. */
        uint64_t a = (uint64_t)((unsigned __int128)x * sys->nframes / total);
        p->st.allocation = a < c->min_frames ? c->min_frames : a;
    }
}

uint64_t vmm__allocation(struct vmm_system *sys, struct proc *p)
{
    if (!sys->owner)
        return UINT64_MAX;
    if (sys->alloc_dirty)
        allocate(sys);
    return p->st.allocation ? p->st.allocation : sys->cfg.min_frames;
}

int vmm__sched_init(struct vmm_system *sys)
{
    const struct vmm_config *c = &sys->cfg;
    if (c->replacement == VMM_REPLACE_LOCAL || c->load_control != VMM_LOAD_NONE) {
        sys->owner = vmm__alloc_big(sys->nframes * sizeof *sys->owner);
        if (!sys->owner)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for the frame owners");
    }
    sys->local = c->replacement == VMM_REPLACE_LOCAL || c->load_control == VMM_LOAD_PFF;
    return 0;
}

void vmm__sched_destroy(struct vmm_system *sys)
{
    if (sys->owner)
        vmm__free_big(sys->owner, sys->nframes * sizeof *sys->owner);
    sys->owner = NULL;
    if (sys->sched) {
        free(sys->sched->tasks);
        free(sys->sched->ready);
        free(sys->sched);
        sys->sched = NULL;
    }
}

int vmm__rebalance(struct vmm_system *sys)
{
    if (!sys->local) { /* ownership for load control only: no allocations to keep */
        sys->alloc_dirty = false;
        return 0;
    }
    allocate(sys);
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *q = sys->procs[i];
        if (active(q) && q->st.owned_frames > q->st.allocation) {
            int e = vmm__trim(sys, q, q->st.allocation);
            if (e < 0)
                return e;
        }
    }
    return 0;
}

int vmm_process_set_priority(struct vmm_system *sys, uint32_t pid, uint32_t priority)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p)
        return vmm__fail(sys, VMM_ENOENT, "no process %u", pid);
    if (priority < 1)
        return vmm__fail(sys, VMM_EINVAL, "priority 0: expected 1 or more");
    p->st.priority = priority;
    if (sys->cfg.allocation == VMM_ALLOC_PRIORITY)
        vmm__alloc_changed(sys);
    return 0;
}

/* ---- the disk --------------------------------------------------------------------- */

/* Queues n transfers of ns each behind what the disk has; returns when the
 * last completes. */
static uint64_t disk_queue(struct sched *s, uint64_t n, uint64_t ns)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t start = s->disk_free > s->now ? s->disk_free : s->now;
        s->disk_free = start + ns;
        s->disk_ns += ns;
    }
    return s->disk_free;
}

/* ---- tasks ------------------------------------------------------------------------ */

static struct task_rt *task_of(struct sched *s, const struct proc *p)
{
    return p->task ? &s->tasks[p->task - 1] : NULL;
}

static int ready_push(struct vmm_system *sys, struct sched *s, size_t t)
{
    if (s->rcount == s->rcap) {
        size_t cap = s->rcap ? s->rcap * 2 : 16;
        uint32_t *n = malloc(cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for the ready queue");
        for (size_t i = 0; i < s->rcount; i++)
            n[i] = s->ready[(s->rhead + i) % s->rcap];
        free(s->ready);
        s->ready = n;
        s->rhead = 0;
        s->rcap = cap;
    }
    s->ready[(s->rhead + s->rcount++) % s->rcap] = (uint32_t)t;
    return 0;
}

static size_t ready_pop(struct sched *s)
{
    size_t t = s->ready[s->rhead];
    s->rhead = (s->rhead + 1) % s->rcap;
    s->rcount--;
    return t;
}

/* Drops task t from the ready queue (it was suspended). */
static void ready_remove(struct sched *s, size_t t)
{
    size_t k = 0;
    for (size_t i = 0; i < s->rcount; i++) {
        uint32_t x = s->ready[(s->rhead + i) % s->rcap];
        if (x != t)
            s->ready[(s->rhead + k++) % s->rcap] = x;
    }
    s->rcount = k;
}

static int sched_get(struct vmm_system *sys, struct sched **out)
{
    if (!sys->sched && !(sys->sched = calloc(1, sizeof *sys->sched)))
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for the scheduler");
    *out = sys->sched;
    return 0;
}

int vmm_sched_add(struct vmm_system *sys, const struct vmm_task *task)
{
    struct sched *s = NULL;
    struct proc *p = vmm__proc(sys, task->pid);
    if (!p || !p->live)
        return vmm__fail(sys, VMM_ENOENT, "scheduler: no running process %u", task->pid);
    if (p->task)
        return vmm__fail(sys, VMM_EEXIST, "scheduler: process %u has a task already", p->pid);
    int e = sched_get(sys, &s);
    if (e < 0)
        return e;
    if (s->ntasks == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct task_rt *n = realloc(s->tasks, cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for the scheduler");
        s->tasks = n;
        s->cap = cap;
    }
    if ((e = ready_push(sys, s, s->ntasks)) < 0)
        return e;
    s->tasks[s->ntasks] = (struct task_rt){*task, false};
    p->task = (uint32_t)++s->ntasks;
    p->state = PS_READY;
    p->since = s->now;
    return 0;
}

uint64_t vmm_sched_now(const struct vmm_system *sys)
{
    return sys->sched ? sys->sched->now : 0;
}

/* ---- load control ------------------------------------------------------------------ */

/* Swaps p out whole and parks it. */
static int suspend(struct vmm_system *sys, struct sched *s, struct proc *p, const char *why)
{
    uint64_t before = usage_of(sys).writes;
    long freed = vmm__swap_out_proc(sys, p);
    if (freed < 0)
        return (int)freed;
    /* Its write-backs occupy the disk; no one waits for them. */
    disk_queue(s, usage_of(sys).writes - before, sys->cfg.cost.swap_write_ns);
    vmm__uncharge_all(sys, p); /* cached pages others map: no one's now */
    struct task_rt *t = task_of(s, p);
    if (p->state == PS_READY && t)
        ready_remove(s, (size_t)(t - s->tasks));
    p->susp_ws = p->st.ws_size;
    p->susp_alloc = p->st.allocation;
    set_state(sys, p, PS_SUSPENDED);
    p->st.suspensions++;
    sys->st.suspensions++;
    vmm__alloc_changed(sys);
    EMIT(sys, VMM_EV_SUSPEND, .pid = p->pid, .frame = (uint64_t)freed, .text = why);
    return 0;
}

static int resume(struct vmm_system *sys, struct sched *s, struct proc *p, const char *why)
{
    struct task_rt *t = task_of(s, p);
    int e = ready_push(sys, s, (size_t)(t - s->tasks));
    if (e < 0)
        return e;
    set_state(sys, p, PS_READY);
    sys->st.resumptions++;
    vmm__alloc_changed(sys);
    EMIT(sys, VMM_EV_RESUME, .pid = p->pid, .text = why);
    return 0;
}

/* The process load control suspends first: the lowest priority, then the
 * largest working set (or allocation), then the highest pid (the newest). */
static struct proc *suspend_choice(const struct vmm_system *sys, bool by_ws)
{
    struct proc *v = NULL;
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *q = sys->procs[i];
        if (!active(q) || !q->task)
            continue;
        uint64_t sq = by_ws ? q->st.ws_size : q->st.allocation;
        uint64_t sv = v ? (by_ws ? v->st.ws_size : v->st.allocation) : 0;
        if (!v || q->st.priority < v->st.priority || (q->st.priority == v->st.priority && sq >= sv))
            v = q;
    }
    return v;
}

/* The suspended process to resume first: the highest priority, then the one
 * suspended longest. */
static struct proc *resume_choice(const struct vmm_system *sys)
{
    struct proc *v = NULL;
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *q = sys->procs[i];
        if (!q || !q->live || q->state != PS_SUSPENDED)
            continue;
        if (!v || q->st.priority > v->st.priority ||
            (q->st.priority == v->st.priority && q->since < v->since))
            v = q;
    }
    return v;
}

static unsigned count_active(const struct vmm_system *sys)
{
    unsigned n = 0;
    for (size_t i = 0; i < sys->cap_procs; i++)
        n += active(sys->procs[i]) && sys->procs[i]->task;
    return n;
}

/* Working-set control (Denning): while the working sets of the processes that
 * run exceed the frames, suspend one; when a suspended one's working set (as
 * it was when it left) fits beside them, resume it. One process always runs. */
static int ws_control(struct vmm_system *sys, struct sched *s)
{
    char why[128];
    for (;;) {
        uint64_t sum = 0;
        for (size_t i = 0; i < sys->cap_procs; i++)
            if (active(sys->procs[i]) && sys->procs[i]->task)
                sum += sys->procs[i]->st.ws_size;
        if (sum > sys->nframes && count_active(sys) > 1) {
            struct proc *v = suspend_choice(sys, true);
            snprintf(why, sizeof why,
                     "working sets %" PRIu64 " > %" PRIu64 " frames; its working set %" PRIu64, sum,
                     sys->nframes, v->st.ws_size);
            int e = suspend(sys, s, v, why);
            if (e < 0)
                return e;
            continue;
        }
        struct proc *r = resume_choice(sys);
        if (r && (sum + r->susp_ws <= sys->nframes || count_active(sys) == 0)) {
            snprintf(why, sizeof why,
                     "working sets %" PRIu64 " + its %" PRIu64 " fit in %" PRIu64 " frames", sum,
                     r->susp_ws, sys->nframes);
            int e = resume(sys, s, r, why);
            if (e < 0)
                return e;
            continue;
        }
        return 0;
    }
}

/* Frames allocated to active processes. */
static uint64_t allocated(const struct vmm_system *sys)
{
    uint64_t n = 0;
    for (size_t i = 0; i < sys->cap_procs; i++)
        if (active(sys->procs[i]))
            n += sys->procs[i]->st.allocation;
    return n;
}

/* Page-fault-frequency control, for p after a step: every pff_window of its
 * references, its fault rate is compared with the bounds. Above the upper
 * one it is given a frame for each fault over the bound (from the frames no
 * one is allocated; when none is left, a process is suspended to free
 * some); below the lower one it gives back a frame for each fault under it.
 * A suspended process is resumed when its old allocation is free again. */
static int pff_control(struct vmm_system *sys, struct sched *s, struct proc *p)
{
    const struct vmm_config *c = &sys->cfg;
    char why[128];
    int e;
    if (p && active(p) && p->st.references - p->pff_refs >= c->pff_window) {
        uint64_t refs = p->st.references - p->pff_refs;
        uint64_t faults = p->st.page_faults - p->pff_faults;
        uint64_t hi = c->pff_upper * refs / 1000, lo = c->pff_lower * refs / 1000;
        p->pff_refs = p->st.references;
        p->pff_faults = p->st.page_faults;
        if (faults > hi) {
            uint64_t want = faults - hi, have = allocated(sys);
            if (have + want > sys->nframes && have < sys->nframes)
                want = sys->nframes - have;
            if (have >= sys->nframes && count_active(sys) > 1) {
                struct proc *v = suspend_choice(sys, false);
                snprintf(why, sizeof why,
                         "P%u faults %" PRIu64 " per 1000 references, above %u, and no frame "
                         "is free",
                         p->pid, faults * 1000 / refs, c->pff_upper);
                if ((e = suspend(sys, s, v, why)) < 0)
                    return e;
                have = allocated(sys);
                want = have < sys->nframes ? sys->nframes - have : 0;
                if (want > faults - hi)
                    want = faults - hi;
            }
            if (active(p))
                p->st.allocation += have < sys->nframes ? want : 0;
        } else if (faults < lo && p->st.allocation > c->min_frames) {
            uint64_t give = lo - faults;
            if (give > p->st.allocation - c->min_frames)
                give = p->st.allocation - c->min_frames;
            p->st.allocation -= give;
            if ((e = vmm__trim(sys, p, p->st.allocation)) < 0)
                return e;
        }
    }
    struct proc *r = resume_choice(sys);
    if (r) {
        uint64_t have = allocated(sys), need = r->susp_alloc ? r->susp_alloc : c->min_frames;
        if (have + need <= sys->nframes || count_active(sys) == 0) {
            snprintf(why, sizeof why, "%" PRIu64 " frames free for its %" PRIu64,
                     sys->nframes - have, need);
            r->st.allocation = need;
            if ((e = resume(sys, s, r, why)) < 0)
                return e;
        }
    }
    return 0;
}

/* A new process under pff: its share of the frames no one is allocated, at
 * least the minimum. */
static void pff_admit(struct vmm_system *sys, struct proc *p)
{
    uint64_t have = allocated(sys) - p->st.allocation;
    uint64_t n = count_active(sys), free_ = have < sys->nframes ? sys->nframes - have : 0;
    uint64_t a = free_ / (n ? n : 1);
    p->st.allocation = a < sys->cfg.min_frames ? sys->cfg.min_frames : a;
    p->pff_refs = p->st.references;
    p->pff_faults = p->st.page_faults;
}

/* ---- the dispatcher and the run loop ------------------------------------------------ */

/* Blocked processes whose transfers are done by now join the ready queue, in
 * the order their transfers completed. Returns the earliest wake-up still to
 * come (UINT64_MAX if none) in *next. */
static int wake_up(struct vmm_system *sys, struct sched *s, uint64_t *next)
{
    for (;;) {
        struct proc *w = NULL;
        *next = UINT64_MAX;
        for (size_t i = 0; i < s->ntasks; i++) {
            struct proc *q = vmm__proc(sys, s->tasks[i].t.pid);
            if (!q || q->state != PS_BLOCKED || s->tasks[i].done)
                continue;
            if (q->wake == UINT64_MAX && q->mem_seen != vmm__cm_changes(sys))
                q->wake = s->now; /* waited for memory, which changed: try again */
            if (q->wake <= s->now && (!w || q->wake < w->wake))
                w = q;
            else if (q->wake > s->now && q->wake < *next)
                *next = q->wake;
        }
        if (!w)
            return 0;
        uint64_t now = s->now;
        s->now = w->wake; /* its blocked time ends when its transfer did */
        set_state(sys, w, PS_READY);
        s->now = now;
        int e = ready_push(sys, s, w->task - 1);
        if (e < 0)
            return e;
    }
}

/* Ends task t: its process exits if it still runs. */
static int finish(struct vmm_system *sys, struct sched *s, struct task_rt *t, struct proc *p)
{
    t->done = true;
    if (p->live) {
        uint64_t before = usage_of(sys).writes;
        int e = vmm_process_exit(sys, p->pid);
        if (e < 0)
            return e;
        disk_queue(s, usage_of(sys).writes - before, sys->cfg.cost.swap_write_ns);
    }
    set_state(sys, p, PS_DONE);
    if (s->now > s->end)
        s->end = s->now;
    return 0;
}

/* Gives the CPU to task t: a context switch if another process ran last. */
static void dispatch(struct vmm_system *sys, struct sched *s, struct proc *p, const char *why)
{
    if (s->last_pid && s->last_pid != p->pid) {
        s->now += sys->cfg.cost.switch_ns;
        s->switch_ns += sys->cfg.cost.switch_ns;
        s->switches++;
        if (!sys->cfg.asid)
            vmm__tlb_flush_all(&sys->tlb);
    }
    EMIT(sys, VMM_EV_SWITCH, .pid = p->pid, .vpid = s->last_pid, .text = why);
    s->last_pid = p->pid;
    set_state(sys, p, PS_RUNNING);
}

/* Runs task t until it blocks, ends or uses up its quantum. Returns why it
 * stopped ("disk", "quantum", "exit") through *why, or a negative error. */
static int run_slice(struct vmm_system *sys, struct sched *s, struct task_rt *t, struct proc *p,
                     const char **why)
{
    const struct vmm_config *c = &sys->cfg;
    uint64_t used_ns = 0, used_refs = 0;
    for (;;) {
        struct usage u0 = usage_of(sys);
        uint64_t refs0 = p->st.references;
        size_t ti = (size_t)(t - s->tasks);
        int r = t->t.step(t->t.ctx, sys);
        t = &s->tasks[ti]; /* a step that adds a task (fork) may move the array */
        if (r < 0)
            return r;
        struct usage u1 = usage_of(sys);
        uint64_t cpu = u1.cpu - u0.cpu;
        s->now += cpu;
        s->cpu_ns += cpu;
        p->st.run_ns += cpu;
        used_ns += cpu;
        used_refs += p->st.references - refs0;
        disk_queue(s, u1.bg - u0.bg, c->cost.swap_write_ns);
        uint64_t waits = u1.writes - u0.writes, reads = u1.reads - u0.reads;
        uint64_t xfer = u1.xfer - u0.xfer; /* whole images swapped so that it could run */
        if (waits || reads || xfer) {
            disk_queue(s, waits, c->cost.swap_write_ns);
            p->wake = disk_queue(s, reads, c->cost.swap_read_ns);
            if (xfer)
                p->wake = disk_queue(s, 1, xfer);
        }
        if (sys->timeline)
            vmm__timeline_tick(sys);
        if (r == 0 || !p->live) {
            *why = p->killed ? "killed" : "exit";
            return finish(sys, s, t, p);
        }
        if (p->st.waiting) { /* no hole for its image: blocked until memory changes */
            set_state(sys, p, PS_BLOCKED);
            if (!(waits || reads || xfer)) {
                p->wake = UINT64_MAX;
                p->mem_seen = vmm__cm_changes(sys);
            }
            *why = "memory";
            return 0;
        }
        if (waits || reads || xfer)
            set_state(sys, p, PS_BLOCKED);
        if (c->load_control == VMM_LOAD_PFF) {
            int e = pff_control(sys, s, p);
            if (e < 0)
                return e;
        }
        if (p->state == PS_SUSPENDED) {
            *why = "suspended";
            return 0;
        }
        if (p->state == PS_BLOCKED) {
            *why = "disk";
            return 0;
        }
        if (c->quantum_refs ? used_refs >= c->quantum_refs : used_ns >= c->quantum_ns) {
            set_state(sys, p, PS_READY);
            *why = "quantum";
            return ready_push(sys, s, t - s->tasks);
        }
    }
}

static int sched_loop(struct vmm_system *sys, struct sched *s);

int vmm_sched_run(struct vmm_system *sys)
{
    struct sched *s = NULL;
    int e = sched_get(sys, &s);
    if (e < 0)
        return e;
    s->ran = true;
    sys->in_sched = true;
    vmm__periodic_reset(sys);
    e = sched_loop(sys, s);
    sys->in_sched = false;
    vmm__periodic_reset(sys);
    return e;
}

static int sched_loop(struct vmm_system *sys, struct sched *s)
{
    int e;
    if (sys->cfg.load_control == VMM_LOAD_PFF)
        for (size_t i = 0; i < s->ntasks; i++)
            pff_admit(sys, vmm__proc(sys, s->tasks[i].t.pid));
    const char *why = "start";
    for (;;) {
        uint64_t next;
        if ((e = wake_up(sys, s, &next)) < 0)
            return e;
        if (sys->cfg.load_control == VMM_LOAD_WS && (e = ws_control(sys, s)) < 0)
            return e;
        if (sys->cfg.load_control == VMM_LOAD_PFF && (e = pff_control(sys, s, NULL)) < 0)
            return e;
        if (s->rcount == 0) {
            if (next != UINT64_MAX) { /* the CPU idles until a transfer ends */
                s->now = next;
                if (sys->timeline)
                    vmm__timeline_tick(sys);
                continue;
            }
            struct proc *r = resume_choice(sys);
            if (r) { /* nothing else can run: load control must let one back */
                if ((e = resume(sys, s, r, "nothing else can run")) < 0)
                    return e;
                continue;
            }
            break;
        }
        size_t ti = ready_pop(s);
        struct task_rt *t = &s->tasks[ti];
        struct proc *p = vmm__proc(sys, t->t.pid);
        if (t->done || !p->live || p->state == PS_SUSPENDED) {
            if (!t->done && !p->live && (e = finish(sys, s, t, p)) < 0)
                return e;
            continue;
        }
        if (sys->cfg.load_control == VMM_LOAD_PFF && !p->st.allocation)
            pff_admit(sys, p);
        dispatch(sys, s, p, why);
        if ((e = run_slice(sys, s, t, p, &why)) < 0)
            return e;
    }
    if (s->disk_free > s->end) /* the last write-backs complete */
        s->end = s->disk_free;
    if (s->now > s->end)
        s->end = s->now;
    return 0;
}

void vmm__clock(const struct vmm_system *sys, uint64_t *now, uint64_t *cpu, uint64_t *disk)
{
    const struct sched *s = sys->sched;
    if (!s || !s->ran) {
        struct usage u = usage_of(sys);
        *cpu = u.cpu;
        *disk = u.reads * sys->cfg.cost.swap_read_ns +
                (u.writes + u.bg) * sys->cfg.cost.swap_write_ns + u.xfer;
        *now = *cpu + *disk;
        return;
    }
    *now = s->now;
    *cpu = s->cpu_ns;
    /* The disk's queue is one busy stretch up to disk_free: what lies past
     * now is still to come. */
    *disk = s->disk_ns - (s->disk_free > s->now ? s->disk_free - s->now : 0);
}

/* Fills the time fields of out (vmm_stats_get). */
void vmm__sched_stats(const struct vmm_system *sys, struct vmm_stats *out)
{
    const struct sched *s = sys->sched;
    if (!s || !s->ran) { /* nothing overlaps: the sum of the costs */
        vmm__clock(sys, &out->elapsed_ns, &out->cpu_ns, &out->disk_ns);
        out->idle_ns = out->disk_ns;
        return;
    }
    out->elapsed_ns = s->end;
    out->cpu_ns = s->cpu_ns;
    out->switch_ns = s->switch_ns;
    out->idle_ns = s->end - s->cpu_ns - s->switch_ns;
    out->disk_ns = s->disk_ns;
    out->context_switches = s->switches;
}

/* Fills the time fields of a process's statistics. */
void vmm__sched_proc_stats(const struct vmm_system *sys, const struct proc *p,
                           struct vmm_proc_stats *out)
{
    if (!sys->sched || p->state == PS_DONE)
        return;
    uint64_t d = sys->sched->now - p->since; /* the state it is in now */
    if (p->state == PS_READY)
        out->ready_ns += d;
    else if (p->state == PS_BLOCKED)
        out->blocked_ns += d;
    else if (p->state == PS_SUSPENDED)
        out->suspended_ns += d;
}
