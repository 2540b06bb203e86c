/*
 * fifo.c - first-in, first-out replacement.
 *
 * The victim is the page loaded longest ago; references after loading change
 * nothing (no per-access callback). Pages enter the queue in the order they are
 * loaded; a frame freed by exit leaves the queue wherever it is.
 * FIFO is not a stack algorithm: on 1 2 3 4 1 2 5 1 2 3 4 5 it faults 9 times
 * with 3 frames and 10 times with 4 (Belady's anomaly).
 *
 * Local replacement (sys->take_pid set): the victim is the oldest frame
 * vmm__may_take allows, found by walking the queue from its head; the other
 * processes' frames passed over keep their places. peek_victim then gives no
 * hint (FRAME_NONE).
 */
#include "internal.h"
#include "policy/flist.h"

#include <stdlib.h>

struct fifo {
    struct vmm_system *sys; /* take_pid and owners (local replacement), the check */
    struct flist q;         /* head = loaded longest ago */
};

static int fifo_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct fifo *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    *state = s;
    return flist_init(&s->q, sys->nframes);
}

static void fifo_destroy(void *state)
{
    struct fifo *s = state;
    flist_destroy(&s->q);
    free(s);
}

static void fifo_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    flist_push(&((struct fifo *)state)->q, f);
}

static void fifo_remove(void *state, frame_t f)
{
    flist_unlink(&((struct fifo *)state)->q, f);
}

static frame_t fifo_victim(void *state)
{
    struct fifo *s = state;
    if (VMM_LIKELY(!s->sys->take_pid))
        return s->q.head;
    frame_t f = flist_first_allowed(&s->q, s->sys);
    VMM_ASSERT(f != FRAME_NONE);
    return f;
}

/* The head goes next, then its successor, unless freed first.
 * Under local replacement: no guess. */
static frame_t fifo_peek(void *state, frame_t after)
{
    const struct fifo *s = state;
    return s->sys->take_pid ? FRAME_NONE : flist_after(&s->q, after);
}

static int fifo_check(void *state, char *msg, size_t len)
{
    struct fifo *s = state;
    return vmm__flist_check(&s->q, s->sys, "fifo", msg, len);
}

const struct vmm_policy_ops vmm__policy_fifo = {
    .info = {"fifo", "first in, first out: evict the page loaded longest ago", ""},
    .needs = 0,
    .create = fifo_create,
    .destroy = fifo_destroy,
    .on_insert = fifo_insert,
    .on_remove = fifo_remove,
    .select_victim = fifo_victim,
    .peek_victim = fifo_peek,
    .check = fifo_check,
};
