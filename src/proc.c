/*
 * proc.c - processes: spawn, fork (copy-on-write), exec, exit, kill, and the
 * per-process memory figures (RSS, PSS, USS) computed from the page tables.
 *
 * fork, step by step (CONCEPTS item 14):
 *   1. the child gets a copy of the parent's regions;
 *   2. every resident private page is write-protected in the parent and mapped
 *      read-only in the child: one frame, two PTEs (a further reverse-map
 *      entry); a dirty bit moves from the parent's PTE to the frame, which is
 *      still the only up-to-date copy;
 *   3. every swapped-out page's slot gains a holder: the child's PTE names it too;
 *   4. pages of objects (shared text) are simply mapped in the child as well;
 *   5. the parent's TLB entries are shot down: they allowed writes.
 * The first write to a write-protected page then traps (fault.c): the page is
 * copied, or made writable again if no one else holds it any more.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

int vmm_process_spawn(struct vmm_system *sys, uint32_t pid, const char *name)
{
    if (pid == 0 || pid > VMM_PID_MAX)
        return vmm__fail(sys, VMM_ERANGE, "process id %u is outside 1..%u", pid, VMM_PID_MAX);
    if (pid >= sys->cap_procs) {
        size_t cap = sys->cap_procs ? sys->cap_procs : 16;
        while (cap <= pid)
            cap *= 2;
        struct proc **n = realloc(sys->procs, cap * sizeof *n);
        if (!n)
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for the process table");
        memset(n + sys->cap_procs, 0, (cap - sys->cap_procs) * sizeof *n);
        sys->procs = n;
        sys->cap_procs = cap;
    }
    if (sys->procs[pid])
        return vmm__fail(sys, VMM_EEXIST, "process %u already exists", pid);
    struct proc *p = calloc(1, sizeof *p);
    if (!p)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for a process");
    p->pid = pid;
    p->asid = sys->next_asid++;
    p->live = true;
    p->leaf_tag = VPN_TAG_NONE;
    vmm__copy_str(p->name, sizeof p->name, name);
    p->st.pid = pid;
    p->st.live = true;
    p->st.priority = 1;
    vmm__copy_str(p->st.name, sizeof p->st.name, name);
    if (sys->ws_on && vmm__ws_init(sys, p) < 0) {
        free(p);
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for a working set");
    }
    sys->procs[pid] = p;
    sys->st.processes++;
    EMIT(sys, VMM_EV_SPAWN, .pid = pid, .text = p->name);
    vmm__alloc_changed(sys);
    return 0;
}

/* ---- releasing memory ------------------------------------------------------------- */

void vmm__frame_uncache(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    if (fr->slot != SLOT_NONE) { /* the frame's own hold on the slot ends */
        sys->swap.cache[fr->slot] = FRAME_NONE;
        vmm__swap_put(sys, fr->slot);
    }
    fr->slot = SLOT_NONE;
    fr->flags = 0;
}

void vmm__frame_drop(struct vmm_system *sys, frame_t f)
{
    VMM_ASSERT(!sys->frames[f].pte);
    sys->pol->on_remove(sys->pol_state, f);
    vmm__frame_uncache(sys, f);
    vmm__frame_free(sys, f);
}

void vmm__unmap_pte(struct vmm_system *sys, struct proc *p, vpn_t vpn, pte_t *pte)
{
    frame_t f = pte_frame(*pte);
    vmm__tlb_invalidate(&sys->tlb, p->asid, vpn);
    p->st.resident_pages--;
    if (vmm__rmap_del(sys, f, pte) == 0)
        vmm__frame_drop(sys, f);
}

struct release_ctx {
    struct vmm_system *sys;
    struct proc *p;
};

/* Releases one PTE: its mapping of a frame, or its hold on a swap slot. */
static void release_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct release_ctx *c = ctx;
    pte_t e = *pte;
    if (e & PTE_VALID) {
        vmm__unmap_pte(c->sys, c->p, vpn, pte);
    } else if (e & PTE_SWAP) {
        vmm__swap_put(c->sys, pte_slot(e));
        c->p->st.swapped_pages--;
    }
    *pte = 0;
}

void vmm__release_range(struct vmm_system *sys, struct proc *p, vpn_t lo, vpn_t hi)
{
    struct release_ctx c = {sys, p};
    vmm__pt_foreach_range(sys, p, lo, hi, release_pte, &c);
}

/* Writes back the dirty pages of p's shared file mapping r (cause); returns 0
 * or VMM_EIO. */
int vmm__region_writeback(struct vmm_system *sys, const struct region *r, int cause,
                          uint64_t *written)
{
    if (!r->obj || !r->shared)
        return 0;
    uint64_t lo = r->pgoff, hi = lo + ((r->end - r->start) >> sys->page_shift);
    return vmm__obj_sync(sys, r->obj, lo, hi, cause, written);
}

void vmm__proc_release(struct vmm_system *sys, struct proc *p)
{
    struct release_ctx c = {sys, p};
    if (sys->cm)
        vmm__cm_release(sys, p);
    /* What it wrote to shared files reaches them; a failed write leaves the
     * page dirty in the page cache, to be written later. */
    for (size_t i = 0; i < p->nregions; i++)
        vmm__region_writeback(sys, &p->regions[i], VMM_WB_EXIT, NULL);
    vmm__pt_foreach(sys, p, release_pte, &c);
    for (size_t i = 0; i < p->nregions; i++)
        if (p->regions[i].obj)
            vmm__obj_unref(sys, p->regions[i].obj);
    VMM_ASSERT(p->st.resident_pages == 0 && p->st.swapped_pages == 0);
    vmm__tlb_flush_asid(&sys->tlb, p->asid);
    vmm__pt_free(sys, p);
    if (sys->last == p)
        sys->last = NULL;
    if (!p->live) { /* exit or kill, not exec: what it was charged for is no one's now */
        vmm__uncharge_all(sys, p);
        vmm__ws_free(p);
        p->st.ws_size = 0;
        p->state = PS_DONE;
        vmm__alloc_changed(sys);
    }
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

int vmm_process_exit(struct vmm_system *sys, uint32_t pid)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p || !p->live)
        return vmm__fail(sys, VMM_ENOENT, "no running process %u", pid);
    p->live = false;
    p->st.live = false;
    vmm__proc_release(sys, p);
    EMIT(sys, VMM_EV_EXIT, .pid = pid);
    return 0;
}

int vmm_process_exec(struct vmm_system *sys, uint32_t pid, const char *name)
{
    struct proc *p = vmm__proc(sys, pid);
    if (!p || !p->live)
        return vmm__fail(sys, VMM_ENOENT, "no running process %u", pid);
    vmm__proc_release(sys, p);
    p->nregions = 0;
    vmm__copy_str(p->name, sizeof p->name, name);
    vmm__copy_str(p->st.name, sizeof p->st.name, name);
    sys->st.execs++;
    EMIT(sys, VMM_EV_EXEC, .pid = pid, .text = p->name);
    return 0;
}

/* ---- fork ------------------------------------------------------------------------ */

struct fork_ctx {
    struct vmm_system *sys;
    struct proc *parent, *child;
    int err; /* the first failure */
};

/* Shares one PTE of the parent with the child (steps 2-4 above). */
static void fork_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct fork_ctx *c = ctx;
    struct vmm_system *sys = c->sys;
    pte_t e = *pte;
    if (c->err || !(e & (PTE_VALID | PTE_SWAP)))
        return;
    pte_t *cp = vmm__pt_ensure(sys, c->child, vpn);
    if (!cp) {
        c->err = vmm__fail(sys, VMM_ENOMEM, "out of host memory for page tables");
        return;
    }
    if (e & PTE_SWAP) {
        vmm__swap_dup(sys, pte_slot(e));
        *cp = e;
        c->child->st.swapped_pages++;
        return;
    }
    frame_t f = pte_frame(e);
    struct frame *fr = &sys->frames[f];
    int r = vmm__rmap_add(sys, f, c->child->pid, vpn, cp);
    if (r < 0) {
        c->err = r;
        return;
    }
    if (fr->flags & FR_FILE) { /* an object's page: shared as it is (a shared mapping's
                                  stays writable) */
        *cp = pte_mk_frame(f, e & PTE_WRITE);
        c->child->st.resident_pages++;
        return;
    }
    if (e & PTE_WRITE) {
        if (e & PTE_DIRTY)
            fr->flags |= FR_DIRTY;
        *pte = e & ~(PTE_WRITE | PTE_DIRTY);
    }
    *cp = pte_mk_frame(f, 0);
    c->child->st.resident_pages++;
}

int vmm_process_fork(struct vmm_system *sys, uint32_t parent, uint32_t child)
{
    struct proc *pp = vmm__proc(sys, parent);
    if (!pp || !pp->live)
        return vmm__fail(sys, VMM_ENOENT, "no running process %u to fork", parent);
    int r = vmm_process_spawn(sys, child, pp->name);
    if (r < 0)
        return r;
    struct proc *cp = vmm__proc(sys, child);
    if (pp->nregions) {
        cp->regions = malloc(pp->nregions * sizeof *cp->regions);
        if (!cp->regions) {
            vmm_process_exit(sys, child);
            return vmm__fail(sys, VMM_ENOMEM, "out of memory for regions");
        }
        memcpy(cp->regions, pp->regions, pp->nregions * sizeof *cp->regions);
        cp->nregions = cp->cap_regions = pp->nregions;
        for (size_t i = 0; i < cp->nregions; i++)
            if (cp->regions[i].obj)
                vmm__obj_ref(sys, cp->regions[i].obj);
    }
    cp->st.ppid = parent;
    struct fork_ctx c = {sys, pp, cp, 0};
    if (sys->cm)
        c.err = vmm__cm_fork(sys, pp, cp);
    vmm__pt_foreach(sys, pp, fork_pte, &c);
    vmm__tlb_flush_asid(&sys->tlb, pp->asid);
    sys->st.forks++;
    EMIT(sys, VMM_EV_FORK, .pid = parent, .vpid = child);
    if (c.err < 0) { /* undo: the child's shares go away, the parent's pages stay */
        char msg[sizeof sys->err];
        snprintf(msg, sizeof msg, "%s", sys->err);
        vmm_process_exit(sys, child);
        return vmm__fail(sys, c.err, "%s", msg);
    }
    return 0;
}

/* ---- memory figures ---------------------------------------------------------------- */

struct mem_ctx {
    const struct vmm_system *sys;
    struct vmm_proc_stats *st;
    uint64_t pss; /* in 1/4096 bytes, to sum fractions exactly enough */
};

static void count_pte(void *ctx, vpn_t vpn, pte_t *pte)
{
    struct mem_ctx *c = ctx;
    (void)vpn;
    if (!(*pte & PTE_VALID))
        return;
    frame_t f = pte_frame(*pte);
    unsigned n = frame_users(c->sys, f);
    if (!(c->sys->frames[f].flags & FR_FILE))
        c->st->rss_anon++;
    else if (frame_obj(c->sys, f)->kind == OBJ_SHMEM)
        c->st->rss_shmem++;
    else
        c->st->rss_file++;
    if (n > 1)
        c->st->shared++;
    else
        c->st->private_pages++;
    c->pss += ((uint64_t)c->sys->cfg.page_size << 12) / (n ? n : 1);
}

size_t vmm_proc_stats_get(const struct vmm_system *sys, struct vmm_proc_stats *out, size_t max)
{
    size_t n = 0;
    for (size_t pid = 0; pid < sys->cap_procs; pid++) {
        struct proc *p = sys->procs[pid];
        if (!p)
            continue;
        if (out && n < max) {
            struct vmm_proc_stats *st = &out[n];
            *st = p->st;
            st->page_table_nodes = p->pt_nodes;
            st->rss_anon = st->rss_file = st->rss_shmem = st->shared = st->private_pages = 0;
            struct mem_ctx c = {sys, st, 0};
            vmm__pt_foreach(sys, p, count_pte, &c);
            st->pss_bytes = c.pss >> 12;
            if (sys->cm)
                vmm__cm_proc_stats(sys, p, st);
            vmm__sched_proc_stats(sys, p, st);
        }
        n++;
    }
    return n;
}
