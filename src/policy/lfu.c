/*
 * lfu.c - least frequently used replacement.
 *
 * Each page's count is the number of references to it since it was loaded:
 * the loading reference counts 1 and every hit adds 1; eviction forgets it
 * (a page loaded again starts at 1). The victim has the smallest count.
 * LFU keeps pages that were used often; its weakness is that a page used
 * heavily long ago stays, and a new page (count 1) is the first candidate.
 *
 * Conventions
 *  - Ties (equal counts): the page whose last reference is oldest (LRU among
 *    them); among pages with count 1 that is the page loaded longest ago.
 *  - Needs a callback on every hit (POLICY_ON_ACCESS); reads no PTE bits.
 *  - O(1) per reference and per eviction with frequency buckets (freq.h).
 *  - No parameters.
 */
#include "internal.h"
#include "policy/freq.h"

#include <stdlib.h>

static int lfu_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct freq *q = malloc(sizeof *q);
    if (!q)
        return VMM_ENOMEM;
    if (freq_init(q, sys) < 0) {
        free(q);
        return VMM_ENOMEM;
    }
    *state = q;
    return 0;
}

static void lfu_destroy(void *state)
{
    if (!state)
        return;
    freq_destroy(state);
    free(state);
}

static void lfu_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_insert(state, f);
}

static void lfu_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_hit(state, f);
}

static void lfu_remove(void *state, frame_t f)
{
    freq_remove(state, f);
}

static frame_t lfu_victim(void *state)
{
    struct freq *q = state;
    VMM_ASSERT(q->first != BKT_NONE);
    return q->b[q->first].head;
}

static int lfu_check(void *state, char *msg, size_t len)
{
    return freq_check(state, "lfu", msg, len);
}

const struct vmm_policy_ops vmm__policy_lfu = {
    .info = {"lfu", "least frequently used: evict the page with the fewest references since load",
             ""},
    .needs = POLICY_ON_ACCESS,
    .create = lfu_create,
    .destroy = lfu_destroy,
    .on_insert = lfu_insert,
    .on_access = lfu_access,
    .on_remove = lfu_remove,
    .select_victim = lfu_victim,
    .check = lfu_check,
};
