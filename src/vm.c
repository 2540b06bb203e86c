/*
 * vm.c - the system's lifecycle, processes and regions, and the hot path of a
 * reference: TLB, page-table walk, and on a miss the trap (fault.c).
 *
 * The per-reference path allocates nothing and, with every observer off, pays
 * one predictable branch per would-be event. A policy that did not ask for
 * per-access callbacks (clock, fifo, ...) gets none: it sees only the
 * reference bits the path sets in the PTE, as hardware does.
 */
#include "internal.h"
#include "policy/params.h"

#include <stdio.h>
#include <stdlib.h>

/* Sets the countdown to the nearest periodic work: the policy's tick or the
 * flusher (one counter on the hot path however many kinds there are). */
static void schedule(struct vmm_system *sys)
{
    uint64_t next = sys->pol_left;
    if (sys->flush_left && (!next || sys->flush_left < next))
        next = sys->flush_left;
    if (sys->timeline && !sys->in_sched) /* time is the sum of the costs: sample each one */
        next = 1;
    sys->tick_left = sys->tick_span = next;
}

void vmm__periodic_reset(struct vmm_system *sys)
{
    schedule(sys);
}

/* The countdown ran out: run whatever periodic work is due. */
static __attribute__((noinline)) void periodic(struct vmm_system *sys)
{
    uint64_t elapsed = sys->tick_span;
    if (sys->pol_left && (sys->pol_left -= elapsed) == 0) {
        sys->pol_left = sys->tick;
        sys->pol->on_tick(sys->pol_state);
    }
    if (sys->flush_left && (sys->flush_left -= elapsed) == 0) {
        sys->flush_left = sys->cfg.flush_interval;
        /* With data on, the reference's bytes are stored after this tick
         * (vmm_access): writing its page back now would clear its dirty bit
         * before they land. So the flusher runs once they have. */
        if (sys->cfg.data)
            sys->flush_due = true;
        else
            vmm__flush_all(sys, VMM_WB_PERIODIC);
    }
    if (sys->timeline && !sys->in_sched)
        vmm__timeline_tick(sys);
    schedule(sys);
}

int vmm_system_create(const struct vmm_config *cfg, struct vmm_system **out, char *err,
                      size_t errlen)
{
    struct policy_params pp;
    int r = vmm_config_validate(cfg, err, errlen);
    *out = NULL;
    if (r < 0)
        return r;
    struct vmm_system *sys = calloc(1, sizeof *sys);
    if (!sys) {
        snprintf(err, errlen, "out of memory");
        return VMM_ENOMEM;
    }
    sys->cfg = *cfg;
    vmm__copy_str(sys->policy_name, sizeof sys->policy_name, cfg->policy);
    vmm__copy_str(sys->policy_params, sizeof sys->policy_params, cfg->policy_params);
    vmm__copy_str(sys->swap_path, sizeof sys->swap_path, cfg->swap_path);
    sys->cfg.policy = sys->policy_name;
    sys->cfg.policy_params = sys->policy_params[0] ? sys->policy_params : NULL;
    sys->cfg.swap_path = sys->swap_path[0] ? sys->swap_path : NULL;
    sys->page_shift = vmm__log2(cfg->page_size);
    sys->levels = vmm_config_levels(cfg);
    sys->top_shift = 9 * (sys->levels - 1);
    sys->vpn_limit = 1ull << (cfg->va_bits - sys->page_shift);
    sys->next_asid = 1;
    sys->pol = vmm__policy_find(sys->policy_name);
    if (cfg->mmu != VMM_MMU_PAGING) /* no pages to translate: no TLB, no page tables */
        sys->cfg.tlb_entries = 0;

    if ((r = vmm__phys_init(sys)) < 0 || (r = vmm__tlb_init(sys)) < 0 ||
        (r = vmm__sched_init(sys)) < 0 || (r = vmm__swap_init(sys)) < 0 ||
        (r = vmm__params_parse(sys, cfg->policy_params, &pp)) < 0 ||
        (cfg->mmu != VMM_MMU_PAGING && (r = vmm__cm_init(sys)) < 0))
        goto fail;
    if ((r = sys->pol->create(sys, &pp, &sys->pol_state)) < 0) {
        if (!sys->err[0])
            vmm__fail(sys, r, "policy %s: %s", sys->policy_name, vmm_strerror(r));
        goto fail;
    }
    if ((r = vmm__params_unused(sys, &pp)) < 0)
        goto fail;
    sys->pol_access = (sys->pol->needs & POLICY_ON_ACCESS) != 0;
    sys->pol_left = sys->tick;
    sys->flush_left = cfg->flush_interval;
    schedule(sys);
    if (!sys->cfg.ws_delta && (cfg->load_control == VMM_LOAD_WS || (sys->pol->needs & POLICY_WSET)))
        sys->cfg.ws_delta = VMM_WS_DELTA_DEFAULT;
    sys->ws_on = sys->cfg.ws_delta > 0;
    sys->lean = !sys->tlb.sets && !cfg->check && !sys->ws_on;
    *out = sys;
    return 0;
fail:
    snprintf(err, errlen, "%s", sys->err[0] ? sys->err : vmm_strerror(r));
    vmm_system_destroy(sys);
    return r;
}

void vmm_system_destroy(struct vmm_system *sys)
{
    if (!sys)
        return;
    if (sys->frames)
        vmm__flush_all(sys, VMM_WB_EXIT); /* what is still dirty reaches its file */
    for (size_t i = 0; i < sys->cap_procs; i++) {
        struct proc *p = sys->procs[i];
        if (!p)
            continue;
        vmm__pt_free(sys, p);
        vmm__ws_free(p);
        free(p->regions);
        free(p);
    }
    free(sys->procs);
    vmm__sched_destroy(sys);
    vmm__objs_destroy(sys);
    if (sys->pol_state)
        sys->pol->destroy(sys->pol_state);
    free(sys->explain);
    vmm__timeline_free(sys);
    free(sys->stamp);
    vmm__cm_destroy(sys);
    vmm__swap_destroy(sys);
    vmm__tlb_destroy(&sys->tlb);
    vmm__phys_destroy(sys);
    free(sys);
}

const struct vmm_config *vmm_system_config(const struct vmm_system *sys)
{
    return &sys->cfg;
}

/* ---- the hot path ---------------------------------------------------------------- */

/* Periodic work after a reference: the policy's tick, the flusher. */
static inline void tick(struct vmm_system *sys)
{
    if (sys->tick_left && --sys->tick_left == 0)
        periodic(sys);
}

/* A PTE that lets op through without a trap: valid, and writable for a write. */
static inline bool usable(const pte_t *pte, unsigned op)
{
    pte_t need = PTE_VALID | (op == VMM_WRITE ? PTE_WRITE : 0);
    return pte && (*pte & need) == need;
}

/* Hits' counters: hits references by p, each a walk that found its page
 * (replay_plain adds a batch's at once). */
static inline void add_hits(struct vmm_system *sys, struct proc *p, uint64_t hits)
{
    sys->st.references += hits;
    sys->st.walks += hits;
    sys->st.hits += hits;
    p->st.references += hits;
}

/* Everything a hit does when nothing watches: the bits the hardware sets, the
 * counters, the policy's callback if it asked for one, the periodic tick. */
static inline void lean_count_hit(struct vmm_system *sys, struct proc *p, pte_t *pte, unsigned op,
                                  uint64_t next_use)
{
    *pte |= PTE_REF | (op == VMM_WRITE ? PTE_DIRTY : 0);
    add_hits(sys, p, 1);
    if (sys->pol_access) {
        sys->cur = p;
        sys->pol->on_access(sys->pol_state, pte_frame(*pte), op, next_use);
    }
    tick(sys);
}

/* ref_full's trap for a located PTE that does not let op through, with
 * nothing watching: the counters, the fault, the periodic tick. Returns as
 * vmm__fault_lean. */
static inline int lean_trap(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                            pte_t *pte)
{
    sys->st.references++;
    sys->st.walks++;
    p->st.references++;
    sys->cur = p;
    int e = vmm__fault_lean(sys, p, addr, op, pte);
    if (e >= 0 && e != VMM_KILLED)
        tick(sys);
    return e;
}

/* The short path of a hit while nothing watches (no observer, TLB or
 * checker): what the full path does for a hit, without its events. Returns
 * false, having changed nothing, when the full path must run. */
static inline bool lean_hit(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                            frame_t *frame_out)
{
    pte_t *pte = pt_find(sys, p, addr >> sys->page_shift);
    if (VMM_UNLIKELY(!usable(pte, op)))
        return false;
    lean_count_hit(sys, p, pte, op, sys->next_use);
    if (frame_out)
        *frame_out = pte_frame(*pte);
    return true;
}

/* The full path: TLB, walk, trap, restart, with every event. */
static int ref_full(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                    frame_t *frame_out)
{
    vpn_t vpn = addr >> sys->page_shift;
    pte_t *pte = NULL;
    int outcome = VMM_HIT;

    sys->st.references++;
    p->st.references++;
    sys->cur = p;
    if (sys->ws_on && VMM_UNLIKELY(vmm__ws_ref(sys, p, vpn) < 0))
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for the working set of P%u", p->pid);
    EMIT(sys, VMM_EV_REF, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .vpn = vpn);
    if (sys->tlb.sets) {
        pte = tlb_lookup(&sys->tlb, p->asid, vpn);
        if (pte) {
            sys->st.tlb_hits++;
            EMIT(sys, VMM_EV_TLB_HIT, .pid = p->pid, .vpn = vpn, .frame = pte_frame(*pte));
        } else {
            sys->st.tlb_misses++;
            EMIT(sys, VMM_EV_TLB_MISS, .pid = p->pid, .vpn = vpn);
        }
    }
    if (!pte) {
        sys->st.walks++;
        pte = pt_find(sys, p, vpn);
        EMIT(sys, VMM_EV_WALK, .pid = p->pid, .vpn = vpn, .levels = (uint8_t)sys->levels,
             .valid = pte && (*pte & PTE_VALID), .frame = pte ? pte_frame(*pte) : 0);
        if (pte && (*pte & PTE_VALID) && sys->tlb.sets)
            vmm__tlb_fill(&sys->tlb, p->asid, vpn, pte);
    }
    if (VMM_LIKELY(pte && (*pte & PTE_VALID) && (op != VMM_WRITE || (*pte & PTE_WRITE)))) {
        *pte |= PTE_REF | (op == VMM_WRITE ? PTE_DIRTY : 0);
        sys->st.hits++;
        if (sys->pol_access)
            sys->pol->on_access(sys->pol_state, pte_frame(*pte), op, sys->next_use);
    } else {
        outcome = vmm__fault(sys, p, addr, op, &pte);
        if (outcome < 0)
            return outcome;
        if (outcome == VMM_KILLED) {
            EMIT(sys, VMM_EV_REF_END, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr,
                 .outcome = VMM_KILLED);
            return VMM_KILLED;
        }
        if (sys->tlb.sets)
            vmm__tlb_fill(&sys->tlb, p->asid, vpn, pte);
    }
    if (frame_out)
        *frame_out = pte_frame(*pte);
    EMIT(sys, VMM_EV_REF_END, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr,
         .outcome = (uint8_t)outcome, .frame = pte_frame(*pte));
    tick(sys);
    if (VMM_UNLIKELY(sys->cfg.check)) {
        int r = vmm_system_check(sys);
        if (r < 0)
            return r;
    }
    return outcome;
}

int vmm__ref(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, frame_t *frame_out)
{
    if (VMM_LIKELY(sys->lean) && lean_hit(sys, p, addr, op, frame_out))
        return VMM_HIT;
    return ref_full(sys, p, addr, op, frame_out);
}

/* Checks that [addr, addr+len) lies inside the address width. */
static int check_range(struct vmm_system *sys, uint64_t addr, size_t len)
{
    uint64_t top = 1ull << sys->cfg.va_bits;
    if (addr >= top || len > top - addr)
        return vmm__fail(sys, VMM_ERANGE,
                         "address 0x%" PRIx64 " is beyond the %u-bit virtual address space%s", addr,
                         sys->cfg.va_bits,
                         sys->cfg.va_bits == 32   ? " (a wider one: --va-bits 48 or 57)"
                         : sys->cfg.va_bits == 48 ? " (a wider one: --va-bits 57)"
                                                  : "");
    return 0;
}

int vmm_access(struct vmm_system *sys, uint32_t pid, uint64_t addr, enum vmm_op op, void *buf,
               size_t len)
{
    struct proc *p = vmm__proc(sys, pid);
    int worst = VMM_HIT, r;
    if (!p)
        return vmm__fail(sys, VMM_ENOENT, "no process %u", pid);
    if ((unsigned)op > VMM_EXEC)
        return vmm__fail(sys, VMM_EINVAL, "unknown operation %d", (int)op);
    if (len == 0)
        len = 1;
    if ((r = check_range(sys, addr, len)) < 0)
        return r;
    if (!p->live)
        return VMM_DEAD;
    if (sys->cm)
        return vmm__cm_access(sys, p, addr, op, buf, len);
    uint8_t *b = buf;
    size_t ps = sys->cfg.page_size;
    while (len > 0) { /* a kill returns at once, so p stays live in here */
        size_t off = addr & (ps - 1), n = ps - off < len ? ps - off : len;
        frame_t f;
        r = vmm__ref(sys, p, addr, op, &f);
        if (r < 0 || r == VMM_KILLED)
            return r;
        if (r > worst)
            worst = r;
        if (sys->cfg.data && b) {
            uint8_t *m = frame_mem(sys, f) + off;
            if (op == VMM_WRITE)
                memcpy(m, b, n);
            else
                memcpy(b, m, n);
        }
        if (VMM_UNLIKELY(sys->flush_due)) { /* the periodic flusher, bytes stored */
            sys->flush_due = false;
            vmm__flush_all(sys, VMM_WB_PERIODIC); /* a failed page stays dirty: next time */
        }
        if (b)
            b += n;
        addr += n;
        len -= n;
    }
    return worst;
}

/* ---- replay ------------------------------------------------------------------------ */

/* The process behind a trace's pid, created at its first reference with one
 * region spanning the whole address space. */
static struct proc *trace_proc(struct vmm_system *sys, uint32_t pid, int *err)
{
    struct proc *p = vmm__proc(sys, pid);
    if (VMM_LIKELY(p))
        return p;
    char name[16];
    snprintf(name, sizeof name, "P%u", pid);
    if ((*err = vmm_process_spawn(sys, pid, name)) < 0 ||
        (*err = vmm_region_add(sys, pid, "all", 0, 1ull << sys->cfg.va_bits,
                               VMM_PROT_READ | VMM_PROT_WRITE | VMM_PROT_EXEC)) < 0)
        return NULL;
    return vmm__proc(sys, pid);
}

/* A trace reference that moves bytes or spans pages: through vmm_access.
 * Writes store the reference's sequence number, so the bytes really move. */
static __attribute__((noinline)) int replay_slow(struct vmm_system *sys, const struct vmm_ref *ref,
                                                 size_t len)
{
    int err;
    if (sys->cfg.data && ref->op == VMM_WRITE) {
        if (!sys->stamp && !(sys->stamp = malloc(STAMP_WORDS * sizeof *sys->stamp)))
            return vmm__fail(sys, VMM_ENOMEM, "out of memory");
        for (size_t i = 0; i < (len + 7) / 8 && i < STAMP_WORDS; i++)
            sys->stamp[i] = sys->st.references + 1;
        err = vmm_access(sys, ref->pid, ref->addr, VMM_WRITE, sys->stamp, len);
    } else {
        err = vmm_access(sys, ref->pid, ref->addr, (enum vmm_op)ref->op, NULL, len);
    }
    return err < 0 ? err : 0;
}

/* One reference of a trace. */
static inline int replay_one(struct vmm_system *sys, const struct vmm_ref *ref)
{
    int err = 0;
    struct proc *p = sys->last;
    if (VMM_UNLIKELY(!p || p->pid != ref->pid)) {
        if (!(p = trace_proc(sys, ref->pid, &err)))
            return err;
        sys->last = p;
    }
    if (VMM_UNLIKELY(!p->live))
        return 0;
    size_t len = ref->size ? ref->size : 1;
    /* The common case of policy studies: no bytes to move, one page. */
    if (VMM_LIKELY(!sys->cfg.data && ref->addr < sys->vpn_limit << sys->page_shift &&
                   (ref->addr & (sys->cfg.page_size - 1)) + len <= sys->cfg.page_size)) {
        if (VMM_LIKELY(sys->lean) && lean_hit(sys, p, ref->addr, ref->op, NULL))
            return 0;
        err = ref_full(sys, p, ref->addr, ref->op, NULL);
        return err < 0 ? err : 0;
    }
    return replay_slow(sys, ref, len);
}

/*
 * The policy-study loop: a batch replayed with nothing watching and no bytes
 * to move. It is software-pipelined, since a reference misses the caches
 * several times over (its PTE, then the policy's entry for its frame, then
 * what that entry leads to) and each miss would otherwise stall the next:
 *
 *   reference i + AHEAD      its PTE is located (the upper levels are hot)
 *                            and prefetched;
 *   reference i + AHEAD/2    its PTE has arrived: if valid, the policy is
 *                            told its frame is about to be accessed
 *                            (prefetch step 0: what on_access reads first);
 *   reference i + AHEAD/4    step 1: what that leads to;
 *   reference i              served.
 *
 * A located PTE pointer stays good while its process lives: its nodes are
 * freed only when it ends, and a dead process's references never read the
 * pointer. Whatever else changed in between (a page evicted, a frame
 * reused) only wastes a prefetch.
 *
 * next (may be NULL) gives each reference's next-use index within refs, or
 * NO_NEXT; reference j's sequence number is base + j. That is what OPT sees.
 */
enum { AHEAD = 24, RING = 32 };
#define NO_NEXT UINT32_MAX

static inline uint64_t next_use_of(const uint32_t *next, uint64_t base, size_t j)
{
    if (!next)
        return 0;
    return next[j] == NO_NEXT ? NEXT_USE_NEVER : base + next[j];
}

static int replay_lean(struct vmm_system *sys, const struct vmm_ref *refs, size_t n,
                       const uint32_t *next, uint64_t base)
{
    pte_t *ring[RING];
    struct proc *qring[RING];
    frame_t fring[RING];
    const unsigned shift = sys->page_shift;
    const uint64_t top = sys->vpn_limit << shift, pmask = sys->cfg.page_size - 1;
    void (*const prefetch)(void *, frame_t, unsigned) = sys->pol_access ? sys->pol->prefetch : NULL;
    struct proc *q = NULL; /* the process of the reference located last */
    for (size_t i = 0; i < n + AHEAD; i++) {
        if (i < n) {
            const struct vmm_ref *a = &refs[i];
            if (VMM_UNLIKELY(!q || q->pid != a->pid))
                q = vmm__proc(sys, a->pid);
            /* only a reference the short paths take: in one page, in range */
            size_t len = a->size ? a->size : 1;
            pte_t *pte = q && q->live && a->addr < top && (a->addr & pmask) + len <= pmask + 1
                             ? pt_find(sys, q, a->addr >> shift)
                             : NULL;
            if (pte)
                __builtin_prefetch(pte, 1);
            ring[i % RING] = pte;
            qring[i % RING] = q;
        }
        if (prefetch) {
            size_t k = i - AHEAD / 2; /* (below 0 it wraps, above n) */
            if (k < n) {              /* (a process killed since: its tables are gone) */
                const pte_t *pte = ring[k % RING];
                frame_t f = pte && qring[k % RING]->live && (*pte & PTE_VALID) ? pte_frame(*pte)
                                                                               : FRAME_NONE;
                fring[k % RING] = f;
                if (f != FRAME_NONE)
                    prefetch(sys->pol_state, f, 0);
            }
            k = i - AHEAD * 3 / 4;
            if (k < n && fring[k % RING] != FRAME_NONE)
                prefetch(sys->pol_state, fring[k % RING], 1);
        }
        if (i < AHEAD)
            continue;
        size_t j = i - AHEAD;
        const struct vmm_ref *r = &refs[j];
        pte_t *pte = ring[j % RING];
        struct proc *p = qring[j % RING];
        sys->next_use = next_use_of(next, base, j);
        if (VMM_LIKELY(pte && p->live)) {
            sys->last = p; /* (replay_one's cache of the current process) */
            if (VMM_LIKELY(usable(pte, r->op))) {
                lean_count_hit(sys, p, pte, r->op, sys->next_use);
                continue;
            }
            int e = lean_trap(sys, p, r->addr, r->op, pte);
            if (e < 0)
                return e;
            continue;
        }
        int e = replay_one(sys, r);
        if (e < 0)
            return e;
    }
    return 0;
}

/*
 * The lean loop's commonest case in a loop of its own: a batch of one
 * process's references that the caller vouches are plain (each in one page
 * below the top: a trace of page numbers or of one-byte accesses, whose
 * reader checked the range), and a policy that needs nothing on a hit
 * (fifo, clock, random ...). A reference is then located without a check,
 * and a hit is its PTE's bits and a count in a register, added to the
 * statistics before anything else runs (a fault, the periodic tick) and at
 * the end, so whatever reads them sees what replay_lean would give it. The
 * countdown to the periodic work is kept in a register too. Pipelined as
 * replay_lean, less the policy's prefetches. q is live.
 */
static int replay_plain(struct vmm_system *sys, struct proc *q, const struct vmm_ref *refs,
                        size_t n)
{
    pte_t *ring[RING];
    const unsigned shift = sys->page_shift;
    uint64_t hits = 0, left = sys->tick_left; /* (left 0: no periodic work) */
    for (size_t i = 0; i < n + AHEAD; i++) {
        if (i < n) {
            pte_t *pte = pt_find(sys, q, refs[i].addr >> shift);
            if (pte)
                __builtin_prefetch(pte, 1);
            ring[i % RING] = pte;
        }
        if (i < AHEAD)
            continue;
        size_t j = i - AHEAD;
        pte_t *pte = ring[j % RING];
        if (VMM_LIKELY(pte != NULL) && VMM_LIKELY(*pte & PTE_VALID) &&
            (VMM_LIKELY(refs[j].op != VMM_WRITE) || (*pte & PTE_WRITE))) {
            *pte |= PTE_REF | (refs[j].op == VMM_WRITE ? PTE_DIRTY : 0);
            hits++;
            if (VMM_LIKELY(!left || --left))
                continue;
            add_hits(sys, q, hits);
            hits = 0;
            sys->tick_left = 1; /* (tick's countdown: runs out now) */
            tick(sys);
        } else {
            add_hits(sys, q, hits);
            hits = 0;
            sys->tick_left = left;
            int r;
            if (pte) {
                sys->last = q;
                r = lean_trap(sys, q, refs[j].addr, refs[j].op, pte);
            } else { /* no table for its page yet when it was located */
                r = replay_one(sys, &refs[j]);
            }
            if (r < 0)
                return r;
        }
        left = sys->tick_left;
        if (!q->live) /* killed: the rest of the batch is a dead process's */
            return 0;
    }
    add_hits(sys, q, hits);
    sys->tick_left = left;
    sys->last = q;
    return 0;
}

/* Replays refs[0..n) by the fastest path that gives the same results.
 * plain (may be NULL): the live process all of them are, each in one page
 * below the top. */
static int replay_run(struct vmm_system *sys, const struct vmm_ref *refs, size_t n,
                      const uint32_t *next, uint64_t base, struct proc *plain)
{
    int r = 0;
    if (sys->lean && !sys->cfg.data && plain && !next && !sys->pol_access) {
        r = replay_plain(sys, plain, refs, n);
    } else if (sys->lean && !sys->cfg.data) {
        r = replay_lean(sys, refs, n, next, base);
    } else { /* the full path, each reference's PTE prefetched AHEAD before */
        const uint64_t top = sys->vpn_limit << sys->page_shift;
        for (size_t i = 0; r == 0 && i < n + AHEAD; i++) {
            if (i < n) {
                struct proc *q = vmm__proc(sys, refs[i].pid);
                pte_t *pte = q && q->live && refs[i].addr < top
                                 ? pt_find(sys, q, refs[i].addr >> sys->page_shift)
                                 : NULL;
                if (pte)
                    __builtin_prefetch(pte, 1);
            }
            if (i >= AHEAD) {
                sys->next_use = next_use_of(next, base, i - AHEAD);
                r = replay_one(sys, &refs[i - AHEAD]);
            }
        }
    }
    sys->next_use = 0;
    return r;
}

/* ---- future knowledge for OPT -------------------------------------------------------- */

/* A whole trace in memory, as page references (none spans a page), with the
 * index of each one's next reference to the same page: 20 bytes a reference.
 * This is the documented exception to streaming. */
struct pbuf {
    struct vmm_ref *v; /* references */
    uint32_t *next;    /* next[i]: index of the next reference to v[i]'s page, or NO_NEXT */
    size_t n, cap;     /* used, allocated */
};

#define PBUF_MAX (UINT32_MAX - 1u)

static int pbuf_push(struct vmm_system *sys, struct pbuf *b, struct vmm_ref ref)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        if (b->n >= PBUF_MAX)
            return vmm__fail(sys, VMM_ELIMIT,
                             "opt looks ahead over at most %u references; this trace has more",
                             (unsigned)PBUF_MAX);
        struct vmm_ref *v = realloc(b->v, cap * sizeof *v);
        if (v)
            b->v = v;
        uint32_t *nx = v ? realloc(b->next, cap * sizeof *nx) : NULL;
        if (!nx)
            return vmm__fail(sys, VMM_ENOMEM,
                             "out of memory holding %zu references for opt's look-ahead", b->n);
        b->next = nx;
        b->cap = cap;
    }
    b->v[b->n++] = ref;
    return 0;
}

/* Appends refs[0..n) split into page references. */
static int pbuf_add(struct vmm_system *sys, struct pbuf *b, const struct vmm_ref *refs, size_t n)
{
    const uint64_t ps = sys->cfg.page_size, top = 1ull << sys->cfg.va_bits;
    for (size_t i = 0; i < n; i++) {
        uint64_t addr = refs[i].addr;
        size_t len = refs[i].size ? refs[i].size : 1;
        if (VMM_LIKELY(b->n < b->cap && addr < top && (addr & (ps - 1)) + len <= ps)) {
            b->v[b->n++] = (struct vmm_ref){addr, refs[i].pid, (uint16_t)len, refs[i].op};
            continue; /* (the common case: in one page, in range, room) */
        }
        int r = check_range(sys, addr, len);
        while (r == 0 && len > 0) {
            size_t k = ps - (addr & (ps - 1));
            if (k > len)
                k = len;
            r = pbuf_push(sys, b, (struct vmm_ref){addr, refs[i].pid, (uint16_t)k, refs[i].op});
            addr += k;
            len -= k;
        }
        if (r < 0)
            return r;
    }
    return 0;
}

static void pbuf_free(struct pbuf *b)
{
    free(b->v);
    free(b->next);
}

/* The look-ahead's map from a process's page to the index of its latest
 * reference: a page table of its own, entry = index + 1 (0: none yet). */
struct lastuse {
    uint32_t pid;  /* the process */
    struct proc t; /* used for its page table only */
};

struct lastuses {
    struct lastuse *v; /* one per process seen */
    size_t n, cap;     /* used, allocated */
    size_t hit;        /* the one found last */
};

/* The tree of pid, made on first sight; NULL when out of memory. */
static struct proc *lastuse_find(struct lastuses *u, uint32_t pid)
{
    for (size_t k = 0; k < u->n; k++)
        if (u->v[k].pid == pid)
            return &u->v[u->hit = k].t;
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 4;
        struct lastuse *v = realloc(u->v, cap * sizeof *v);
        if (!v)
            return NULL;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n] = (struct lastuse){.pid = pid, .t = {.leaf_tag = VPN_TAG_NONE}};
    return &u->v[u->hit = u->n++].t;
}

static inline struct proc *lastuse_tree(struct lastuses *u, uint32_t pid)
{
    return VMM_LIKELY(u->n && u->v[u->hit].pid == pid) ? &u->v[u->hit].t : lastuse_find(u, pid);
}

/* Sets next[] by a backward pass that keeps, for each (pid, page), the index
 * of its latest reference seen (the earliest so far) in a page table of its
 * own. A radix tree over the pages touched is a quarter of a hash table of
 * them (8 bytes a page, not 16 at half load), and its upper levels stay in
 * cache: the leaf entry is the one miss. The entry of the reference AHEAD
 * steps on is located and prefetched, and kept for when its turn comes (a
 * leaf not yet made is made then). */
static int link_next_uses(struct vmm_system *sys, struct pbuf *b)
{
    struct lastuses u = {0};
    pte_t *ring[RING];
    int r = 0;
    for (size_t i = b->n + AHEAD; i-- > 0;) {
        if (i >= AHEAD) { /* (i - AHEAD < n: every reference is located) */
            const struct vmm_ref *a = &b->v[i - AHEAD];
            struct proc *t = lastuse_tree(&u, a->pid);
            pte_t *e = t ? pt_find(sys, t, a->addr >> sys->page_shift) : NULL;
            if (e)
                __builtin_prefetch(e, 1);
            ring[(i - AHEAD) % RING] = e;
        }
        if (i >= b->n)
            continue;
        pte_t *e = ring[i % RING];
        if (!e) {
            vpn_t vpn = b->v[i].addr >> sys->page_shift;
            struct proc *t = lastuse_tree(&u, b->v[i].pid);
            if (!t || !(e = vmm__pt_ensure(sys, t, vpn))) {
                r = vmm__fail(sys, VMM_ENOMEM, "out of memory for opt's look-ahead");
                break;
            }
        }
        b->next[i] = *e ? (uint32_t)(*e - 1) : NO_NEXT;
        *e = (pte_t)i + 1;
    }
    for (size_t k = 0; k < u.n; k++)
        vmm__pt_free(sys, &u.v[k].t);
    free(u.v);
    return r;
}

static int replay_buffered(struct vmm_system *sys, struct pbuf *b)
{
    int r = link_next_uses(sys, b);
    if (r == 0)
        r = replay_run(sys, b->v, b->n, b->next, sys->st.references + 1, NULL);
    pbuf_free(b);
    return r;
}

int vmm_replay_refs(struct vmm_system *sys, const struct vmm_ref *refs, size_t n)
{
    if (sys->pol->needs & POLICY_FUTURE) {
        struct pbuf b = {0};
        int r = pbuf_add(sys, &b, refs, n);
        if (r < 0) {
            pbuf_free(&b);
            return r;
        }
        return replay_buffered(sys, &b);
    }
    return replay_run(sys, refs, n, NULL, 0, NULL);
}

int vmm__replay_pages(struct vmm_system *sys, const struct vmm_ref *refs, size_t n,
                      const uint32_t *next)
{
    if (next && (sys->pol->needs & POLICY_FUTURE))
        return replay_run(sys, refs, n, next, sys->st.references + 1, NULL);
    return vmm_replay_refs(sys, refs, n);
}

/* A trace file as a scheduler task: process t + 1 replaying it (--sched rr). */
struct trace_task {
    struct vmm_trace *tr; /* the file */
    struct vmm_ref *v;    /* a batch read from it */
    long n, i;            /* references in v, the next one */
    uint32_t pid;         /* its process */
};

/* One reference of the trace (split into pages by vmm_access). */
static int trace_step(void *ctx, struct vmm_system *sys)
{
    struct trace_task *t = ctx;
    if (t->i == t->n) {
        t->n = vmm_trace_read(t->tr, t->v, 1024);
        t->i = 0;
        if (t->n < 0)
            return vmm__fail(sys, (int)t->n, "%s", vmm_trace_error(t->tr));
        if (t->n == 0)
            return 0;
    }
    struct vmm_ref r = t->v[t->i++];
    r.pid = t->pid;
    int e = replay_one(sys, &r);
    return e < 0 ? e : 1;
}

/* Replays each trace as its own process under the scheduler. */
static int replay_sched(struct vmm_system *sys, struct vmm_trace **traces, size_t ntraces)
{
    struct trace_task *tt = calloc(ntraces, sizeof *tt);
    int r = tt ? 0 : vmm__fail(sys, VMM_ENOMEM, "out of memory");
    for (size_t t = 0; r == 0 && t < ntraces; t++) {
        if (vmm_trace_fields(traces[t]) & VMM_TRACE_PIDS) {
            r = vmm__fail(sys, VMM_EUNSUPPORTED,
                          "--sched rr replays each trace file as one process, but a trace in "
                          "the %s format names its own processes; replay it with --sched none",
                          vmm_trace_format_name(vmm_trace_format_of(traces[t])));
            break;
        }
        vmm_trace_set_va_bits(traces[t], sys->cfg.va_bits);
        tt[t] =
            (struct trace_task){traces[t], malloc(1024 * sizeof *tt[t].v), 0, 0, (uint32_t)(t + 1)};
        struct vmm_task task = {tt[t].pid, trace_step, &tt[t]};
        if (!tt[t].v)
            r = vmm__fail(sys, VMM_ENOMEM, "out of memory");
        else if (trace_proc(sys, tt[t].pid, &r))
            r = vmm_sched_add(sys, &task);
    }
    if (r == 0)
        r = vmm_sched_run(sys);
    for (size_t t = 0; tt && t < ntraces; t++)
        free(tt[t].v);
    free(tt);
    return r;
}

/* ---- replay before paging --------------------------------------------------------- */

/* Touched pages further apart than this start a new segment of a trace's
 * process (docs/model.md, "Traces before paging"). */
#define SEG_GAP (1ull << 20)

static int by_pid_addr(const void *a, const void *b)
{
    const struct vmm_ref *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Relocation and segmentation: the trace is read whole first, since its
 * processes' images must be known before they are placed: relocation, one
 * partition from 0 to past the highest byte a process touches;
 * segmentation, one segment per cluster of touched addresses. Then every
 * reference goes through vmm_access, in trace order. */
static int replay_contig(struct vmm_system *sys, struct vmm_trace **traces, size_t ntraces)
{
    struct vmm_ref *v = NULL, *sorted = NULL;
    size_t n = 0, cap = 0;
    int r = 0;
    for (size_t t = 0; r == 0 && t < ntraces; t++) {
        vmm_trace_set_va_bits(traces[t], sys->cfg.va_bits);
        bool own_pid = ntraces > 1 && !(vmm_trace_fields(traces[t]) & VMM_TRACE_PIDS);
        for (;;) {
            if (n + 4096 > cap) {
                size_t nc = cap ? cap * 2 : 65536;
                struct vmm_ref *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    r = vmm__fail(sys, VMM_ENOMEM, "out of memory reading the trace whole");
                    break;
                }
                v = nv;
                cap = nc;
            }
            long got = vmm_trace_read(traces[t], v + n, 4096);
            if (got < 0)
                r = vmm__fail(sys, (int)got, "%s", vmm_trace_error(traces[t]));
            if (got <= 0)
                break;
            for (long i = 0; own_pid && i < got; i++)
                v[n + (size_t)i].pid = (uint32_t)(t + 1);
            n += (size_t)got;
        }
    }
    if (r == 0 && n && !(sorted = malloc(n * sizeof *sorted)))
        r = vmm__fail(sys, VMM_ENOMEM, "out of memory");
    if (r == 0 && n) {
        memcpy(sorted, v, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, by_pid_addr);
    }
    for (size_t i = 0; r == 0 && i < n;) { /* each process's images */
        uint32_t pid = sorted[i].pid;
        char name[16];
        snprintf(name, sizeof name, "P%u", pid);
        if ((r = vmm_process_spawn(sys, pid, name)) < 0)
            break;
        size_t j = i;
        while (r == 0 && j < n && sorted[j].pid == pid) {
            uint64_t lo = sorted[j].addr, hi = lo + sorted[j].size;
            if (sys->cfg.mmu == VMM_MMU_RELOCATION)
                lo = 0;
            for (; j < n && sorted[j].pid == pid; j++) {
                if (sys->cfg.mmu == VMM_MMU_SEGMENTATION && sorted[j].addr > hi &&
                    sorted[j].addr - hi > SEG_GAP)
                    break;
                if (sorted[j].addr + sorted[j].size > hi)
                    hi = sorted[j].addr + sorted[j].size;
            }
            char seg[24];
            snprintf(seg, sizeof seg, "seg@0x%" PRIx64, lo);
            r = vmm_region_add(sys, pid, sys->cfg.mmu == VMM_MMU_RELOCATION ? "all" : seg, lo,
                               hi - lo, VMM_PROT_READ | VMM_PROT_WRITE | VMM_PROT_EXEC);
        }
        i = j;
    }
    for (size_t i = 0; r == 0 && i < n; i++) {
        int e = replay_slow(sys, &v[i], v[i].size ? v[i].size : 1);
        if (e < 0)
            r = e;
    }
    free(sorted);
    free(v);
    return r;
}

int vmm_replay(struct vmm_system *sys, struct vmm_trace **traces, size_t ntraces)
{
    if (sys->cm) {
        if (sys->cfg.sched == VMM_SCHED_RR)
            return vmm__fail(sys, VMM_EUNSUPPORTED,
                             "--mmu %s replays a trace read whole, in its order; use --sched none",
                             vmm_setting_name(VMM_SET_MMU, sys->cfg.mmu));
        return replay_contig(sys, traces, ntraces);
    }
    if (sys->cfg.sched == VMM_SCHED_RR) {
        if (sys->pol->needs & POLICY_FUTURE)
            return vmm__fail(sys, VMM_EUNSUPPORTED,
                             "policy %s needs the references in their order in advance, which "
                             "round robin decides as it runs; use --sched none",
                             sys->cfg.policy);
        return replay_sched(sys, traces, ntraces);
    }
    enum { BATCH = 4096 };
    struct vmm_ref *batch = malloc(BATCH * sizeof *batch);
    struct pbuf b = {0};
    bool future = (sys->pol->needs & POLICY_FUTURE) != 0;
    int r = 0;
    if (!batch)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory");
    for (size_t t = 0; r == 0 && t < ntraces; t++) {
        long got;
        vmm_trace_set_va_bits(traces[t], sys->cfg.va_bits);
        unsigned fields = vmm_trace_fields(traces[t]);
        bool own_pid = ntraces > 1 && !(fields & VMM_TRACE_PIDS);
        /* no pids, no sizes: one process's one-byte or page references, in
         * range (the reader checks against va_bits) */
        bool plain = !(fields & (VMM_TRACE_PIDS | VMM_TRACE_SIZES));
        while (r == 0 && (got = vmm_trace_read(traces[t], batch, BATCH)) > 0) {
            if (own_pid) /* one process per single-process trace */
                for (long i = 0; i < got; i++)
                    batch[i].pid = (uint32_t)(t + 1);
            if (future) {
                r = pbuf_add(sys, &b, batch, (size_t)got);
                continue;
            }
            struct proc *q = plain ? trace_proc(sys, batch[0].pid, &r) : NULL;
            if (r == 0 && (!q || q->live)) /* (a dead process's references change nothing) */
                r = replay_run(sys, batch, (size_t)got, NULL, 0, q);
        }
        if (r == 0 && got < 0)
            r = vmm__fail(sys, (int)got, "%s", vmm_trace_error(traces[t]));
    }
    free(batch);
    if (r == 0 && future)
        return replay_buffered(sys, &b);
    pbuf_free(&b);
    return r;
}

/* ---- results ------------------------------------------------------------------------ */

/* Paging's internal fragmentation: the unused tail of each region's last
 * page, where that page is resident. */
static uint64_t internal_frag(const struct vmm_system *sys)
{
    uint64_t waste = 0, page = sys->cfg.page_size;
    for (size_t pid = 0; pid < sys->cap_procs; pid++) {
        struct proc *p = sys->procs[pid];
        for (size_t i = 0; p && p->live && i < p->nregions; i++) {
            const struct region *r = &p->regions[i];
            uint64_t tail = (r->end - r->start) - r->len;
            if (!r->len || !tail || tail >= page)
                continue;
            const pte_t *e = pt_find(sys, p, (r->end >> sys->page_shift) - 1);
            if (e && (*e & PTE_VALID))
                waste += tail;
        }
    }
    return waste;
}

void vmm_stats_get(const struct vmm_system *sys, struct vmm_stats *out)
{
    const struct vmm_cost_model *c = &sys->cfg.cost;
    const struct vmm_stats *s = &sys->st;
    uint64_t file_writes = 0; /* those on eviction are among the writebacks already */
    for (int i = 0; i < VMM_WB__COUNT; i++)
        file_writes += s->file_writes[i];
    *out = *s;
    out->swap_slots_used = sys->swap.in_use;
    out->swap_slots_peak = sys->swap.peak;
    out->frames_used = sys->nframes - sys->nfree;
    out->page_cache_pages = out->page_cache_mapped = out->dirty_pages = 0;
    for (frame_t f = 0; f < sys->nframes; f++) {
        if (!sys->frames[f].pte || !(sys->frames[f].flags & FR_FILE))
            continue;
        out->page_cache_pages++;
        out->page_cache_mapped += sys->frames[f].link != RMAP_NONE;
        out->dirty_pages +=
            frame_obj(sys, f)->kind == OBJ_FILE && (frame_bits(sys, f) & PTE_DIRTY) != 0;
    }
    /* Every reference: a memory access, a TLB lookup (if any), a walk on a
     * miss. A fault adds the trap, its I/O, and the restart's translation. */
    uint64_t tlb = sys->tlb.sets ? c->tlb_ns : 0, walk = sys->levels * c->pt_level_ns;
    out->time_ns = s->references * (c->mem_ns + tlb) + s->walks * walk +
                   s->page_faults * (c->fault_ns + tlb + walk) +
                   (s->swap_reads + s->file_reads) * c->swap_read_ns +
                   (s->writebacks + file_writes - s->file_writes[VMM_WB_EVICT]) * c->swap_write_ns;
    out->time_ns += s->image_disk_ns + s->copy_ns;
    if (sys->cm)
        vmm__cm_stats(sys, out);
    else
        out->internal_frag = internal_frag(sys);
    vmm__sched_stats(sys, out);
}

double vmm_stats_eat_ns(const struct vmm_stats *st)
{
    return st->references ? (double)st->time_ns / (double)st->references : 0.0;
}
