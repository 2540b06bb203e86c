/*
 * aging.c - the aging algorithm (Tanenbaum, Modern Operating Systems 3.4.7): a
 * software approximation of LRU from reference bits alone.
 *
 * Each frame has a `bits`-wide counter. Every `interval` references (the clock
 * tick) each resident page's counter shifts right by one and its R bit enters
 * at the top; then R is cleared:
 *
 *   R at ticks:   1         0         1         1
 *   counter:   10000000  01000000  10100000  11010000   (bits = 8)
 *
 * A page referenced in a recent interval outranks any page referenced only in
 * older ones; references older than `bits` ticks are forgotten.
 *
 * Conventions
 *  - A newly loaded page starts with counter 0; its R bit is 1 (the loading
 *    reference) and enters the counter at the next tick.
 *  - The tick runs after every interval-th completed reference (reference
 *    numbers interval, 2*interval, ...), so that reference's R enters too.
 *  - Victim: the smallest counter, reading the current R bit as one more bit
 *    above the counter's top: the key is (R, counter), compared R first. This
 *    is the counter the page would have if the tick came now, without dropping
 *    its lowest bit; it keeps a page referenced since the last tick (such as
 *    a new page) from being evicted before pages not referenced since.
 *  - Ties (same R and counter): the page loaded longest ago (FIFO).
 *  - Selection changes no bit. M is never read.
 *  - Parameters: bits = counter width, default 8, 1 .. 64; interval =
 *    references between ticks, default 1000, >= 1.
 *
 * Cost: a tick and a victim selection each scan the F frames.
 */
#include "internal.h"
#include "policy/fset.h"
#include "policy/params.h"

#include <stdlib.h>

#define AGING_BITS_DEFAULT     8
#define AGING_INTERVAL_DEFAULT 1000

struct aging {
    struct vmm_system *sys; /* frame table: R bits live in the PTEs */
    struct fset set;        /* frames holding a page */
    uint64_t *counter;      /* counter[f]: the aging register, < 2^bits */
    uint64_t *loaded;       /* loaded[f]: load stamp (larger = loaded later) */
    uint64_t top;           /* 1 << (bits - 1): where R enters */
    uint64_t stamp;         /* load stamps handed out */
    frame_t nframes;        /* F */
};

static void aging_destroy(void *state)
{
    struct aging *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s->counter);
    free(s->loaded);
    free(s);
}

static int aging_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    uint64_t bits, interval;
    int rc = vmm__param_u64(sys, pp, "bits", AGING_BITS_DEFAULT, 1, 64, &bits);
    if (rc < 0)
        return rc;
    rc = vmm__param_u64(sys, pp, "interval", AGING_INTERVAL_DEFAULT, 1, UINT64_MAX, &interval);
    if (rc < 0)
        return rc;
    struct aging *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->top = 1ull << (bits - 1);
    s->nframes = (frame_t)sys->nframes;
    s->counter = calloc(sys->nframes, sizeof *s->counter);
    s->loaded = calloc(sys->nframes, sizeof *s->loaded);
    if (fset_init(&s->set, sys->nframes) < 0 || !s->counter || !s->loaded) {
        aging_destroy(s);
        return VMM_ENOMEM;
    }
    sys->tick = interval;
    *state = s;
    return 0;
}

static void aging_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    struct aging *s = state;
    (void)op;
    (void)next_use;
    fset_add(&s->set, f);
    s->counter[f] = 0;
    s->loaded[f] = ++s->stamp;
}

static void aging_remove(void *state, frame_t f)
{
    fset_del(&((struct aging *)state)->set, f);
}

static void aging_tick(void *state)
{
    struct aging *s = state;
    for (frame_t f = 0; f < s->nframes; f++) {
        pte_t *e = s->sys->frames[f].pte;
        if (!e)
            continue;
        s->counter[f] = (s->counter[f] >> 1) | ((*e & PTE_REF) ? s->top : 0);
        *e &= ~PTE_REF;
    }
}

/* The smallest (R, counter, load stamp) over all frames. */
static frame_t aging_victim(void *state)
{
    struct aging *s = state;
    frame_t v = 0;
    bool vr = true;
    VMM_ASSERT(s->set.count == s->nframes);
    for (frame_t f = 0; f < s->nframes; f++) {
        bool r = (*frame_pte(s->sys, f) & PTE_REF) != 0;
        if (f == 0 || r < vr ||
            (r == vr && (s->counter[f] < s->counter[v] ||
                         (s->counter[f] == s->counter[v] && s->loaded[f] < s->loaded[v])))) {
            v = f;
            vr = r;
        }
    }
    return v;
}

static int aging_check(void *state, char *msg, size_t len)
{
    struct aging *s = state;
    for (frame_t f = 0; f < s->nframes; f++) {
        if (s->set.on[f] && (s->counter[f] & ~(s->top | (s->top - 1)))) {
            snprintf(msg, len, "aging: counter of frame %u has bits above the top", (unsigned)f);
            return -1;
        }
    }
    return fset_check(&s->set, s->sys, "aging", msg, len);
}

const struct vmm_policy_ops vmm__policy_aging = {
    .info = {"aging", "aging counters: R shifted in every interval references, evict the smallest",
             "bits=8,interval=1000"},
    .needs = 0,
    .create = aging_create,
    .destroy = aging_destroy,
    .on_insert = aging_insert,
    .on_remove = aging_remove,
    .select_victim = aging_victim,
    .on_tick = aging_tick,
    .check = aging_check,
};
