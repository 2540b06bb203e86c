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

#include <stdio.h>

static const struct region *region_find(const struct proc *p, uint64_t addr)
{
    size_t lo = 0, hi = p->nregions;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (addr < p->regions[mid].start)
            hi = mid;
        else if (addr >= p->regions[mid].end)
            lo = mid + 1;
        else
            return &p->regions[mid];
    }
    return NULL;
}

int vmm__evict(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    struct proc *owner = vmm__proc(sys, fr->pid);
    pte_t e = *fr->pte;
    slot_t slot = fr->slot;
    VMM_ASSERT(owner && (e & PTE_VALID) && pte_frame(e) == f);

    if (e & PTE_DIRTY) {
        bool fresh = slot == SLOT_NONE;
        if (fresh) {
            int r = vmm__swap_alloc(sys, &slot);
            if (r < 0)
                return r;
        }
        if (sys->cfg.data) {
            int r = vmm__swap_write(sys, slot, frame_mem(sys, f));
            if (r < 0) {
                if (fresh)
                    vmm__swap_release(sys, slot);
                return r;
            }
        }
        sys->st.writebacks++;
        owner->st.writebacks++;
        EMIT(sys, VMM_EV_WRITEBACK, .pid = fr->pid, .vpn = fr->vpn, .frame = f, .slot = slot);
    } else {
        sys->st.writebacks_saved++;
        EMIT(sys, VMM_EV_DROP, .pid = fr->pid, .vpn = fr->vpn, .frame = f, .slot = slot);
    }
    sys->pol->on_remove(sys->pol_state, f);
    vmm__tlb_invalidate(&sys->tlb, owner->asid, fr->vpn);
    /* Not resident: the slot holds the only copy; no slot = a clean zero page,
     * whose frame still holds zeros, so the next zero-fill of it can skip the
     * clearing (the bytes are the same either way). */
    *fr->pte = slot != SLOT_NONE ? pte_mk_slot(slot) : 0;
    fr->zero = slot == SLOT_NONE;
    if (slot != SLOT_NONE)
        owner->st.swapped_pages++;
    owner->st.resident_pages--;
    owner->st.evicted++;
    sys->st.evictions++;
    fr->pte = NULL;
    fr->slot = SLOT_NONE;
    return 0;
}

/* Releases one PTE of an ending process: its frame or its swap slot. */
static void release_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct vmm_system *sys = ctx;
    pte_t e = *pte;
    if (e & PTE_VALID) {
        frame_t f = pte_frame(e);
        struct frame *fr = &sys->frames[f];
        struct proc *p = vmm__proc(sys, fr->pid);
        sys->pol->on_remove(sys->pol_state, f);
        vmm__tlb_invalidate(&sys->tlb, p->asid, vpn);
        if (fr->slot != SLOT_NONE)
            vmm__swap_release(sys, fr->slot);
        fr->pte = NULL;
        p->st.resident_pages--;
        vmm__frame_free(sys, f);
    } else if (e & PTE_SWAP) {
        vmm__swap_release(sys, pte_slot(e));
    }
    *pte = 0;
}

void vmm__proc_release(struct vmm_system *sys, struct proc *p)
{
    vmm__pt_foreach(sys, p, release_pte, sys);
    p->st.swapped_pages = 0;
    vmm__tlb_flush_asid(&sys->tlb, p->asid);
    vmm__pt_free(sys, p);
}

void vmm__kill(struct vmm_system *sys, struct proc *p, uint64_t addr, const char *reason)
{
    p->live = false;
    p->killed = true;
    p->st.live = false;
    p->st.killed = true;
    p->st.kill_addr = addr;
    snprintf(p->st.kill_reason, sizeof p->st.kill_reason, "%s", reason);
    EMIT(sys, VMM_EV_KILL, .pid = p->pid, .vaddr = addr, .text = reason);
    vmm__proc_release(sys, p);
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

/* Kills p when no victim can be evicted because the backing store is full. */
static int out_of_swap(struct vmm_system *sys, struct proc *p, uint64_t addr)
{
    char why[96];
    snprintf(why, sizeof why, "out of memory: the backing store is full (%" PRIu64 " slots)",
             sys->swap.in_use);
    vmm__kill(sys, p, addr, why);
    return VMM_KILLED;
}

/*
 * Eviction reads the victim's frame entry, then the PTE it points at: two
 * dependent cache misses. When the policy can tell its likely next victims,
 * each eviction fetches the frame entry of the third victim to come and the
 * PTE of the second (whose entry the previous eviction fetched), so every
 * eviction finds both in cache, fetched two faults earlier. Speed only:
 * nothing depends on the guess being right.
 */
static void prefetch_victims(struct vmm_system *sys)
{
    if (!sys->pol->peek_victim)
        return;
    frame_t second = sys->pol->peek_victim(sys->pol_state, 1);
    frame_t third = sys->pol->peek_victim(sys->pol_state, 2);
    if (second < sys->nframes && sys->frames[second].pte)
        __builtin_prefetch(sys->frames[second].pte, 1);
    if (third < sys->nframes)
        __builtin_prefetch(&sys->frames[third], 1);
}

static const unsigned need_prot[] = {VMM_PROT_READ, VMM_PROT_WRITE, VMM_PROT_EXEC};

int vmm__fault(struct vmm_system *sys, struct proc *p, uint64_t addr, unsigned op, pte_t **ptep)
{
    vpn_t vpn = addr >> sys->page_shift;
    EMIT(sys, VMM_EV_FAULT, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .vpn = vpn);

    /* 2. Is the address legal for this process? */
    const struct region *r = region_find(p, addr);
    if (!r || !(r->prot & need_prot[op]))
        return segv(sys, p, addr, op, r);
    EMIT(sys, VMM_EV_LEGAL, .pid = p->pid, .vaddr = addr, .vpn = vpn, .text = r->name);

    pte_t *pte = *ptep ? *ptep : vmm__pt_ensure(sys, p, vpn);
    if (!pte)
        return vmm__fail(sys, VMM_ENOMEM, "out of host memory for page tables");
    VMM_ASSERT(!(*pte & PTE_VALID)); /* read-only mappings of writable regions come later */

    /* 3. A frame: free, or taken from a victim. */
    frame_t f = vmm__frame_alloc(sys);
    if (f != FRAME_NONE) {
        EMIT(sys, VMM_EV_FREE_FRAME, .pid = p->pid, .frame = f);
    } else {
        f = sys->pol->select_victim(sys->pol_state);
        VMM_ASSERT(f < sys->nframes && sys->frames[f].pte);
        const struct frame *v = &sys->frames[f];
        EMIT(sys, VMM_EV_VICTIM, .pid = p->pid, .frame = f, .vpid = v->pid, .vvpn = v->vpn,
             .valid = (*v->pte & PTE_DIRTY) != 0);
        int e = vmm__evict(sys, f);
        if (e == VMM_ENOSPC)
            return out_of_swap(sys, p, addr);
        if (e < 0)
            return e;
        prefetch_victims(sys);
    }

    /* 4. Bring the page in. */
    int outcome;
    slot_t slot = SLOT_NONE;
    if (*pte & PTE_SWAP) {
        slot = pte_slot(*pte);
        if (sys->cfg.data) {
            int e = vmm__swap_read(sys, slot, frame_mem(sys, f));
            if (e < 0) {
                vmm__frame_free(sys, f);
                return e;
            }
        }
        sys->st.swap_reads++;
        sys->st.major_faults++;
        p->st.major_faults++;
        p->st.swapped_pages--;
        outcome = VMM_FAULT_MAJOR;
        EMIT(sys, VMM_EV_SWAP_IN, .pid = p->pid, .vpn = vpn, .frame = f, .slot = slot);
    } else {
        if (sys->cfg.data && !sys->frames[f].zero)
            memset(frame_mem(sys, f), 0, sys->cfg.page_size);
        sys->st.zero_fills++;
        sys->st.minor_faults++;
        p->st.minor_faults++;
        outcome = VMM_FAULT_MINOR;
        EMIT(sys, VMM_EV_ZERO_FILL, .pid = p->pid, .vpn = vpn, .frame = f);
    }
    sys->st.page_faults++;
    p->st.page_faults++;

    /* 5. Frame table, reverse map and PTE. The restarted reference sets R (and
     * D for a write) as the hardware would, before the policy sees the page. */
    struct frame *fr = &sys->frames[f];
    fr->pte = pte;
    fr->vpn = vpn;
    fr->pid = p->pid;
    fr->slot = slot;
    fr->zero = 0; /* mapped: writes may land; evict decides again */
    *pte = pte_mk_frame(f, (r->prot & VMM_PROT_WRITE ? PTE_WRITE : 0) | PTE_REF |
                               (op == VMM_WRITE ? PTE_DIRTY : 0));
    p->st.resident_pages++;
    EMIT(sys, VMM_EV_MAP, .pid = p->pid, .vpn = vpn, .frame = f);
    sys->pol->on_insert(sys->pol_state, f, op, sys->next_use);

    /* 6. Restart: the translation now succeeds and is cached. */
    EMIT(sys, VMM_EV_RESTART, .pid = p->pid, .op = (uint8_t)op, .vaddr = addr, .frame = f);
    *ptep = pte;
    return outcome;
}
