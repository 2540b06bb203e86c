/*
 * eclock.c - enhanced second chance: the clock with (R, M) classes
 * (Silberschatz 10.4.5.3; Stallings 8.2 "clock policy" with the modify bit).
 *
 * The frames 0 .. F-1 form the circle, in frame-number order, as in clock.c.
 * Classes, best victim first: (0,0) not recently used, clean; (0,1) not
 * recently used, dirty; (1,0); (1,1). Preferring clean pages saves write-backs.
 *
 * Selection, each pass a full turn starting at the hand (the hand itself does
 * not move during the search):
 *   pass 1  the first frame with (R,M) = (0,0) is the victim; no bit changes.
 *   pass 2  the first frame with (R,M) = (0,1) is the victim; R is cleared on
 *           every frame passed over before it.
 *   then    passes 1 and 2 again: after a failed pass 2 every R is clear, so
 *           pass 3 finds a clean page or pass 4 takes the frame at the hand.
 * The hand then moves one past the victim. The hand starts at frame 0.
 *
 * Conventions: a newly loaded page has R = 1 (its loading reference), and
 * M = 1 if that reference was a write. M is read but never cleared (the core
 * owns it: it decides the write-back). No parameters.
 *
 * The implementation folds passes 1 and 2 into one scan that remembers the
 * first (0,1) frame; the result is the same as the literal passes (the
 * differential test compares it with them).
 */
#include "internal.h"
#include "policy/fset.h"

#include <stdlib.h>

struct eclock {
    struct vmm_system *sys; /* frame table: R and M live in the PTEs */
    struct fset set;        /* frames holding a page (for the check) */
    frame_t hand;           /* where every search starts, 0 .. F-1 */
    frame_t nframes;        /* F, the size of the circle */
};

static int eclock_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct eclock *s = calloc(1, sizeof *s);
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

static void eclock_destroy(void *state)
{
    struct eclock *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s);
}

static void eclock_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    fset_add(&((struct eclock *)state)->set, f);
}

static void eclock_remove(void *state, frame_t f)
{
    fset_del(&((struct eclock *)state)->set, f);
}

static inline frame_t step(const struct eclock *s, frame_t f)
{
    return f + 1 == s->nframes ? 0 : f + 1;
}

/* Clears R on the frames from the hand up to (not including) stop; stop ==
 * hand means the whole circle. */
static void clear_until(struct eclock *s, frame_t stop)
{
    frame_t f = s->hand;
    do {
        *frame_pte(s->sys, f) &= ~PTE_REF;
        f = step(s, f);
    } while (f != stop);
}

static frame_t eclock_victim(void *state)
{
    struct eclock *s = state;
    frame_t f = s->hand, first01 = FRAME_NONE, v = FRAME_NONE;
    VMM_ASSERT(s->set.count == s->nframes);
    /* Pass 1, remembering where pass 2 would stop. */
    do {
        unsigned c = frame_class(s->sys, f);
        if (c == 0) {
            v = f;
            break;
        }
        if (c == 1 && first01 == FRAME_NONE)
            first01 = f;
        f = step(s, f);
    } while (f != s->hand);
    if (v == FRAME_NONE && first01 != FRAME_NONE) {
        /* Pass 2: every frame before first01 is (1,x) and loses its R. */
        if (first01 != s->hand)
            clear_until(s, first01);
        v = first01;
    } else if (v == FRAME_NONE) {
        /* Pass 2 fails: every frame was (1,x); all R are now clear. Pass 3
         * takes the first clean frame, pass 4 the frame at the hand. */
        clear_until(s, s->hand);
        v = s->hand;
        f = s->hand;
        do {
            if (!(*frame_pte(s->sys, f) & PTE_DIRTY)) {
                v = f;
                break;
            }
            f = step(s, f);
        } while (f != s->hand);
    }
    s->hand = step(s, v);
    return v;
}

static int eclock_check(void *state, char *msg, size_t len)
{
    struct eclock *s = state;
    if (s->hand >= s->nframes) {
        snprintf(msg, len, "eclock: hand %u outside 0..%u", (unsigned)s->hand,
                 (unsigned)s->nframes - 1);
        return -1;
    }
    return fset_check(&s->set, s->sys, "eclock", msg, len);
}

const struct vmm_policy_ops vmm__policy_eclock = {
    .info = {"eclock", "enhanced second chance: clock over (R,M) classes, clean pages first", ""},
    .needs = 0,
    .create = eclock_create,
    .destroy = eclock_destroy,
    .on_insert = eclock_insert,
    .on_remove = eclock_remove,
    .select_victim = eclock_victim,
    .check = eclock_check,
};
