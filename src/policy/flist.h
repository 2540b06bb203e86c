/*
 * flist.h - a doubly-linked list threaded through frame numbers, shared by the
 * list-based policies (FIFO, LRU, LFU buckets). Two arrays of frame_t indexed
 * by frame: no allocation per operation, O(1) insert, unlink and move.
 *
 * Invariant: a frame is on the list iff on[f]; head is the oldest end.
 */
#ifndef VMM_POLICY_FLIST_H
#define VMM_POLICY_FLIST_H

#include "internal.h"

#include <stdlib.h>

struct flist {
    frame_t *prev;  /* prev[f]: the frame before f, FRAME_NONE at the head */
    frame_t *next;  /* next[f]: the frame after f, FRAME_NONE at the tail */
    uint8_t *on;    /* on[f]: f is on the list */
    frame_t head;   /* oldest end, FRAME_NONE when empty */
    frame_t tail;   /* newest end */
    uint64_t count; /* frames on the list */
    uint64_t n;     /* frames the arrays are sized for */
};

static inline int flist_init(struct flist *l, uint64_t nframes)
{
    l->n = nframes;
    l->prev = vmm__alloc_big(nframes * sizeof *l->prev);
    l->next = vmm__alloc_big(nframes * sizeof *l->next);
    l->on = vmm__alloc_big(nframes);
    l->head = l->tail = FRAME_NONE;
    l->count = 0;
    if (!l->prev || !l->next || !l->on)
        return VMM_ENOMEM;
    return 0;
}

static inline void flist_destroy(struct flist *l)
{
    vmm__free_big(l->prev, l->n * sizeof *l->prev);
    vmm__free_big(l->next, l->n * sizeof *l->next);
    vmm__free_big(l->on, l->n);
}

/* Appends f at the tail (newest end). f must not be on the list. */
static inline void flist_push(struct flist *l, frame_t f)
{
    VMM_ASSERT(!l->on[f]);
    l->prev[f] = l->tail;
    l->next[f] = FRAME_NONE;
    if (l->tail != FRAME_NONE)
        l->next[l->tail] = f;
    else
        l->head = f;
    l->tail = f;
    l->on[f] = 1;
    l->count++;
}

/* Removes f, which must be on the list. */
static inline void flist_unlink(struct flist *l, frame_t f)
{
    VMM_ASSERT(l->on[f]);
    frame_t p = l->prev[f], n = l->next[f];
    if (p != FRAME_NONE)
        l->next[p] = n;
    else
        l->head = n;
    if (n != FRAME_NONE)
        l->prev[n] = p;
    else
        l->tail = p;
    l->on[f] = 0;
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

/* Checks the links and that the list holds exactly the frames with a page.
 * Returns 0, or -1 with a message. */
int vmm__flist_check(const struct flist *l, const struct vmm_system *sys, const char *who,
                     char *msg, size_t len);

#endif
