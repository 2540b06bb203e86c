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
 * Cost. The literal passes are O(F) per fault: on a large memory where clean
 * unreferenced frames sit far behind the hand, pass 1 crosses the whole
 * circle every time. Instead two bitmaps (fbits.h) hold supersets of the
 * (0,0) and (0,1) frames, and the passes become "the first member at or after
 * the hand, going round". Only this policy clears R, so a frame joins those
 * classes only when the policy clears its R (it is added then); it leaves
 * them when the core sets R, which the policy does not see, so members are
 * checked when found and dropped if stale. Every R cleared in pass 2 was set
 * by a reference, so a fault costs O(1) amortized plus a bitmap search.
 * The differential test compares the result with the literal passes.
 *
 * Local replacement (sys->take_pid set): the same passes over the frames
 * vmm__may_take allows; the others (and free frames) are passed without
 * reading or clearing their bits. Pass 1 takes the first allowed (0,0) frame
 * from the hand; pass 2 the first allowed (0,1) frame, clearing R on the
 * allowed frames before it; then passes 1 and 2 again, which end at the first
 * allowed frame from the hand at the latest. The hand moves one past the
 * victim. These passes are the literal O(F) ones (the bitmaps hold every
 * process's frames); the frames whose R they clear join the bitmaps, which
 * stay supersets of their classes.
 */
#include "internal.h"
#include "policy/fbits.h"
#include "policy/fset.h"

#include <stdlib.h>

struct eclock {
    struct vmm_system *sys; /* frame table (R and M live in the PTEs), owners, take_pid */
    struct fset set;        /* frames holding a page (for the check) */
    struct fbits zero;      /* holds every (0,0) frame, and maybe stale ones */
    struct fbits dirty;     /* holds every (0,1) frame, and maybe stale ones */
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
    int rz = fbits_init(&s->zero, sys->nframes), rd = fbits_init(&s->dirty, sys->nframes);
    if (fset_init(&s->set, sys->nframes) < 0 || rz < 0 || rd < 0) {
        fset_destroy(&s->set);
        fbits_destroy(&s->zero);
        fbits_destroy(&s->dirty);
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
    fbits_destroy(&s->zero);
    fbits_destroy(&s->dirty);
    free(s);
}

static void eclock_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    struct eclock *s = state;
    fset_add(&s->set, f);
    fbits_clear(&s->zero, f); /* a new page has R = 1 */
    fbits_clear(&s->dirty, f);
}

static void eclock_remove(void *state, frame_t f)
{
    struct eclock *s = state;
    fset_del(&s->set, f);
    fbits_clear(&s->zero, f);
    fbits_clear(&s->dirty, f);
}

static inline frame_t step(const struct eclock *s, frame_t f)
{
    return f + 1 == s->nframes ? 0 : f + 1;
}

/* Clears R of f, which joins class (0,0) or (0,1). */
static void clear_ref(struct eclock *s, frame_t f)
{
    frame_clear_bits(s->sys, f, PTE_REF);
    fbits_set((frame_bits(s->sys, f) & PTE_DIRTY) ? &s->dirty : &s->zero, f);
}

/* The first frame of class c (0 or 1) going round from the hand, or
 * FRAME_NONE; drops the stale members met on the way. */
static frame_t first_of(struct eclock *s, struct fbits *b, unsigned c)
{
    for (;;) {
        uint64_t x = fbits_next_round(b, s->hand);
        if (x == FBITS_NONE)
            return FRAME_NONE;
        if (frame_class(s->sys, (frame_t)x) == c)
            return (frame_t)x;
        fbits_clear(b, x);
    }
}

/* One literal pass from the hand over the allowed frames: the first of class
 * c (0 or 1), or FRAME_NONE; with clear, R is cleared on the allowed frames
 * passed over. */
static frame_t pass_local(struct eclock *s, unsigned c, bool clear)
{
    frame_t f = s->hand;
    do {
        if (fset_allowed(&s->set, s->sys, f)) {
            if (frame_class(s->sys, f) == c)
                return f;
            if (clear)
                clear_ref(s, f);
        }
        f = step(s, f);
    } while (f != s->hand);
    return FRAME_NONE;
}

/* Local replacement: passes 1 and 2, twice, over the allowed frames only. */
static frame_t eclock_victim_local(struct eclock *s)
{
    frame_t v = FRAME_NONE;
    for (int round = 0; round < 2 && v == FRAME_NONE; round++) {
        v = pass_local(s, 0, false);
        if (v == FRAME_NONE)
            v = pass_local(s, 1, true);
    }
    VMM_ASSERT(v != FRAME_NONE); /* some frame is allowed */
    s->hand = step(s, v);
    return v;
}

static frame_t eclock_victim(void *state)
{
    struct eclock *s = state;
    if (VMM_UNLIKELY(s->sys->take_pid))
        return eclock_victim_local(s);
    VMM_ASSERT(s->set.count == s->nframes);
    frame_t v = first_of(s, &s->zero, 0); /* pass 1 */
    if (v == FRAME_NONE) {
        v = first_of(s, &s->dirty, 1); /* pass 2 */
        if (v != FRAME_NONE) {
            /* Every frame before v is (1,x) and loses its R. */
            for (frame_t f = s->hand; f != v; f = step(s, f))
                clear_ref(s, f);
        } else {
            /* Pass 2 fails: every frame was (1,x); all R are now clear.
             * Pass 3 takes the first clean frame, pass 4 the hand's. */
            frame_t f = s->hand;
            do {
                clear_ref(s, f);
                f = step(s, f);
            } while (f != s->hand);
            v = first_of(s, &s->zero, 0);
            if (v == FRAME_NONE)
                v = s->hand;
        }
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
    for (frame_t f = 0; f < s->nframes; f++) {
        unsigned c = s->sys->frames[f].pte ? frame_class(s->sys, f) : 4;
        if ((c == 0 && !fbits_test(&s->zero, f)) || (c == 1 && !fbits_test(&s->dirty, f)) ||
            (c == 4 && (fbits_test(&s->zero, f) || fbits_test(&s->dirty, f)))) {
            snprintf(msg, len, "eclock: frame %u (class %u) missing from or stale in its bitmap",
                     (unsigned)f, c);
            return -1;
        }
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
