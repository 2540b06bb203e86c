/*
 * fset.h - helpers for the policies that keep no list of their frames (random,
 * clock, eclock, nru, aging): a membership set over frame numbers, its check,
 * and access to the hardware bits of the PTE mapping a frame.
 *
 * Invariant: on[f] iff the core has told the policy that f holds a page
 * (on_insert without a later on_remove); count = frames with on[f] set. The
 * check compares this with the frame table (frames[f].pte != NULL).
 *
 * The R (PTE_REF) and M (PTE_DIRTY) bits are set by the core on every
 * reference. Policies may clear R; they never touch M, which the core reads to
 * decide on write-back.
 */
#ifndef VMM_POLICY_FSET_H
#define VMM_POLICY_FSET_H

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

struct fset {
    uint8_t *on;    /* on[f]: f holds a page the policy was told about */
    uint64_t count; /* frames with on[f] set */
    uint64_t n;     /* size of on (the system's frames) */
};

static inline int fset_init(struct fset *s, uint64_t nframes)
{
    s->on = calloc(nframes ? nframes : 1, 1);
    s->count = 0;
    s->n = nframes;
    return s->on ? 0 : VMM_ENOMEM;
}

static inline void fset_destroy(struct fset *s)
{
    free(s->on);
}

static inline void fset_add(struct fset *s, frame_t f)
{
    VMM_ASSERT(f < s->n && !s->on[f]);
    s->on[f] = 1;
    s->count++;
}

static inline void fset_del(struct fset *s, frame_t f)
{
    VMM_ASSERT(f < s->n && s->on[f]);
    s->on[f] = 0;
    s->count--;
}

/* Under local replacement: f holds a page and select_victim may take it
 * (vmm__may_take). A free frame is never a victim, even when frames are
 * left free because the faulting process is at its allocation. */
static inline bool fset_allowed(const struct fset *s, const struct vmm_system *sys, frame_t f)
{
    return s->on[f] && vmm__may_take(sys, f);
}

/* Checks that the set holds exactly the frames with a page. O(frames).
 * Returns 0, or -1 with a message naming who (the policy). */
static inline int fset_check(const struct fset *s, const struct vmm_system *sys, const char *who,
                             char *msg, size_t len)
{
    uint64_t n = 0;
    if (s->n != sys->nframes) {
        snprintf(msg, len, "%s: sized for %" PRIu64 " frames, system has %" PRIu64, who, s->n,
                 sys->nframes);
        return -1;
    }
    for (uint64_t f = 0; f < s->n; f++) {
        bool held = sys->frames[f].pte != NULL;
        if (held != (s->on[f] != 0)) {
            snprintf(msg, len, "%s: frame %" PRIu64 " %s", who, f,
                     held ? "holds a page the policy does not track"
                          : "is tracked but holds no page");
            return -1;
        }
        n += s->on[f];
    }
    if (n != s->count || n != sys->nframes - sys->nfree) {
        snprintf(msg, len,
                 "%s: tracks %" PRIu64 " frames (count %" PRIu64 "), %" PRIu64 " hold pages", who,
                 n, s->count, sys->nframes - sys->nfree);
        return -1;
    }
    return 0;
}

/* The (R, M) class of f: 0 = (0,0), 1 = (0,1), 2 = (1,0), 3 = (1,1). */
static inline unsigned frame_class(const struct vmm_system *sys, frame_t f)
{
    VMM_ASSERT(sys->frames[f].pte != NULL);
    pte_t e = frame_bits(sys, f);
    return ((e & PTE_REF) ? 2u : 0u) | ((e & PTE_DIRTY) ? 1u : 0u);
}

#endif
