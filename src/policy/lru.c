/*
 * lru.c - exact least-recently-used replacement.
 *
 * Every reference moves its frame to the most-recent end of a list threaded
 * through the frame numbers (O(1), no allocation); the victim is the least
 * recent end. A loaded page counts as referenced by the reference that
 * faulted it in. LRU is a stack algorithm: more frames never mean more faults.
 *
 * Local replacement (sys->take_pid set): the victim is the least recently
 * used frame vmm__may_take allows, found by walking the list from its least
 * recent end; the other processes' frames passed over keep their places.
 * peek_victim then gives no hint (FRAME_NONE).
 */
#include "internal.h"
#include "policy/flist.h"

#include <stdlib.h>

struct lru {
    struct vmm_system *sys; /* take_pid and owners (local replacement), the check */
    struct flist l;         /* head = least recently used */
};

static int lru_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct lru *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    *state = s;
    return flist_init(&s->l, sys->nframes);
}

static void lru_destroy(void *state)
{
    struct lru *s = state;
    flist_destroy(&s->l);
    free(s);
}

static void lru_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    flist_push(&((struct lru *)state)->l, f);
}

static void lru_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    flist_to_tail(&((struct lru *)state)->l, f);
}

static void lru_remove(void *state, frame_t f)
{
    flist_unlink(&((struct lru *)state)->l, f);
}

static frame_t lru_victim(void *state)
{
    struct lru *s = state;
    if (VMM_LIKELY(!s->sys->take_pid))
        return s->l.head;
    frame_t f = flist_first_allowed(&s->l, s->sys);
    VMM_ASSERT(f != FRAME_NONE);
    return f;
}

/* The head goes next, then its successor, unless referenced or freed first.
 * Under local replacement: no guess. */
static frame_t lru_peek(void *state, frame_t after)
{
    const struct lru *s = state;
    return s->sys->take_pid ? FRAME_NONE : flist_after(&s->l, after);
}

static int lru_check(void *state, char *msg, size_t len)
{
    struct lru *s = state;
    return vmm__flist_check(&s->l, s->sys, "lru", msg, len);
}

const struct vmm_policy_ops vmm__policy_lru = {
    .info = {"lru", "least recently used: evict the page unused for longest (exact)", ""},
    .needs = POLICY_ON_ACCESS,
    .create = lru_create,
    .destroy = lru_destroy,
    .on_insert = lru_insert,
    .on_access = lru_access,
    .on_remove = lru_remove,
    .select_victim = lru_victim,
    .peek_victim = lru_peek,
    .check = lru_check,
};
