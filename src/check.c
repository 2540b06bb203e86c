/*
 * check.c - the invariant checker: walks every structure and checks they tell
 * one story. Tests run it after every reference (config.check).
 *
 *  1. free list: links stay in range, no cycle, length = nfree, every frame
 *     on it has no reverse map; every frame off it has one;
 *  2. page tables: a valid PTE names a frame whose reverse map points back at
 *     that PTE with the same pid and page; a swapped PTE names a slot in use;
 *     valid PTEs = frames in use, and per process = resident_pages;
 *  3. swap slots: every slot in use is held by exactly one swapped PTE or one
 *     resident page's frame->slot, and nothing holds a free slot;
 *  4. TLB: every entry names a live process's page whose PTE is valid;
 *  5. the policy's own structures (its check callback).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct walk_ctx {
    struct vmm_system *sys; /* system checked */
    struct proc *p;         /* process whose table is walked */
    uint8_t *slot_refs;     /* holders seen per swap slot */
    uint64_t valid;         /* valid PTEs of p */
    uint64_t swapped;       /* swapped PTEs of p */
    int bad;                /* set at the first disagreement (message in sys->err) */
};

static void check_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct walk_ctx *w = ctx;
    struct vmm_system *sys = w->sys;
    pte_t e = *pte;
    if (w->bad)
        return;
    if (e & PTE_VALID) {
        frame_t f = pte_frame(e);
        w->valid++;
        if (f >= sys->nframes) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": frame %u out of range",
                               w->p->pid, vpn, (unsigned)f);
            return;
        }
        const struct frame *fr = &sys->frames[f];
        if (fr->pte != pte || fr->pid != w->p->pid || fr->vpn != vpn) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT,
                               "P%u page 0x%" PRIx64 " maps frame %u, whose reverse map says P%u "
                               "page 0x%" PRIx64 "%s",
                               w->p->pid, vpn, (unsigned)f, fr->pid, fr->vpn,
                               fr->pte == pte ? "" : " (other PTE)");
            return;
        }
        if (fr->slot != SLOT_NONE && fr->slot < sys->swap.top)
            w->slot_refs[fr->slot]++;
    } else if (e & PTE_SWAP) {
        slot_t s = pte_slot(e);
        w->swapped++;
        if (s >= sys->swap.top || !sys->swap.used[s]) {
            w->bad =
                vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": swap slot %u not in use",
                          w->p->pid, vpn, (unsigned)s);
            return;
        }
        w->slot_refs[s]++;
    } else if (e != 0) {
        w->bad = vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": stray PTE bits 0x%" PRIx64,
                           w->p->pid, vpn, e);
    }
}

static int check_frames(struct vmm_system *sys)
{
    uint64_t n = 0;
    for (frame_t f = sys->free_head; f != FRAME_NONE; f = sys->frames[f].next) {
        if (f >= sys->nframes || ++n > sys->nfree)
            return vmm__fail(sys, VMM_EINVARIANT, "free list broken after %" PRIu64 " frames", n);
        if (sys->frames[f].pte)
            return vmm__fail(sys, VMM_EINVARIANT, "frame %u is free but mapped", (unsigned)f);
    }
    if (n != sys->nfree)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "free list has %" PRIu64 " frames, count says %" PRIu64, n, sys->nfree);
    uint64_t mapped = 0;
    for (uint64_t f = 0; f < sys->nframes; f++)
        if (sys->frames[f].pte) {
            mapped++;
            if (!(*sys->frames[f].pte & PTE_VALID) || pte_frame(*sys->frames[f].pte) != f)
                return vmm__fail(sys, VMM_EINVARIANT, "frame %u: its PTE does not map it",
                                 (unsigned)f);
        }
    if (mapped + sys->nfree != sys->nframes)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "%" PRIu64 " frames mapped + %" PRIu64 " free != %" PRIu64, mapped,
                         sys->nfree, sys->nframes);
    return 0;
}

static int check_tlb(struct vmm_system *sys)
{
    const struct tlb *t = &sys->tlb;
    for (size_t i = 0; i < (size_t)t->sets * t->ways; i++) {
        const struct tlb_entry *e = &t->e[i];
        if (!e->used)
            continue;
        if (!e->pte || !(*e->pte & PTE_VALID))
            return vmm__fail(sys, VMM_EINVARIANT,
                             "TLB entry %zu (page 0x%" PRIx64 ") caches an invalid PTE", i, e->vpn);
        const struct frame *fr = &sys->frames[pte_frame(*e->pte)];
        struct proc *p = vmm__proc(sys, fr->pid);
        if (fr->vpn != e->vpn || !p || p->asid != e->asid || !p->live)
            return vmm__fail(sys, VMM_EINVARIANT,
                             "TLB entry %zu (asid %u page 0x%" PRIx64 ") disagrees with the "
                             "frame table",
                             i, e->asid, e->vpn);
    }
    return 0;
}

int vmm_system_check(struct vmm_system *sys)
{
    int r = check_frames(sys);
    if (r < 0)
        return r;
    struct walk_ctx w = {.sys = sys};
    w.slot_refs = calloc(sys->swap.top + 1, 1);
    if (!w.slot_refs)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory checking");
    uint64_t valid = 0;
    for (size_t pid = 0; pid < sys->cap_procs && !w.bad; pid++) {
        struct proc *p = sys->procs[pid];
        if (!p)
            continue;
        w.p = p;
        w.valid = w.swapped = 0;
        vmm__pt_foreach(sys, p, check_pte, &w);
        if (w.bad)
            break;
        if (!p->live && (w.valid || w.swapped || p->root))
            w.bad = vmm__fail(sys, VMM_EINVARIANT, "P%u has ended but keeps memory", p->pid);
        else if (w.valid != p->st.resident_pages || w.swapped != p->st.swapped_pages)
            w.bad =
                vmm__fail(sys, VMM_EINVARIANT,
                          "P%u: %" PRIu64 " valid PTEs, %" PRIu64 " swapped; counts say %" PRIu64
                          " resident, %" PRIu64 " swapped",
                          p->pid, w.valid, w.swapped, p->st.resident_pages, p->st.swapped_pages);
        valid += w.valid;
    }
    for (uint64_t s = 0; !w.bad && s < sys->swap.top; s++)
        if (w.slot_refs[s] != sys->swap.used[s])
            w.bad = vmm__fail(sys, VMM_EINVARIANT, "swap slot %" PRIu64 ": %s, held %u times", s,
                              sys->swap.used[s] ? "in use" : "free", w.slot_refs[s]);
    free(w.slot_refs);
    if (w.bad)
        return w.bad;
    if (valid != sys->nframes - sys->nfree)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "%" PRIu64 " valid PTEs but %" PRIu64 " frames in use", valid,
                         sys->nframes - sys->nfree);
    if ((r = check_tlb(sys)) < 0)
        return r;
    char msg[256];
    if (sys->pol->check && sys->pol->check(sys->pol_state, msg, sizeof msg) < 0)
        return vmm__fail(sys, VMM_EINVARIANT, "policy %s: %s", sys->policy_name, msg);
    return 0;
}
