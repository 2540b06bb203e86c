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
 */
#include "internal.h"
#include "policy/fset.h"
#include "policy/params.h"

#include <stdlib.h>

#define NRU_INTERVAL_DEFAULT 1000

struct nru {
    struct vmm_system *sys; /* frame table: R and M live in the PTEs */
    struct fset set;        /* frames holding a page (for the check) */
    frame_t hand;           /* where the next search starts, 0 .. F-1 */
    frame_t nframes;        /* F */
};

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
    if (fset_init(&s->set, sys->nframes) < 0) {
        fset_destroy(&s->set);
        free(s);
        return VMM_ENOMEM;
    }
    *state = s;
    return 0;
}

static void nru_destroy(void *state)
{
    struct nru *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s);
}

static void nru_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    fset_add(&((struct nru *)state)->set, f);
}

static void nru_remove(void *state, frame_t f)
{
    fset_del(&((struct nru *)state)->set, f);
}

/* The clock interrupt: R := 0 on every resident page. */
static void nru_tick(void *state)
{
    struct nru *s = state;
    for (frame_t f = 0; f < s->nframes; f++) {
        pte_t *e = s->sys->frames[f].pte;
        if (e)
            *e &= ~PTE_REF;
    }
}

/* One turn from the hand at most; stops early at the first class-0 frame. */
static frame_t nru_victim(void *state)
{
    struct nru *s = state;
    frame_t f = s->hand, v = s->hand;
    unsigned best = 4;
    VMM_ASSERT(s->set.count == s->nframes);
    do {
        unsigned c = frame_class(s->sys, f);
        if (c < best) {
            best = c;
            v = f;
            if (c == 0)
                break;
        }
        f = f + 1 == s->nframes ? 0 : f + 1;
    } while (f != s->hand);
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
