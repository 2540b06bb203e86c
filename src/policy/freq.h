/*
 * freq.h - reference counts in O(1) per operation, shared by LFU and MFU.
 *
 * A page's count is the number of references to it since it was loaded (the
 * loading reference counts 1). Frames with the same count form a bucket, a
 * list in the order they reached that count; the buckets form a list in
 * increasing count order (Shah, Mitra and Matani, "An O(1) algorithm for
 * implementing the LFU cache eviction scheme", 2010):
 *
 *   first                                    last
 *   [count 1: f4 f0] <-> [count 3: f2] <-> [count 7: f1 f3]
 *    head = reached its count first
 *
 * A reference moves a frame from bucket c to the tail of bucket c+1 (created
 * next to c if missing); empty buckets are released. LFU's victim is the head
 * of the first bucket, MFU's the head of the last one.
 *
 * Tie-break: a frame enters bucket c at the reference that makes its count c,
 * which is its latest reference; so the head of a bucket is the page whose
 * last reference is oldest (LRU among equal counts). In the count-1 bucket
 * that is the page loaded longest ago (FIFO).
 *
 * Invariants: buckets are non-empty, their counts strictly increase from
 * first to last, and bkt[f] names the bucket holding f, or BKT_NONE when f
 * holds no page. At most F buckets are non-empty; the pool has F+1 so that a
 * move may create the new bucket before it releases the old one.
 */
#ifndef VMM_POLICY_FREQ_H
#define VMM_POLICY_FREQ_H

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#define BKT_NONE UINT32_MAX

struct bucket {
    uint64_t count; /* references since load of every frame in it */
    uint32_t prev;  /* bucket with the next lower count, BKT_NONE at first */
    uint32_t next;  /* bucket with the next higher count; free-pool link when free */
    frame_t head;   /* frame that reached this count first */
    frame_t tail;   /* frame that reached it last */
};

struct freq {
    struct vmm_system *sys; /* take_pid and owners (local replacement), the check */
    struct bucket *b;       /* bucket pool, nframes + 1 entries */
    uint32_t *bkt;          /* bkt[f]: bucket of frame f, BKT_NONE if untracked */
    frame_t *fprev;         /* fprev[f]: previous frame in f's bucket, FRAME_NONE at head */
    frame_t *fnext;         /* fnext[f]: next frame in f's bucket, FRAME_NONE at tail */
    uint32_t first;         /* bucket with the smallest count, BKT_NONE if none */
    uint32_t last;          /* bucket with the largest count */
    uint32_t pool;          /* first free bucket, chained through next */
    uint64_t tracked;       /* frames in buckets */
    uint64_t nframes;       /* F */
};

static inline void freq_destroy(struct freq *q)
{
    free(q->b);
    free(q->bkt);
    free(q->fprev);
    free(q->fnext);
}

static inline int freq_init(struct freq *q, struct vmm_system *sys)
{
    uint64_t n = sys->nframes;
    memset(q, 0, sizeof *q);
    q->sys = sys;
    q->nframes = n;
    q->b = malloc((n + 1) * sizeof *q->b);
    q->bkt = malloc(n * sizeof *q->bkt);
    q->fprev = malloc(n * sizeof *q->fprev);
    q->fnext = malloc(n * sizeof *q->fnext);
    if (!q->b || !q->bkt || !q->fprev || !q->fnext) {
        freq_destroy(q);
        return VMM_ENOMEM;
    }
    for (uint64_t i = 0; i <= n; i++)
        q->b[i].next = i < n ? (uint32_t)(i + 1) : BKT_NONE;
    for (uint64_t f = 0; f < n; f++)
        q->bkt[f] = BKT_NONE;
    q->pool = 0;
    q->first = q->last = BKT_NONE;
    return 0;
}

/* A new empty bucket with count c, linked after `after` (BKT_NONE = at the
 * front). */
static inline uint32_t freq_bucket_new(struct freq *q, uint64_t c, uint32_t after)
{
    uint32_t i = q->pool;
    VMM_ASSERT(i != BKT_NONE);
    struct bucket *b = &q->b[i];
    q->pool = b->next;
    b->count = c;
    b->head = b->tail = FRAME_NONE;
    b->prev = after;
    b->next = after == BKT_NONE ? q->first : q->b[after].next;
    if (b->next != BKT_NONE)
        q->b[b->next].prev = i;
    else
        q->last = i;
    if (after != BKT_NONE)
        q->b[after].next = i;
    else
        q->first = i;
    return i;
}

static inline void freq_bucket_free(struct freq *q, uint32_t i)
{
    struct bucket *b = &q->b[i];
    VMM_ASSERT(b->head == FRAME_NONE);
    if (b->prev != BKT_NONE)
        q->b[b->prev].next = b->next;
    else
        q->first = b->next;
    if (b->next != BKT_NONE)
        q->b[b->next].prev = b->prev;
    else
        q->last = b->prev;
    b->next = q->pool;
    q->pool = i;
}

/* Appends f to the tail of bucket i. */
static inline void freq_push(struct freq *q, uint32_t i, frame_t f)
{
    struct bucket *b = &q->b[i];
    q->fprev[f] = b->tail;
    q->fnext[f] = FRAME_NONE;
    if (b->tail != FRAME_NONE)
        q->fnext[b->tail] = f;
    else
        b->head = f;
    b->tail = f;
    q->bkt[f] = i;
}

/* Takes f out of its bucket, releasing the bucket if it empties. */
static inline void freq_unlink(struct freq *q, frame_t f)
{
    uint32_t i = q->bkt[f];
    struct bucket *b = &q->b[i];
    frame_t p = q->fprev[f], n = q->fnext[f];
    if (p != FRAME_NONE)
        q->fnext[p] = n;
    else
        b->head = n;
    if (n != FRAME_NONE)
        q->fprev[n] = p;
    else
        b->tail = p;
    q->bkt[f] = BKT_NONE;
    if (b->head == FRAME_NONE)
        freq_bucket_free(q, i);
}

/* f was loaded: count 1, at the tail of the count-1 bucket. */
static inline void freq_insert(struct freq *q, frame_t f)
{
    VMM_ASSERT(f < q->nframes && q->bkt[f] == BKT_NONE);
    uint32_t i = q->first;
    if (i == BKT_NONE || q->b[i].count != 1)
        i = freq_bucket_new(q, 1, BKT_NONE);
    freq_push(q, i, f);
    q->tracked++;
}

/* f was referenced: its count goes up by one. */
static inline void freq_hit(struct freq *q, frame_t f)
{
    uint32_t i = q->bkt[f];
    VMM_ASSERT(i != BKT_NONE);
    struct bucket *b = &q->b[i];
    uint32_t n = b->next;
    if (n != BKT_NONE && q->b[n].count == b->count + 1) {
        freq_unlink(q, f);
        freq_push(q, n, f);
    } else if (b->head == f && b->tail == f) {
        b->count++; /* alone in its bucket: the bucket moves up instead */
    } else {
        n = freq_bucket_new(q, b->count + 1, i);
        freq_unlink(q, f);
        freq_push(q, n, f);
    }
}

static inline void freq_remove(struct freq *q, frame_t f)
{
    VMM_ASSERT(f < q->nframes && q->bkt[f] != BKT_NONE);
    freq_unlink(q, f);
    q->tracked--;
}

/* Local replacement: the first frame vmm__may_take allows, walking the
 * buckets from the smallest count up (lfu) or from the largest down (mfu),
 * each from its head; or FRAME_NONE. Reads only: nothing moves. */
static inline frame_t freq_first_allowed(const struct freq *q, bool from_last)
{
    for (uint32_t i = from_last ? q->last : q->first; i != BKT_NONE;
         i = from_last ? q->b[i].prev : q->b[i].next)
        for (frame_t f = q->b[i].head; f != FRAME_NONE; f = q->fnext[f])
            if (vmm__may_take(q->sys, f))
                return f;
    return FRAME_NONE;
}

/* Walks every bucket and frame. Returns 0, or -1 with a message. */
static inline int freq_check(const struct freq *q, const char *who, char *msg, size_t len)
{
    const struct vmm_system *sys = q->sys;
    uint64_t seen = 0, nb = 0;
    uint32_t prevb = BKT_NONE;
    for (uint32_t i = q->first; i != BKT_NONE; i = q->b[i].next) {
        const struct bucket *b = &q->b[i];
        if (i > q->nframes || b->prev != prevb || ++nb > q->nframes || b->head == FRAME_NONE ||
            b->count == 0 || (prevb != BKT_NONE && q->b[prevb].count >= b->count)) {
            snprintf(msg, len, "%s: bucket list broken at bucket %u", who, (unsigned)i);
            return -1;
        }
        frame_t pf = FRAME_NONE;
        for (frame_t f = b->head; f != FRAME_NONE; f = q->fnext[f]) {
            if (f >= q->nframes || q->bkt[f] != i || q->fprev[f] != pf || ++seen > q->nframes) {
                snprintf(msg, len, "%s: bucket %u (count %" PRIu64 ") broken at frame %u", who,
                         (unsigned)i, b->count, (unsigned)f);
                return -1;
            }
            if (!sys->frames[f].pte) {
                snprintf(msg, len, "%s: tracks frame %u, which holds no page", who, (unsigned)f);
                return -1;
            }
            pf = f;
        }
        if (pf != b->tail) {
            snprintf(msg, len, "%s: bucket %u tail is wrong", who, (unsigned)i);
            return -1;
        }
        prevb = i;
    }
    if (prevb != q->last || seen != q->tracked || seen != sys->nframes - sys->nfree) {
        snprintf(msg, len, "%s: tracks %" PRIu64 " frames, %" PRIu64 " hold pages", who, seen,
                 sys->nframes - sys->nfree);
        return -1;
    }
    uint64_t untracked = 0;
    for (uint64_t f = 0; f < q->nframes; f++)
        untracked += q->bkt[f] == BKT_NONE;
    if (untracked + seen != q->nframes) {
        snprintf(msg, len, "%s: frames name buckets they are not in", who);
        return -1;
    }
    return 0;
}

/* ---- the policy callbacks lfu and mfu share (they differ only in the victim) ---- */

static inline int freq_op_create(struct vmm_system *sys, const struct policy_params *pp,
                                 void **state)
{
    (void)pp;
    struct freq *q = malloc(sizeof *q);
    if (!q)
        return VMM_ENOMEM;
    if (freq_init(q, sys) < 0) {
        free(q);
        return VMM_ENOMEM;
    }
    *state = q;
    return 0;
}

static inline void freq_op_destroy(void *state)
{
    if (!state)
        return;
    freq_destroy(state);
    free(state);
}

static inline void freq_op_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_insert(state, f);
}

static inline void freq_op_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_hit(state, f);
}

static inline void freq_op_remove(void *state, frame_t f)
{
    freq_remove(state, f);
}

static inline int freq_op_check(void *state, char *msg, size_t len)
{
    const struct freq *q = state;
    return freq_check(q, q->sys->policy_name, msg, len);
}

#endif
