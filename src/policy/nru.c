/*
 * nru.c - not recently used (Tanenbaum, Modern Operating Systems 3.4.2).
 *
 * Every `interval` references (a model of the clock interrupt) the R bit of
 * every resident page is cleared. At a fault the pages fall into four classes
 * by their (R, M) bits:
 *
 *   class 0: (0,0) not referenced, not modified
 *   class 1: (0,1) not referenced, modified (R cleared by a tick since the write)
 *   class 2: (1,0) referenced, not modified
 *   class 3: (1,1) referenced, modified
 *
 * and the victim comes from the lowest non-empty class.
 *
 * Conventions
 *  - A newly loaded page has R = 1 (its loading reference) and M = 1 if that
 *    reference was a write.
 *  - The tick runs after every interval-th completed reference (reference
 *    numbers interval, 2*interval, ...), so that reference's R is cleared too.
 *  - Tie-break: a hand over the frame numbers 0 .. F-1, starting at 0. The
 *    victim is the first frame of the lowest class found going round from the
 *    hand; the hand then moves one past the victim. (Tanenbaum picks at random
 *    within the class; the hand is deterministic and does not always sacrifice
 *    the same low-numbered frames.)
 *  - Selection changes no bit. M is never cleared (the core owns it).
 *  - Parameter: interval = references between R clears, default 1000, >= 1.
 *
 * Cost. A tick visits every frame (that is the algorithm). A selection does
 * not: between ticks classes 0 and 1 only lose members (the core sets R and
 * M, nothing clears them), and a page stays dirty while resident. So bitmaps
 * (fbits.h) filled at each tick hold supersets of classes 0 and 1, another
 * one every possibly clean frame (filled at load), and a selection is a
 * "first member going round from the hand" search that drops the stale
 * members it meets: O(1) amortized plus the bitmap search.
 *
 * Local replacement (sys->take_pid set): the victim is the first frame of the
 * lowest class among the frames vmm__may_take allows, going round from the
 * hand; the hand moves one past it. This search is a literal O(F) scan that
 * reads the allowed frames' bits only and changes nothing else (the bitmaps
 * hold every process's frames and stay supersets). Ticks clear every
 * resident page's R, whoever owns it, as the clock interrupt does.
 */
#include "internal.h"
#include "policy/fbits.h"
#include "policy/fset.h"
#include "policy/params.h"

#include <stdlib.h>

#define NRU_INTERVAL_DEFAULT 1000

struct nru {
    struct vmm_system *sys; /* frame table (R and M live in the PTEs), owners, take_pid */
    struct fset set;        /* frames holding a page (for the check) */
    struct fbits zero;      /* every class-0 frame, maybe stale ones; refilled by ticks */
    struct fbits one;       /* every class-1 frame, maybe stale ones; refilled by ticks */
    struct fbits clean;     /* every frame with M = 0, maybe stale ones */
    frame_t hand;           /* where the next search starts, 0 .. F-1 */
    frame_t nframes;        /* F */
};

static void nru_destroy(void *state)
{
    struct nru *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    fbits_destroy(&s->zero);
    fbits_destroy(&s->one);
    fbits_destroy(&s->clean);
    free(s);
}

static int nru_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    uint64_t interval;
    int rc = vmm__param_u64(sys, pp, "interval", NRU_INTERVAL_DEFAULT, 1, UINT64_MAX, &interval);
    if (rc < 0)
        return rc;
    struct nru *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->hand = 0;
    s->nframes = (frame_t)sys->nframes;
    sys->tick = interval;
    int r0 = fbits_init(&s->zero, sys->nframes), r1 = fbits_init(&s->one, sys->nframes);
    int rc2 = fbits_init(&s->clean, sys->nframes);
    if (fset_init(&s->set, sys->nframes) < 0 || r0 < 0 || r1 < 0 || rc2 < 0) {
        nru_destroy(s);
        return VMM_ENOMEM;
    }
    *state = s;
    return 0;
}

static void nru_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    struct nru *s = state;
    fset_add(&s->set, f);
    fbits_clear(&s->zero, f); /* a new page has R = 1 */
    fbits_clear(&s->one, f);
    if (frame_bits(s->sys, f) & PTE_DIRTY)
        fbits_clear(&s->clean, f);
    else
        fbits_set(&s->clean, f);
}

static void nru_remove(void *state, frame_t f)
{
    struct nru *s = state;
    fset_del(&s->set, f);
    fbits_clear(&s->zero, f);
    fbits_clear(&s->one, f);
    fbits_clear(&s->clean, f);
}

/* The clock interrupt: R := 0 on every resident page, which then is in
 * class 0 or 1. */
static void nru_tick(void *state)
{
    struct nru *s = state;
    fbits_clear_all(&s->zero);
    fbits_clear_all(&s->one);
    for (frame_t f = 0; f < s->nframes; f++) {
        if (!s->sys->frames[f].pte)
            continue;
        frame_clear_bits(s->sys, f, PTE_REF);
        fbits_set((frame_bits(s->sys, f) & PTE_DIRTY) ? &s->one : &s->zero, f);
    }
}

/* The first member of b going round from the hand that satisfies ok (a PTE
 * test), or FRAME_NONE; drops the members that fail it, which stay out of
 * the class until the next tick. */
static frame_t first_of(struct nru *s, struct fbits *b, bool (*ok)(pte_t))
{
    for (;;) {
        uint64_t x = fbits_next_round(b, s->hand);
        if (x == FBITS_NONE)
            return FRAME_NONE;
        if (ok(frame_bits(s->sys, (frame_t)x)))
            return (frame_t)x;
        fbits_clear(b, x);
    }
}

static bool is_class0(pte_t e)
{
    return !(e & (PTE_REF | PTE_DIRTY));
}

/* For members of `one`, which are dirty (a page never becomes clean while
 * resident). */
static bool is_class1(pte_t e)
{
    return !(e & PTE_REF);
}

static bool is_clean(pte_t e)
{
    return !(e & PTE_DIRTY);
}

/* Local replacement: the first allowed frame of the lowest class from the
 * hand. */
static frame_t nru_victim_local(struct nru *s)
{
    frame_t v = FRAME_NONE, f = s->hand;
    unsigned best = 4;
    do {
        if (fset_allowed(&s->set, s->sys, f)) {
            unsigned c = frame_class(s->sys, f);
            if (c < best) {
                best = c;
                v = f;
            }
        }
        f = f + 1 == s->nframes ? 0 : f + 1;
    } while (f != s->hand && best > 0);
    VMM_ASSERT(v != FRAME_NONE); /* some frame is allowed */
    s->hand = v + 1 == s->nframes ? 0 : v + 1;
    return v;
}

static frame_t nru_victim(void *state)
{
    struct nru *s = state;
    if (VMM_UNLIKELY(s->sys->take_pid))
        return nru_victim_local(s);
    VMM_ASSERT(s->set.count == s->nframes);
    frame_t v = first_of(s, &s->zero, is_class0);
    if (v == FRAME_NONE)
        v = first_of(s, &s->one, is_class1);
    if (v == FRAME_NONE) /* every R is 1: class 2 = the clean frames */
        v = first_of(s, &s->clean, is_clean);
    if (v == FRAME_NONE) /* all in class 3: the first from the hand */
        v = s->hand;
    s->hand = v + 1 == s->nframes ? 0 : v + 1;
    return v;
}

static int nru_check(void *state, char *msg, size_t len)
{
    struct nru *s = state;
    if (s->hand >= s->nframes) {
        snprintf(msg, len, "nru: hand %u outside 0..%u", (unsigned)s->hand,
                 (unsigned)s->nframes - 1);
        return -1;
    }
    for (frame_t f = 0; f < s->nframes; f++) {
        bool held = s->sys->frames[f].pte != NULL;
        pte_t e = held ? frame_bits(s->sys, f) : 0;
        bool z = fbits_test(&s->zero, f), o = fbits_test(&s->one, f), c = fbits_test(&s->clean, f);
        if (held ? (is_class0(e) && !z) || (is_class1(e) && (e & PTE_DIRTY) && !o) ||
                       (is_clean(e) && !c)
                 : z || o || c) {
            snprintf(msg, len, "nru: frame %u missing from or stale in a class bitmap",
                     (unsigned)f);
            return -1;
        }
    }
    return fset_check(&s->set, s->sys, "nru", msg, len);
}

const struct vmm_policy_ops vmm__policy_nru = {
    .info = {"nru", "not recently used: lowest (R,M) class; R cleared every interval references",
             "interval=1000"},
    .needs = 0,
    .create = nru_create,
    .destroy = nru_destroy,
    .on_insert = nru_insert,
    .on_remove = nru_remove,
    .select_victim = nru_victim,
    .on_tick = nru_tick,
    .check = nru_check,
};
