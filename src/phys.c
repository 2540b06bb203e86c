/*
 * phys.c - physical memory: the frames' bytes, the frame table with its
 * reverse map, and the free list.
 *
 * Physical memory is one array of frames x page-size bytes (absent with data
 * off). The free list is a stack threaded through the frame table; at start it
 * hands out frames in ascending order (0, 1, 2, ...), and a freed frame is
 * reused first. Invariant: a frame is on the free list iff its pte is NULL.
 *
 * The reverse map: a frame's first mapping is kept in the frame itself; the
 * further mappings of a shared frame (fork, shared text) are a chain of
 * entries in one pool, sys->rmap, whose unused entries form a free chain.
 */
#include "internal.h"

#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

/* The length mapped for bytes: whole huge pages from HUGE_PAGE up. */
static size_t big_len(size_t bytes)
{
    return bytes < HUGE_PAGE ? bytes : (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

/* From 2 MiB up the mapping starts on a huge-page boundary (a larger one is
 * made, its ends given back), since the host can back only aligned 2 MiB
 * ranges with a huge page: a table walked at random then costs the host's TLB
 * a few entries instead of one per 4 KiB. */
void *vmm__alloc_big(size_t bytes)
{
    size_t len = big_len(bytes), extra = len >= HUGE_PAGE ? HUGE_PAGE : 0;
    uint8_t *m =
        mmap(NULL, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (!extra)
        return m;
    uint8_t *a = (uint8_t *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (a > m)
        munmap(m, (size_t)(a - m));
    if (a + len < m + len + extra)
        munmap(a + len, (size_t)(m + len + extra - (a + len)));
#ifdef MADV_HUGEPAGE
    madvise(a, len, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
    return a;
}

void vmm__free_big(void *p, size_t bytes)
{
    if (p)
        munmap(p, big_len(bytes));
}

int vmm__phys_init(struct vmm_system *sys)
{
    uint64_t n = sys->cfg.frames;
    sys->nframes = n;
    sys->frames = vmm__alloc_big(n * sizeof *sys->frames);
    if (!sys->frames)
        return vmm__fail(sys, VMM_ENOMEM, "cannot allocate a frame table of %" PRIu64 " frames", n);
    sys->fpage = vmm__alloc_big(n * sizeof *sys->fpage);
    if (!sys->fpage)
        return vmm__fail(sys, VMM_ENOMEM, "cannot allocate a frame table of %" PRIu64 " frames", n);
    for (uint64_t f = 0; f < n; f++)
        sys->frames[f] = (struct frame){NULL, 0, 0, SLOT_NONE, (frame_t)(f + 1), FR_ZERO};
    sys->frames[n - 1].link = FRAME_NONE;
    sys->rmap_free = RMAP_NONE;
    sys->free_head = 0;
    sys->nfree = n;
    if (sys->cfg.data) {
        /* Anonymous mapping: untouched frames cost no host memory. */
        sys->mem_bytes = (size_t)n << sys->page_shift;
        void *m = mmap(NULL, sys->mem_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            sys->mem_bytes = 0;
            return vmm__fail(sys, VMM_ENOMEM,
                             "cannot map %" PRIu64 " frames of physical memory (try --no-data)", n);
        }
        sys->mem = m;
    }
    return 0;
}

void vmm__phys_destroy(struct vmm_system *sys)
{
    if (sys->mem)
        munmap(sys->mem, sys->mem_bytes);
    sys->mem = NULL;
    vmm__free_big(sys->frames, sys->nframes * sizeof *sys->frames);
    vmm__free_big(sys->fpage, sys->nframes * sizeof *sys->fpage);
    sys->frames = NULL;
    sys->fpage = NULL;
    free(sys->rmap);
    sys->rmap = NULL;
}

void vmm__frame_free(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    VMM_ASSERT(fr->pte == NULL && fr->link == RMAP_NONE);
    vmm__uncharge(sys, f);
    fr->link = sys->free_head;
    fr->slot = SLOT_NONE;
    fr->flags &= FR_ZERO; /* whatever it held stays; FR_ZERO only if evict said so */
    sys->free_head = f;
    sys->nfree++;
}

/* ---- the reverse map ------------------------------------------------------- */

/* An unused pool entry, growing the pool when none is left. */
static uint32_t rmap_get(struct vmm_system *sys)
{
    if (sys->rmap_free == RMAP_NONE) {
        uint32_t cap = sys->rmap_cap ? sys->rmap_cap * 2 : 256;
        if (cap >= RMAP_FIRST || cap < sys->rmap_cap)
            return RMAP_NONE;
        struct rmap_ent *n = realloc(sys->rmap, (size_t)cap * sizeof *n);
        if (!n)
            return RMAP_NONE;
        for (uint32_t i = sys->rmap_cap; i < cap; i++)
            n[i].next = i + 1 < cap ? i + 1 : RMAP_NONE;
        sys->rmap = n;
        sys->rmap_free = sys->rmap_cap;
        sys->rmap_cap = cap;
    }
    uint32_t i = sys->rmap_free;
    sys->rmap_free = sys->rmap[i].next;
    return i;
}

static void rmap_put(struct vmm_system *sys, uint32_t i)
{
    sys->rmap[i].next = sys->rmap_free;
    sys->rmap_free = i;
}

static unsigned rmap_unlink(struct vmm_system *sys, frame_t f, const pte_t *pte);

int vmm__rmap_add_more(struct vmm_system *sys, frame_t f, uint32_t pid, vpn_t vpn, pte_t *pte)
{
    struct frame *fr = &sys->frames[f];
    uint32_t i = rmap_get(sys);
    if (i == RMAP_NONE)
        return vmm__fail(sys, VMM_ENOMEM, "out of memory for the reverse map");
    sys->rmap[i] = (struct rmap_ent){pte, vpn, pid, fr->link};
    fr->link = i;
    return 0;
}

unsigned vmm__rmap_del(struct vmm_system *sys, frame_t f, const pte_t *pte)
{
    struct frame *fr = &sys->frames[f];
    pte_t bits = *pte;
    unsigned left = rmap_unlink(sys, f, pte);
    /* The page's R and M bits are the union over its mappings (frame_bits):
     * the ones this mapping carried stay with the page, as a policy saw them. */
    if (left && (bits & PTE_DIRTY))
        fr->flags |= FR_DIRTY;
    if (left && (bits & PTE_REF))
        *fr->pte |= PTE_REF;
    return left;
}

/* Takes the mapping through pte off f's list; returns the mappings left. */
static unsigned rmap_unlink(struct vmm_system *sys, frame_t f, const pte_t *pte)
{
    struct frame *fr = &sys->frames[f];
    if (fr->pte == pte) { /* the first: the next one takes its place */
        uint32_t i = fr->link;
        if (i == RMAP_NONE) {
            fr->pte = NULL;
            return 0;
        }
        fr->pte = sys->rmap[i].pte;
        fr->vpn = sys->rmap[i].vpn;
        fr->pid = sys->rmap[i].pid;
        fr->link = sys->rmap[i].next;
        rmap_put(sys, i);
    } else {
        uint32_t *at = &fr->link;
        while (*at != RMAP_NONE && sys->rmap[*at].pte != pte)
            at = &sys->rmap[*at].next;
        VMM_ASSERT(*at != RMAP_NONE);
        if (*at == RMAP_NONE)
            return vmm__rmap_count(sys, f);
        uint32_t i = *at;
        *at = sys->rmap[i].next;
        rmap_put(sys, i);
    }
    return vmm__rmap_count(sys, f);
}

void vmm__rmap_clear(struct vmm_system *sys, frame_t f)
{
    struct frame *fr = &sys->frames[f];
    while (fr->link != RMAP_NONE) {
        uint32_t i = fr->link;
        fr->link = sys->rmap[i].next;
        rmap_put(sys, i);
    }
    fr->pte = NULL;
}

unsigned vmm__rmap_count(const struct vmm_system *sys, frame_t f)
{
    const struct frame *fr = &sys->frames[f];
    if (!fr->pte)
        return 0;
    unsigned n = 1;
    for (uint32_t i = fr->link; i != RMAP_NONE; i = sys->rmap[i].next)
        n++;
    return n;
}

pte_t vmm__frame_bits_shared(const struct vmm_system *sys, frame_t f)
{
    struct mapping m;
    uint32_t c = RMAP_FIRST;
    pte_t b = (sys->frames[f].flags & FR_DIRTY) ? PTE_DIRTY : 0;
    while (frame_mapping(sys, f, &c, &m))
        b |= *m.pte;
    return b & (PTE_REF | PTE_DIRTY);
}

void vmm__frame_clear_shared(struct vmm_system *sys, frame_t f, pte_t bits)
{
    struct mapping m;
    uint32_t c = RMAP_FIRST;
    while (frame_mapping(sys, f, &c, &m))
        *m.pte &= ~bits;
    if (bits & PTE_DIRTY)
        sys->frames[f].flags &= ~FR_DIRTY;
}
