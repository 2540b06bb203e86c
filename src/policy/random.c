/*
 * random.c - random replacement.
 *
 * The victim is frame (next() % F), F = the system's frames, where next() is a
 * splitmix64 generator private to the policy and seeded with the
 * configuration's seed (state = seed; each call adds 0x9E3779B97F4A7C15 and
 * mixes). Only victim selections draw numbers, so the choice sequence depends
 * on the seed and the number of faults with full memory, nothing else. Since
 * select_victim is called only when every frame holds a page, any frame is a
 * valid victim. Reference bits are not read. No parameters.
 *
 * Local replacement (sys->take_pid set): uniform among the n frames that hold
 * a page and that vmm__may_take allows: one number is drawn as above and the
 * (next() % n)-th of them, in frame-number order, is the victim. When every
 * frame is allowed and in use, that is frame next() % F, as without local
 * replacement. The choice sequence depends on the seed and the sets allowed
 * at each selection. O(F) per selection.
 *
 * The policy keeps a membership set for the invariant check and for the
 * frames in use under local replacement.
 */
#include "internal.h"
#include "policy/fset.h"

#include <stdlib.h>

struct rnd {
    struct vmm_system *sys; /* nframes, owners and take_pid, the invariant check */
    struct fset set;        /* frames holding a page */
    uint64_t state;         /* splitmix64 state */
};

/* splitmix64 (Steele, Lea, Flood 2014): 64 well-mixed bits per call. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int rnd_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct rnd *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->state = sys->cfg.seed;
    if (fset_init(&s->set, sys->nframes) < 0) {
        fset_destroy(&s->set);
        free(s);
        return VMM_ENOMEM;
    }
    *state = s;
    return 0;
}

static void rnd_destroy(void *state)
{
    struct rnd *s = state;
    if (!s)
        return;
    fset_destroy(&s->set);
    free(s);
}

static void rnd_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    fset_add(&((struct rnd *)state)->set, f);
}

static void rnd_remove(void *state, frame_t f)
{
    fset_del(&((struct rnd *)state)->set, f);
}

/* Local replacement: the k-th allowed frame, k drawn below their number. */
static frame_t rnd_victim_local(struct rnd *s)
{
    uint64_t n = 0;
    for (frame_t f = 0; f < s->sys->nframes; f++)
        n += fset_allowed(&s->set, s->sys, f);
    VMM_ASSERT(n > 0); /* some frame is allowed */
    uint64_t k = splitmix64(&s->state) % n;
    for (frame_t f = 0;; f++)
        if (fset_allowed(&s->set, s->sys, f) && k-- == 0)
            return f;
}

static frame_t rnd_victim(void *state)
{
    struct rnd *s = state;
    if (VMM_UNLIKELY(s->sys->take_pid))
        return rnd_victim_local(s);
    VMM_ASSERT(s->set.count == s->sys->nframes);
    return (frame_t)(splitmix64(&s->state) % s->sys->nframes);
}

static int rnd_check(void *state, char *msg, size_t len)
{
    struct rnd *s = state;
    return fset_check(&s->set, s->sys, "random", msg, len);
}

const struct vmm_policy_ops vmm__policy_random = {
    .info = {"random", "evict a frame chosen at random (seeded splitmix64)", ""},
    .needs = 0,
    .create = rnd_create,
    .destroy = rnd_destroy,
    .on_insert = rnd_insert,
    .on_remove = rnd_remove,
    .select_victim = rnd_victim,
    .check = rnd_check,
};
