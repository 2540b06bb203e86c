/*
 * contig.h - contiguous allocation: a range of bytes [0, size) divided into
 * blocks (allocated to an owner) and holes (free), in address order.
 *
 *    0                                                               size
 *    +--------+======+-----------+==========+----------+=====+--------+
 *    | block  | hole | block     |  hole    | block    | hole| block  |
 *    +--------+======+-----------+==========+----------+=====+--------+
 *
 * The invariant (contig_check): the extents tile [0, size) exactly, in
 * ascending order, none empty, and no two holes are adjacent (freeing a
 * block coalesces it with the holes on either side).
 *
 * Placement is first, best, worst or next fit (enum vmm_fit). Sizes are
 * rounded up to the allocation unit; the rounding is the allocator's
 * internal fragmentation, the holes its external fragmentation. One
 * allocator manages physical memory under relocation and segmentation, and
 * another the backing store's space for swapped-out images (mmu.c).
 */
#ifndef VMM_CONTIG_H
#define VMM_CONTIG_H

#include "vmm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One extent: a block or a hole. */
struct contig_ext {
    uint64_t start; /* first byte */
    uint64_t size;  /* bytes, > 0 */
    uint32_t owner; /* a block's owner, as the caller numbers them (never read by contig.c);
                       0 for a hole */
    bool hole;      /* free */
};

struct contig {
    struct contig_ext *ext; /* extents in address order, tiling [0, size) */
    size_t n;               /* extents in use */
    size_t cap;             /* extents allocated */
    uint64_t size;          /* bytes managed */
    uint64_t unit;          /* allocation unit: sizes are rounded up to it (a power of two) */
    unsigned fit;           /* enum vmm_fit */
    uint64_t rover;         /* next fit: the address where the last search ended */
    uint64_t used;          /* bytes in blocks */
};

/* What the holes look like now. */
struct contig_stats {
    uint64_t size;    /* bytes managed */
    uint64_t used;    /* bytes in blocks */
    uint64_t free;    /* bytes in holes */
    uint64_t blocks;  /* allocated blocks */
    uint64_t holes;   /* holes */
    uint64_t largest; /* the largest hole, bytes */
    double ext_frag;  /* external fragmentation: 1 - largest / free (0 when nothing is
                         free): the share of the free memory that a request as large
                         as all of it could not use */
};

/* Sets c up to manage [0, size) as one hole. unit is a power of two >= 1.
 * Returns 0 or VMM_ENOMEM / VMM_EINVAL. */
int contig_init(struct contig *c, uint64_t size, uint64_t unit, unsigned fit);
void contig_destroy(struct contig *c);

/* size rounded up to the unit (what a block of size bytes really takes). */
uint64_t contig_round(const struct contig *c, uint64_t size);

/* Places a block of size bytes (rounded up) for owner in the hole the fit
 * chooses, at the hole's low end. Returns 0 with *start set, VMM_ENOSPC when
 * no hole is large enough (nothing changes), or VMM_ENOMEM. */
int contig_alloc(struct contig *c, uint64_t size, uint32_t owner, uint64_t *start);

/* Places a block exactly at [start, start + size rounded up) (binding at
 * compile or load time, or a swap-in to the same place). Returns 0, VMM_EEXIST
 * when that range is not all inside one hole (nothing changes), VMM_ERANGE
 * when it is not inside [0, size) or start is not a multiple of the unit, or
 * VMM_ENOMEM. */
int contig_alloc_at(struct contig *c, uint64_t start, uint64_t size, uint32_t owner);

/* Frees the block that starts at start: it becomes a hole, coalesced with
 * the holes around it. Returns 0, or VMM_ENOENT if no block starts there. */
int contig_free(struct contig *c, uint64_t start);

/* Resizes the block that starts at start in place, to size bytes (rounded
 * up): shrinking gives the tail back as a hole; growing takes the front of
 * the hole right after it. Returns 0, VMM_ENOSPC when that hole is missing or
 * too small (nothing changes), VMM_ENOENT, or VMM_ENOMEM. */
int contig_resize(struct contig *c, uint64_t start, uint64_t size);

/* Grows the block that starts at start downward by more bytes (rounded up),
 * taking the tail of the hole right before it (a stack segment growing
 * down). Returns 0 with *new_start set, VMM_ENOSPC (nothing changes),
 * VMM_ENOENT, or VMM_ENOMEM. */
int contig_grow_down(struct contig *c, uint64_t start, uint64_t more, uint64_t *new_start);

/* Compaction: slides every block that may move down against the block (or
 * the bottom) below it, in address order, so that the free space gathers in
 * the holes above the blocks that stay. may_move(ctx, owner, start) says
 * whether a block may move (NULL: all may); moved(ctx, owner, from, to, size)
 * is called for each block moved, in address order, before the next one
 * moves (the caller copies its bytes: to < from, the ranges may overlap).
 * Returns the bytes moved (the cost of compaction). */
uint64_t
contig_compact(struct contig *c, bool (*may_move)(void *ctx, uint32_t owner, uint64_t start),
               void (*moved)(void *ctx, uint32_t owner, uint64_t from, uint64_t to, uint64_t size),
               void *ctx);

/* The extent that contains addr, or NULL if addr >= size. */
const struct contig_ext *contig_find(const struct contig *c, uint64_t addr);

/* The largest hole's size (0 if none). */
uint64_t contig_largest(const struct contig *c);

void contig_stats(const struct contig *c, struct contig_stats *out);

/* Checks the invariant above and that used is the sum of the blocks.
 * Returns 0, or -1 with a message naming the extent. */
int contig_check(const struct contig *c, char *msg, size_t len);

#endif /* VMM_CONTIG_H */
