/*
 * opt.c - the optimal policy (Belady's MIN): evict the page whose next use is
 * farthest in the future. It needs the whole trace in advance
 * (POLICY_FUTURE), so it is a yardstick for the others, not something an OS
 * can run. OPT is a stack algorithm: more frames never mean more faults.
 *
 * The core passes, with every reference (on_insert for the faulting one,
 * on_access for hits), next_use: the 1-based sequence number, over all
 * processes, of the next reference to the same (pid, page), or
 * NEXT_USE_NEVER. Each frame gets one 64-bit key, larger = better victim:
 *
 *   next use at reference n (finite)   key = n                    (< 2^63)
 *   never used again                   key = 2^63 + (2^62 - t)
 *
 * where t is the sequence number of the reference that set the key (the
 * page's last reference, sys->st.references at the call). So every page never
 * used again outranks every page that is, and among those the one referenced
 * longest ago goes first (LRU among the dead). Keys are distinct: two resident
 * pages cannot share a next reference, nor a last one. next_use = 0 ("not
 * known", when the core has no look-ahead) is treated as never, so OPT without
 * a future degenerates to LRU.
 *
 * Structure: a 4-ary max-heap of (key, frame) with pos[f] = index of f in the
 * heap. A hit raises a key from "now" to the page's next use; the page was
 * the heap's minimum, a leaf, and sifts up a few levels on average. Victim =
 * the root, O(1); removal and insertion O(log F).
 *
 * An eviction removes the root and, at once, inserts the page loaded into
 * its frame. Done one after the other, that is a sift down of the last
 * entry from the root and a sift up of the new one, often to the root: a
 * page faulted in is often never used again, which ranks first. So the
 * root's removal is left pending (a hole at the root) and the insertion
 * that follows fills the hole and sifts down once, usually not far. Any
 * other call first settles a pending removal the usual way. Keys are
 * distinct, so the victims are the same either way.
 *
 * Local replacement (sys->take_pid set): the victim is the frame with the
 * largest key among those vmm__may_take allows: the allowed page referenced
 * farthest in the future (next_use counts every process's references), or,
 * among allowed pages never used again, the one referenced longest ago. The
 * heap is searched, not changed; a subtree whose root ranks below the best
 * allowed frame found so far is skipped (the heap order bounds it).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#define KEY_NEVER      (1ull << 63)
#define KEY_NEVER_SPAN (1ull << 62)
#define POS_NONE       UINT32_MAX

struct hent {
    uint64_t key; /* victim rank, larger first (see above) */
    frame_t f;    /* the frame it ranks */
};

struct opt {
    struct vmm_system *sys; /* the current sequence number, owners and take_pid, the check */
    void *mem;              /* the heap's allocation */
    struct hent *heap;      /* 4-ary max-heap by key, heap[0] = next victim */
    uint32_t *pos;          /* pos[f]: index of f in heap, POS_NONE if untracked */
    uint32_t n;             /* entries in heap, a hole at the root included */
    bool hole;              /* heap[0] is vacant: its frame was removed (above) */
    uint64_t nframes;       /* F */
};

static inline uint64_t opt_key(const struct opt *s, uint64_t next_use)
{
    if (next_use == NEXT_USE_NEVER || next_use == 0) {
        uint64_t t = s->sys->st.references;
        VMM_ASSERT(t < KEY_NEVER_SPAN);
        return KEY_NEVER + (KEY_NEVER_SPAN - t);
    }
    VMM_ASSERT(next_use < KEY_NEVER);
    return next_use;
}

/* The heap is 4-ary: node i's children are 4i+1 .. 4i+4, its parent
 * (i-1)/4. Half the levels of a binary heap, so a sift up (a hit's key
 * raised, the common case) crosses half as many cache lines; the array is
 * placed so that each node's four children (16 bytes each) share one line,
 * which a sift down reads at once. */
#define ARITY 4

static void sift_up(struct opt *s, uint32_t i)
{
    struct hent e = s->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / ARITY;
        if (s->heap[p].key >= e.key)
            break;
        s->heap[i] = s->heap[p];
        s->pos[s->heap[i].f] = i;
        i = p;
    }
    s->heap[i] = e;
    s->pos[e.f] = i;
}

static void sift_down(struct opt *s, uint32_t i)
{
    struct hent e = s->heap[i];
    for (;;) {
        uint32_t c = ARITY * i + 1, end = c + ARITY < s->n ? c + ARITY : s->n;
        if (c >= s->n)
            break;
        for (uint32_t k = c + 1; k < end; k++)
            if (s->heap[k].key > s->heap[c].key)
                c = k;
        if (s->heap[c].key <= e.key)
            break;
        s->heap[i] = s->heap[c];
        s->pos[s->heap[i].f] = i;
        i = c;
    }
    s->heap[i] = e;
    s->pos[e.f] = i;
}

/* A pending removal of the root done the usual way: the last entry moves
 * into the hole and sifts down. */
static void settle(struct opt *s)
{
    if (VMM_LIKELY(!s->hole))
        return;
    s->hole = false;
    uint32_t last = --s->n;
    if (last == 0)
        return;
    s->heap[0] = s->heap[last];
    sift_down(s, 0);
}

static void opt_destroy(void *state)
{
    struct opt *s = state;
    if (!s)
        return;
    free(s->mem);
    free(s->pos);
    free(s);
}

static int opt_create(struct vmm_system *sys, const struct policy_params *pp, void **state)
{
    (void)pp;
    struct opt *s = calloc(1, sizeof *s);
    if (!s)
        return VMM_ENOMEM;
    s->sys = sys;
    s->nframes = sys->nframes;
    /* heap[1] on a 64-byte boundary: the children of i start at 4i+1 */
    size_t bytes = (sys->nframes + 3) * sizeof *s->heap;
    s->mem = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    s->heap = s->mem ? (struct hent *)s->mem + 3 : NULL;
    s->pos = malloc(sys->nframes * sizeof *s->pos);
    if (!s->heap || !s->pos) {
        opt_destroy(s);
        return VMM_ENOMEM;
    }
    for (uint64_t f = 0; f < sys->nframes; f++)
        s->pos[f] = POS_NONE;
    *state = s;
    return 0;
}

static void opt_insert(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    struct opt *s = state;
    (void)op;
    VMM_ASSERT(f < s->nframes && s->pos[f] == POS_NONE);
    if (s->hole) { /* an eviction's: the new entry fills the root */
        s->hole = false;
        s->heap[0] = (struct hent){opt_key(s, next_use), f};
        sift_down(s, 0);
        return;
    }
    uint32_t i = s->n++;
    s->heap[i] = (struct hent){opt_key(s, next_use), f};
    sift_up(s, i);
}

static void opt_access(void *state, frame_t f, unsigned op, uint64_t next_use)
{
    struct opt *s = state;
    (void)op;
    settle(s);
    uint32_t i = s->pos[f];
    VMM_ASSERT(i != POS_NONE);
    uint64_t old = s->heap[i].key;
    s->heap[i].key = opt_key(s, next_use);
    if (s->heap[i].key > old)
        sift_up(s, i);
    else
        sift_down(s, i);
}

/* A hit changes f's key: its position, then its heap entry. */
static void opt_prefetch(void *state, frame_t f, unsigned step)
{
    const struct opt *s = state;
    if (step == 0)
        __builtin_prefetch(&s->pos[f]);
    else if (s->pos[f] != POS_NONE)
        __builtin_prefetch(&s->heap[s->pos[f]], 1);
}

static void opt_remove(void *state, frame_t f)
{
    struct opt *s = state;
    settle(s);
    uint32_t i = s->pos[f];
    VMM_ASSERT(i != POS_NONE);
    s->pos[f] = POS_NONE;
    if (i == 0) { /* pending: an insertion is likely next */
        s->hole = true;
        return;
    }
    uint32_t last = --s->n;
    if (i == last)
        return;
    uint64_t old = s->heap[i].key;
    s->heap[i] = s->heap[last];
    if (s->heap[i].key > old)
        sift_up(s, i);
    else
        sift_down(s, i);
}

/* Local replacement: the allowed frame with the largest key. A depth-first
 * walk of the heap, skipping subtrees that cannot beat the best so far; the
 * stack holds at most three pending siblings per level, and a heap of fewer
 * than 2^32 entries has at most 16 levels. */
static frame_t opt_victim_local(const struct opt *s)
{
    uint32_t stack[64], top = 0;
    frame_t best = FRAME_NONE;
    uint64_t key = 0;
    if (s->n)
        stack[top++] = 0;
    while (top) {
        uint32_t i = stack[--top];
        for (;;) {
            const struct hent *e = &s->heap[i];
            if (best != FRAME_NONE && e->key <= key)
                break; /* nothing below ranks higher */
            if (vmm__may_take(s->sys, e->f)) {
                best = e->f; /* its subtree ranks lower: done with it */
                key = e->key;
                break;
            }
            uint32_t c = ARITY * i + 1;
            if (c >= s->n)
                break;
            for (uint32_t k = c + ARITY - 1; k > c; k--)
                if (k < s->n)
                    stack[top++] = k;
            i = c;
        }
    }
    VMM_ASSERT(best != FRAME_NONE); /* some frame is allowed */
    return best;
}

static frame_t opt_victim(void *state)
{
    struct opt *s = state;
    settle(s);
    if (VMM_UNLIKELY(s->sys->take_pid))
        return opt_victim_local(s);
    VMM_ASSERT(s->n > 0);
    return s->heap[0].f;
}

/* Which of the root's children (0 .. ARITY-1) ranks first; n >= 2. */
static uint32_t top_child(const struct opt *s)
{
    uint32_t c = 1;
    for (uint32_t k = 2; k <= ARITY && k < s->n; k++)
        if (s->heap[k].key > s->heap[c].key)
            c = k;
    return c - 1;
}

/* The root goes next, then the largest of its children, unless a page
 * loaded or referenced meanwhile outranks them. Under local replacement: no
 * guess. */
static frame_t opt_peek(void *state, frame_t after)
{
    const struct opt *s = state;
    if (s->sys->take_pid || !s->n)
        return FRAME_NONE;
    if (s->hole) /* (the root's child: next unless the page coming in ranks first) */
        return after == FRAME_NONE && s->n > 1 ? s->heap[1 + top_child(s)].f : FRAME_NONE;
    if (after == FRAME_NONE)
        return s->heap[0].f;
    if (after != s->heap[0].f || s->n < 2)
        return FRAME_NONE;
    return s->heap[1 + top_child(s)].f;
}

static int opt_check(void *state, char *msg, size_t len)
{
    struct opt *s = state;
    const struct vmm_system *sys = s->sys;
    uint64_t tracked = 0;
    for (uint32_t i = s->hole; i < s->n; i++) {
        frame_t f = s->heap[i].f;
        if (f >= s->nframes || s->pos[f] != i) {
            snprintf(msg, len, "opt: heap entry %u names frame %u, whose position is wrong",
                     (unsigned)i, (unsigned)f);
            return -1;
        }
        if (i > 0 && (i - 1) / ARITY >= s->hole && s->heap[(i - 1) / ARITY].key < s->heap[i].key) {
            snprintf(msg, len, "opt: heap order broken at entry %u", (unsigned)i);
            return -1;
        }
        if (!sys->frames[f].pte) {
            snprintf(msg, len, "opt: tracks frame %u, which holds no page", (unsigned)f);
            return -1;
        }
    }
    for (uint64_t f = 0; f < s->nframes; f++)
        tracked += s->pos[f] != POS_NONE;
    if (tracked != s->n - s->hole || tracked != sys->nframes - sys->nfree) {
        snprintf(msg, len,
                 "opt: tracks %" PRIu64 " frames (heap %u, hole %d), %" PRIu64 " hold pages",
                 tracked, (unsigned)s->n, s->hole, sys->nframes - sys->nfree);
        return -1;
    }
    return 0;
}

const struct vmm_policy_ops vmm__policy_opt = {
    .info = {"opt", "optimal (Belady): evict the page used farthest in the future", ""},
    .needs = POLICY_ON_ACCESS | POLICY_FUTURE,
    .create = opt_create,
    .destroy = opt_destroy,
    .on_insert = opt_insert,
    .on_access = opt_access,
    .on_remove = opt_remove,
    .select_victim = opt_victim,
    .peek_victim = opt_peek,
    .prefetch = opt_prefetch,
    .check = opt_check,
};
