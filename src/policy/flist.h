/*
 * flist.h - a doubly-linked list threaded through frame numbers, shared by the
 * list-based policies (FIFO, LRU). One array of {prev, next} pairs indexed by
 * frame, so a frame's links share a cache line: no allocation per operation,
 * O(1) insert, unlink and move.
 *
 * Invariant: a frame is on the list iff its next link is not FLIST_OFF; head
 * is the oldest end.
 */
#ifndef VMM_POLICY_FLIST_H
#define VMM_POLICY_FLIST_H

#include "internal.h"

#define FLIST_OFF (FRAME_NONE - 1) /* next link of a frame not on the list */

struct flink {
    frame_t prev; /* the frame before, FRAME_NONE at the head */
    frame_t next; /* the frame after, FRAME_NONE at the tail, FLIST_OFF if not on */
};

struct flist {
    struct flink *link; /* link[f], one per frame */
    frame_t head;       /* oldest end, FRAME_NONE when empty */
    frame_t tail;       /* newest end */
    uint64_t count;     /* frames on the list */
    uint64_t n;         /* frames the array is sized for */
};

static inline int flist_init(struct flist *l, uint64_t nframes)
{
    l->n = nframes;
    l->head = l->tail = FRAME_NONE;
    l->count = 0;
    l->link = vmm__alloc_big(nframes * sizeof *l->link);
    if (!l->link)
        return VMM_ENOMEM;
    for (uint64_t f = 0; f < nframes; f++)
        l->link[f].next = FLIST_OFF;
    return 0;
}

static inline void flist_destroy(struct flist *l)
{
    vmm__free_big(l->link, l->n * sizeof *l->link);
    l->link = NULL;
}

static inline bool flist_on(const struct flist *l, frame_t f)
{
    return l->link[f].next != FLIST_OFF;
}

/* Appends f at the tail (newest end). f must not be on the list. */
static inline void flist_push(struct flist *l, frame_t f)
{
    VMM_ASSERT(!flist_on(l, f));
    l->link[f].prev = l->tail;
    l->link[f].next = FRAME_NONE;
    if (l->tail != FRAME_NONE)
        l->link[l->tail].next = f;
    else
        l->head = f;
    l->tail = f;
    l->count++;
}

/* Removes f, which must be on the list. */
static inline void flist_unlink(struct flist *l, frame_t f)
{
    VMM_ASSERT(flist_on(l, f));
    frame_t p = l->link[f].prev, n = l->link[f].next;
    if (p != FRAME_NONE)
        l->link[p].next = n;
    else
        l->head = n;
    if (n != FRAME_NONE)
        l->link[n].prev = p;
    else
        l->tail = p;
    l->link[f].next = FLIST_OFF;
    l->count--;
}

/* Moves f (on the list) to the tail. */
static inline void flist_to_tail(struct flist *l, frame_t f)
{
    if (l->tail == f)
        return;
    flist_unlink(l, f);
    flist_push(l, f);
}

/* The frame after f (FRAME_NONE: the head), or FRAME_NONE: f is last or off
 * the list. Prefetches its link, which the next call reads. */
static inline frame_t flist_after(const struct flist *l, frame_t f)
{
    frame_t n = f == FRAME_NONE ? l->head : flist_on(l, f) ? l->link[f].next : FRAME_NONE;
    if (n != FRAME_NONE)
        __builtin_prefetch(&l->link[n]);
    return n;
}

/* The first frame from the head (oldest end) that select_victim may take
 * under local replacement (vmm__may_take), or FRAME_NONE. Reads the links
 * only: the frames passed over keep their places. */
static inline frame_t flist_first_allowed(const struct flist *l, const struct vmm_system *sys)
{
    frame_t f = l->head;
    while (f != FRAME_NONE && !vmm__may_take(sys, f))
        f = l->link[f].next;
    return f;
}

/* Checks the links and that the list holds exactly the frames with a page.
 * Returns 0, or -1 with a message. */
int vmm__flist_check(const struct flist *l, const struct vmm_system *sys, const char *who,
                     char *msg, size_t len);

#endif
