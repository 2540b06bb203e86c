/*
 * check.c - the invariant checker: walks every structure and checks they tell
 * one story. Tests run it after every reference (config.check).
 *
 *  1. free list: links stay in range, no cycle, length = nfree, every frame
 *     on it has no mapping; every frame off it has at least one;
 *  2. reverse map: every mapping of a frame is a valid PTE of a live process,
 *     found at that process's page, naming the frame; each valid PTE is
 *     exactly one mapping (the PTEs naming a frame = its mappings);
 *  3. regions: sorted, page aligned, not overlapping; every mapped page lies
 *     in a region; a page of an object lies in a region mapping that object
 *     at that page, and is writable only in a shared writable mapping; a
 *     shared mapping holds no anonymous page and no swap slot; every object
 *     PTE is the first mapping of its page's frame (the page cache), and a
 *     file's or image's page caches no swap slot;
 *  4. swap slots: a slot's count = the PTEs naming it (processes' and
 *     objects') + 1 if a frame caches it, and the swap cache and frame->slot
 *     agree;
 *  5. copy-on-write safety: a writable PTE maps a frame no one else maps and
 *     whose slot (if any) no one else holds; a dirty page's slot likewise;
 *  6. per process: valid and swapped PTEs = its resident and swapped counts;
 *     an ended process holds nothing;
 *  7. TLB: every entry is a live process's valid PTE at that page;
 *  8. frame ownership (when tracked: local replacement or load control): a
 *     free frame is charged to no one; a frame is charged only to a live
 *     process; each process's owned_frames is the number of frames charged
 *     to it; with local replacement and the allocations up to date, no
 *     running (not suspended) process holds more than its allocation;
 *  9. the policy's own structures (its check callback);
 * 10. each process's working-set window and table (wset.c).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct walk_ctx {
    struct vmm_system *sys; /* system checked */
    struct proc *p;         /* process whose table is walked */
    uint32_t *slot_refs;    /* PTEs seen per swap slot */
    uint32_t *frame_refs;   /* valid PTEs seen per frame */
    uint64_t valid;         /* valid PTEs of p */
    uint64_t swapped;       /* swapped PTEs of p */
    int bad;                /* set at the first disagreement (message in sys->err) */
};

static void check_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct walk_ctx *w = ctx;
    struct vmm_system *sys = w->sys;
    pte_t e = *pte;
    uint64_t addr = vpn << sys->page_shift;
    if (w->bad)
        return;
    if (e & PTE_VALID) {
        frame_t f = pte_frame(e);
        w->valid++;
        if (f >= sys->nframes || !sys->frames[f].pte) {
            w->bad =
                vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": frame %u %s", w->p->pid,
                          vpn, (unsigned)f, f >= sys->nframes ? "out of range" : "is free");
            return;
        }
        w->frame_refs[f]++;
        const struct region *r = vmm__region_find(w->p, addr);
        const struct frame *fr = &sys->frames[f];
        if (!r) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 " is mapped in no region",
                               w->p->pid, vpn);
        } else if (fr->flags & FR_FILE) {
            const struct fpage *fp = &sys->fpage[f];
            uint64_t idx = region_obj_page(sys, r, vpn);
            if (r->obj != fp->obj || idx != fp->index)
                w->bad = vmm__fail(sys, VMM_EINVARIANT,
                                   "P%u page 0x%" PRIx64 " maps object %u page %u in region %s "
                                   "(object %u page %" PRIu64 ")",
                                   w->p->pid, vpn, fp->obj, fp->index, r->name, r->obj, idx);
            else if ((e & PTE_WRITE) && !(r->shared && (r->prot & VMM_PROT_WRITE)))
                w->bad = vmm__fail(sys, VMM_EINVARIANT,
                                   "P%u page 0x%" PRIx64 ": an object's page is writable in %s "
                                   "mapping %s",
                                   w->p->pid, vpn, r->shared ? "read-only" : "private", r->name);
        } else if (r->obj && r->shared) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT,
                               "P%u page 0x%" PRIx64 ": anonymous frame %u in shared mapping %s",
                               w->p->pid, vpn, (unsigned)f, r->name);
        } else if ((e & PTE_WRITE) && (fr->link != RMAP_NONE ||
                                       (fr->slot != SLOT_NONE && swap_count(sys, fr->slot) != 1))) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT,
                               "P%u page 0x%" PRIx64 ": writable, but frame %u is shared "
                               "(copy-on-write broken)",
                               w->p->pid, vpn, (unsigned)f);
        } else if ((e & PTE_WRITE) && !(r->prot & VMM_PROT_WRITE)) {
            w->bad = vmm__fail(sys, VMM_EINVARIANT,
                               "P%u page 0x%" PRIx64 ": writable in read-only region %s", w->p->pid,
                               vpn, r->name);
        }
    } else if (e & PTE_SWAP) {
        slot_t s = pte_slot(e);
        w->swapped++;
        if (s >= sys->swap.top || !sys->swap.count[s]) {
            w->bad =
                vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": swap slot %u not in use",
                          w->p->pid, vpn, (unsigned)s);
            return;
        }
        const struct region *r = vmm__region_find(w->p, addr);
        if (!r || (r->obj && r->shared))
            w->bad = vmm__fail(
                sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 " holds a swap slot but is in %s",
                w->p->pid, vpn, r ? "a shared mapping (its object holds the slot)" : "no region");
        w->slot_refs[s]++;
    } else if (e != 0) {
        w->bad = vmm__fail(sys, VMM_EINVARIANT, "P%u page 0x%" PRIx64 ": stray PTE bits 0x%" PRIx64,
                           w->p->pid, vpn, e);
    }
}

static int check_free_list(struct vmm_system *sys)
{
    uint64_t n = 0;
    for (frame_t f = sys->free_head; f != FRAME_NONE; f = sys->frames[f].link) {
        if (f >= sys->nframes || ++n > sys->nfree)
            return vmm__fail(sys, VMM_EINVARIANT, "free list broken after %" PRIu64 " frames", n);
        if (sys->frames[f].pte)
            return vmm__fail(sys, VMM_EINVARIANT, "frame %u is free but mapped", (unsigned)f);
    }
    if (n != sys->nfree)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "free list has %" PRIu64 " frames, count says %" PRIu64, n, sys->nfree);
    return 0;
}

/* Checks the mappings of every frame in use against the page tables. */
static int check_rmap(struct vmm_system *sys, const uint32_t *frame_refs)
{
    uint64_t used = 0;
    for (frame_t f = 0; f < sys->nframes; f++) {
        const struct frame *fr = &sys->frames[f];
        if (!fr->pte)
            continue;
        used++;
        struct mapping m;
        uint32_t c = RMAP_FIRST, n = 0;
        while (frame_mapping(sys, f, &c, &m)) {
            struct proc *p = vmm__proc(sys, m.pid);
            if (m.pid == 0) { /* an object's own PTE: the first mapping of its page */
                const struct vobj *o = (fr->flags & FR_FILE) ? frame_obj(sys, f) : NULL;
                if (++n > frame_refs[f] || n != 1 || !o || m.pte != &o->pte[sys->fpage[f].index])
                    return vmm__fail(sys, VMM_EINVARIANT,
                                     "frame %u: an object's mapping that is not its page's", f);
                continue;
            }
            if (++n > frame_refs[f] || !p || !p->live || pt_find(sys, p, m.vpn) != m.pte ||
                !(*m.pte & PTE_VALID) || pte_frame(*m.pte) != f)
                return vmm__fail(sys, VMM_EINVARIANT,
                                 "frame %u: its mapping P%u page 0x%" PRIx64
                                 " is not that page's valid PTE for it (or is listed twice)",
                                 (unsigned)f, m.pid, m.vpn);
        }
        if (n != frame_refs[f])
            return vmm__fail(sys, VMM_EINVARIANT,
                             "frame %u: %u PTEs name it, its reverse map lists %u", (unsigned)f,
                             frame_refs[f], n);
        if ((fr->flags & FR_FILE) && fr->pid != 0)
            return vmm__fail(sys, VMM_EINVARIANT,
                             "frame %u: object %u page %u, but the object does not hold it",
                             (unsigned)f, sys->fpage[f].obj, sys->fpage[f].index);
        if ((fr->flags & FR_FILE) && frame_obj(sys, f)->kind != OBJ_SHMEM &&
            fr->slot != SLOT_NONE) {
            return vmm__fail(sys, VMM_EINVARIANT, "frame %u: a file's page caches swap slot %u",
                             (unsigned)f, (unsigned)fr->slot);
        } else if (fr->slot != SLOT_NONE) {
            if (fr->slot >= sys->swap.top || sys->swap.cache[fr->slot] != f)
                return vmm__fail(sys, VMM_EINVARIANT,
                                 "frame %u caches swap slot %u, the swap cache disagrees",
                                 (unsigned)f, (unsigned)fr->slot);
            if ((frame_bits(sys, f) & PTE_DIRTY) && swap_count(sys, fr->slot) != 1)
                return vmm__fail(sys, VMM_EINVARIANT,
                                 "frame %u is dirty but its swap slot %u has other holders",
                                 (unsigned)f, (unsigned)fr->slot);
        }
    }
    if (used + sys->nfree != sys->nframes)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "%" PRIu64 " frames in use + %" PRIu64 " free != %" PRIu64, used,
                         sys->nfree, sys->nframes);
    return 0;
}

/* Walks every object's PTEs as check_pte walks a process's: each cached page
 * is its frame's first mapping, each swapped one (shared memory) holds its
 * slot. */
static int check_objects(struct vmm_system *sys, uint32_t *frame_refs, uint32_t *slot_refs)
{
    for (uint32_t i = 1; i <= sys->nobjs; i++) {
        const struct vobj *o = vmm__obj(sys, i);
        for (uint64_t k = 0; k < o->npages; k++) {
            pte_t e = o->pte[k];
            if (e & PTE_VALID) {
                frame_t f = pte_frame(e);
                if (f >= sys->nframes || !(sys->frames[f].flags & FR_FILE) ||
                    sys->fpage[f].obj != i || sys->fpage[f].index != k ||
                    sys->frames[f].pte != &o->pte[k])
                    return vmm__fail(sys, VMM_EINVARIANT,
                                     "object %s page %" PRIu64 ": cached frame %u does not hold it",
                                     o->name, k, (unsigned)f);
                frame_refs[f]++;
            } else if (e & PTE_SWAP) {
                slot_t s = pte_slot(e);
                if (o->kind != OBJ_SHMEM || s >= sys->swap.top || !sys->swap.count[s])
                    return vmm__fail(
                        sys, VMM_EINVARIANT, "object %s page %" PRIu64 ": swap slot %u %s", o->name,
                        k, (unsigned)s,
                        o->kind != OBJ_SHMEM ? "held by a file or image" : "not in use");
                slot_refs[s]++;
            } else if (e) {
                return vmm__fail(sys, VMM_EINVARIANT,
                                 "object %s page %" PRIu64 ": stray PTE bits 0x%" PRIx64, o->name,
                                 k, e);
            }
        }
    }
    return 0;
}

static int check_regions(struct vmm_system *sys, const struct proc *p)
{
    uint64_t mask = (sys->cm ? sys->cfg.contig_unit : sys->cfg.page_size) - 1;
    for (size_t i = 0; i < p->nregions; i++) {
        const struct region *r = &p->regions[i];
        if ((r->start & mask) || (r->end & mask) || r->start >= r->end ||
            (i > 0 && p->regions[i - 1].end > r->start) || (r->floor && r->floor > r->start))
            return vmm__fail(sys, VMM_EINVARIANT,
                             "P%u region %s [0x%" PRIx64 ", 0x%" PRIx64 ") is misaligned, empty, "
                             "out of order or overlapping",
                             p->pid, r->name, r->start, r->end);
    }
    return 0;
}

static int check_swap(struct vmm_system *sys, const uint32_t *slot_refs)
{
    const struct swap *sw = &sys->swap;
    uint64_t in_use = 0;
    for (uint64_t s = 0; s < sw->top; s++) {
        frame_t f = sw->cache[s];
        uint32_t cached = f != FRAME_NONE;
        if (cached && (f >= sys->nframes || sys->frames[f].slot != s || !sys->frames[f].pte))
            return vmm__fail(sys, VMM_EINVARIANT,
                             "swap slot %" PRIu64 ": cached frame %u disagrees", s, (unsigned)f);
        if (sw->count[s] != slot_refs[s] + cached)
            return vmm__fail(
                sys, VMM_EINVARIANT, "swap slot %" PRIu64 ": count %u, but %u PTEs name it and %s",
                s, sw->count[s], slot_refs[s], cached ? "a frame caches it" : "no frame caches it");
        in_use += sw->count[s] != 0;
    }
    if (in_use != sw->in_use)
        return vmm__fail(sys, VMM_EINVARIANT,
                         "%" PRIu64 " swap slots are held, the count says %" PRIu64, in_use,
                         sw->in_use);
    return 0;
}

static int check_tlb(struct vmm_system *sys)
{
    const struct tlb *t = &sys->tlb;
    if (!t->sets)
        return 0;
    /* asid -> process, once: the entries name processes by asid. */
    struct proc **by_asid = calloc(sys->next_asid, sizeof *by_asid);
    if (!by_asid)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory checking");
    for (size_t pid = 0; pid < sys->cap_procs; pid++)
        if (sys->procs[pid] && sys->procs[pid]->asid < sys->next_asid)
            by_asid[sys->procs[pid]->asid] = sys->procs[pid];
    int r = 0;
    for (size_t i = 0; r == 0 && i < (size_t)t->sets * t->ways; i++) {
        const struct tlb_entry *e = &t->e[i];
        if (!e->used)
            continue;
        struct proc *p = e->asid < sys->next_asid ? by_asid[e->asid] : NULL;
        if (!p || !p->live || !e->pte || !(*e->pte & PTE_VALID) ||
            pt_find(sys, p, e->vpn) != e->pte)
            r = vmm__fail(sys, VMM_EINVARIANT,
                          "TLB entry %zu (asid %u page 0x%" PRIx64 ") is not a live "
                          "process's valid PTE",
                          i, e->asid, e->vpn);
    }
    free(by_asid);
    return r;
}

static int check_owners(struct vmm_system *sys)
{
    if (!sys->owner)
        return 0;
    uint64_t *owned = calloc(sys->cap_procs + 1, sizeof *owned);
    if (!owned)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory checking");
    int r = 0;
    for (frame_t f = 0; r == 0 && f < sys->nframes; f++) {
        uint32_t pid = sys->owner[f];
        const struct proc *p = vmm__proc(sys, pid);
        if (!pid)
            continue;
        if (!sys->frames[f].pte)
            r = vmm__fail(sys, VMM_EINVARIANT, "frame %u is free but charged to P%u", (unsigned)f,
                          pid);
        else if (!p || !p->live)
            r = vmm__fail(sys, VMM_EINVARIANT, "frame %u is charged to P%u, which %s", (unsigned)f,
                          pid, p ? "has ended" : "does not exist");
        else
            owned[pid]++;
    }
    for (size_t pid = 0; r == 0 && pid < sys->cap_procs; pid++) {
        const struct proc *p = sys->procs[pid];
        if (!p)
            continue;
        if (p->st.owned_frames != owned[pid]) {
            r = vmm__fail(sys, VMM_EINVARIANT,
                          "P%u: %" PRIu64 " frames are charged to it, its count says %" PRIu64,
                          p->pid, owned[pid], p->st.owned_frames);
        } else if (sys->local && !sys->alloc_dirty && p->live && p->state != PS_SUSPENDED) {
            uint64_t a = p->st.allocation ? p->st.allocation : sys->cfg.min_frames;
            if (p->st.owned_frames > a)
                r = vmm__fail(sys, VMM_EINVARIANT,
                              "P%u holds %" PRIu64 " frames, over its allocation of %" PRIu64,
                              p->pid, p->st.owned_frames, a);
        }
    }
    free(owned);
    return r;
}

int vmm_system_check(struct vmm_system *sys)
{
    int r = check_free_list(sys);
    if (r < 0)
        return r;
    struct walk_ctx w = {.sys = sys};
    w.slot_refs = calloc(sys->swap.top + 1, sizeof *w.slot_refs);
    w.frame_refs = calloc(sys->nframes, sizeof *w.frame_refs);
    if (!w.slot_refs || !w.frame_refs) {
        free(w.slot_refs);
        free(w.frame_refs);
        return vmm__fail(sys, VMM_ENOMEM, "out of memory checking");
    }
    for (size_t pid = 0; pid < sys->cap_procs && !w.bad; pid++) {
        struct proc *p = sys->procs[pid];
        if (!p)
            continue;
        if ((w.bad = check_regions(sys, p)) < 0)
            break;
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
    }
    if (!w.bad)
        w.bad = check_objects(sys, w.frame_refs, w.slot_refs);
    if (!w.bad)
        w.bad = check_rmap(sys, w.frame_refs);
    if (!w.bad)
        w.bad = check_swap(sys, w.slot_refs);
    free(w.slot_refs);
    free(w.frame_refs);
    if (w.bad)
        return w.bad;
    if ((r = check_tlb(sys)) < 0)
        return r;
    if ((r = check_owners(sys)) < 0)
        return r;
    char msg[256];
    if (sys->pol->check && sys->pol->check(sys->pol_state, msg, sizeof msg) < 0)
        return vmm__fail(sys, VMM_EINVARIANT, "policy %s: %s", sys->policy_name, msg);
    for (size_t pid = 0; pid < sys->cap_procs; pid++)
        if (sys->procs[pid] && vmm__ws_check(sys->procs[pid], msg, sizeof msg) < 0)
            return vmm__fail(sys, VMM_EINVARIANT, "%s", msg);
    return sys->cm ? vmm__cm_check(sys) : 0;
}
