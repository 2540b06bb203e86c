/*
 * phys.c - physical memory: the frames' bytes, the frame table with its
 * reverse map, and the free list.
 *
 * Physical memory is one array of frames x page-size bytes (absent with data
 * off). The free list is a stack threaded through the frame table; at start it
 * hands out frames in ascending order (0, 1, 2, ...), and a freed frame is
 * reused first. Invariant: a frame is on the free list iff its pte is NULL.
 */
#include "internal.h"

#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE (2u << 20)

void *vmm__alloc_big(size_t bytes)
{
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (bytes >= HUGE_PAGE)
        madvise(m, bytes, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
    return m;
}

void vmm__free_big(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

int vmm__phys_init(struct vmm_system *sys)
{
    uint64_t n = sys->cfg.frames;
    sys->nframes = n;
    sys->frames = vmm__alloc_big(n * sizeof *sys->frames);
    if (!sys->frames)
        return vmm__fail(sys, VMM_ENOMEM, "cannot allocate a frame table of %" PRIu64 " frames", n);
    for (uint64_t f = 0; f < n; f++)
        sys->frames[f] = (struct frame){NULL, 0, 0, SLOT_NONE, (frame_t)(f + 1), 1};
    sys->frames[n - 1].next = FRAME_NONE;
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
    sys->frames = NULL;
}

frame_t vmm__frame_alloc(struct vmm_system *sys)
{
    frame_t f = sys->free_head;
    if (f == FRAME_NONE)
        return FRAME_NONE;
    sys->free_head = sys->frames[f].next;
    sys->nfree--;
    return f;
}

void vmm__frame_free(struct vmm_system *sys, frame_t f)
{
    VMM_ASSERT(sys->frames[f].pte == NULL);
    sys->frames[f].next = sys->free_head;
    sys->frames[f].slot = SLOT_NONE;
    sys->frames[f].zero = 0; /* whatever it held stays until a zero-fill clears it */
    sys->free_head = f;
    sys->nfree++;
}
