/*
 * clock.c - second chance (the clock algorithm).
 *
 * The frames 0 .. F-1 form the circle, in frame-number order. Frames are
 * filled lowest-numbered first and a victim's frame is reused in place, so
 * this order is the FIFO order of the textbook's circular queue.
 *
 *          hand
 *           v
 *   f0 -> f1 -> f2 -> ... -> fF-1 --+
 *    ^------------------------------+
 *
 * Conventions
 *  - A newly loaded page has R = 1: the core sets R on every reference,
 *    including the one that faulted the page in.
 *  - Selection: while the frame under the hand has R = 1, clear its R and
 *    advance. The frame under the hand (R = 0) is the victim; the hand then
 *    moves one past it, so the new page (loaded into the victim's frame) is
 *    the last the hand will reach again.
 *  - If every frame has R = 1 the hand goes round once, clearing all, and the
 *    victim is the frame it started at (clock degenerates to FIFO).
 *  - The hand starts at frame 0. M is never read. No parameters.
 *
 * Local replacement (sys->take_pid set): the hand goes round as usual, but
 * passes the frames vmm__may_take refuses (and free ones) without reading or
 * clearing their R bits; the frames it allows get their second chance as
 * above. The victim is the first allowed frame with R = 0; the hand moves one
 * past it. After one turn every allowed R is clear, so the sweep ends within
 * two turns.
 */
#include "internal.h"
#include "policy/fset.h"

#include <stdlib.h>

struct clock {
    struct vmm_system *sys; /* frame table (R bits live in the PTEs), owners, take_pid */
    struct fset set;        /* frames holding a page (for the check) */
    frame_t hand;           /* the next frame examined, 0 .. F-1 */
    frame_t nframes;        /* F, the size of the circle */
};

static int clock_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct clock *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->hand = 0;
    s->nframes = (frame_t)sys->nframes;
    if (fset_init(&s->set, sys->nframes) < 0) {
        fset_destroy(&s->set);
        free(s);
        return VMM_ENOMEM;
    }
    *state = s;
    return 0;
}

static void clock_destroy(void *state)
{
    struct clock *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s);
}

static void clock_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    fset_add(&((struct clock *)state)->set, f);
}

static void clock_remove(void *state, frame_t f)
{
    fset_del(&((struct clock *)state)->set, f);
}

/* Local replacement: the sweep over the allowed frames only. */
static frame_t clock_victim_local(struct clock *s)
{
    for (uint64_t steps = 0;; steps++) {
        VMM_ASSERT(steps <= 2 * (uint64_t)s->nframes); /* some frame is allowed */
        frame_t f = s->hand;
        s->hand = f + 1 == s->nframes ? 0 : f + 1;
        if (!fset_allowed(&s->set, s->sys, f))
            continue;
        if (!(frame_bits(s->sys, f) & PTE_REF))
            return f;
        frame_clear_bits(s->sys, f, PTE_REF);
    }
}

/* The hand reads the R bit of each frame it passes, in the PTE the frame
 * names: a cache miss per frame, since pages lie anywhere. So the PTE of the
 * frame CLOCK_AHEAD places on is prefetched at each step (the frame entries
 * themselves are read in order, which the hardware foresees). Speed only. */
#define CLOCK_AHEAD 64

/* (always inlined: called, a function that only prefetches looks free of
 * effects to GCC, which then drops the call) */
static inline __attribute__((always_inline)) void clock_prefetch(const struct clock *s, frame_t f)
{
    frame_t a = f + CLOCK_AHEAD < s->nframes ? f + CLOCK_AHEAD : (f + CLOCK_AHEAD) % s->nframes;
    const pte_t *pte = s->sys->frames[a].pte;
    if (pte)
        __builtin_prefetch(pte, 1);
}

/* Sweeps at most F+1 frames: after one full turn every R is clear. */
static frame_t clock_victim(void *state)
{
    struct clock *s = state;
    if (VMM_UNLIKELY(s->sys->take_pid))
        return clock_victim_local(s);
    VMM_ASSERT(s->set.count == s->nframes);
    for (;;) {
        frame_t f = s->hand;
        s->hand = f + 1 == s->nframes ? 0 : f + 1;
        clock_prefetch(s, f);
        if (!(frame_bits(s->sys, f) & PTE_REF))
            return f;
        frame_clear_bits(s->sys, f, PTE_REF);
    }
}

static int clock_check(void *state, char *msg, size_t len)
{
    struct clock *s = state;
    if (s->hand >= s->nframes) {
        snprintf(msg, len, "clock: hand %u outside 0..%u", (unsigned)s->hand,
                 (unsigned)s->nframes - 1);
        return -1;
    }
    return fset_check(&s->set, s->sys, "clock", msg, len);
}

const struct vmm_policy_ops vmm__policy_clock = {
    .info = {"clock", "second chance: a hand over the frames clears R bits until one is 0", ""},
    .needs = 0,
    .create = clock_create,
    .destroy = clock_destroy,
    .on_insert = clock_insert,
    .on_remove = clock_remove,
    .select_victim = clock_victim,
    .check = clock_check,
};
