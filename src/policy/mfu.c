/*
 * mfu.c - most frequently used replacement.
 *
 * Each page's count is the number of references to it since it was loaded:
 * the loading reference counts 1 and every hit adds 1; eviction forgets it
 * (a page loaded again starts at 1). The victim has the largest count.
 * MFU's argument (Silberschatz 10.4.6): the page with the smallest count was
 * probably just brought in and has yet to be used.
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

static int mfu_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
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

static void mfu_destroy(void *state)
{
    if (!state)
        return;
    freq_destroy(state);
    free(state);
}

static void mfu_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_insert(state, f);
}

static void mfu_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    (void)op;
    (void)next_use;
    freq_hit(state, f);
}

static void mfu_remove(void *state, frame_t f)
{
    freq_remove(state, f);
}

static frame_t mfu_victim(void *state)
{
    struct freq *q = state;
    VMM_ASSERT(q->last != BKT_NONE);
    return q->b[q->last].head;
}

static int mfu_check(void *state, char *msg, size_t len)
{
    return freq_check(state, "mfu", msg, len);
}

const struct vmm_policy_ops vmm__policy_mfu = {
    .info = {"mfu", "most frequently used: evict the page with the most references since load", ""},
    .needs = POLICY_ON_ACCESS,
    .create = mfu_create,
    .destroy = mfu_destroy,
    .on_insert = mfu_insert,
    .on_access = mfu_access,
    .on_remove = mfu_remove,
    .select_victim = mfu_victim,
    .check = mfu_check,
};
