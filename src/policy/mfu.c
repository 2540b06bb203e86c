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
 *
 * Local replacement (sys->take_pid set): the same order restricted to the
 * frames vmm__may_take allows: the buckets are walked from the largest count
 * down, each from its head, and the first allowed frame is the victim; nothing
 * moves.
 */
#include "internal.h"
#include "policy/freq.h"

static frame_t mfu_victim(void *state)
{
    struct freq *q = state;
    if (VMM_UNLIKELY(q->sys->take_pid)) {
        frame_t f = freq_first_allowed(q, true);
        VMM_ASSERT(f != FRAME_NONE);
        return f;
    }
    VMM_ASSERT(q->last != BKT_NONE);
    return q->b[q->last].head;
}

const struct vmm_policy_ops vmm__policy_mfu = {
    .info = {"mfu", "most frequently used: evict the page with the most references since load", ""},
    .needs = POLICY_ON_ACCESS,
    .create = freq_op_create,
    .destroy = freq_op_destroy,
    .on_insert = freq_op_insert,
    .on_access = freq_op_access,
    .on_remove = freq_op_remove,
    .select_victim = mfu_victim,
    .check = freq_op_check,
};
