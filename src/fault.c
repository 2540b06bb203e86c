/*
 * fault.c - the page-fault trap, step by step (CONCEPTS item 12), and the
 * mechanism of eviction that every replacement policy shares.
 *
 *   1. the reference finds an invalid PTE (or a write finds a read-only one):
 *      the MMU traps to the kernel;
 *   2. the kernel looks the address up in the process's regions: not there, or
 *      not allowed (write to read-only, execute of non-executable) -> the
 *      process is terminated;
 *   3. it takes a free frame, or asks the policy for a victim and evicts it
 *      (written to the backing store only if dirty);
 *   4. it reads the page from its swap slot, or zero-fills a new page;
 *   5. it updates the frame table (reverse map) and the PTE (valid);
 *   6. the reference is restarted and now succeeds.
 *
 * Each step is an observer event, which is what `--explain` narrates.
 */
#include "internal.h"

#include <stdlib.h>

#include <stdio.h>

/* Zeroes frame f's bytes, unless they are known to be zero already. This is
 * a zero-fill, and also the read of a program image's page (which is zeros). */
static void zero_frame(struct vmm_system *sys, frame_t f)
{
    if (sys->cfg.data && !(sys->frames[f].flags & FR_ZERO))
        memset(frame_mem(sys, f), 0, sys->cfg.page_size);
}

/* The first process mapping frame f (its owner in the statistics), or NULL
 * when only an object holds it. */
static struct proc *first_user(const struct vmm_system *sys, frame_t f)
{
    struct mapping m;
    uint32_t c = RMAP_FIRST;
    while (frame_mapping(sys, f, &c, &m))
        if (m.pid)
            return vmm__proc(sys, m.pid);
    return NULL;
}

/* Writes the dirty page in f to a swap slot (its own, or a new one in *slot).
 * Returns 0, VMM_ENOSPC (the backing store is full) or VMM_EIO. */
static int swap_out(struct vmm_system *sys, frame_t f, slot_t *slot)
{
    bool fresh = *slot == SLOT_NONE;
    if (fresh) {
        int r = vmm__swap_alloc(sys, slot);
        if (r < 0)
            return r;
    }
    VMM_ASSERT(swap_count(sys, *slot) == 1); /* no one else may read a stale copy */
    if (sys->cfg.data) {
        int r = vmm__swap_write(sys, *slot, frame_mem(sys, f));
        if (r < 0) {
            if (fresh) {
                vmm__swap_put(sys, *slot);
                *slot = SLOT_NONE;
            }
            return r;
        }
    }
    return 0;
}

/*
 * Eviction, by what the frame holds:
 *   anonymous memory   dirty: written to its swap slot (a new one if it has
 *                      none); every PTE then names the slot;
 *   shared memory      likewise, but the object holds the slot and process
 *                      PTEs become 0 (they find the page through the object);
 *   a file's page      dirty: written back to the file; every PTE and the
 *                      object's become 0: the next touch reads the file;
 *   a program's page   never dirty: dropped.
 * A clean page with a copy in swap (or in its file) is dropped without a
 * write: the write-back the dirty bit saves.
 */
/* True if f holds the commonest victim of a policy study, and nothing
 * watches (no observer, no TLB to shoot down): a private anonymous page,
 * clean, with no swap copy: a zero page never written. */
static inline bool plain_victim(const struct vmm_system *sys, const struct frame *fr)
{
    return !sys->obs_mask && !sys->tlb.sets && fr->link == RMAP_NONE &&
           !(fr->flags & (FR_FILE | FR_DIRTY)) && fr->slot == SLOT_NONE && !(*fr->pte & PTE_DIRTY);
}

/* Evicts a plain victim (above): what vmm__evict does for it, without its
 * search through the other kinds. Its PTE becomes 0; the frame still holds
 * zeros. */
static inline void evict_plain(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    struct proc *p = vmm__proc(sys, fr->pid);
    sys->st.writebacks_saved++;
    sys->pol->on_remove(sys->pol_state, f);
    *fr->pte = 0;
    p->st.resident_pages--;
    p->st.evicted++;
    fr->pte = NULL;
    fr->flags = FR_ZERO;
    if (sys->owner)
        vmm__uncharge(sys, f);
    sys->st.evictions++;
}

int vmm__evict(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    if (VMM_LIKELY(plain_victim(sys, fr))) {
        evict_plain(sys, f);
        return 0;
    }
    pte_t bits = frame_bits(sys, f);
    const struct vobj *o = (fr->flags & FR_FILE) ? frame_obj(sys, f) : NULL;
    bool to_swap = !o || o->kind == OBJ_SHMEM;
    slot_t slot = fr->slot;
    VMM_ASSERT(fr->pte && (*fr->pte & PTE_VALID) && pte_frame(*fr->pte) == f);

    if (bits & PTE_DIRTY) {
        VMM_ASSERT(!o || o->kind != OBJ_IMAGE);
        int r = to_swap ? swap_out(sys, f, &slot) : vmm__file_writeback(sys, f, VMM_WB_EVICT);
        if (r < 0)
            return r;
        sys->st.writebacks++;
        struct proc *owner = first_user(sys, f);
        if (owner)
            owner->st.writebacks++;
        if (to_swap)
            EMIT(sys, VMM_EV_WRITEBACK, .pid = fr->pid, .vpn = fr->vpn, .frame = f, .slot = slot);
    } else {
        sys->st.writebacks_saved++;
        EMIT(sys, VMM_EV_DROP, .pid = fr->pid, .vpn = fr->vpn, .frame = f, .slot = slot);
    }
    sys->pol->on_remove(sys->pol_state, f);
    /* Every PTE mapping the page: not resident any more. An anonymous page
     * with a slot: each PTE holds the slot now. Without one it is a clean zero
     * page, whose frame still holds zeros (so the next zero-fill of this frame
     * can skip the clearing). An object's page: its processes find it through
     * the object, which holds the slot of shared memory. */
    struct mapping m;
    uint32_t c = RMAP_FIRST;
    while (frame_mapping(sys, f, &c, &m)) {
        bool holds = to_swap && slot != SLOT_NONE && (!o || m.pid == 0);
        if (holds)
            vmm__swap_dup(sys, slot);
        *m.pte = holds ? pte_mk_slot(slot) : 0;
        if (m.pid == 0)
            continue; /* the object's own PTE */
        struct proc *p = vmm__proc(sys, m.pid);
        vmm__tlb_invalidate(&sys->tlb, p->asid, m.vpn);
        p->st.swapped_pages += holds;
        p->st.resident_pages--;
        p->st.evicted++;
    }
    vmm__rmap_clear(sys, f);
    fr->slot = slot; /* a slot just written now caches the page until uncached */
    if (to_swap && slot != SLOT_NONE)
        sys->swap.cache[slot] = f;
    vmm__frame_uncache(sys, f);
    if (to_swap && slot == SLOT_NONE)
        fr->flags = FR_ZERO;
    vmm__uncharge(sys, f);
    sys->st.evictions++;
    return 0;
}

/* Kills p for an illegal reference (step 2). */
static int segv(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                const struct region *r)
{
    char why[96];
    if (!r)
        snprintf(why, sizeof why, "segmentation fault: 0x%" PRIx64 " is in no region", addr);
    else
        snprintf(why, sizeof why, "protection fault: %s of 0x%" PRIx64 " in %s region %s",
                 op == VMM_WRITE  ? "write"
                 : op == VMM_EXEC ? "execute"
                                  : "read",
                 addr, r->prot & VMM_PROT_WRITE ? "writable" : "read-only", r->name);
    sys->st.segfaults++;
    EMIT(sys, VMM_EV_SEGV, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .text = why);
    vmm__kill(sys, p, addr, why);
    return VMM_KILLED;
}

/* Kills p for touching a page of a file mapping wholly beyond the file's end. */
static int bus_error(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op,
                     const struct region *r, const struct vobj *o)
{
    char why[160];
    snprintf(why, sizeof why,
             "bus error: 0x%" PRIx64 " in %s is beyond the end of file %s (%" PRIu64 " bytes)",
             addr, r->name, o->name, o->size);
    sys->st.bus_errors++;
    EMIT(sys, VMM_EV_SEGV, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .text = why);
    vmm__kill(sys, p, addr, why);
    return VMM_KILLED;
}

/* The backing store is full and a victim needs a slot: the out-of-memory
 * killer ends the live process with the largest resident set (the first in
 * pid order among equals), p itself if no process holds a frame. */
static void oom_kill(struct vmm_system *sys, struct proc *p)
{
    struct proc *victim = NULL;
    for (size_t pid = 1; pid < sys->cap_procs; pid++) {
        struct proc *q = sys->procs[pid];
        if (q && q->live && q->st.resident_pages &&
            (!victim || q->st.resident_pages > victim->st.resident_pages))
            victim = q;
    }
    if (!victim)
        victim = p;
    char why[160];
    snprintf(why, sizeof why,
             "out of memory: the backing store is full (%" PRIu64
             " slots); killed as the largest process (%" PRIu64 " resident pages)",
             sys->swap.in_use, victim->st.resident_pages);
    sys->st.oom_kills++;
    EMIT(sys, VMM_EV_OOM, .pid = p->pid, .vpid = victim->pid, .text = why);
    vmm__kill(sys, victim, 0, why);
}

/* True if p has a region mapping object obj. */
static bool maps_obj(const struct proc *p, uint32_t obj)
{
    for (size_t i = 0; i < p->nregions; i++)
        if (p->regions[i].obj == obj)
            return true;
    return false;
}

/* Writing victim f back failed (sys->err says how): its contents are lost.
 * An anonymous page: the processes mapping it are ended (freeing it). An
 * object's page: it leaves every page table and the cache first (so no later
 * write-back delivers half a story), then every process mapping the object
 * is ended - none may go on believing the file or the shared memory holds
 * what it wrote. Other processes' pages are untouched. */
static void io_kill(struct vmm_system *sys, frame_t f)
{
    char why[160];
    snprintf(why, sizeof why, "I/O error, a page it holds is lost: %.115s", sys->err);
    if (!(sys->frames[f].flags & FR_FILE)) {
        for (struct proc *q; sys->frames[f].pte && (q = first_user(sys, f)) != NULL;)
            vmm__kill(sys, q, 0, why); /* freed with its last mapping */
        return;
    }
    uint32_t obj = sys->fpage[f].obj;
    for (;;) {
        struct mapping m;
        uint32_t c = RMAP_FIRST;
        bool found = false;
        while (!found && frame_mapping(sys, f, &c, &m))
            found = m.pid != 0;
        if (!found)
            break;
        vmm__unmap_pte(sys, vmm__proc(sys, m.pid), m.vpn, m.pte);
        *m.pte = 0;
    }
    vmm__cache_drop(sys, f);
    for (size_t pid = 1; pid < sys->cap_procs; pid++) {
        struct proc *q = sys->procs[pid];
        if (q && q->live && maps_obj(q, obj))
            vmm__kill(sys, q, 0, why);
    }
}

/*
 * Eviction reads the victim's frame entry, then the PTE it points at, and
 * the policy finds the victim after it through its own links: three
 * dependent cache misses. When the policy can tell its likely next victims,
 * the core keeps the next PRED of them (sys->pred) and, at each eviction,
 * asks for one more: the policy prefetches its entry for that one, the core
 * its frame entry, and the PTE of the one asked for at the eviction before
 * (whose frame entry has arrived since). So each eviction finds all three
 * in cache, fetched faults earlier, and the walk advances one step an
 * eviction instead of stalling. A victim other than the one foreseen (a
 * predicted page referenced, or freed) starts the list afresh. Speed only:
 * nothing depends on the guess being right.
 */
#define PRED     8 /* victims foreseen (a power of two) */
#define PRED_PTE 3 /* the PTE prefetched: of the victim that many evictions on */

static void prefetch_victims(struct vmm_system *sys, frame_t victim)
{
    const frame_t *p = sys->pred;
    unsigned h = sys->pred_head, n = sys->npred;
    if (!sys->pol->peek_victim)
        return;
    if (n && p[h] == victim) { /* as foreseen: the next one is next */
        h = (h + 1) % PRED;
        n--;
    } else {
        n = 0;
    }
    while (n < PRED) {
        frame_t f = sys->pol->peek_victim(sys->pol_state, n ? p[(h + n - 1) % PRED] : FRAME_NONE);
        if (f >= sys->nframes)
            break;
        __builtin_prefetch(&sys->frames[f], 1);
        sys->pred[(h + n++) % PRED] = f;
    }
    /* (a policy that foresees only a few: the PTE of the one whose frame
     * entry was prefetched at the eviction before) */
    unsigned k = n > PRED_PTE ? PRED_PTE : n >= 2 ? n - 2 : PRED;
    if (k < PRED && sys->frames[p[(h + k) % PRED]].pte)
        __builtin_prefetch(sys->frames[p[(h + k) % PRED]].pte, 1);
    sys->pred_head = h;
    sys->npred = n;
}

static const unsigned need_prot[] = {VMM_PROT_READ, VMM_PROT_WRITE, VMM_PROT_EXEC};

/* Evicts f, the victim the policy chose, for process p. When it cannot be
 * written out (the backing store is full, an I/O error), processes are killed
 * to free memory. Returns 0 with *out = f (taken off every table, not on the
 * free list), 1 if nothing was evicted but something was killed (try again),
 * VMM_KILLED if p itself was killed, or an error. */
static int evict_victim(struct vmm_system *sys, struct proc *p, frame_t f, frame_t *out)
{
    VMM_ASSERT(f < sys->nframes && sys->frames[f].pte && vmm__may_take(sys, f));
    const struct frame *v = &sys->frames[f];
    EMIT(sys, VMM_EV_VICTIM, .pid = p->pid, .frame = f, .vpid = v->pid, .vvpn = v->vpn,
         .valid = (frame_bits(sys, f) & PTE_DIRTY) != 0);
    int e = vmm__evict(sys, f);
    if (e == 0) {
        prefetch_victims(sys, f);
        *out = f;
        return 0;
    }
    if (e == VMM_ENOSPC)
        oom_kill(sys, p);
    else if (e == VMM_EIO)
        io_kill(sys, f);
    else
        return e;
    return p->live ? 1 : VMM_KILLED;
}

/* Evicts a victim the policy chooses among the frames vmm__may_take allows
 * (sys->take_pid set by the caller), for process p; returns as evict_victim. */
static int take_victim(struct vmm_system *sys, struct proc *p, frame_t *out)
{
    return evict_victim(sys, p, sys->pol->select_victim(sys->pol_state), out);
}

/* True if a victim may be taken for p under local replacement: it holds a
 * frame, or some frame in use is charged to no one. */
static bool can_take_local(const struct vmm_system *sys, const struct proc *p)
{
    if (p->st.owned_frames)
        return true;
    for (frame_t f = 0; f < sys->nframes; f++)
        if (sys->frames[f].pte && sys->owner[f] == 0)
            return true;
    return false;
}

/* Step 3: a frame for the page, free or taken from a victim. With local
 * replacement p takes a free frame only below its allocation, and victims
 * only among its own frames, or, below its allocation, frames no one is
 * charged for (at it, such a frame would be one more than it may hold).
 * Returns 0, VMM_KILLED (p itself was killed) or an error. */
static int get_frame(struct vmm_system *sys, struct proc *p, frame_t *out)
{
    for (;;) {
        /* A kill (out of memory, an I/O error) while finding a frame changes
         * the shares: recompute them, taking frames back from whoever is now
         * over its own (which a kill may repeat). */
        while (VMM_UNLIKELY(sys->alloc_dirty)) {
            int e = vmm__rebalance(sys);
            if (e < 0)
                return e;
            if (!p->live)
                return VMM_KILLED;
        }
        bool local = sys->local && can_take_local(sys, p);
        bool full = local && p->st.owned_frames >= vmm__allocation(sys, p);
        frame_t f = full ? FRAME_NONE : vmm__frame_alloc(sys);
        if (f != FRAME_NONE) {
            EMIT(sys, VMM_EV_FREE_FRAME, .pid = p->pid, .frame = f);
            vmm__charge(sys, f, p);
            *out = f;
            return 0;
        }
        sys->take_pid = local ? p->pid : 0;
        sys->take_own = full;
        int e = take_victim(sys, p, &f);
        sys->take_pid = 0;
        sys->take_own = false;
        if (e == 0) {
            vmm__charge(sys, f, p);
            *out = f;
            return 0;
        }
        if (e != 1) /* p was killed, or an error */
            return e;
    }
}

int vmm__trim(struct vmm_system *sys, struct proc *p, uint64_t keep)
{
    while (p->live && p->st.owned_frames > keep) {
        frame_t f;
        sys->take_pid = p->pid;
        sys->take_own = true;
        int e = take_victim(sys, p, &f);
        sys->take_pid = 0;
        sys->take_own = false;
        if (e == 0)
            vmm__frame_free(sys, f);
        else if (e < 0)
            return e;
    }
    return 0;
}

/* A frame of p's to give up when it is swapped out whole. */
struct outgoing {
    frame_t *f;    /* frames p maps */
    size_t n, cap; /* used, allocated */
};

static void collect_frame(void *ctx, vpn_t vpn, pte_t *pte)
{
    (void)vpn;
    struct outgoing *o = ctx;
    if ((*pte & PTE_VALID) && o->n < o->cap)
        o->f[o->n++] = pte_frame(*pte);
}

long vmm__swap_out_proc(struct vmm_system *sys, struct proc *p)
{
    struct outgoing o = {NULL, 0, p->st.resident_pages};
    long freed = 0;
    if (!o.cap)
        return 0;
    if (!(o.f = malloc(o.cap * sizeof *o.f)))
        return vmm__fail(sys, VMM_ENOMEM, "out of memory swapping process %u out", p->pid);
    vmm__pt_foreach(sys, p, collect_frame, &o);
    for (size_t i = 0; i < o.n && p->live; i++) {
        frame_t f = o.f[i];
        struct frame *fr = &sys->frames[f];
        if (!fr->pte)
            continue; /* gone with an earlier one (an I/O error's kill) */
        /* A page of an object other processes map stays in the cache for
         * them: only p's mapping goes. */
        if ((fr->flags & FR_FILE) && frame_users(sys, f) > 1) {
            uint32_t c = RMAP_FIRST;
            struct mapping m;
            while (frame_mapping(sys, f, &c, &m))
                if (m.pid == p->pid)
                    break;
            vmm__unmap_pte(sys, p, m.vpn, m.pte);
            *m.pte = 0;
            continue;
        }
        const struct frame *v = fr;
        EMIT(sys, VMM_EV_VICTIM, .pid = p->pid, .frame = f, .vpid = v->pid, .vvpn = v->vpn,
             .valid = (frame_bits(sys, f) & PTE_DIRTY) != 0);
        int e = vmm__evict(sys, f);
        if (e == 0) {
            vmm__frame_free(sys, f);
            freed++;
        } else if (e == VMM_ENOSPC) {
            oom_kill(sys, p);
        } else if (e == VMM_EIO) {
            io_kill(sys, f);
        } else {
            free(o.f);
            return e;
        }
    }
    free(o.f);
    return freed;
}

/* Step 5: frame f (new to the policy when fresh) is mapped at pte. */
static inline int map_frame(struct vmm_system *sys, struct proc *p, vpn_t vpn, pte_t *pte,
                            frame_t f, unsigned op, bool writable, bool fresh)
{
    int r = vmm__rmap_add(sys, f, p->pid, vpn, pte);
    if (r < 0)
        return r;
    *pte =
        pte_mk_frame(f, (writable ? PTE_WRITE : 0) | PTE_REF | (op == VMM_WRITE ? PTE_DIRTY : 0));
    p->st.resident_pages++;
    EMIT(sys, VMM_EV_MAP, .pid = p->pid, .vpn = vpn, .frame = f);
    if (fresh) {
        sys->frames[f].flags &= ~FR_ZERO; /* mapped: writes may land; evict decides again */
        sys->pol->on_insert(sys->pol_state, f, op, sys->next_use);
    } else if (sys->pol_access) {
        sys->pol->on_access(sys->pol_state, f, op, sys->next_use);
    }
    return 0;
}

/* Reads slot s into frame f (step 4 from the backing store). */
static int swap_in(struct vmm_system *sys, struct proc *p, vpn_t vpn, slot_t s, frame_t f)
{
    if (sys->cfg.data) {
        sys->frames[f].flags &= ~FR_ZERO; /* about to hold the slot's bytes */
        int e = vmm__swap_read(sys, s, frame_mem(sys, f));
        if (e < 0)
            return e;
    }
    sys->st.swap_reads++;
    EMIT(sys, VMM_EV_SWAP_IN, .pid = p->pid, .vpn = vpn, .frame = f, .slot = s);
    return 0;
}

/* Step 4 for an object's page that is not cached: its bytes into frame nf
 * (a file's page read, an image's zeros, shared memory zero-filled). Returns
 * the outcome (minor or major) or VMM_EIO. */
static int obj_fill(struct vmm_system *sys, struct proc *p, vpn_t vpn, const struct vobj *o,
                    uint64_t idx, frame_t nf)
{
    if (o->kind == OBJ_SHMEM) {
        zero_frame(sys, nf);
        sys->st.zero_fills++;
        p->st.zero_fills++;
        EMIT(sys, VMM_EV_ZERO_FILL, .pid = p->pid, .vpn = vpn, .frame = nf);
        return VMM_FAULT_MINOR;
    }
    if (o->kind == OBJ_FILE && sys->cfg.data) {
        sys->frames[nf].flags &= ~FR_ZERO; /* about to hold the file's bytes */
        int e = vmm__file_read(sys, o, idx, nf);
        if (e < 0)
            return e;
    } else {
        zero_frame(sys, nf); /* an image's bytes */
    }
    sys->st.file_reads++;
    EMIT(sys, VMM_EV_FILE_READ, .pid = p->pid, .vpn = vpn, .frame = nf, .text = o->name);
    return VMM_FAULT_MAJOR;
}

/*
 * The kinds of fault, decided from the PTE and the region (steps 3-5):
 *
 *   PTE valid, a write     copy-on-write: the page is shared (fork) or its
 *   (write-protected)      slot is, or it is an object's page in a private
 *                          mapping: copy it to a new frame; if no one else
 *                          holds an anonymous page any more, make it writable
 *                          in place;
 *   PTE names slot s       the swap cache has s's page: map that frame; else
 *                          read s into a new frame; a write to a slot others
 *                          still hold reads into a private copy instead;
 *   PTE 0, object region   the page cache has the page: map that frame (a
 *                          private mapping's write copies it instead); else
 *                          read it (file), zero it (image, shared memory) or
 *                          swap it in (shared memory) and cache it; a private
 *                          mapping's write reads it into its own copy;
 *   PTE 0, anonymous       zero-fill a new frame.
 *
 * Only some need a new frame, and getting one may evict a page this very
 * fault concerns (the CoW source, the cached copy), so the loop gets the
 * frame first and then decides again from the PTE as it is now. A second
 * pass is needed at most once more: a swap-cache hit for a write maps the
 * shared page, then copies it.
 */
static int handle(struct vmm_system *sys, struct proc *p, const struct region *r, uint64_t addr,
                  unsigned op, pte_t *pte, frame_t *spare, int *outcome)
{
    vpn_t vpn = addr >> sys->page_shift;
    bool want_write = op == VMM_WRITE, can_write = (r->prot & VMM_PROT_WRITE) != 0;
    bool obj_write = r->shared && can_write; /* an object's pages are mapped writable */
    for (;;) {
        pte_t e = *pte;
        frame_t nf = *spare;
        if (e & PTE_VALID) { /* a write to a write-protected page */
            frame_t f = pte_frame(e);
            struct frame *fr = &sys->frames[f];
            bool file = (fr->flags & FR_FILE) != 0;
            /* (a shared writable mapping's pages are mapped writable: never here) */
            VMM_ASSERT(want_write && !(e & PTE_WRITE) && !(file && r->shared));
            if (!file && fr->link == RMAP_NONE &&
                (fr->slot == SLOT_NONE || swap_count(sys, fr->slot) == 1)) {
                if (fr->slot != SLOT_NONE) { /* the swap copy is about to be stale */
                    sys->swap.cache[fr->slot] = FRAME_NONE;
                    vmm__swap_put(sys, fr->slot);
                    fr->slot = SLOT_NONE;
                }
                *pte = e | PTE_WRITE | PTE_DIRTY | PTE_REF;
                vmm__tlb_invalidate(&sys->tlb, p->asid, vpn);
                sys->st.cow_reuses++;
                EMIT(sys, VMM_EV_COW, .pid = p->pid, .vpn = vpn, .frame = f, .valid = 0);
                if (sys->pol_access)
                    sys->pol->on_access(sys->pol_state, f, op, sys->next_use);
                return 0;
            }
            if (nf == FRAME_NONE)
                goto need_frame;
            if (sys->cfg.data)
                memcpy(frame_mem(sys, nf), frame_mem(sys, f), sys->cfg.page_size);
            vmm__unmap_pte(sys, p, vpn, pte); /* f stays: others hold it */
            *pte = 0;
            *spare = FRAME_NONE;
            sys->st.cow_copies++;
            p->st.cow_copies++;
            EMIT(sys, VMM_EV_COW, .pid = p->pid, .vpn = vpn, .frame = nf, .vvpn = f, .valid = 1,
                 .slot = SLOT_NONE);
            return map_frame(sys, p, vpn, pte, nf, op, true, true);
        }
        if (e & PTE_SWAP) {
            slot_t s = pte_slot(e);
            frame_t f = sys->swap.cache[s];
            if (f != FRAME_NONE) { /* read back already, by a sharer: map it */
                sys->st.swap_cache_hits++;
                EMIT(sys, VMM_EV_CACHE_HIT, .pid = p->pid, .vpn = vpn, .frame = f, .slot = s);
                p->st.swapped_pages--;
                vmm__swap_put(sys, s); /* the PTE's hold ends; the frame keeps its own */
                int rr = map_frame(sys, p, vpn, pte, f, VMM_READ, false, false);
                if (rr < 0 || !want_write)
                    return rr;
                continue; /* now a write to a shared page: copy it */
            }
            if (nf == FRAME_NONE)
                goto need_frame;
            int rr = swap_in(sys, p, vpn, s, nf);
            if (rr < 0)
                return rr;
            *outcome = VMM_FAULT_MAJOR;
            *spare = FRAME_NONE;
            p->st.swapped_pages--;
            bool alone = swap_count(sys, s) == 1;
            if (want_write) {
                /* The write makes the slot's copy stale: this PTE lets go of it
                 * (freeing it if it was the only holder) and owns the frame. */
                vmm__swap_put(sys, s);
                if (!alone) {
                    sys->st.cow_copies++;
                    p->st.cow_copies++;
                    EMIT(sys, VMM_EV_COW, .pid = p->pid, .vpn = vpn, .frame = nf, .valid = 1,
                         .slot = s);
                }
                return map_frame(sys, p, vpn, pte, nf, op, true, true);
            }
            /* A read: the frame caches the slot (the PTE's hold passes to it). */
            sys->frames[nf].slot = s;
            sys->swap.cache[s] = nf;
            return map_frame(sys, p, vpn, pte, nf, op, can_write && alone, true);
        }
        VMM_ASSERT(e == 0);
        if (r->obj) {
            const struct vobj *o = vmm__obj(sys, r->obj);
            uint64_t idx = region_obj_page(sys, r, vpn);
            bool copy = want_write && !r->shared; /* a private mapping's first write */
            if (idx >= o->npages)
                return bus_error(sys, p, addr, op, r, o);
            pte_t oe = o->pte[idx];
            if ((oe & PTE_VALID) && !copy) { /* in the page cache: shared */
                frame_t f = pte_frame(oe);
                sys->st.page_cache_hits++;
                EMIT(sys, VMM_EV_CACHE_HIT, .pid = p->pid, .vpn = vpn, .frame = f,
                     .text = "page cache");
                return map_frame(sys, p, vpn, pte, f, op, obj_write, false);
            }
            if (nf == FRAME_NONE)
                goto need_frame;
            if (oe & PTE_VALID) { /* copy the cached page into a private one */
                if (sys->cfg.data)
                    memcpy(frame_mem(sys, nf), frame_mem(sys, pte_frame(oe)), sys->cfg.page_size);
            } else if (oe & PTE_SWAP) { /* shared memory's page, swapped out */
                slot_t s = pte_slot(oe);
                VMM_ASSERT(o->kind == OBJ_SHMEM && !copy);
                int rr = swap_in(sys, p, vpn, s, nf);
                if (rr < 0)
                    return rr;
                *spare = FRAME_NONE;
                *outcome = VMM_FAULT_MAJOR;
                vmm__cache_insert(sys, r->obj, idx, nf);
                sys->frames[nf].slot = s; /* the object's hold on s passes to the frame */
                sys->swap.cache[s] = nf;
                return map_frame(sys, p, vpn, pte, nf, op, obj_write, true);
            } else {
                int rr = obj_fill(sys, p, vpn, o, idx, nf);
                if (rr < 0)
                    return rr;
                *outcome = rr;
            }
            *spare = FRAME_NONE;
            if (copy) { /* the page goes to this process only: anonymous memory */
                sys->st.cow_copies++;
                p->st.cow_copies++;
                EMIT(sys, VMM_EV_COW, .pid = p->pid, .vpn = vpn, .frame = nf,
                     .vvpn = (oe & PTE_VALID) ? pte_frame(oe) : nf, .valid = 1, .slot = SLOT_NONE);
                return map_frame(sys, p, vpn, pte, nf, op, true, true);
            }
            vmm__cache_insert(sys, r->obj, idx, nf);
            return map_frame(sys, p, vpn, pte, nf, op, obj_write, true);
        }
        if (nf == FRAME_NONE)
            goto need_frame;
        zero_frame(sys, nf);
        *spare = FRAME_NONE;
        sys->st.zero_fills++;
        p->st.zero_fills++;
        EMIT(sys, VMM_EV_ZERO_FILL, .pid = p->pid, .vpn = vpn, .frame = nf);
        return map_frame(sys, p, vpn, pte, nf, op, can_write, true);

    need_frame : {
        int g = get_frame(sys, p, spare);
        if (g != 0)
            return g; /* VMM_KILLED or an error */
    }
    }
}

/* A fault served: its counters. */
static inline void count_fault(struct vmm_system *sys, struct proc *p, int outcome)
{
    sys->st.page_faults++;
    p->st.page_faults++;
    if (outcome == VMM_FAULT_MAJOR) {
        sys->st.major_faults++;
        p->st.major_faults++;
    } else {
        sys->st.minor_faults++;
        p->st.minor_faults++;
    }
}

int vmm__fault(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, pte_t **ptep)
{
    vpn_t vpn = addr >> sys->page_shift;
    EMIT(sys, VMM_EV_FAULT, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .vpn = vpn);
    if (VMM_UNLIKELY(sys->alloc_dirty)) { /* processes came or went: shares change */
        int e = vmm__rebalance(sys);
        if (e < 0)
            return e;
        if (!p->live)
            return VMM_KILLED;
    }

    /* 2. Is the address legal for this process? A stack grows on demand. */
    const struct region *r = vmm__region_find(p, addr);
    if (!r)
        r = vmm__region_grow(sys, p, addr);
    if (!r || !(r->prot & need_prot[op]))
        return segv(sys, p, addr, op, r);
    EMIT(sys, VMM_EV_LEGAL, .pid = p->pid, .vaddr = addr, .vpn = vpn, .text = r->name);

    pte_t *pte = *ptep ? *ptep : vmm__pt_ensure(sys, p, vpn);
    if (!pte)
        return vmm__fail(sys, VMM_ENOMEM, "out of host memory for page tables");

    /* 3-5. A frame if one is needed, the page in it, the tables. */
    int outcome = VMM_FAULT_MINOR;
    frame_t spare = FRAME_NONE;
    int e = handle(sys, p, r, addr, op, pte, &spare, &outcome);
    if (spare != FRAME_NONE) /* taken, then not needed after all */
        vmm__frame_free(sys, spare);
    if (e == VMM_EIO) { /* reading its page failed: the process cannot go on */
        char why[160];
        snprintf(why, sizeof why, "I/O error: %.140s", sys->err);
        vmm__kill(sys, p, addr, why);
        return VMM_KILLED;
    }
    if (e == VMM_KILLED)
        return e;
    if (e < 0)
        return e;
    count_fault(sys, p, outcome);

    /* 6. Restart: the translation now succeeds and is cached. */
    EMIT(sys, VMM_EV_RESTART, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr,
         .frame = pte_frame(*pte));
    *ptep = pte;
    return outcome;
}

int vmm__fault_lean(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, pte_t *pte)
{
    const struct region *r;
    if (VMM_UNLIKELY(*pte || sys->alloc_dirty || sys->local || !(r = vmm__region_find(p, addr)) ||
                     r->obj || !(r->prot & need_prot[op])))
        return vmm__fault(sys, p, addr, op, &pte);
    /* get_frame, global replacement: a free frame, or a victim */
    frame_t f = vmm__frame_alloc(sys);
    if (f == FRAME_NONE) {
        f = sys->pol->select_victim(sys->pol_state);
        VMM_ASSERT(f < sys->nframes && sys->frames[f].pte);
        /* (take_victim's work, its plain case inline: through it, with the
         * event and checks nothing watches, fifo was 10% slower) */
        if (VMM_LIKELY(plain_victim(sys, &sys->frames[f]))) {
            evict_plain(sys, f);
            prefetch_victims(sys, f);
        } else {
            int e = evict_victim(sys, p, f, &f);
            if (e == 1) /* could not write it; someone else was killed */
                return vmm__fault(sys, p, addr, op, &pte);
            if (e != 0)
                return e; /* VMM_KILLED or an error */
        }
    }
    if (sys->owner)
        vmm__charge(sys, f, p);
    /* handle's zero-fill */
    zero_frame(sys, f);
    sys->st.zero_fills++;
    p->st.zero_fills++;
    int e = map_frame(sys, p, addr >> sys->page_shift, pte, f, op, (r->prot & VMM_PROT_WRITE) != 0,
                      true);
    if (e < 0)
        return e;
    count_fault(sys, p, VMM_FAULT_MINOR);
    return VMM_FAULT_MINOR;
}
