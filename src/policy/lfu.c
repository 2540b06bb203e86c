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
 *
 * Local replacement (sys->take_pid set): the same order restricted to the
 * frames vmm__may_take allows: the buckets are walked from the smallest count
 * up, each from its head, and the first allowed frame is the victim; nothing
 * moves.
 */
#include "internal.h"
#include "policy/freq.h"

static frame_t lfu_victim(void *state)
{
    struct freq *q = state;
    if (VMM_UNLIKELY(q->sys->take_pid)) {
        frame_t f = freq_first_allowed(q, false);
        VMM_ASSERT(f != FRAME_NONE);
        return f;
    }
    VMM_ASSERT(q->first != BKT_NONE);
    return q->b[q->first].head;
}

const struct vmm_policy_ops vmm__policy_lfu = {
    .info = {"lfu", "least frequently used: evict the page with the fewest references since load",
             ""},
    .needs = POLICY_ON_ACCESS,
    .create = freq_op_create,
    .destroy = freq_op_destroy,
    .on_insert = freq_op_insert,
    .on_access = freq_op_access,
    .on_remove = freq_op_remove,
    .select_victim = lfu_victim,
    .check = freq_op_check,
};
