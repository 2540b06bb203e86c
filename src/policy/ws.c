/*
 * ws.c - working-set replacement: evict pages outside their process's
 * working set first (Denning's working set W(t, delta), used to choose a
 * victim in a fixed number of frames).
 *
 * Whose page is it? Each frame remembers the process that referenced it last
 * (sys->cur when the core calls on_insert or on_access: the loading
 * reference and every hit) and that process's reference number then, its
 * virtual time. A frame is OUTSIDE its process's working set when
 *
 *      age = owner's references now - the recorded reference number >= delta
 *
 * that is, the owner has not referenced it in its last delta references
 * (exactly the pages wset.c would not list for it), or when the owner has
 * ended (age taken as infinite). A page shared by several processes belongs
 * to whichever touched it last. W is about references, not mappings: a
 * frame stays its owner's after the owner stops mapping it (a copy-on-write
 * copy, munmap of a file page the page cache keeps) until someone else
 * references it.
 *
 * The victim, among the frames vmm__may_take allows (local replacement):
 *   1. of the frames outside, the one of largest age (an ended owner's first);
 *      ties go to the least recently used (globally);
 *   2. if every frame is inside its working set, the least recently used.
 *
 *   LRU list (head = least recent)    f3 -> f0 -> f5 -> f1 -> f2 -> f4
 *   owner, age (delta = 5)            P1,7  P2,2  P1,6  P2,9  P1,0  P2,1
 *   outside (age >= 5)                 x           x     x
 *   victim: the largest age, f1 (P2, 9); with delta = 10, none is outside: f3
 *
 * For one process the two rules agree with LRU (its virtual time orders its
 * references as the global clock does), so ws differs from lru only when
 * processes share memory: a process that runs a lot keeps its recent pages
 * while an idle one loses the pages it has not touched in delta of its own
 * references, however long ago that was in real time.
 *
 * Cost: O(1) per reference (a move to the list's tail); O(frames) per victim,
 * a walk of the whole list, accepted for a policy meant for studies rather
 * than speed. delta is the system's working-set window (cfg.ws_delta, or the
 * parameter delta=, default 10000).
 */
#include "internal.h"
#include "policy/flist.h"

#include <stdio.h>
#include <stdlib.h>

#define AGE_ENDED UINT64_MAX /* the age of a frame whose owner has ended */

struct ws {
    struct vmm_system *sys; /* processes' virtual times, cfg.ws_delta, vmm__may_take */
    struct flist l;         /* every frame in use, head = least recently used */
    uint32_t *owner;        /* per frame: pid of the process that referenced it last */
    uint64_t *last;         /* per frame: that process's reference number then (>= 1) */
};

static int ws_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    struct ws *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    *state = s;
    int r = vmm__param_delta(sys, pp);
    if (r < 0)
        return r;
    s->owner = vmm__alloc_big(sys->nframes * sizeof *s->owner);
    s->last = vmm__alloc_big(sys->nframes * sizeof *s->last);
    if (!s->owner || !s->last)
        return VMM_ENOMEM;
    return flist_init(&s->l, sys->nframes);
}

static void ws_destroy(void *state)
{
    struct ws *s = state;
    if (!s)
        return;
    flist_destroy(&s->l);
    vmm__free_big(s->owner, s->sys->nframes * sizeof *s->owner);
    vmm__free_big(s->last, s->sys->nframes * sizeof *s->last);
    free(s);
}

/* f was referenced by the process making the current reference. */
static void stamp(struct ws *s, frame_t f)
{
    const struct proc *p = s->sys->cur;
    VMM_ASSERT(p != NULL);
    s->owner[f] = p->pid;
    s->last[f] = p->st.references;
}

static void ws_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    struct ws *s = state;
    flist_push(&s->l, f);
    stamp(s, f);
}

static void ws_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    struct ws *s = state;
    flist_to_tail(&s->l, f);
    stamp(s, f);
}

static void ws_remove(void *state, frame_t f)
{
    struct ws *s = state;
    flist_unlink(&s->l, f);
    s->owner[f] = 0;
}

/* Owner's references since its last reference to f; AGE_ENDED if it ended. */
static uint64_t age_of(const struct ws *s, frame_t f)
{
    const struct proc *p = vmm__proc(s->sys, s->owner[f]);
    if (!p || !p->live)
        return AGE_ENDED;
    return p->st.references - s->last[f];
}

/* Walks the LRU list once: the oldest frame outside its working set, else
 * the least recently used, among the frames that may be taken. Changes
 * nothing. */
static frame_t ws_victim(void *state)
{
    struct ws *s = state;
    const struct vmm_system *sys = s->sys;
    uint64_t delta = sys->cfg.ws_delta, best_age = 0;
    frame_t best = FRAME_NONE, lru = FRAME_NONE;
    for (frame_t f = s->l.head; f != FRAME_NONE; f = s->l.link[f].next) {
        if (!vmm__may_take(sys, f))
            continue;
        if (lru == FRAME_NONE)
            lru = f;
        uint64_t age = age_of(s, f);
        if (age >= delta && (best == FRAME_NONE || age > best_age)) {
            best = f;
            best_age = age;
            if (age == AGE_ENDED) /* nothing is older, and ties go to the first */
                break;
        }
    }
    VMM_ASSERT(lru != FRAME_NONE);
    return best != FRAME_NONE ? best : lru;
}

/*
 * The list holds exactly the frames in use; every one has an owner that
 * exists and a reference number it has reached. And a cross-check with
 * wset.c: when the frame's first mapping is its live owner's (an anonymous
 * page; an object's frame is first mapped by the object), the owner's every
 * reference to that page went through this frame since the mapping was made
 * by one of them, so the owner's working set holds the page iff the frame is
 * inside, with the same last reference.
 */
static int ws_check(void *state, char *msg, size_t len)
{
    struct ws *s = state;
    const struct vmm_system *sys = s->sys;
    if (vmm__flist_check(&s->l, sys, "ws", msg, len) < 0)
        return -1;
    for (frame_t f = s->l.head; f != FRAME_NONE; f = s->l.link[f].next) {
        const struct proc *p = vmm__proc(sys, s->owner[f]);
        if (!p || s->last[f] == 0 || s->last[f] > p->st.references) {
            snprintf(msg, len, "ws: frame %u: owner P%u, last reference %" PRIu64 " of %" PRIu64,
                     (unsigned)f, (unsigned)s->owner[f], s->last[f], p ? p->st.references : 0);
            return -1;
        }
        const struct frame *fr = &sys->frames[f];
        if (!p->live || !p->ws || fr->pid != p->pid || (fr->flags & FR_FILE))
            continue;
        bool inside = p->st.references - s->last[f] < sys->cfg.ws_delta;
        uint64_t w = vmm__ws_last(p, fr->vpn);
        if (w != (inside ? s->last[f] : 0)) {
            snprintf(msg, len,
                     "ws: frame %u (P%u page 0x%" PRIx64 "): last reference %" PRIu64
                     " (%s the window), the working set says %" PRIu64,
                     (unsigned)f, (unsigned)p->pid, fr->vpn, s->last[f],
                     inside ? "inside" : "outside", w);
            return -1;
        }
    }
    return 0;
}

const struct vmm_policy_ops vmm__policy_ws = {
    .info = {"ws",
             "working set: evict the page longest outside its process's last delta references, "
             "else the least recently used",
             "delta=10000"},
    .needs = POLICY_ON_ACCESS | POLICY_WSET,
    .create = ws_create,
    .destroy = ws_destroy,
    .on_insert = ws_insert,
    .on_access = ws_access,
    .on_remove = ws_remove,
    .select_victim = ws_victim,
    .check = ws_check,
};
