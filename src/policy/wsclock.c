/*
 * wsclock.c - WSClock (Carr & Hennessy, 1981): the working-set policy
 * approximated with a clock hand and the R bits, as clock approximates LRU.
 *
 * The circle is the frame numbers 0 .. F-1 in order, as in clock.c. Each
 * frame keeps its process and that process's virtual time (its reference
 * count) at the page's last use as far as the hand has seen it. The process
 * is the one whose reference loaded the page: the policy sees no hits, only
 * R bits, so it cannot tell which sharer set R. A frame's AGE is its
 * process's virtual time now minus the last use; the page is OLD when
 * age > delta (strictly, as in the paper), or when its process has ended.
 *
 * On a fault the hand sweeps from where it stopped, one full turn at most:
 *
 *   R = 1               clear R, last use = the process's time now; advance
 *   R = 0, old, clean   the victim: stop here
 *   R = 0, old, dirty   the paper schedules a write and goes on; here the
 *                       first such frame is remembered as a candidate; advance
 *   R = 0, young        advance (the first clean one is remembered too)
 *
 *   after a full turn without a victim, in this order: the first old dirty
 *   candidate; else the first clean frame seen with R = 0 (young); else the
 *   frame where the sweep began (every frame had R = 1, now cleared, or
 *   was dirty and young).
 *
 * The hand then moves one past the victim; the new page, loaded into the
 * victim's frame, gets last use = its process's time and R = 1 (the core
 * sets R on the loading reference).
 *
 * Local replacement: a frame vmm__may_take refuses is passed over untouched
 * (its R bit and last use stay); "the frame where the sweep began" is then
 * the first frame the sweep could take. Frames not in use (freed by an exit,
 * or free under local replacement) are passed over too.
 *
 * Cost: O(frames) per fault at worst (one turn), nothing per reference. The
 * window delta is the system's (cfg.ws_delta, or the parameter delta=,
 * default 10000).
 */
#include "internal.h"
#include "policy/fset.h"

#include <stdlib.h>

struct wsclock {
    struct vmm_system *sys; /* R and M bits, virtual times, cfg.ws_delta, vmm__may_take */
    struct fset set;        /* frames in use */
    uint32_t *owner;        /* per frame: pid of the process whose reference loaded the page */
    uint64_t *used;         /* per frame: that process's virtual time at the last use seen */
    frame_t hand;           /* the next frame the sweep examines, 0 .. F-1 */
    frame_t nframes;        /* F, the size of the circle */
};

static int wsc_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    struct wsclock *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->nframes = (frame_t)sys->nframes;
    *state = s;
    int r = vmm__param_delta(sys, pp);
    if (r < 0)
        return r;
    s->owner = vmm__alloc_big(sys->nframes * sizeof *s->owner);
    s->used = vmm__alloc_big(sys->nframes * sizeof *s->used);
    if (!s->owner || !s->used || fset_init(&s->set, sys->nframes) < 0)
        return VMM_ENOMEM;
    return 0;
}

static void wsc_destroy(void *state)
{
    struct wsclock *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    vmm__free_big(s->owner, s->sys->nframes * sizeof *s->owner);
    vmm__free_big(s->used, s->sys->nframes * sizeof *s->used);
    free(s);
}

static void wsc_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    struct wsclock *s = state;
    const struct proc *p = s->sys->cur;
    VMM_ASSERT(p != NULL);
    fset_add(&s->set, f);
    s->owner[f] = p->pid;
    s->used[f] = p->st.references;
}

static void wsc_remove(void *state, frame_t f)
{
    struct wsclock *s = state;
    fset_del(&s->set, f);
    s->owner[f] = 0;
}

static frame_t next(const struct wsclock *s, frame_t f)
{
    return f + 1 == s->nframes ? 0 : f + 1;
}

/* One turn of the hand at most (see the top). Clears R bits and advances
 * last uses of the frames it passes that it may take. */
static frame_t wsc_victim(void *state)
{
    struct wsclock *s = state;
    struct vmm_system *sys = s->sys;
    uint64_t delta = sys->cfg.ws_delta;
    frame_t first = FRAME_NONE, dirty_old = FRAME_NONE, clean = FRAME_NONE, v = FRAME_NONE;
    frame_t f = s->hand;
    for (frame_t n = 0; n < s->nframes; n++, f = next(s, f)) {
        if (!s->set.on[f] || !vmm__may_take(sys, f))
            continue;
        if (first == FRAME_NONE)
            first = f;
        const struct proc *p = vmm__proc(sys, s->owner[f]);
        bool ended = !p || !p->live;
        pte_t b = frame_bits(sys, f);
        if (b & PTE_REF) {
            frame_clear_bits(sys, f, PTE_REF);
            if (!ended)
                s->used[f] = p->st.references;
            continue;
        }
        bool old = ended || p->st.references - s->used[f] > delta;
        if (!(b & PTE_DIRTY)) {
            if (old) {
                v = f;
                break;
            }
            if (clean == FRAME_NONE)
                clean = f;
        } else if (old && dirty_old == FRAME_NONE) {
            dirty_old = f;
        }
    }
    if (v == FRAME_NONE)
        v = dirty_old != FRAME_NONE ? dirty_old : clean != FRAME_NONE ? clean : first;
    VMM_ASSERT(v != FRAME_NONE);
    s->hand = next(s, v);
    return v;
}

/* The set holds exactly the frames in use; the hand is on the circle; every
 * frame in use has a process that exists and a last use it has reached. */
static int wsc_check(void *state, char *msg, size_t len)
{
    struct wsclock *s = state;
    const struct vmm_system *sys = s->sys;
    if (s->hand >= s->nframes) {
        snprintf(msg, len, "wsclock: hand %u outside 0..%u", (unsigned)s->hand,
                 (unsigned)s->nframes - 1);
        return -1;
    }
    if (fset_check(&s->set, sys, "wsclock", msg, len) < 0)
        return -1;
    for (frame_t f = 0; f < s->nframes; f++) {
        if (!s->set.on[f])
            continue;
        const struct proc *p = vmm__proc(sys, s->owner[f]);
        if (!p || s->used[f] > p->st.references) {
            snprintf(msg, len, "wsclock: frame %u: process P%u, last use %" PRIu64 " of %" PRIu64,
                     (unsigned)f, (unsigned)s->owner[f], s->used[f], p ? p->st.references : 0);
            return -1;
        }
    }
    return 0;
}

const struct vmm_policy_ops vmm__policy_wsclock = {
    .info = {"wsclock",
             "WSClock: a hand over the frames evicts a clean page unused for more than delta of "
             "its process's references",
             "delta=10000"},
    .needs = POLICY_WSET,
    .create = wsc_create,
    .destroy = wsc_destroy,
    .on_insert = wsc_insert,
    .on_remove = wsc_remove,
    .select_victim = wsc_victim,
    .check = wsc_check,
};
